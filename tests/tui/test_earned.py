"""Issue 15 item 10: one "earned" (paid out) and one "pending" (waiting for the drain), header and panels alike."""

from __future__ import annotations

import re

from taosandbox.tui.app import TaoApp
from taosandbox.tui.earnings import earned_text, uid_earned_text
from taosandbox.world.actions import Register
from tests.tui.conftest import advance


def test_earned_text_wording():
    assert earned_text(10**9) == "earned [b $text-success]1.0000 τ[/]"
    assert earned_text(0, 2_110_000_000, 7) == "earned [b $text-success]0.0000 τ[/] (+2.1100 τ pending, paid in 7 blocks)"
    assert earned_text(0, 5, 1).endswith("paid in 1 block)")


def plain(markup: str) -> str:
    return re.sub(r"\[[^\]]*\]", "", markup)


async def test_header_and_miner_panel_say_the_same_for_a_lone_miner(make_world):
    world = make_world("miner")
    app = TaoApp(world=world)
    async with app.run_test(size=(200, 50)) as pilot:
        assert world.apply(Register(role="miner")).ok
        for _ in range(60):  # until the miner has both paid and pending emission
            snapshot = await advance(pilot, 5)
            row = next(r for r in snapshot.neurons if r.is_player)
            if row.accrued_rao and snapshot.player.earned_rao:
                break
        assert row.accrued_rao and snapshot.player.earned_rao
        header = str(app.screen.query_one("#player-line").render())
        panel = str(app.screen.query_one("#miner-status").render())
        said = plain(uid_earned_text(row))
        assert said in panel and said in header  # the same figures, the same words, in both places
        assert "pending, paid in" in said
