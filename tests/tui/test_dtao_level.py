"""A dTAO level on the Subnets screen: briefing first, live objectives, answers, the result, progress."""

from __future__ import annotations

from textual.widgets import Input, OptionList, Static

from taosandbox.levels import load_progress
from taosandbox.tui.app import TaoApp
from taosandbox.tui.dtao.subnets import SubnetsScreen
from taosandbox.tui.screens.level_intro import LevelIntroModal
from taosandbox.tui.screens.level_result import LevelResultModal
from taosandbox.tui.widgets.objectives import ObjectivesPanel


def _objectives(screen: SubnetsScreen) -> str:
    return str(screen.query_one("#objectives-list", Static).render())


async def _wait_for(pilot, kind) -> None:
    for _ in range(50):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if isinstance(pilot.app.screen, kind):
            return
    raise AssertionError(f"{kind.__name__} never came up; on {type(pilot.app.screen).__name__}")


async def test_slippage_level_played_with_keys_to_the_end() -> None:
    app = TaoApp(level="14-slippage")
    async with app.run_test(size=(130, 42)) as pilot:
        await _wait_for(pilot, LevelIntroModal)
        await pilot.press("enter")  # Start: the cursor waits in the first answer box
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SubnetsScreen) and screen.session.level.name == "slippage"
        panel = screen.query_one("#objectives", ObjectivesPanel)
        assert app.focused is screen.query_one("#answer-0", Input)
        await pilot.press("2", "0", "enter")  # 1 / 0.05 alpha per TAO: judged once the stake exists
        await pilot.pause()
        assert "judged once you have made the stake" in _objectives(screen)

        await pilot.press("escape")  # the keys back to the game
        assert app.focused is None
        await pilot.press("s", "1", "0", "0", "enter")  # stake 100 τ on subnet 1 (selected)
        await pilot.pause()
        assert screen.world.state.subnets[1].alpha_stake[("sn1-val0", "player")] > 0
        await pilot.press("n")  # one block: the stake and the first answer are judged
        await pilot.pause()
        progress = screen.world.extra["level"]["objectives"]
        assert progress["spot"]["status"] == progress["swap"]["status"] == "passed"
        assert _objectives(screen).count("✓") == 2

        await pilot.press("s", "1", "enter", "n")
        await pilot.pause()
        big, small = (t.amount_out / t.amount_in for t in screen.session.run.trades)
        assert big > 2 * small  # the small stake paid the price the big one left
        screen.query_one("#answer-1", Input).value = f"{big:.2f}"
        await pilot.press("a")
        screen.query_one("#answer-1", Input).focus()
        await pilot.press("enter")
        screen.query_one("#answer-2", Input).value = f"{small:.2f}"
        screen.query_one("#answer-2", Input).focus()
        await pilot.press("enter")
        await _wait_for(pilot, LevelResultModal)  # judged at once, no block needed
        assert panel.progress["status"] == "passed"
        assert load_progress()["slippage"]["passed"] is True
        await pilot.press("escape")  # back to the title: the level shows passed, with its ruleset
        await _wait_for(pilot, type(app.screen_stack[-1]))
        options = app.screen.query_one("#title-levels", OptionList)
        label = next(str(o.prompt) for o in options.options if o.id == "slippage")
        assert label.startswith("✓ ") and "dynamic TAO" in label


async def test_dtao_level_at_80x24_stacks_and_the_answer_box_is_reachable() -> None:
    app = TaoApp(level="17-owner-cut-and-burn")
    async with app.run_test(size=(80, 24)) as pilot:
        await _wait_for(pilot, LevelIntroModal)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert screen.has_class("-level") and screen.has_class("-narrow")
        await pilot.press("0", ".", "1", "8", "enter")  # the owner's 18% of 1 alpha a block
        await pilot.press("escape", "n")
        await pilot.pause()
        assert screen.world.extra["level"]["objectives"]["owner"]["status"] == "passed"
        await pilot.press("r")  # register on subnet 1: its burn's alpha is recycled
        await pilot.pause()
        recycled = screen.world.events[-1].data["trade"]["alpha_recycled"]
        assert recycled > 0
        field = screen.query_one("#answer-3", Input)  # the registration question, answered before any block
        field.value = f"{recycled / 1e9:.4f}"
        field.focus()
        await pilot.press("enter")
        await pilot.pause()
        objectives = screen.world.extra["level"]["objectives"]
        assert objectives["swap"]["status"] == objectives["registration"]["status"] == "passed"

        screen.set_focus(None)
        await pilot.press("escape")  # a stray escape only warns...
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("escape")  # ...the second leaves for the title screen
        await pilot.pause()
        assert not isinstance(app.screen, SubnetsScreen)


async def test_root_or_alpha_staked_from_the_keyboard_alone() -> None:
    app = TaoApp(level="root-or-alpha")
    async with app.run_test(size=(130, 42)) as pilot:
        await _wait_for(pilot, LevelIntroModal)
        await pilot.press("enter", "escape")
        await pilot.press("s", "1", "0", "0", "escape", "o")  # 100 τ on root under sn1-val0
        await pilot.press("2", "s", "enter")  # subnet 2, the same 100 τ as alpha under sn2-val0
        await pilot.pause()
        screen = app.screen
        assert screen.world.state.root_stake[("sn1-val0", "player")] == 100 * 10**9
        assert screen.world.state.subnets[2].alpha_stake[("sn2-val0", "player")] > 0
        await pilot.press("u")  # and unstake it all again
        await pilot.pause()
        assert screen.world.state.subnets[2].alpha_stake[("sn2-val0", "player")] == 0
