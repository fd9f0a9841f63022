"""Time one ``yuma_2024`` epoch on a full subnet: n = 256 uids, 64 permitted validators.

    /work/venv/bin/python benchmarks/bench_epoch.py [--runs 2000] [--seed 0]

Validators weight a random ~25-60 % of the miners (u16, row max-upscaled); miners set no weights;
previous bonds are last epoch's ``bonds_stored`` (floats, column max = 1). Reports median and p90 in ms,
next to the cost of one pass over the weights for scale, and ``run_case_epoch`` with numpy inputs.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from taosandbox.chain.hyperparams import Hyperparameters
from taosandbox.chain.reference import run_case_epoch
from taosandbox.chain.yuma import EpochInputs, run_epoch

N, VALIDATORS = 256, 64
RAO_EMISSION = 296_021_652_568


def full_subnet(seed: int = 0) -> tuple[EpochInputs, Hyperparameters]:
    rng = np.random.default_rng(seed)
    hp = Hyperparameters()
    validators = np.sort(rng.choice(N, VALIDATORS, replace=False))
    stake = np.zeros(N, dtype=np.int64)
    stake[validators] = (rng.pareto(1.2, VALIDATORS) * 1e12 + 1e11).astype(np.int64)
    stake[rng.choice(N, 40, replace=False)] += rng.integers(0, 10**9, 40)  # dust on a few miners
    permit = np.zeros(N, dtype=bool)
    permit[validators] = True

    weights = np.zeros((N, N), dtype=np.uint16)
    quality = rng.random(N)
    for v in validators:
        cols = rng.random(N) < rng.uniform(0.25, 0.6)
        row = np.where(cols, quality * rng.uniform(0.7, 1.3, N), 0.0)
        row[v] = 0.0
        weights[v] = np.round(row / row.max() * 65535).astype(np.uint16)

    last_update = np.full(N, 2_000, dtype=np.int64)
    last_update[validators] = rng.integers(2_500, 3_000, VALIDATORS)
    registered = rng.integers(0, 2_600, N)  # some miners re-registered after some validators' updates
    x = EpochInputs(3_000, stake, permit, weights, np.zeros((N, N)), last_update, registered, RAO_EMISSION)
    # Previous bonds: the bonds_stored of two warm-up epochs.
    for _ in range(2):
        x.bonds = run_epoch(x, hp).bonds_stored.copy()
    return x, hp


def timed(fn, runs: int) -> tuple[float, float]:
    for _ in range(min(50, runs)):
        fn()
    samples = np.empty(runs)
    for k in range(runs):
        t0 = time.perf_counter_ns()
        fn()
        samples[k] = time.perf_counter_ns() - t0
    return float(np.median(samples)) / 1e6, float(np.percentile(samples, 90)) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    x, hp = full_subnet(args.seed)
    w = x.weights
    wf = w.astype(np.float64)
    s = x.stake.astype(np.float64)
    kept = np.zeros((N, N))
    case = {
        "id": "bench",
        "mechanism": "yuma_2024",
        "hyperparameters": {},
        "epochs": [{"inputs": {k: getattr(x, k) for k in (
            "current_block", "stake", "validator_permit", "weights", "bonds", "last_update",
            "block_at_registration", "rao_emission")}, "expected": {"dividends": None, "incentive": None}}],
    }
    rows = [
        ("run_epoch (n=256, 64 validators)", lambda: run_epoch(x, hp)),
        ("run_case_epoch, numpy inputs", lambda: run_case_epoch(case, 0)),
        # The 2024 bond matrices are built lazily; a world step also needs the bonds it stores. Written
        # into an array it keeps; ``.bonds_stored`` (a fresh n x n array) costs more, see --help.
        ("run_epoch + write bonds_stored", lambda: run_epoch(x, hp).write_matrix("bonds_stored", kept)),
        ("run_epoch + .bonds_stored (new n x n)", lambda: run_epoch(x, hp).bonds_stored),
        ("one pass: weights.sum() (u16)", lambda: w.sum()),
        ("one pass: weights @ stake (f64)", lambda: wf @ s),
    ]
    print(f"n={N}, permitted validators={VALIDATORS}, runs={args.runs}, numpy {np.__version__}")
    for name, fn in rows:
        med, p90 = timed(fn, args.runs)
        print(f"{name:36s} median {med:7.3f} ms   p90 {p90:7.3f} ms")


if __name__ == "__main__":
    main()
