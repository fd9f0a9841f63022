"""Time one ``yuma_2024`` epoch on a full subnet: n = 256 uids, 64 permitted validators.

    /work/venv/bin/python benchmarks/bench_epoch.py [--runs 2000] [--seed 0]

Validators weight a random ~25-60 % of the miners (u16, row max-upscaled); miners set no weights;
previous bonds are last epoch's ``bonds_stored`` (floats, column max = 1). Reports median and p90 in ms,
next to the cost of one pass over the weights for scale, and ``run_case_epoch`` with numpy inputs.

The yardstick is ``dense_epoch_2024`` below: YUMA_SPEC §4 transcribed step by step on n x n float64
arrays with plain numpy (no compact rows, no packed sort keys, no lazy bonds). It is checked against
``run_epoch`` before timing, and the engine is timed against it in the same run, in alternating blocks
so a busy machine slows both alike; the ratio is engine median / dense median. The dense version
allocates ~20 n x n temporaries; glibc returns freed memory to the system and page-faults it back,
which makes it slower still. ``MALLOC_TRIM_THRESHOLD_=1000000000 MALLOC_MMAP_THRESHOLD_=1000000000``
turns that off and gives the stricter ratio.
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
from taosandbox.chain.units import U16_MAX
from taosandbox.chain.yuma import KAPPA_TIE_TOLERANCE, EpochInputs, run_epoch

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


def dense_epoch_2024(x, hp):
    """YUMA_SPEC §4 step by step on dense n x n float64 arrays: the yardstick (default hyperparameters,
    no liquid alpha). Returns the outputs ``check_dense_matches`` compares with ``run_epoch``."""
    assert not hp.liquid_alpha_enabled and hp.mechanism == "yuma_2024"
    t = x.current_block
    sigma = np.asarray(x.stake, dtype=np.float64)
    n = len(sigma)
    P = np.asarray(x.validator_permit, dtype=bool)
    u = np.asarray(x.last_update)
    r = np.asarray(x.block_at_registration)
    # §4.1
    active = u + hp.activity_cutoff >= t
    # §4.2
    s = sigma / sigma.sum() if sigma.sum() > 0 else sigma.copy()
    # §4.3
    K = hp.max_allowed_validators
    new_P = np.ones(n, dtype=bool)
    if n > K:
        new_P[np.argsort(s, kind="stable")[: n - K]] = False
    # §4.4
    a = np.where(active & P, s, 0.0)
    a = a / a.sum() if a.sum() > 0 else a
    # §4.5
    W = np.array(x.weights, dtype=np.float64)
    W[~P, :] = 0.0
    np.fill_diagonal(W, 0.0)
    outdated = u[:, None] <= r[None, :]
    W[outdated] = 0.0
    rs = W.sum(axis=1, keepdims=True)
    W /= np.where(rs > 0, rs, 1.0)
    # §4.6
    preranks = a @ W
    # §4.7
    kappa = hp.kappa / U16_MAX
    staked = a > 0
    if staked.any():
        Ws = W[staked]
        st = a[staked] / a[staked].sum()
        order = np.argsort(Ws, axis=0)
        w_sorted = np.take_along_axis(Ws, order, axis=0)
        st_sorted = st[order]
        support = np.cumsum(st_sorted[::-1], axis=0)[::-1]  # stake on this and larger positions
        ok = support >= kappa - KAPPA_TIE_TOLERANCE
        last = ok.shape[0] - 1 - np.argmax(ok[::-1], axis=0)
        consensus = np.where(ok.any(axis=0), w_sorted[last, np.arange(n)], w_sorted[-1])
    else:
        consensus = np.zeros(n)
    # §4.8, §4.9
    Wc = np.minimum(W, consensus[None, :])
    vtrust = Wc.sum(axis=1)
    # §4.10
    R = a @ Wc
    trust = np.where(preranks > 0, R / np.where(preranks > 0, preranks, 1.0), 0.0)
    I = R / R.sum() if R.sum() > 0 else R.copy()
    # §4.11
    def colnorm(m):
        cs = m.sum(axis=0)
        return m / np.where(cs > 0, cs, 1.0)
    B = np.array(x.bonds, dtype=np.float64)
    B[outdated] = 0.0
    B_hat = colnorm(B)
    dB = colnorm(a[:, None] * Wc)
    alpha = 1 - hp.bonds_moving_average / 1e6
    B_ema = colnorm(alpha * dB + (1 - alpha) * B_hat)
    # §4.12
    D = B_ema @ I
    D = D / D.sum() if D.sum() > 0 else D
    # §4.13
    S = I.sum() + D.sum()
    if S > 0:
        server, validator = I / S, D / S
    else:
        server = np.zeros(n)
        validator = a.copy() if a.sum() > 0 else s.copy()
    combined = server + validator
    E = float(x.rao_emission)
    server_u64 = np.floor(server * E).astype(np.int64)
    validator_u64 = np.floor(validator * E).astype(np.int64)
    # §4.14
    top = combined.max()
    pruning = np.floor(combined / top * U16_MAX + 0.5).astype(np.int64) if top > 0 else np.zeros(n, np.int64)
    # §4.15
    mx = B_ema.max(axis=0, keepdims=True)
    upscaled = B_ema / np.where(mx > 0, mx, 1.0)
    stored = np.array(x.bonds, dtype=np.float64)
    stored[new_P] = upscaled[new_P]
    stored[P & ~new_P] = 0.0
    return dict(active=active, stake_normalized=s, new_validator_permit=new_P, active_stake=a,
                weights_masked_normalized=W, preranks=preranks, consensus=consensus, weights_clipped=Wc,
                validator_trust=vtrust, trust=trust, incentive=I, dividends=D,
                normalized_server_emission=server, normalized_validator_emission=validator,
                server_emission_u64=server_u64, validator_emission_u64=validator_u64,
                pruning_score_u16=pruning, bonds_stored=stored)


def check_dense_matches(x: EpochInputs, hp: Hyperparameters) -> float:
    """Largest difference between ``dense_epoch_2024`` and ``run_epoch``; raises if they disagree."""
    dense, fast = dense_epoch_2024(x, hp), run_epoch(x, hp)
    worst = 0.0
    for name, value in dense.items():
        diff = float(np.max(np.abs(np.asarray(value, float) - np.asarray(getattr(fast, name), float))))
        limit = 1.0 if name.endswith("_u64") or name.startswith("pruning") else 1e-12  # floors of rao
        if diff > limit:
            raise SystemExit(f"dense transcription disagrees with run_epoch on {name}: {diff}")
        worst = max(worst, diff if limit < 1 else 0.0)
    return worst


def timed_pair(fast, slow, runs: int, block: int = 10) -> tuple[tuple[float, float], tuple[float, float]]:
    """Median and p90 (ms) of ``fast`` and ``slow``, timed in alternating blocks of ``block`` calls.

    Alternating keeps a change in the machine's load from favouring one side; blocks (rather than one
    call each) let each side run in its own steady state, as an epoch does in a world step.
    """
    for _ in range(min(20, runs)):
        fast(), slow()
    samples = np.empty((2, runs))
    for start in range(0, runs, block):
        for row, fn in enumerate((fast, slow)):
            for k in range(start, min(start + block, runs)):
                t0 = time.perf_counter_ns()
                fn()
                samples[row, k] = time.perf_counter_ns() - t0
    med, p90 = np.median(samples, axis=1) / 1e6, np.percentile(samples, 90, axis=1) / 1e6
    return (float(med[0]), float(p90[0])), (float(med[1]), float(p90[1]))


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
    print(f"dense transcription agrees with run_epoch to {check_dense_matches(x, hp):.1e}")
    dense_runs = max(1, args.runs // 4)
    for name, fn in (("run_epoch", lambda: run_epoch(x, hp)),
                     ("run_epoch + bonds_stored (a Subnet step)", lambda: run_epoch(x, hp).compact("bonds_stored"))):
        (med, p90), (dmed, dp90) = timed_pair(fn, lambda: dense_epoch_2024(x, hp), dense_runs)
        print(f"{name:42s} {med:6.3f} ms (p90 {p90:6.3f})  dense {dmed:6.3f} ms (p90 {dp90:6.3f})  "
              f"ratio {med / dmed:.3f}x")
    for name, fn in rows:
        med, p90 = timed(fn, args.runs)
        print(f"{name:36s} median {med:7.3f} ms   p90 {p90:7.3f} ms")


if __name__ == "__main__":
    main()
