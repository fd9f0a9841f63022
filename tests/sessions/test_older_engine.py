"""A session recorded by the first version (taosandbox 0.1.0, before 0.2.0's chain rules) still opens,
replays its actions and exports; its checkpoints cannot match, and every message says why.

``data/recorded-by-0.1.0.session`` was written by commit 01f3379 (the first version on main): the free
sandbox at seed 5, a miner registered at block 20, 20 τ delegated to val-0 at block 50, 200 blocks."""

import json
from pathlib import Path

from taosandbox.cli import main
from taosandbox.sessions import Replay, verify

OLD = Path(__file__).parent / "data" / "recorded-by-0.1.0.session"


def test_verify_names_the_older_rules_as_the_reason(capsys):
    result = verify(OLD)
    assert not result.ok and result.divergence is not None
    assert result.divergence.block == 0
    assert "recorded by taosandbox 0.1.0, before the chain rules of 0.2.0" in result.message()
    assert result.actions == 2 and result.refused == []  # both actions still apply under today's rules
    assert main(["replay", "--verify", str(OLD)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("FAILED: DIVERGED at block 0: ") and "cannot match" in out


def test_the_viewer_plays_it_to_the_end_with_its_actions():
    replay = Replay(OLD, snapshot_seconds=None, saved_states=False)
    replay.run_to_end()
    world = replay.world
    assert world.block == 200 and not replay.refused
    mine = [n for n in world.snapshot().neurons if n.hotkey.startswith("player")]
    assert len(mine) == 1  # the miner registered at block 20
    assert "before the chain rules" in str(replay.divergence)


def test_export_writes_it_and_says_it_could_not_be_verified(tmp_path, capsys):
    out = tmp_path / "old.json"
    assert main(["replay", "--json", str(out), str(OLD)]) == 1  # exported, but not verified
    summary = json.loads(out.read_text())
    assert summary["final_block"] == 200 and summary["seed"] == 5
    assert "before the chain rules of 0.2.0" in capsys.readouterr().out


def test_a_same_version_divergence_gives_no_such_reason(game):
    from session_helpers import lines_of, rewrite

    path, _ = game
    records = lines_of(path)
    k = [i for i, r in enumerate(records) if r["type"] == "action"][2]
    records[k]["action"]["amount_rao"] += 1
    rewrite(path, records)
    assert "chain rules" not in verify(path).message()
