"""Level screens and the objectives panel, driven by real worlds from shipped levels."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Button, Input, Static

from taosandbox.world.actions import Answer, Register
from taosandbox.levels import LevelSession, load_level, load_progress
from taosandbox.levels.solve import play
from taosandbox.tui.screens.level_intro import LevelIntroModal
from taosandbox.tui.screens.level_result import LevelResultModal
from taosandbox.tui.widgets.objectives import ObjectivesPanel


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    monkeypatch.setenv("TAOSANDBOX_HOME", str(tmp_path / "home"))


def _text(root, selector: str) -> str:
    return str(root.query_one(selector, Static).render())


class ModalApp(App):
    """Pushes one modal and keeps what it dismissed with."""

    def __init__(self, modal) -> None:
        super().__init__()
        self.modal = modal
        self.dismissed: list = []

    def on_mount(self) -> None:
        self.push_screen(self.modal, self.dismissed.append)


class PanelApp(App):
    """The objectives panel beside nothing, wired to a level session as the game wires it."""

    def __init__(self, session: LevelSession) -> None:
        super().__init__()
        self.session = session
        self.applied: list = []

    def compose(self) -> ComposeResult:
        yield ObjectivesPanel(self.session.level, apply=self.apply, reveal_hint=self.session.reveal_hint,
                              id="objectives")

    def apply(self, action):
        self.applied.append(action)
        return self.session.world.apply(action)

    def show(self) -> None:
        self.query_one(ObjectivesPanel).update_from(self.session.world.snapshot())


# ---------------------------------------------------------------------------------------------- intro
async def test_intro_lists_objectives_and_constraints_and_start_dismisses_true():
    level = load_level("buy-a-seat")
    app = ModalApp(LevelIntroModal(level))
    async with app.run_test(size=(110, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert _text(screen, "#intro-title") == "Buy a Seat"
        assert "You play a miner" in _text(screen, "#intro-concept")
        objectives = _text(screen, "#intro-objectives")
        assert "by block 100" in objectives
        assert "How many TAO did your registration recycle?" in objectives
        assert "Spend at most 1.5 τ on registration and fees" in _text(screen, "#intro-rules")
        await pilot.press("enter")
        await pilot.pause()
    assert app.dismissed == [True]


async def test_intro_back_dismisses_false():
    app = ModalApp(LevelIntroModal(load_level("halving-day")))
    async with app.run_test(size=(110, 40)) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
    assert app.dismissed == [False]


# ------------------------------------------------------------------------------------------- panel
async def test_panel_shows_progress_changing_as_the_world_advances():
    session = LevelSession.start("buy-a-seat")
    app = PanelApp(session)
    async with app.run_test(size=(60, 40)) as pilot:
        app.show()
        await pilot.pause()
        before = _text(app, "#objectives-list")
        assert "…" in before and "✓" not in before
        assert "200 blocks left" in _text(app, "#objectives-header")
        assert "⏳ 100 blocks" in before  # own_uid's own deadline
        assert app.apply(Register(role="miner", model="logistic")).ok
        session.world.step()
        app.show()
        await pilot.pause()
        after = _text(app, "#objectives-list")
        assert "✓" in after and "100%" in after
        assert "199 blocks left" in _text(app, "#objectives-header")
        assert "⏳ 99 blocks" not in after  # passed: no countdown any more


async def test_update_from_is_a_no_op_when_progress_did_not_change():
    session = LevelSession.start("buy-a-seat")
    app = PanelApp(session)
    async with app.run_test(size=(60, 40)) as pilot:
        panel = app.query_one(ObjectivesPanel)
        snapshot = session.world.snapshot()
        panel.update_from(snapshot)
        shown = panel.progress
        panel.update_from(session.world.snapshot())  # an equal dict: nothing redrawn
        assert panel.progress is shown
        await pilot.pause()


async def test_hint_key_reveals_the_first_hint_and_costs_score():
    session = LevelSession.start("halving-day")
    app = PanelApp(session)
    async with app.run_test(size=(60, 40)) as pilot:
        app.query_one(ObjectivesPanel).focus()
        await pilot.press("i")
        await pilot.pause()
        hints = _text(app, "#objectives-hints")
        assert hints.startswith("Hint 1: The status bar shows total issuance")
        assert "Hint 2" not in hints
        assert session.run.hints_shown == 1
        app.show()
        await pilot.pause()
        assert "a pass scores 90" in _text(app, "#objectives-header")
        assert "2 left" in str(app.query_one("#objectives-hint", Button).label)


async def test_halving_answer_goes_through_apply_and_is_recorded():
    session = LevelSession.start("halving-day")
    app = PanelApp(session)
    async with app.run_test(size=(60, 40)) as pilot:
        await pilot.click("#answer-0")
        await pilot.press("6", "0", "7", "enter")
        await pilot.pause()
        assert app.applied == [Answer(question_id="halving", value=607.0)]
        assert session.run.answers["halving"] == [(0, 607.0)]
        assert session.world.action_log[-1][1]["kind"] == "answer"
        assert app.query_one("#answer-0", Input).value == ""
        assert "sent: 607" in _text(app, "#answer-message-0")


async def test_a_non_number_answer_shows_a_message_and_is_not_sent():
    session = LevelSession.start("halving-day")
    app = PanelApp(session)
    async with app.run_test(size=(60, 40)) as pilot:
        await pilot.click("#answer-0")
        await pilot.press("6", "x")
        await pilot.pause()
        assert "Not a number" in _text(app, "#answer-message-0")
        assert app.query_one("#answer-message-0").has_class("-invalid")
        await pilot.press("enter")
        await pilot.pause()
        assert app.applied == [] and session.run.answers == {}


# ------------------------------------------------------------------------------------------ result
async def test_result_shows_passed_for_the_solution_and_next_level():
    level = load_level("buy-a-seat")
    run, _world = play(level)
    app = ModalApp(LevelResultModal(run.result(), level))
    async with app.run_test(size=(110, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert "LEVEL PASSED" in _text(screen, "#result-banner")
        assert "✓" in _text(screen, "#result-objectives")
        assert "Outlive" in str(screen.query_one("#result-next", Button).label)
        await pilot.press("n")
        await pilot.pause()
    assert app.dismissed == ["next"]


async def test_result_shows_failed_when_idle_and_retry():
    level = load_level("buy-a-seat")
    run, _world = play(level, ())
    app = ModalApp(LevelResultModal(run.result(), level))
    async with app.run_test(size=(110, 40)) as pilot:
        await pilot.pause()
        assert "LEVEL FAILED" in _text(app.screen, "#result-banner")
        assert "✗" in _text(app.screen, "#result-objectives")
        assert app.screen.query_one("#result-box").has_class("failed")
        await pilot.press("r")
        await pilot.pause()
    assert app.dismissed == ["retry"]


async def test_result_for_the_last_level_has_no_next():
    from taosandbox.levels import list_levels

    level = load_level(list_levels()[-1].name)
    run, _world = play(level)
    app = ModalApp(LevelResultModal(run.result(), level))
    async with app.run_test(size=(110, 40)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#result-next", Button).disabled
        await pilot.press("n")  # nothing to go to: stays open
        await pilot.pause()
        assert app.dismissed == []
        await pilot.press("escape")
        await pilot.pause()
    assert app.dismissed == ["title"]


def test_session_finished_reports_once_and_records_progress():
    session = LevelSession.start("buy-a-seat")
    assert session.finished() is None
    assert session.world.apply(Register(role="miner", model="logistic")).ok
    while not session.done:
        session.world.step()
    result = session.finished()
    assert result is not None and result.finished and not result.passed  # the question went unanswered
    assert session.finished() is None
    assert load_progress()["buy-a-seat"]["attempts"] == 1


# --------------------------------------------------------------------------------------- snapshots
def test_intro_snapshot(snap_compare):
    assert snap_compare(ModalApp(LevelIntroModal(load_level("halving-day"))), terminal_size=(120, 40))


def test_result_snapshot(snap_compare):
    level = load_level("buy-a-seat")
    run, _world = play(level)
    assert snap_compare(ModalApp(LevelResultModal(run.result(), level, record={"best_score": 100, "attempts": 2})),
                        terminal_size=(120, 40))
