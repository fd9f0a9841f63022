"""Issue 15 item 5: Halving Day needs the learner's own reasoning, not the header's estimate."""

from __future__ import annotations

from taosandbox.levels import load_level
from taosandbox.levels.level import SolutionStep
from taosandbox.levels.solve import play
from taosandbox.world.actions import Answer


def test_the_naive_estimate_fails_and_the_reasoned_one_passes():
    level = load_level("halving-day")
    # What the header used to say at block 0 and 200: left / (1 τ per block), blind to the 6 τ burns.
    for naive in (597, 600):
        run, _ = play(level, [SolutionStep(block=200, answer=Answer("halving", naive))])
        assert run.status == "failed", naive
    run, world = play(level)  # the shipped solution reasons with recycling: 634
    assert run.status == "passed" and world.block == 634


def test_the_header_hides_the_estimate_while_the_question_is_open():
    from taosandbox.levels import LevelSession
    from taosandbox.tui.widgets.chain_panel import HIDDEN_ESTIMATE, compact_line, halving_line

    session = LevelSession.start("halving-day")
    snapshot = session.world.snapshot()
    assert HIDDEN_ESTIMATE in halving_line(snapshot) and "~" not in halving_line(snapshot)
    assert HIDDEN_ESTIMATE in compact_line(snapshot) and "to go" in halving_line(snapshot)
    session.world.advance(700)  # the halving has come: the question is decided, the estimate is back
    assert HIDDEN_ESTIMATE not in halving_line(session.world.snapshot())
