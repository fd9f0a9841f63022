"""Defects found by the last newcomer pass (issue 15), each pinned by a test."""

from __future__ import annotations

from textual.widgets import Static

from taosandbox.tui.app import TaoApp
from taosandbox.tui.screens.game_tabs import metagraph_title
from tests.tui.conftest import advance


def test_metagraph_title_fits_its_line_by_dropping_what_the_header_shows(make_world):
    """With the free sandbox's 6M τ of stake the title ran past 80 columns and lost the burn."""
    snapshot = make_world("miner").snapshot()
    full = metagraph_title(snapshot)
    assert "block 0" in full and "issuance" in full and "burn 1.0000 τ" in full
    narrow = metagraph_title(snapshot, width=60)
    assert len(narrow) <= 60 and "burn 1.0000 τ" in narrow and "stake" in narrow
    assert "issuance" not in narrow and "block" not in narrow


async def test_metagraph_title_on_an_80_column_screen(make_world):
    app = TaoApp(world=make_world("miner"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await advance(pilot, 3)
        title = app.screen.query_one("#metagraph-title", Static)
        text = str(title.render())
        assert "burn" in text and len(text) <= title.content_size.width
