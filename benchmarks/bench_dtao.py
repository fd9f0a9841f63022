"""A simulated day of a dynamic-TAO world: 8 subnets x 64 neurons, 7,200 blocks, tempo 360.

    python benchmarks/bench_dtao.py                     # target < 10 s for the day
    python benchmarks/bench_dtao.py --subnets 8 --blocks 7200 --share-rule tao_flow

Every block runs the coinbase on all subnets (shares, injection, the protocol's alpha buy, alpha out)
and each subnet's Yuma 3 epoch runs every 360 blocks (staggered). Prints the build time, the day's time,
blocks per second, and checks conservation at the end.
"""

from __future__ import annotations

import argparse
import time

from taosandbox.world.dtao_world import DtaoWorld


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subnets", type=int, default=8)
    parser.add_argument("--neurons", type=int, default=64, help="per subnet, owner and validators included")
    parser.add_argument("--validators", type=int, default=8)
    parser.add_argument("--blocks", type=int, default=7200)
    parser.add_argument("--tempo", type=int, default=360)
    parser.add_argument("--share-rule", default="price_ema")
    args = parser.parse_args()
    start = time.perf_counter()
    world = DtaoWorld({"subnets": args.subnets, "validators_per_subnet": args.validators,
                       "miners_per_subnet": args.neurons - 1 - args.validators, "tempo": args.tempo,
                       "share_rule": args.share_rule})
    built = time.perf_counter() - start
    start = time.perf_counter()
    world.advance(args.blocks)
    day = time.perf_counter() - start
    epochs = sum(1 for e in world.events if e.kind == "epoch")
    gaps = world.state.conservation_gaps()
    print(f"build {built:.2f} s; {args.blocks} blocks x {args.subnets} subnets in {day:.2f} s "
          f"({args.blocks / day:,.0f} blocks/s), {epochs} epochs; conservation {'exact' if not gaps else gaps}")


if __name__ == "__main__":
    main()
