"""Sessions: record, verify and seek a 10,000-block game of a 64-neuron subnet.

Budgets (issue 6): verify the session in under 15 s; seek anywhere in it in under 1 s.

    python benchmarks/bench_sessions.py [--blocks 10000] [--seeks 20]
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from pathlib import Path

from taosandbox.world.actions import AddStake, Register, RemoveStake, Retrain, SetModel
from taosandbox.sessions import Replay, SessionRecorder, verify
from taosandbox.world import World


SCENARIO = {
    "name": "bench 64",
    "seed": 1,
    "task": {"dataset": "digits", "pool_size": 512},
    "hyperparameters": {"max_allowed_uids": 64},
    "neurons": [
        {"role": "validator", "strategy": "honest", "count": 6, "stake_tao": 2000, "registered_block": -20000},
        {"role": "validator", "strategy": "noisy", "count": 1, "stake_tao": 800, "registered_block": -20000},
        {"role": "validator", "strategy": "copier", "count": 1, "stake_tao": 600, "registered_block": -20000},
        {"role": "miner", "model": "forest", "budget": 600, "count": 8, "registered_block": -20000},
        {"role": "miner", "model": "logistic", "budget": 400, "count": 12, "registered_block": -20000},
        {"role": "miner", "model": "knn", "budget": 300, "count": 10, "registered_block": -20000},
        {"role": "miner", "model": "naive_bayes", "budget": 300, "count": 8, "registered_block": -20000},
        {"role": "miner", "model": "tree", "budget": 150, "count": 12, "registered_block": -20000},
        {"role": "miner", "strategy": "random", "count": 4, "registered_block": -20000},
        {"role": "miner", "strategy": "idle", "count": 2, "registered_block": -20000},
    ],
    "arrivals": [{"every": 200, "start": 50, "balance_tao": 20.0, "limit": 200}],
    "player": {"role": "miner", "balance_tao": 100},
}
"""64 neurons in 64 slots (the player's registration and newcomers prune), a newcomer every 200 blocks."""


def record(path: Path, blocks: int) -> float:
    """A game with a player who registers, changes model, stakes, retrains and unstakes."""
    t = time.perf_counter()
    world = World(SCENARIO)
    assert world.subnet.n == 64
    recorder = SessionRecorder(world, base_scenario=SCENARIO)
    plan = {10: "register", blocks // 5: "set_model", blocks * 3 // 10: "add_stake",
            blocks // 2: "retrain", blocks * 7 // 10: "remove_stake"}
    hotkey = ""
    for block in range(1, blocks + 1):
        world.step()
        what = plan.get(block)
        if what == "register":
            world.apply(Register(role="miner", model="knn", budget=200))
            hotkey = world.snapshot().player.hotkeys[0]
        elif what == "set_model":
            world.apply(SetModel(hotkey=hotkey, model="forest", budget=400))
        elif what == "add_stake":
            world.apply(AddStake(hotkey=hotkey, amount_rao=5 * 10**9))
        elif what == "retrain":
            world.apply(Retrain(hotkey=hotkey))
        elif what == "remove_stake":
            world.apply(RemoveStake(hotkey=hotkey, amount_rao=2 * 10**9))
    recorder.save(path)
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--blocks", type=int, default=10_000)
    parser.add_argument("--seeks", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.jsonl"
        seconds = record(path, args.blocks)
        lines = path.read_text().count("\n")
        print(f"record {args.blocks} blocks (64 neurons): {seconds:.2f} s; file {os.path.getsize(path):,} "
              f"bytes, {lines} lines")

        t = time.perf_counter()
        result = verify(path)
        print(f"verify (build + replay + {result.checkpoints} checkpoints): {time.perf_counter() - t:.2f} s "
              f"-> {result.message()}  [budget 15 s]")

        t = time.perf_counter()
        replay = Replay(path)
        replay.run_to_end()
        print(f"open viewer replay and scan to the end (keeping copies): {time.perf_counter() - t:.2f} s, "
              f"{len(replay.snapshot_blocks)} saved copies, {replay._snapshot_bytes / 2**20:.0f} MB")

        rng = random.Random(0)
        times = []
        for _ in range(args.seeks):
            target = rng.randrange(0, args.blocks + 1)
            t = time.perf_counter()
            replay.seek(target)
            times.append(time.perf_counter() - t)
        times.sort()
        print(f"seek to {args.seeks} random blocks: median {times[len(times) // 2] * 1000:.0f} ms, "
              f"worst {times[-1] * 1000:.0f} ms  [budget 1 s]")
        t = time.perf_counter()
        nxt = replay.next_event("action", after=0)
        replay.seek(nxt)
        print(f"jump to the next player action (block {nxt}): {(time.perf_counter() - t) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
