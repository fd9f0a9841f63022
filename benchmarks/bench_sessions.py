"""Sessions: record, verify, Continue, open and seek a long game of a 64-neuron subnet.

Budgets (issue 6): verify the session in under 15 s; seek anywhere in it in under 1 s. Issue 15 item 14:
Continue and opening the viewer under 1 s at any length, with the world states the game leaves in the
user cache (``sessions.states``); each is timed the old way (replay from block 0) in the same run.

    python benchmarks/bench_sessions.py [--blocks 10000] [--seeks 20]

The user folders go to a temporary TAOSANDBOX_HOME (the market cache starts empty too: the first world
build trains every model, the later ones read the fits back).
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from pathlib import Path

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


def record(path: Path, blocks: int) -> tuple[float, str]:
    """A game with a player who registers, changes model, stakes, retrains and unstakes; closed as the
    game closes on quit (autosave). Returns (seconds, final state hash)."""
    from taosandbox.sessions import SessionRecorder
    from taosandbox.world import World
    from taosandbox.world.actions import AddStake, Register, RemoveStake, Retrain, SetModel

    t = time.perf_counter()
    world = World(SCENARIO)
    assert world.subnet.n == 64
    recorder = SessionRecorder(world, base_scenario=SCENARIO, autosave_path=path)
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
    recorder.close()
    return time.perf_counter() - t, world.state_hash()


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def open_viewer(path: Path, saved_states: bool):
    """What the viewer does on opening a file: replay to the end (the timeline), then go to block 0."""
    from taosandbox.sessions import Replay

    replay = Replay(path, saved_states=saved_states)
    replay.run_to_end()
    replay.seek(0)
    return replay


def seeks(replay, blocks: int, count: int) -> list[float]:
    rng = random.Random(0)
    times = []
    for _ in range(count):
        target = rng.randrange(0, blocks + 1)
        t = time.perf_counter()
        replay.seek(target)
        times.append(time.perf_counter() - t)
    return sorted(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=10_000)
    parser.add_argument("--seeks", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["TAOSANDBOX_HOME"] = str(Path(tmp) / "home")
        from taosandbox.sessions import resume, verify
        from taosandbox.sessions.states import StateStore

        path = Path(tmp) / "bench.jsonl"
        seconds, final = record(path, args.blocks)
        lines = path.read_text().count("\n")
        print(f"record {args.blocks} blocks (64 neurons): {seconds:.2f} s; file {os.path.getsize(path):,} "
              f"bytes, {lines} lines; {len(os.listdir(StateStore.user().directory))} states in the cache")

        t, result = timed(lambda: verify(path))
        print(f"verify (build + replay + {result.checkpoints} checkpoints, no states): {t:.2f} s "
              f"-> {result.message()}  [budget 15 s]")

        old, world = timed(lambda: resume(path, autosave=False, saved_states=False))
        assert world.state_hash() == final
        new, world = timed(lambda: resume(path, autosave=False))
        assert world.state_hash() == final
        print(f"Continue: {old:.2f} s replaying from block 0, {new:.2f} s from the saved state "
              f"({new / old:.3f}x)  [budget 1 s]")

        old, replay = timed(lambda: open_viewer(path, saved_states=False))
        print(f"open viewer, replaying from block 0 (keeps copies): {old:.2f} s, "
              f"{len(replay.snapshot_blocks)} copies, {replay._snapshot_bytes / 2**20:.0f} MB in memory")
        new, replay = timed(lambda: open_viewer(path, saved_states=True))
        assert replay.end_matched
        print(f"open viewer from the game's states: {new:.2f} s ({new / old:.3f}x)  [budget 1 s]")
        times = seeks(replay, args.blocks, args.seeks)
        print(f"  then seek to {args.seeks} random blocks: median {times[len(times) // 2] * 1000:.0f} ms, "
              f"worst {times[-1] * 1000:.0f} ms  [budget 1 s]")
        again, replay = timed(lambda: open_viewer(path, saved_states=True))
        times = seeks(replay, args.blocks, args.seeks)
        states = StateStore.user()
        size = sum(p.stat().st_size for p in states.directory.iterdir()) / 2**20
        print(f"open viewer again (its own states too): {again:.2f} s; seek median "
              f"{times[len(times) // 2] * 1000:.0f} ms, worst {times[-1] * 1000:.0f} ms; "
              f"{len(os.listdir(states.directory))} states, {size:.0f} MB on disk")
        t = time.perf_counter()
        nxt = replay.next_event("action", after=0)
        replay.seek(nxt)
        print(f"jump to the next player action (block {nxt}): {(time.perf_counter() - t) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
