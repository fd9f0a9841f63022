"""Saving: atomic writes that survive a crash at any moment, autosaves, named saves, list, delete."""

import os
import random
import signal
import subprocess
import sys
import time

import pytest

from taosandbox.sessions import (SessionError, SessionRecorder, delete_save, latest_autosave, list_saves,
                                 load, save_as, save_path, store)
from taosandbox import files
from taosandbox.world import World

from session_helpers import small_scenario


@pytest.mark.parametrize("fraction", [0.0, 0.1, 0.5, 0.93, 1.0])
def test_a_save_interrupted_part_way_leaves_the_last_good_save(game, monkeypatch, fraction):
    path, facts = game
    before = path.read_bytes()

    def crash(f, data):
        f.write(data[: int(len(data) * fraction)])
        raise OSError("disk unplugged")

    monkeypatch.setattr(files, "_write_all", crash)
    with pytest.raises(OSError, match="disk unplugged"):
        files.atomic_write(path, before.decode() + before.decode())
    assert path.read_bytes() == before
    assert load(path).damage is None
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left behind


def test_a_crash_in_fsync_or_rename_leaves_the_last_good_save(game, monkeypatch):
    path, _ = game
    before = path.read_bytes()
    for name in ("fsync", "replace"):
        with monkeypatch.context() as m:
            m.setattr(files.os, name, lambda *a: (_ for _ in ()).throw(OSError(f"{name} failed")))
            with pytest.raises(OSError):
                files.atomic_write(path, "new text\n")
        assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == [path.name]


SAVER = """
import sys
sys.path.insert(0, {helpers!r})
from pathlib import Path
from taosandbox.files import atomic_write
texts = [Path(p).read_text() for p in sys.argv[2:]]
print("ready", flush=True)
k = 0
while True:
    atomic_write(Path(sys.argv[1]), texts[k % len(texts)])
    k += 1
"""


def test_kill_9_while_saving_always_leaves_a_loadable_file(game, tmp_path):
    """A process saving as fast as it can is killed at random moments; the file always loads."""
    path, _ = game
    big = tmp_path / "big.jsonl"  # a second, different valid session so every save changes the file
    rec = SessionRecorder(World(small_scenario(5)))
    rec.world.advance(3)
    big.write_text(rec.text())
    target = tmp_path / "target.jsonl"
    target.write_bytes(path.read_bytes())
    rng = random.Random(1)
    code = SAVER.format(helpers=os.path.dirname(__file__))
    for _ in range(6):
        proc = subprocess.Popen([sys.executable, "-c", code, str(target), str(path), str(big)],
                                stdout=subprocess.PIPE)
        assert proc.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.0, 0.15))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        session = load(target)
        assert session.damage is None
        assert target.read_bytes() in (path.read_bytes(), big.read_bytes())


def test_autosave_as_it_goes_and_on_quit(isolated_home):
    world = World(small_scenario(2))
    recorder = SessionRecorder(world, autosave=True, autosave_blocks=40)
    path = recorder.autosave_path
    assert path.parent.name == "autosave" and not path.exists()
    world.advance(39)
    assert not path.exists()
    world.advance(1)
    assert load(path).last_block == 40
    world.advance(15)
    assert recorder.close() == path
    assert load(path).last_block == 55 and load(path).damage is None
    assert latest_autosave() == path
    [info] = list_saves()
    assert (info.kind, info.block, info.what, info.problem) == ("autosave", 55, "small", None)


def test_autosave_after_an_action_once_enough_time_passed(isolated_home):
    from taosandbox.world.actions import Register

    world = World(small_scenario(2))
    recorder = SessionRecorder(world, autosave=True, autosave_blocks=10**6, autosave_seconds=0.0)
    world.apply(Register(role="miner"))
    world.step()
    assert len(load(recorder.autosave_path).actions) == 1


def test_old_autosaves_are_pruned(isolated_home):
    paths = []
    for k in range(store.AUTOSAVE_KEEP + 3):
        p = store.new_autosave_path(f"game {k}")
        p.write_text("x")
        os.utime(p, (k, k))
        paths.append(p)
    left = sorted(store.autosave_dir().iterdir())
    assert len(left) == store.AUTOSAVE_KEEP
    assert paths[-1] in left and paths[0] not in left


def test_save_under_a_name_list_show_delete(game, isolated_home):
    path, _ = game
    saved = save_as("my game", path)
    assert saved == save_path("my game") and saved.read_bytes() == path.read_bytes()
    with pytest.raises(SessionError, match="exists; use --force"):
        save_as("my game", path)
    assert save_as("my game", path, force=True) == saved
    names = [(s.name, s.kind, s.block, s.actions) for s in list_saves()]
    assert names == [("my game", "named", 400, 4)]
    assert delete_save("my game") == saved and not saved.exists()
    with pytest.raises(SessionError, match="no such session file or save"):
        delete_save("my game")
    with pytest.raises(SessionError, match="bad save name"):
        save_as("../escape", path)


def test_save_as_defaults_to_the_latest_autosave(isolated_home):
    with pytest.raises(SessionError, match="no autosave yet"):
        save_as("x")
    world = World(small_scenario(2))
    recorder = SessionRecorder(world, autosave=True)
    world.advance(5)
    recorder.close()
    assert load(save_as("kept")).last_block == 5


def test_nothing_overwrites_a_save_that_cannot_be_read(game, isolated_home):
    path, _ = game
    target = save_path("precious")
    target.write_bytes(b"damaged beyond reading")
    with pytest.raises(SessionError, match="cannot be read .* not replacing it"):
        save_as("precious", path, force=True)
    assert target.read_bytes() == b"damaged beyond reading"
    [info] = list_saves()
    assert info.problem.startswith("line 1: not a session header")


def test_a_damaged_source_is_not_saved_under_a_name(game, isolated_home):
    path, _ = game
    path.write_text(path.read_text()[:-20])
    with pytest.raises(SessionError, match="ends mid-line"):
        save_as("copy", path)
    assert not save_path("copy").exists()


def test_the_game_saves_under_a_name(isolated_home):
    world = World(small_scenario(2))
    recorder = SessionRecorder(world)
    world.advance(4)
    path = recorder.save_as("before the halving")
    assert path == save_path("before the halving") and load(path).last_block == 4
    world.advance(3)
    with pytest.raises(SessionError, match="exists; use --force"):
        recorder.save_as("before the halving")
    assert load(recorder.save_as("before the halving", force=True)).last_block == 7
    path.write_text("garbage")
    with pytest.raises(SessionError, match="cannot be read"):
        recorder.save_as("before the halving", force=True)
    assert path.read_text() == "garbage"
