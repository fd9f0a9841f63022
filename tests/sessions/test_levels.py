"""Sessions of levels: a shipped level is named and hashed, an outside one stored whole; the level's
rules are attached again on replay; a changed level is refused."""

import shutil

import pytest

from taosandbox.world.actions import AddStake, Answer, Register
from taosandbox.levels import attach, load_level
from taosandbox.sessions import Replay, SessionError, SessionRecorder, level_run_of, load, resume
from taosandbox.world import World

from session_helpers import lines_of


def play_level(level, path):
    world = World(level.scenario)
    run = attach(level, world)
    recorder = SessionRecorder(world, level=level, checkpoint_every=20)
    world.advance(1)
    world.apply(Register(role="miner", model="logistic"))
    world.apply(AddStake(hotkey="someone", amount_rao=10**9))  # refused: the level's budget is 1.5 τ
    world.advance(2)
    burn = world.snapshot().player.spent_burn_rao / 1e9
    world.apply(Answer(question_id="recycled", value=burn))
    world.advance(57)
    recorder.save(path)
    return world, run


def test_a_shipped_level_is_named_and_its_rules_replayed(tmp_path):
    level = load_level("buy-a-seat")
    path = tmp_path / "level.jsonl"
    world, run = play_level(level, path)
    assert run.status == "passed"
    header = lines_of(path)[0]
    assert header["level"] == {"name": "buy-a-seat", "hash": level.source_hash[:16], "rules": True}
    assert header["scenario"] is None
    replay = Replay(path, snapshot_seconds=0.0)
    assert replay.verify().ok and replay.snapshot_kind == "pickle"
    refused = [e.data["reason"] for e in replay.world.events if e.kind == "refused"]
    assert refused == [e.data["reason"] for e in world.events if e.kind == "refused"] and len(refused) == 1
    assert replay.world.extra["level"]["status"] == "passed"
    resumed = resume(path, autosave=False)
    assert level_run_of(resumed).status == "passed" and resumed.state_hash() == world.state_hash()
    from taosandbox.levels.session import LevelSession

    assert LevelSession.of(resumed).run is level_run_of(resumed)


def test_a_level_from_outside_the_package_is_stored_whole(tmp_path):
    src = tmp_path / "my-level.yaml"
    shutil.copy(load_level("buy-a-seat").path, src)
    level = load_level(str(src))
    path = tmp_path / "mine.jsonl"
    world, _ = play_level(level, path)
    src.unlink()  # the teacher's file is gone: the session still replays
    header = lines_of(path)[0]
    assert header["level"]["inline"] == level.source
    assert Replay(path).verify().ok


def test_a_changed_level_is_refused(tmp_path, monkeypatch):
    folder = tmp_path / "levels"
    folder.mkdir()
    shipped = folder / "02-buy-a-seat.yaml"
    shutil.copy(load_level("buy-a-seat").path, shipped)
    monkeypatch.setattr("taosandbox.paths.levels_dir", lambda: folder)
    level = load_level("buy-a-seat")
    path = tmp_path / "level.jsonl"
    play_level(level, path)
    assert "inline" not in lines_of(path)[0]["level"]
    shipped.write_text(shipped.read_text().replace("deadline: 200", "deadline: 300"))
    with pytest.raises(SessionError, match=r"^line 1: level 'buy-a-seat' changed since this session was saved"):
        Replay(path)
    shipped.unlink()
    with pytest.raises(SessionError, match=r"^line 1: level 'buy-a-seat': "):
        load(path) and Replay(path)


def test_run_level_record_replays(tmp_path, capsys):
    from taosandbox.cli import main

    path = tmp_path / "run.jsonl"
    assert main(["run", "--level", "buy-a-seat", "--blocks", "30", "--record", str(path)]) == 0
    assert lines_of(path)[0]["level"]["rules"] is False
    assert main(["replay", "--verify", str(path)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "OK: 1/1 checkpoints matched up to block 30"


def test_the_senate_level_with_governance_actions_replays(tmp_path):
    """Governance actions (propose, vote) and fees replay too, in a fresh process's action registry."""
    import subprocess
    import sys

    from taosandbox.levels.solve import play

    level = load_level("the-senate")
    world = World(level.scenario)
    recorder = SessionRecorder(world, level=level, checkpoint_every=25)
    run, world = play(level, world=world)
    path = recorder.save(tmp_path / "senate.jsonl")
    kinds = [a["kind"] for _b, a in load(path).actions]
    assert "propose" in kinds and "vote" in kinds
    code = ("import sys; from taosandbox.sessions import verify; r = verify(sys.argv[1]); "
            "print(r.message()); sys.exit(0 if r.ok else 1)")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    replay = Replay(path)
    replay.run_to_end()
    assert replay.world.state_hash() == world.state_hash()
    assert replay.world.extra["level"]["status"] == run.status
