"""Issue 15 item 2: back on the title screen, ✓ marks and the replay list are those of now."""

from __future__ import annotations

from taosandbox.levels import record_result
from taosandbox.sessions import list_saves
from taosandbox.tui.app import TaoApp
from taosandbox.tui.screens.game import GameScreen
from taosandbox.tui.screens.title import TitleScreen
from tests.tui.conftest import advance


async def test_leaving_a_game_refreshes_the_title(make_world):
    app = TaoApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        title = app.screen
        assert isinstance(title, TitleScreen) and title.query_one("#title-replay").disabled
        label = next(str(o.prompt) for o in title.query_one("#title-levels").options if o.id == "buy-a-seat")
        assert not label.startswith("✓")

        app._open_game(make_world("miner"), None)  # as Start does once the world is built
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        await advance(pilot, 5)
        record_result("buy-a-seat", True, 90)  # as passing that level does
        app.leave_game()
        await pilot.pause()
        assert app.screen is title
        label = next(str(o.prompt) for o in title.query_one("#title-levels").options if o.id == "buy-a-seat")
        assert label.startswith("✓ ")
        assert not title.query_one("#title-replay").disabled
        assert not title.query_one("#title-continue").disabled
        assert [s.path for s in title.saves] == [s.path for s in list_saves()] and title.saves
