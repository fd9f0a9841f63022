"""Fast-forward one simulated day (7,200 blocks, tempo 1) with model miners.

    python benchmarks/bench_world.py --neurons 64     # target < 10 s
    python benchmarks/bench_world.py --neurons 256    # target < 30 s, peak memory < 300 MB

Prints the time to build the world (scikit-learn fits included), the time for the day, and the peak
resident memory of the process.
"""

from __future__ import annotations

import argparse
import resource
import time


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--neurons", type=int, default=64)
    parser.add_argument("--blocks", type=int, default=7200)
    args = parser.parse_args()
    start = time.perf_counter()
    from taosandbox.world import World

    world = World(scenario(args.neurons))
    built = time.perf_counter() - start
    start = time.perf_counter()
    world.advance(args.blocks)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert world.subnet.ledger.conservation_gap() == 0
    print(f"{args.neurons} neurons: built in {built:.2f} s; {args.blocks} blocks in {elapsed:.2f} s "
          f"({args.blocks / elapsed:,.0f} blocks/s); peak memory {peak:.0f} MB; "
          f"{len(world.events):,} events")


if __name__ == "__main__":
    main()
