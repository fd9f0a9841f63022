"""Issue 15 item 8: level 1's answer boxes are in sight, and typing a number goes into them."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from taosandbox.tui.app import TaoApp
from tests.tui.test_wiring import wait_for_screen


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_level_one_answers_are_visible_and_typed_where_the_cursor_waits(size):
    app = TaoApp(level="blocks-and-rewards")
    notes: list[str] = []
    async with app.run_test(size=size) as pilot:
        await wait_for_screen(pilot, "LevelIntroModal")
        await pilot.press("enter")
        await wait_for_screen(pilot, "GameScreen")
        await pilot.pause()
        game = app.screen
        panel = game.query_one("#objectives")
        second = game.query_one("#answer-1", Input)
        assert app.focused is game.query_one("#answer-0", Input)  # the intro closed into the first box
        assert panel.region.contains_region(app.focused.region)  # on screen, not below the fold
        tab = game.query_one("#tabs").active
        await pilot.press(*"3600", "enter")
        await pilot.pause()
        assert app.focused is second and panel.region.contains_region(second.region)
        await pilot.press(*"7200")  # digits go into the box: no tab switch
        assert second.value == "7200" and game.query_one("#tabs").active == tab
        await pilot.press("enter")
        await pilot.pause()
        assert app.focused is None  # every question answered: the keys are the game's again
        answers = game.session.run.answers
        assert answers["hour"][-1][1] == 3600 and answers["per-day"][-1][1] == 7200


async def test_a_digit_that_switches_tabs_while_a_question_is_open_says_how_to_answer():
    app = TaoApp(level="blocks-and-rewards")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_screen(pilot, "LevelIntroModal")
        await pilot.press("enter")
        await wait_for_screen(pilot, "GameScreen")
        await pilot.press("escape", "2")
        await pilot.pause()
        assert app.screen.query_one("#tabs").active == "miner"
        assert any("press a" in n.message for n in app._notifications)
