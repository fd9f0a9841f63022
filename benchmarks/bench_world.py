"""Build a world and fast-forward one simulated day (7,200 blocks, tempo 1) with model miners.

    python benchmarks/bench_world.py --neurons 64     # target < 10 s
    python benchmarks/bench_world.py --neurons 256    # target < 30 s, peak memory < 300 MB
    python benchmarks/bench_world.py --neurons 256 --compare-cache --blocks 0

Prints the time to build the world (imports and scikit-learn fits included), the time for the day, and
the peak resident memory of the process. ``--compare-cache`` builds the same world in three fresh
processes sharing a new empty user cache: without the market cache (``TAOSANDBOX_FIT_CACHE=off``, the old
path), with it cold (fits run and are stored) and warm (datasets and predictions read back), checks the
three state hashes agree, and reports each time and warm / uncached.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def scenario(neurons: int) -> dict:
    validators = min(64, max(4, neurons // 8))
    miners = neurons - validators
    kinds = [("forest", 600), ("logistic", 400), ("knn", 300), ("naive_bayes", 300), ("tree", 150),
             ("mlp", 300)]
    per_kind = miners // len(kinds)
    spec = [{"role": "validator", "strategy": "honest", "count": validators - 2, "stake_tao": 1000,
             "registered_block": -20000},
            {"role": "validator", "strategy": "copier", "stake_tao": 500, "registered_block": -20000},
            {"role": "validator", "strategy": "noisy", "stake_tao": 500, "registered_block": -20000}]
    for k, (model, budget) in enumerate(kinds):
        count = per_kind if k else miners - per_kind * (len(kinds) - 1)
        spec.append({"role": "miner", "model": model, "budget": budget, "count": count,
                     "registered_block": -20000})
    return {"seed": 1, "task": {"dataset": "digits", "pool_size": 512}, "neurons": spec,
            "hyperparameters": {"max_allowed_uids": 256},
            "arrivals": [{"every": 360, "balance_tao": 5}]}


def run(neurons: int, blocks: int) -> None:
    start = time.perf_counter()
    from taosandbox.world import World

    world = World(scenario(neurons))
    built = time.perf_counter() - start
    start = time.perf_counter()
    world.advance(blocks)
    elapsed = max(time.perf_counter() - start, 1e-9)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert world.subnet.ledger.conservation_gap() == 0
    print(f"{neurons} neurons: built in {built:.2f} s; {blocks} blocks in {elapsed:.2f} s "
          f"({blocks / elapsed:,.0f} blocks/s); peak memory {peak:.0f} MB; "
          f"{len(world.events):,} events; state {world.state_hash()}")


def compare_cache(neurons: int, blocks: int) -> None:
    """Build in fresh processes: no cache, cold cache, warm cache (one new TAOSANDBOX_HOME)."""
    checkout = str(Path(__file__).resolve().parents[1])
    with tempfile.TemporaryDirectory(prefix="bench-world-") as home:
        results = {}
        for label, cache in (("no cache (old path)", "off"), ("cache cold", "on"), ("cache warm", "on")):
            env = dict(os.environ, TAOSANDBOX_HOME=home, TAOSANDBOX_FIT_CACHE=cache,
                       PYTHONPATH=checkout + os.pathsep + os.environ.get("PYTHONPATH", ""))
            out = subprocess.run([sys.executable, __file__, "--neurons", str(neurons), "--blocks", str(blocks)],
                                 env=env, check=True, capture_output=True, text=True).stdout.strip()
            built = float(re.search(r"built in ([\d.]+) s", out).group(1))
            results[label] = (built, out.rsplit("state ", 1)[1])
            print(f"{label:20s} {out}")
    hashes = {state for _, state in results.values()}
    if len(hashes) != 1:
        raise SystemExit(f"state hashes differ between the runs: {sorted(hashes)}")
    base = results["no cache (old path)"][0]
    warm = results["cache warm"][0]
    print(f"build: {base:.2f} s without the cache, {warm:.2f} s warm: {warm / base:.2f}x; same state hash")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--neurons", type=int, default=64)
    parser.add_argument("--blocks", type=int, default=7200)
    parser.add_argument("--compare-cache", action="store_true",
                        help="build without, cold and warm market cache in fresh processes")
    args = parser.parse_args()
    if args.compare_cache:
        compare_cache(args.neurons, args.blocks)
    else:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout
        run(args.neurons, args.blocks)


if __name__ == "__main__":
    main()
