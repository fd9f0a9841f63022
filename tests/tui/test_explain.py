"""ExplainScreen: steps, uid picking, view switching, closing, and the no-epoch case."""

from __future__ import annotations

import sys
from pathlib import Path

from textual.app import App
from textual.widgets import Input, Markdown, Static

from taosandbox.tui.screens.explain import ExplainScreen

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "world"))
from tiny_epoch import snapshot  # noqa: E402


class ExplainApp(App):
    def __init__(self, snap, uid: int) -> None:
        super().__init__()
        self.snap, self.uid = snap, uid

    def on_mount(self) -> None:
        self.push_screen(ExplainScreen(self.snap, self.uid))


def _text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def _page(screen) -> str:
    return screen.query_one("#explain-page", Markdown).source


async def test_miner_steps_move_with_arrows_and_tab():
    app = ExplainApp(snapshot(), 3)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, ExplainScreen)
        assert "Miner 3 earned 46.2534 τ" in _text(screen, "#explain-summary")
        assert _page(screen).startswith("## 1. Weights received (§4.5)")
        await pilot.press("right", "right")
        assert _page(screen).startswith("## 3. Consensus (§4.7)")
        assert "◀ κ reached: consensus" in _page(screen)
        await pilot.press("tab")
        assert "| 1 | 0.4000 | 0.3000 | 0.3000 | 0.1000 |" in _page(screen)  # validator 1 clipped by 0.1
        await pilot.press("left", "left", "left", "left")
        assert _page(screen).startswith("## 7. Emission (§4.13)")  # wraps around
        assert "46.2534 τ" in _page(screen)


async def test_validator_pages_show_dividend_terms_and_take():
    app = ExplainApp(snapshot(), 1)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert "as a validator" in _text(screen, "#explain-title")
        await pilot.press(*["right"] * 4)
        assert _page(screen).startswith("## 5. Dividends (§4.12)")
        assert "| 2 | 0.3478 | 0.4792 | 0.166667 |" in _page(screen)
        await pilot.press("right", "right")
        assert "18.00% → 9.9905 τ" in _page(screen)


async def test_pick_another_uid_with_u_and_switch_view_with_v():
    app = ExplainApp(snapshot(), 3)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await pilot.press("u")
        uid_input = screen.query_one("#explain-uid", Input)
        assert uid_input.display and uid_input.has_focus
        await pilot.press("0", "enter")
        assert not uid_input.display
        assert screen.uid == 0
        assert "Validator 0 earned" in _text(screen, "#explain-summary")
        await pilot.press("v")
        assert "uid 0 as a miner" in _text(screen, "#explain-title")
        await pilot.press("right")  # arrows belong to the steps again
        assert _page(screen).startswith("## 2. Prerank")


async def test_unknown_uid_and_escape_closing_the_input_then_the_screen():
    app = ExplainApp(snapshot(), 3)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await pilot.press("u", "9", "enter")
        assert "uid 9 is not in the last epoch (uids 0..4)" in _text(screen, "#explain-summary")
        await pilot.press("u")
        await pilot.press("escape")
        assert app.screen is screen and not screen.query_one("#explain-uid", Input).display
        await pilot.press("escape")
        assert not isinstance(app.screen, ExplainScreen)


async def test_no_epoch_yet():
    app = ExplainApp(snapshot(with_epoch=False), 0)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert "No epoch has run yet" in _text(screen, "#explain-summary")
        await pilot.press("right")  # nothing to step through, nothing breaks
        assert "pick another uid" in _page(screen)


def _reference_snapshot():
    """The tiny_2v3m reference case run through the real engine, wrapped in a Snapshot."""
    import json

    from taosandbox.chain.reference import case_hyperparameters, case_inputs
    from taosandbox.chain.yuma import run_epoch

    case = json.loads((Path(__file__).resolve().parents[1] / "world" / "data" / "tiny_2v3m.json").read_text())["case"]
    result = run_epoch(case_inputs(case["epochs"][0]["inputs"]), case_hyperparameters(case))
    return snapshot(last_epoch=result)


async def test_reference_case_consensus_page_shows_engine_numbers():
    app = ExplainApp(_reference_snapshot(), 3)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("right", "right")
        page = _page(app.screen)
        assert "c_3 = 0.3000" in page and "◀ κ reached" in page


def test_explain_screen_snapshot_tiny_2v3m(snap_compare):
    assert snap_compare(ExplainApp(_reference_snapshot(), 3), press=["right", "right"], terminal_size=(120, 40))


def test_explain_screen_snapshot_validator_dividends(snap_compare):
    assert snap_compare(ExplainApp(_reference_snapshot(), 0), press=["right"] * 4, terminal_size=(120, 40))


async def test_a_digit_jumps_to_that_step_and_the_take_page_gives_the_yearly_rate():
    """The steps line numbers the steps, so 1-9 jump there; digits typed into the uid box stay there."""
    app = ExplainApp(_reference_snapshot(), 0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("7")
        page = _page(app.screen)
        assert page.startswith("## 7. Take and nominators")
        assert "per staked τ, a day at this rate" in page and "| a year | >1000%/yr |" in page
        await pilot.press("9")  # no step 9: stays put
        assert _page(app.screen).startswith("## 7.")
        await pilot.press("2")
        assert _page(app.screen).startswith("## 2.")
        await pilot.press("u", "1")
        assert app.screen.query_one("#explain-uid", Input).value == "1"
        assert _page(app.screen).startswith("## 2.")


def test_the_summary_says_when_a_worlds_returns_are_not_the_real_networks():
    from taosandbox.world.explain import explain

    walk = explain(_reference_snapshot(), 0)
    assert ">1000%/yr at this rate, far above the 10%–25% stakers were quoted" in walk.summary
    assert walk.stakers_per_tao_day is not None and walk.stake_rao == 600 * 10**9
