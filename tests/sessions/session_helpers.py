"""Small worlds and a recorded game for the session tests (fast: tiny pools, a few neurons)."""

import json
from pathlib import Path

from taosandbox.world.actions import AddStake, Register, RemoveStake, SetModel
from taosandbox.world import World


def small_scenario(seed: int = 1, **changes) -> dict:
    data = {
        "name": "small",
        "seed": seed,
        "task": {"dataset": "digits", "pool_size": 128},
        "hyperparameters": {"weights_rate_limit": 10, "max_allowed_uids": 9, "immunity_period": 30},
        "neurons": [
            {"role": "validator", "strategy": "honest", "count": 3, "stake_tao": 1000,
             "registered_block": -10000},
            {"role": "miner", "model": "logistic", "budget": 300, "count": 2, "registered_block": -10000},
            {"role": "miner", "model": "tree", "budget": 30, "count": 2, "registered_block": -10000},
            {"role": "miner", "strategy": "idle", "count": 1, "registered_block": -10000},
        ],
        "arrivals": [{"every": 60, "start": 20, "balance_tao": 5, "limit": 5}],
        "player": {"role": "miner", "balance_tao": 20},
    }
    data.update(changes)
    return data


def play(world: World, blocks: int = 400) -> None:
    """A scripted game: register, retrain, stake, a refused unstake, and blocks in between."""
    world.advance(7)
    world.apply(Register(role="miner", model="knn", budget=100))
    world.advance(93)
    hotkey = world.snapshot().player.hotkeys[0]
    world.apply(SetModel(hotkey=hotkey, model="logistic", budget=200))
    world.apply(AddStake(hotkey=hotkey, amount_rao=2 * 10**9))
    world.advance(150)
    world.apply(RemoveStake(hotkey=hotkey, amount_rao=10**15))  # refused: more than staked
    world.advance(blocks - world.block)


def record_game(path: Path, blocks: int = 400) -> dict:
    from taosandbox.sessions import SessionRecorder

    world = World(small_scenario(3))
    recorder = SessionRecorder(world, checkpoint_every=50)
    hashes = {}
    world.add_observer(lambda w, _e: hashes.__setitem__(w.block, w.state_hash()))
    play(world, blocks)
    recorder.save(path)
    return {"final_hash": world.state_hash(), "final_block": world.block, "hashes": hashes,
            "checkpoints": list(recorder.checkpoints), "actions": list(world.action_log)}


def lines_of(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def rewrite(path: Path, records: list[dict], fix_crc: bool = True) -> None:
    """Write records back; ``fix_crc`` recomputes each checksum (a deliberate, careful edit)."""
    from taosandbox.sessions.format import crc_of

    out = []
    for r in records:
        if fix_crc:
            r = dict(r)
            r["crc"] = crc_of(r)
        out.append(json.dumps(r, separators=(",", ":")))
    path.write_text("\n".join(out) + "\n")
