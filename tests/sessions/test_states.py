"""World states in the user cache: resume and open without replaying, never trusting a bad state."""

from __future__ import annotations

import pytest

from session_helpers import play, small_scenario
from taosandbox.sessions import Replay, SessionRecorder, load, resume, verify
from taosandbox.sessions import replay as replay_module
from taosandbox.sessions.states import StateStore, session_key
from taosandbox.world import World


def autosaved_game(blocks: int = 400) -> tuple:
    """A game played with autosave on and closed (as on quit): (path, final hash, recorder)."""
    world = World(small_scenario(3))
    recorder = SessionRecorder(world, checkpoint_every=50, autosave=True)
    play(world, blocks)
    path = recorder.close()
    return path, world.state_hash(), recorder


def no_building(monkeypatch) -> None:
    def refuse(_header):
        raise AssertionError("the world was rebuilt instead of restored")

    monkeypatch.setattr(replay_module, "rebuild_world", refuse)


def test_the_recorder_keys_states_as_the_file_does() -> None:
    path, _, recorder = autosaved_game()
    key = session_key(load(path).header)
    assert key == session_key(recorder.header)
    assert StateStore.user().blocks(key)[-1] == 400  # the state at the autosave (on quit)


def test_resume_restores_the_autosaved_state_without_replaying(monkeypatch) -> None:
    path, final, _ = autosaved_game()
    no_building(monkeypatch)
    world = resume(path)
    assert world.block == 400 and world.state_hash() == final
    recorder = SessionRecorder.of(world)
    assert recorder is not None and recorder.notice is None
    # The new recording keeps every checkpoint of the old file, though they were not replayed.
    assert recorder.checkpoints == load(path).checkpoints
    world.advance(60)
    again = load(recorder.close())
    assert again.checkpoints[:9] == load(path).checkpoints and len(again.checkpoints) == 10
    monkeypatch.undo()
    assert verify(recorder.autosave_path).ok  # and it still replays from block 0


@pytest.mark.parametrize("damage", ["flip", "truncate", "other block"])
def test_a_bad_state_is_deleted_and_the_game_replayed(damage) -> None:
    path, final, _ = autosaved_game()
    store, key = StateStore.user(), session_key(load(path).header)
    state = store.directory / f"{key}-{400:010d}.state"
    raw = state.read_bytes()
    if damage == "flip":
        state.write_bytes(raw[:-50] + bytes([raw[-50] ^ 0xFF]) + raw[-49:])
    elif damage == "truncate":
        state.write_bytes(raw[: len(raw) // 2])
    else:  # a sound state of another position, under this one's name: its hash gives it away
        replay = Replay(path, saved_states=False)
        replay.seek(300)
        store.save(key, 400, replay.world)
    world = resume(path)
    assert world.state_hash() == final
    assert not state.exists() or store.load(key, 400, final) is not None  # replaced by a sound one or gone


def test_the_viewer_opens_from_states_and_seeks_to_the_same_worlds(monkeypatch) -> None:
    path, final, _ = autosaved_game()
    first = Replay(path)
    first.run_to_end()  # replays (there is no state at block 0 yet) and leaves states behind
    key = session_key(load(path).header)
    assert StateStore.user().blocks(key)[:1] == [0]
    expected = {}
    plain = Replay(path, snapshot_seconds=None, saved_states=False)
    for block in (0, 7, 120, 250, 333, 400):
        plain.seek(block)
        expected[block] = plain.world.state_hash()
    no_building(monkeypatch)
    second = Replay(path)  # from the block-0 state
    second.run_to_end()  # from the end state
    assert second.world.state_hash() == final and second.end_matched
    assert second.timeline() == first.timeline()
    for block in (333, 7, 400, 0, 250, 120):
        second.seek(block)
        assert second.world.state_hash() == expected[block], block


def test_verify_replays_from_block_zero_even_with_states(monkeypatch) -> None:
    path, _, _ = autosaved_game()
    Replay(path).run_to_end()  # leaves states
    monkeypatch.setattr(StateStore, "load", lambda *a: pytest.fail("verify read a cached state"))
    result = verify(path)
    assert result.ok and result.matched == result.checkpoints == 9
    monkeypatch.undo()
    opened = Replay(path)
    opened.run_to_end()  # from the end state: the checks before it were not run here...
    assert opened.verify().ok  # ...so Replay.verify starts again from block 0
    assert opened.checked == dict(load(path).checkpoints)


def test_a_level_game_with_rules_keeps_no_states(monkeypatch) -> None:
    from taosandbox.levels.session import LevelSession

    session = LevelSession.start("1")
    recorder = SessionRecorder(session.world, level=session.level, autosave=True)
    session.world.advance(3)
    recorder.close()
    assert StateStore.user().blocks(session_key(recorder.header)) == []
