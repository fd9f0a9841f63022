"""Replaying a recorded game: every checkpoint matches, in this process and in a fresh one; seeking."""

import json
import subprocess
import sys

import pytest

from taosandbox.sessions import EVENT_GROUPS, Replay, SessionRecorder, load, resume, verify


def test_replay_matches_every_checkpoint(recorded):
    path, facts = recorded
    replay = Replay(path)
    result = replay.verify()
    assert result.ok, result.message()
    assert result.checkpoints == len(facts["checkpoints"]) == 9  # blocks 0, 50, ..., 400
    for block, expected in facts["checkpoints"]:
        assert replay.checked[block] == expected
    assert replay.world.state_hash() == facts["final_hash"]
    assert replay.world.action_log == facts["actions"]
    assert replay.end_matched is True


def test_replay_in_a_fresh_process_gives_the_same_hashes(recorded):
    path, facts = recorded
    code = ("import json, sys; from taosandbox.sessions import Replay; r = Replay(sys.argv[1]); "
            "r.run_to_end(); print(json.dumps({'checked': r.checked, 'final': r.world.state_hash()}))")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    data = json.loads(out.stdout)
    assert data["final"] == facts["final_hash"]
    assert {int(b): h for b, h in data["checked"].items()} == dict(facts["checkpoints"])


def test_the_file_is_json_lines_in_block_order_with_every_action(recorded):
    path, facts = recorded
    records = [json.loads(line) for line in path.read_text().splitlines()]
    assert records[0]["type"] == "header" and records[-1]["type"] == "end"
    assert [r["n"] for r in records] == list(range(1, len(records) + 1))
    blocks = [r["block"] for r in records[1:]]
    assert blocks == sorted(blocks)
    actions = [(r["block"], r["action"]) for r in records if r["type"] == "action"]
    assert actions == facts["actions"]
    assert records[-1] == {**records[-1], "block": facts["final_block"], "hash": facts["final_hash"],
                           "actions": 4}
    assert path.stat().st_size < 4000  # small: a scenario summary, 4 actions, 9 checkpoints


def straight_hashes(path, blocks):
    """State hash at each block (after that block's actions) from one replay without saved copies."""
    replay = Replay(path, snapshot_seconds=None)
    out = {}
    for block in sorted(blocks):
        while replay.block < block:
            replay.step()
        out[block] = replay.world.state_hash()
    return out


def test_seek_gives_the_state_of_a_straight_replay(recorded):
    path, _ = recorded
    targets = [0, 7, 8, 100, 101, 250, 399, 400, 137, 3, 251, 400, 0, 333]
    expected = straight_hashes(path, set(targets))
    # A saved copy at every block it passes (no states from the cache: this is about the copies).
    replay = Replay(path, snapshot_seconds=0.0, saved_states=False)
    replay.run_to_end()
    assert 50 < len(replay.snapshot_blocks) <= 128  # thinned out past MAX_SNAPSHOTS
    assert replay.snapshot_kind == "pickle"  # the fast kind of copy (10x cheaper than deepcopy)
    for block in targets:
        assert replay.seek(block) == block
        assert replay.world.state_hash() == expected[block], f"block {block}"
    # A replay that has not been ahead yet seeks forward by stepping, then back from its copies.
    lazy = Replay(path, snapshot_seconds=0.001)
    for block in (250, 100, 400, 8):
        lazy.seek(block)
        assert lazy.world.state_hash() == expected[block], f"block {block}"


def test_seek_clamps_and_step_stops_at_the_end(recorded):
    path, facts = recorded
    replay = Replay(path)
    assert replay.seek(10**9) == facts["final_block"]
    assert replay.at_end and replay.step() == []
    assert replay.seek(-5) == 0


def test_timeline_and_next_event(recorded):
    path, facts = recorded
    replay = Replay(path)
    timeline = replay.timeline()
    assert replay.block == 0
    action_blocks = sorted({b for b, _ in facts["actions"]})
    assert replay.next_event("action") == action_blocks[0]  # looks ahead without moving
    assert replay.block == 0
    replay.run_to_end()
    timeline = replay.timeline()
    assert sorted({b for b, g in timeline if g == "action"}) == action_blocks
    prunes = [b for b, g in timeline if g == "prune"]
    assert prunes, "the small world is full: arrivals prune"
    assert replay.next_event("prune", after=0) == prunes[0]
    assert replay.next_event("action", after=action_blocks[-1]) is None
    assert {g for _, g in timeline} <= set(EVENT_GROUPS)
    with pytest.raises(ValueError, match="unknown event kind"):
        replay.next_event("nonsense")


def test_resume_continues_the_game_and_its_recording(recorded, isolated_home):
    path, facts = recorded
    before = path.read_bytes()
    world = resume(path)
    assert world.block == facts["final_block"]
    assert world.state_hash() == facts["final_hash"]
    recorder = SessionRecorder.of(world)
    assert recorder is not None and recorder.notice is None
    world.advance(60)
    saved = recorder.close()
    assert saved != path and saved.parent.name == "autosave"
    assert path.read_bytes() == before  # the source is never written
    session = load(saved)
    assert session.damage is None and session.last_block == facts["final_block"] + 60
    assert session.actions == facts["actions"]
    assert verify(saved).ok
