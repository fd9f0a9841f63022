"""A level on the game screen: the objectives panel, the intro before it starts, the result when it
ends (after the halving banner, if one is up), hints and the answer box.

A mixin for ``GameScreen``; ``self.session`` is the LevelSession (None in the free sandbox).
"""

from __future__ import annotations

from typing import Any

from taosandbox.levels.session import LevelSession
from taosandbox.tui.screens.halving import HalvingModal
from taosandbox.tui.screens.level_intro import LevelIntroModal
from taosandbox.tui.screens.level_result import NEXT, RETRY, LevelResultModal
from taosandbox.tui.widgets.objectives import ObjectivesPanel


def level_session(world: Any) -> LevelSession | None:
    """The LevelSession playing on ``world``, or None (the free sandbox)."""
    return LevelSession.of(world)


class LevelFlow:
    """Intro, objectives, result; hint and answer keys."""

    def _objectives_panel(self) -> ObjectivesPanel:
        def reveal_hint() -> str | None:
            with self.sim.lock:
                return self.session.reveal_hint()

        return ObjectivesPanel(self.session.level, apply=self._apply_now, reveal_hint=reveal_hint,
                               id="objectives")

    def _show_level_intro(self) -> None:
        def after(start: bool | None) -> None:
            if not start:
                self.app.leave_game()  # type: ignore[attr-defined]
            elif self.session.level.questions:  # a level that asks first: the cursor waits in the answer box
                self.query_one("#objectives", ObjectivesPanel).focus_answer()

        self.app.push_screen(LevelIntroModal(self.session.level), after)

    def warn_if_answering(self) -> None:
        """A digit switched tabs while a question is open: say how to type an answer instead."""
        if self.session is None or not self.session.level.questions:
            return
        if self.query_one("#objectives", ObjectivesPanel).open_answers():
            self.app.notify("Digits 1-6 switch tabs. To type an answer, press a (the answer box) first.",
                            title="Answering?", timeout=5)

    def _update_level(self, snapshot: Any) -> None:
        self.query_one("#objectives").update_from(snapshot)  # type: ignore[attr-defined]
        with self.sim.lock:
            result = self.session.finished()
        if result is None:
            return
        self.pause()
        if any(isinstance(screen, HalvingModal) for screen in self.app.screen_stack):
            self._pending_result = result  # the halving banner first; the result when it is closed
            return
        self._show_level_result(result)

    def _show_level_result(self, result: Any) -> None:
        session = self.session

        def after(choice: str | None) -> None:
            if choice == RETRY:
                self.app.restart_level(session.level.name)  # type: ignore[attr-defined]
            elif choice == NEXT and session.next_level() is not None:
                self.app.restart_level(session.next_level().name)  # type: ignore[attr-defined]
            else:
                self.app.leave_game()  # type: ignore[attr-defined]

        self.app.push_screen(LevelResultModal(result, session.level, record=session.record), after)

    def action_level_hint(self) -> None:
        """In a level: reveal the next hint (it costs score points; the panel says how many)."""
        if self.session is None:
            self.app.notify("Hints come with levels: pick one on the title screen.", timeout=4)
            return
        self.query_one("#objectives").action_hint()  # type: ignore[attr-defined]

    def action_level_answer(self) -> None:
        """In a level with a question: put the cursor in the first answer field."""
        if self.session is None or not self.session.level.questions:
            self.app.notify("There is no question to answer here.", timeout=4)
            return
        if not self.query_one("#objectives", ObjectivesPanel).focus_answer():
            self.app.notify("Every question is answered.", timeout=4)
