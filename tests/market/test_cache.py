"""The market cache: datasets and trained predictions read back give the same market, bit for bit."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np

from taosandbox.market import Market, TaskSpec
from taosandbox.market.cache import MarketCache

SPEC = TaskSpec("make_classification", pool_size=64, drift_block=30)


def build(cache: MarketCache | None) -> Market:
    m = Market(SPEC, seed=5, cache=cache)
    m.add_miner(0, model="logistic", budget=200, seed=1)
    m.add_miner(1, model="forest", params={"n_estimators": 3}, budget=100, seed=2)
    m.add_miner(2, model="mlp", params={"hidden": 4, "max_iter": 20}, budget=60, seed=3)
    m.add_validator(5, seed=4)
    for block in range(1, 41):  # through the drift: predictions of the second phase come from the cache too
        m.step(block)
    m.retrain(1, 41)  # a fit in the second phase
    return m


def entries(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.npz"))


def test_cold_and_warm_cache_give_the_uncached_market(tmp_path: Path) -> None:
    cache = MarketCache(tmp_path / "market")
    plain = build(None)
    cold = build(cache)
    stored = entries(cache.directory)
    assert len(stored) == 5  # the dataset, three fits in phase 0, one in phase 1
    warm = build(cache)
    assert entries(cache.directory) == stored
    for other in (cold, warm):
        assert other.state_digest() == plain.state_digest()
        np.testing.assert_array_equal(other.answers, plain.answers)


def test_damaged_or_foreign_entries_are_rebuilt(tmp_path: Path) -> None:
    cache = MarketCache(tmp_path / "market")
    plain = build(cache)
    files = entries(cache.directory)
    files[0].write_bytes(files[0].read_bytes()[:-10])  # torn
    raw = bytearray(files[1].read_bytes())
    raw[-20] ^= 0xFF  # one flipped byte: the payload digest no longer matches
    files[1].write_bytes(bytes(raw))
    files[2].write_bytes(b"")  # empty
    again = build(cache)
    assert again.state_digest() == plain.state_digest()
    assert all(cache.load(p.stem) is not None for p in files)  # rewritten sound


def test_wrong_shape_entry_is_not_trusted(tmp_path: Path) -> None:
    cache = MarketCache(tmp_path / "market")
    plain = build(cache)
    for p in entries(cache.directory):
        arrays = cache.load(p.stem)
        if "preds" in arrays:
            cache.store(p.stem, preds=arrays["preds"][:-1])  # sound file, wrong size
    assert build(cache).state_digest() == plain.state_digest()


def test_cache_off_writes_nothing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TAOSANDBOX_HOME", str(tmp_path))
    monkeypatch.setenv("TAOSANDBOX_FIT_CACHE", "off")
    Market(SPEC, seed=5).add_miner(0, model="logistic", budget=50, seed=1)
    assert not (tmp_path / "cache" / "market").exists()


def test_warm_build_does_not_import_sklearn(tmp_path: Path) -> None:
    code = textwrap.dedent("""
        import sys
        from taosandbox.market import Market, TaskSpec
        m = Market(TaskSpec("digits", pool_size=64), seed=1)
        m.add_miner(0, model="tree", budget=100, seed=2)
        print("sklearn" in sys.modules)
    """)
    env = dict(os.environ, TAOSANDBOX_HOME=str(tmp_path), TAOSANDBOX_FIT_CACHE="on",
               PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    runs = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
            for _ in range(2)]
    assert [r.stdout.strip() for r in runs] == ["True", "False"]
