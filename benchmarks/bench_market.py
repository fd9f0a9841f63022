"""Market timings: building markets of model miners, and one block of scoring.

Run: python benchmarks/bench_market.py [--dataset digits]
Prints times only; nothing here is asserted (STYLE §7.4).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from taosandbox.market import MODEL_KINDS, Market, TaskSpec  # noqa: E402

BUDGETS = (50, 100, 200, 400, 800)
STEPS = 2000


def build(
    dataset: str, n_miners: int, seed: int = 0, drift_block: int | None = None
) -> tuple[Market, float, float]:
    """A market with n_miners honest model miners of every kind; returns (market, data s, miners s)."""
    t0 = time.perf_counter()
    m = Market(TaskSpec(dataset, drift_block=drift_block), seed=seed)
    t1 = time.perf_counter()
    kinds = [k for k, s in MODEL_KINDS.items() if m.kind in s.tasks]
    for uid in range(n_miners):
        m.add_miner(
            uid,
            model=kinds[uid % len(kinds)],
            budget=BUDGETS[(uid // len(kinds)) % len(BUDGETS)],
            seed=seed * 1000 + uid,
        )
    t2 = time.perf_counter()
    return m, t1 - t0, t2 - t1


def step_time(m: Market, n_validators: int, first_uid: int, blocks: int = STEPS) -> float:
    for i in range(n_validators):
        m.add_validator(first_uid + i, seed=i)
    for b in range(1, 51):  # warm up
        m.step(b)
    t = time.perf_counter()
    for b in range(51, 51 + blocks):
        m.step(b)
    return (time.perf_counter() - t) / blocks


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dataset", default="digits")
    args = ap.parse_args()
    t = time.perf_counter()
    import sklearn.ensemble, sklearn.linear_model, sklearn.neighbors, sklearn.neural_network  # noqa: E401, F401

    print(f"import sklearn estimators: {time.perf_counter() - t:.2f} s")
    print(f"dataset {args.dataset}")
    for n in (64, 256):
        m, data_s, miners_s = build(args.dataset, n)
        print(
            f"build {n:3d} model miners: data {data_s * 1e3:6.1f} ms, miners {miners_s:5.2f} s "
            f"({miners_s / n * 1e3:5.1f} ms/miner, {len(m._fits)} distinct fits)"
        )
    for n_miners, n_val in ((64, 16), (64, 64), (256, 64)):
        m, _, _ = build(args.dataset, n_miners, drift_block=STEPS + 51)
        per = step_time(m, n_val, first_uid=n_miners)
        print(f"step(): {n_val:2d} validators x {n_miners:3d} miners: {per * 1e6:7.1f} us/block")
    t = time.perf_counter()
    for _ in range(200):
        m.state_digest()
    print(f"state_digest() (64 x 256): {(time.perf_counter() - t) / 200 * 1e6:.1f} us per call")
    t = time.perf_counter()
    m.step(STEPS + 51)
    print(f"drift block (256 stale models re-predict): {(time.perf_counter() - t) * 1e3:.1f} ms")
    m, _, _ = build(args.dataset, 64)
    m.add_validator(999, seed=1)
    m.step(1)
    t = time.perf_counter()
    for _ in range(200):
        w = m.weights(999, 256, None)
    assert w is not None
    print(f"weights(): {(time.perf_counter() - t) / 200 * 1e6:.1f} us per call")


if __name__ == "__main__":
    main()
