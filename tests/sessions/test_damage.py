"""Damaged, edited, foreign and newer session files: each refused with a one-line reason, or replayed
up to the point where the file is intact (and saying so)."""

import pytest

from taosandbox.sessions import Replay, SessionError, SessionRecorder, load, resume, verify
from taosandbox.sessions.format import crc_of, encode_record

from session_helpers import lines_of, rewrite


def action_line(records, k=1):
    return [i for i, r in enumerate(records) if r["type"] == "action"][k]


def test_truncated_last_line_replays_the_intact_part(game):
    path, facts = game
    text = path.read_text()
    path.write_text(text[: len(text) - 30])  # cut inside the end record
    session = load(path)
    n = len(text.splitlines())
    assert session.damage == f"line {n}: the file ends mid-line (cut short)"
    assert session.end is None and len(session.actions) == 4
    result = verify(path)
    assert not result.ok and result.divergence is None
    assert f"line {n}" in result.message() and "up to block 400" in result.message()


def test_cut_after_an_action_resumes_there_and_says_so(game):
    path, facts = game
    lines = path.read_text().splitlines(keepends=True)
    records = lines_of(path)
    k = action_line(records, 1)  # the set_model at block 100
    path.write_text("".join(lines[: k + 1]) + lines[k + 1][:10])
    world = resume(path, autosave=False)
    assert world.block == records[k]["block"] == 100
    assert world.action_log == facts["actions"][:2]
    notice = SessionRecorder.of(world).notice
    assert notice.startswith(f"line {k + 2}: the file ends mid-line") and "resumed from block 100" in notice


def test_edited_action_fails_its_checksum(game):
    path, _ = game
    records = lines_of(path)
    k = action_line(records, 2)  # add_stake
    records[k]["action"]["amount_rao"] *= 2
    rewrite(path, records, fix_crc=False)
    session = load(path)
    assert session.damage == f"line {k + 1}: checksum mismatch (the line was edited or damaged)"
    assert len(session.actions) == 2


def test_edited_action_with_a_good_checksum_diverges_at_the_next_checkpoint(game):
    path, _ = game
    records = lines_of(path)
    k = action_line(records, 2)
    records[k]["action"]["amount_rao"] *= 2
    rewrite(path, records)
    result = verify(path)
    assert not result.ok
    assert result.divergence.block == 150  # the action was at block 100; checkpoints every 50
    assert result.message().startswith("FAILED: DIVERGED at block 150")
    with pytest.raises(SessionError, match="block 150: the replay diverged"):
        resume(path, autosave=False)
    assert resume(path, autosave=False, force=True).block == 400


def test_bad_crc(game):
    path, _ = game
    records = lines_of(path)
    records[3]["crc"] = "00000000"
    rewrite(path, records, fix_crc=False)
    assert load(path).damage == "line 4: checksum mismatch (the line was edited or damaged)"


def test_a_removed_line_is_found_by_its_number(game):
    path, _ = game
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:3] + lines[4:]))
    assert load(path).damage == "line 4: numbered 5 (a line was removed, added or moved)"


def test_newer_version_is_refused(game):
    path, _ = game
    records = lines_of(path)
    records[0]["engine"] = "99.0.0"
    rewrite(path, records)
    with pytest.raises(SessionError, match=r"^line 1: written by a newer taosandbox \(99.0.0 > "):
        load(path)
    records[0]["engine"], records[0]["format"] = "0.1.0", 2
    rewrite(path, records)
    with pytest.raises(SessionError, match="^line 1: written in session format 2"):
        load(path)


def test_changed_scenario_is_refused(game):
    path, _ = game
    records = lines_of(path)
    records[0]["scenario"]["task"]["pool_size"] = 256
    rewrite(path, records)
    with pytest.raises(SessionError, match="^line 1: the stored scenario no longer builds the world"):
        Replay(path)


