"""Property: whatever the player does, and whenever, the saved session replays to the same hashes."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taosandbox.world.actions import AddStake, Deregister, Register, RemoveStake, Retrain, SetModel, SetTake
from taosandbox.sessions import Replay, SessionRecorder, load
from taosandbox.world import World

from session_helpers import small_scenario

ACTIONS = st.sampled_from(["register", "register_validator", "add_stake", "remove_stake", "set_model",
                           "retrain", "set_take", "deregister"])


def make(kind: str, world: World, amount: int):
    hotkeys = world.snapshot().player.hotkeys
    hotkey = hotkeys[0] if hotkeys else "val-0"
    return {
        "register": lambda: Register(role="miner", model="tree", budget=50),
        "register_validator": lambda: Register(role="validator"),
        "add_stake": lambda: AddStake(hotkey=hotkey, amount_rao=amount),
        "remove_stake": lambda: RemoveStake(hotkey=hotkey, amount_rao=amount),
        "set_model": lambda: SetModel(hotkey=hotkey, model="naive_bayes", budget=80),
        "retrain": lambda: Retrain(hotkey=hotkey),
        "set_take": lambda: SetTake(hotkey=hotkey, take=amount % 11796),
        "deregister": lambda: Deregister(hotkey=hotkey),
    }[kind]()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=st.lists(st.tuples(st.integers(0, 30), ACTIONS, st.integers(1, 5 * 10**9)), max_size=6),
       seed=st.integers(0, 2**32), every=st.integers(1, 40))
def test_any_game_replays_to_the_same_hashes(tmp_path, plan, seed, every):
    world = World(small_scenario(seed))
    recorder = SessionRecorder(world, checkpoint_every=every)
    for gap, kind, amount in plan:
        world.advance(gap)
        world.apply(make(kind, world, amount))  # refused or not, it is part of the history
    world.advance(5)
    path = recorder.save(tmp_path / f"game-{seed}-{every}.jsonl")
    session = load(path)
    assert session.damage is None and len(session.actions) == len(plan)
    replay = Replay(path, snapshot_seconds=None)
    result = replay.verify()
    assert result.ok, result.message()
    assert result.matched == len(recorder.checkpoints)
    assert replay.world.state_hash() == world.state_hash()
    assert [e.text for e in replay.world.events] == [e.text for e in world.events]
