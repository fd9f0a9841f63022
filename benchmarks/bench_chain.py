"""The chain alone (no models): blocks per second of a full 256-UID subnet with tempo 1.

64 validators with stake set weights on 192 miners whenever the rate limit allows (every 100 blocks,
staggered), registrations arrive now and then, and the epoch runs every block.

    python benchmarks/bench_chain.py [--blocks 5000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from taosandbox.chain.hyperparams import SANDBOX
from taosandbox.chain.subnet import Subnet
from taosandbox.chain.units import tao_to_rao


def build(seed: int = 0) -> tuple[Subnet, np.random.Generator]:
    rng = np.random.default_rng(seed)
    sub = Subnet(SANDBOX)
    ledger = sub.ledger
    for v in range(64):
        ck, hk = f"vck{v}", f"val{v}"
        ledger.create_coldkey(ck, tao_to_rao(5000))
        sub.genesis_neuron(ck, hk, registered_block=-10_000 - v)
        ledger.add_stake(ck, hk, tao_to_rao(float(rng.uniform(100, 5000))))
        sub.metagraph.last_update[v] = -100 + v  # staggered weight setting
    for m in range(192):
        ck = f"mck{m}"
        ledger.create_coldkey(ck, tao_to_rao(10))
        sub.genesis_neuron(ck, f"min{m}", registered_block=-10_000)
    sub.metagraph.validator_permit[:64] = True
    return sub, rng


def run(sub: Subnet, rng: np.random.Generator, blocks: int) -> None:
    mg = sub.metagraph
    quality = rng.uniform(0, 1, 256)
    new = 0
    for _ in range(blocks):
        sub.step()
        b = sub.block
        due = np.flatnonzero(b - mg.last_update[:64] >= sub.hp.weights_rate_limit)
        for v in due:
            noisy = np.clip(quality[64:] + rng.normal(0, 0.05, 192), 0, None)
            sub.set_weights(mg.hotkeys[v], list(range(64, 256)), noisy.tolist())
        if b % 360 == 0:
            new += 1
            ck = f"new{new}"
            sub.ledger.create_coldkey(ck, tao_to_rao(10))
            sub.register(ck, f"newhk{new}")
        sub.events.clear()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--blocks", type=int, default=5000)
    args = parser.parse_args()
    sub, rng = build()
    run(sub, rng, 200)  # warm up
    start = time.perf_counter()
    run(sub, rng, args.blocks)
    elapsed = time.perf_counter() - start
    assert sub.ledger.conservation_gap() == 0
    print(f"chain only, 256 uids, 64 validators, tempo {sub.hp.tempo}: {args.blocks} blocks in "
          f"{elapsed:.2f} s = {args.blocks / elapsed:,.0f} blocks/s "
          f"({elapsed / args.blocks * 1e3:.3f} ms/block)")


if __name__ == "__main__":
    main()