def test_changed_rules_are_refused(game):
    path, _ = game
    records = lines_of(path)
    records[0]["overrides"] = {"hyperparameters.kappa": 40000}
    rewrite(path, records)
    with pytest.raises(SessionError, match="^line 1: the rules changed since this session was saved: "
                                           "kappa 32767 -> 40000$"):
        Replay(path)


def test_a_hyperparameter_added_since_is_not_a_change_of_rules(game):
    """A session from an engine that did not have ``stake_threshold`` yet still replays (and verifies)."""
    path, _ = game
    records = lines_of(path)
    del records[0]["hyperparameters"]["stake_threshold"]
    records[0]["hyperparameters_hash"] = "0123456789abcdef"  # what the older engine hashed
    rewrite(path, records)
    assert verify(path).ok


def test_level_the_build_does_not_have_is_refused(game):
    path, _ = game
    records = lines_of(path)
    records[0]["level"] = {"name": "no-such-level", "hash": "0123456789abcdef"}
    rewrite(path, records)
    with pytest.raises(SessionError, match="^line 1: .*no-such-level"):
        Replay(path)


def test_unknown_action_kind_ends_the_intact_part(game):
    path, _ = game
    records = lines_of(path)
    k = action_line(records, 1)
    records[k]["action"] = {"kind": "launch_rocket"}
    rewrite(path, records)
    replay = Replay(path)
    assert replay.damage.startswith(f"line {k + 1}: kind: unknown action 'launch_rocket'")
    assert replay.end_block == 100 and not replay.verify().ok


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty"),
    (b"\n\n", "the file is empty"),
    (b"hello, world\n", "line 1: not a session header"),
    (b'{"type": "checkpoint", "n": 1, "block": 0}\n', "line 1: not a session header"),
    (b"\xff\xfe\x00garbage", "line 1: not UTF-8 text"),
    (b'[1, 2, 3]\n', "line 1: not a session header"),
])
def test_not_a_session(tmp_path, content, message):
    path = tmp_path / "x.jsonl"
    path.write_bytes(content)
    with pytest.raises(SessionError, match=f"^{message}"):
        load(path)


def test_missing_header(game):
    path, _ = game
    path.write_text("".join(path.read_text().splitlines(keepends=True)[1:]))
    with pytest.raises(SessionError, match="^line 1: not a session header"):
        load(path)


def test_header_with_a_missing_field(game):
    path, _ = game
    records = lines_of(path)
    del records[0]["seed"]
    rewrite(path, records)
    with pytest.raises(SessionError, match="^line 1: the header has no 'seed'"):
        load(path)


def test_missing_end_record_is_reported(game):
    path, _ = game
    path.write_text("".join(path.read_text().splitlines(keepends=True)[:-1]))
    session = load(path)
    assert session.damage.endswith("the end record is missing (the file was cut short)")
    assert session.last_block == 400  # the last checkpoint


def test_a_line_is_its_canonical_record_with_n_and_crc():
    line = encode_record({"type": "checkpoint", "block": 5, "hash": "ab"}, 7)
    assert line == '{"type":"checkpoint","n":7,"block":5,"hash":"ab","crc":"%s"}' % crc_of(
        {"type": "checkpoint", "n": 7, "block": 5, "hash": "ab"})


def test_odd_action_values_save_and_read_back(tmp_path):
    """numpy values and a NaN (a refused hand-set weight) must not make saving fail."""
    import math

    import numpy as np

    from taosandbox.world.actions import SetWeights
    from taosandbox.world import World

    from session_helpers import small_scenario

    world = World(small_scenario(1))
    recorder = SessionRecorder(world)
    world.advance(2)
    world.apply(SetWeights(hotkey="val-0", uids=tuple(np.arange(3)), values=(np.float64(0.5), math.nan, 1.0)))
    world.advance(2)
    session = load(recorder.save(tmp_path / "odd.jsonl"))
    assert session.damage is None
    [(block, action)] = session.actions
    assert block == 2 and action["uids"] == [0, 1, 2] and math.isnan(action["values"][1])
    assert verify(session.path).ok
