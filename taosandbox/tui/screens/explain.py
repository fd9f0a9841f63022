"""Explain the epoch: the last Yuma epoch worked through for one uid, one step per page.

``ExplainScreen(snapshot, uid)``; left/right (or tab/shift+tab) move between steps, ``u`` picks another
uid, ``v`` switches between the miner and validator view, ``escape`` closes. The numbers come from
``taosandbox.world.explain``; this module only lays them out.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, Markdown, Static

from taosandbox.world.explain import ExplainError, MinerWalkthrough, Walkthrough, explain
from taosandbox.tui.screens.explain_pages import Page, pages_for


class _StepScroll(VerticalScroll, can_focus=False):
    """Scrolls the step; not focusable so left/right stay with the screen's step navigation."""


class ExplainScreen(Screen):
    """The last epoch, step by step, for one uid of ``snapshot`` (a frozen Snapshot)."""

    CSS_PATH = "explain.tcss"
    AUTO_FOCUS = None
    """Nothing focused, so the arrows move between steps; the uid Input takes focus only when asked."""

    BINDINGS = [
        Binding("right", "step(1)", "Next step"),
        Binding("left", "step(-1)", "Previous step"),
        Binding("tab", "step(1)", "Next step", show=False),
        Binding("shift+tab", "step(-1)", "Previous step", show=False),
        Binding("up", "scroll(-1)", "Scroll", show=False),
        Binding("down", "scroll(1)", "Scroll", show=False),
        *(Binding(str(k), f"goto({k})", f"Step {k}", show=False) for k in range(1, 10)),
        Binding("u", "pick_uid", "Other uid"),
        Binding("v", "switch_view", "Miner/validator view"),
        Binding("escape", "close", "Close"),
    ]

    def __init__(self, snapshot: Any, uid: int, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.snapshot = snapshot
        """The frozen Snapshot being explained (not updated live: the numbers stay put for a lesson)."""
        self.uid = uid
        self.step = 0
        self.walkthrough: Walkthrough | None = None
        self.pages: list[Page] = []
        self.error: str | None = None
        self._as_validator: bool | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="explain-title")
        yield Static(id="explain-summary")
        yield Static(id="explain-steps")
        with _StepScroll(id="explain-body"):
            yield Markdown(id="explain-page")
        # Disabled (so never focused) until ``u`` asks for it: the arrows must reach the steps.
        yield Input(placeholder="uid to explain, then enter (escape cancels)", id="explain-uid", type="integer",
                    disabled=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#explain-uid", Input).display = False
        self._build()

    # -- building -----------------------------------------------------------------------------

    def _build(self) -> None:
        """Compute the walkthrough for ``self.uid`` and show its first step."""
        try:
            self.walkthrough = explain(self.snapshot, self.uid, as_validator=self._as_validator)
        except ExplainError as error:
            self.walkthrough, self.pages, self.error = None, [], str(error)
        else:
            hp = self.snapshot.hyperparameters
            self.error = None
            self.pages = pages_for(self.walkthrough, max_validators=hp.max_allowed_validators,
                                   drain_blocks=hp.hotkey_emission_tempo + 1)
        self.step = 0
        self._show_step()

    def _show_step(self) -> None:
        walk = self.walkthrough
        title = self.query_one("#explain-title", Static)
        summary = self.query_one("#explain-summary", Static)
        steps = self.query_one("#explain-steps", Static)
        page = self.query_one("#explain-page", Markdown)
        if walk is None:
            title.update(f"Explain the last epoch: uid {self.uid}")
            summary.update(self.error or "")
            summary.set_class(True, "-error")
            steps.update("")
            page.update("Press **u** to pick another uid, **escape** to close.")
            return
        summary.set_class(False, "-error")
        view = "miner" if isinstance(walk, MinerWalkthrough) else "validator"
        at = f" at block {walk.block}" if walk.block is not None else ""
        title.update(f"Explain the last epoch{at}: uid {walk.uid} as a {view} ({walk.mechanism})")
        summary.update(walk.summary)
        steps.update(self._steps_line())
        current = self.pages[self.step]
        page.update(f"## {self.step + 1}. {current.title} ({current.section})\n\n{current.body}")
        self.query_one("#explain-body", _StepScroll).scroll_home(animate=False)

    def _steps_line(self) -> str:
        labels = []
        for k, page in enumerate(self.pages):
            label = f" {k + 1} {page.title} "
            labels.append(f"[reverse bold]{label}[/]" if k == self.step else label)
        return "·".join(labels)

    # -- actions ------------------------------------------------------------------------------

    def action_step(self, delta: int) -> None:
        if not self.pages:
            return
        self.step = (self.step + delta) % len(self.pages)
        self._show_step()

    def action_goto(self, number: int) -> None:
        """A digit jumps to that step: the steps line numbers them."""
        if 1 <= number <= len(self.pages):
            self.step = number - 1
            self._show_step()

    def action_scroll(self, delta: int) -> None:
        body = self.query_one("#explain-body", _StepScroll)
        body.scroll_relative(y=delta * 3, animate=False)

    def action_pick_uid(self) -> None:
        uid_input = self.query_one("#explain-uid", Input)
        uid_input.display = True
        uid_input.disabled = False
        uid_input.value = ""
        uid_input.focus()

    def action_switch_view(self) -> None:
        if self.walkthrough is None:
            return
        self._as_validator = isinstance(self.walkthrough, MinerWalkthrough)
        self._build()

    def action_close(self) -> None:
        uid_input = self.query_one("#explain-uid", Input)
        if uid_input.display:
            self._hide_input(uid_input)
            return
        self.dismiss()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While typing a uid, letters and arrows belong to the Input.
        if action in ("step", "goto", "pick_uid", "switch_view", "scroll") and self.is_mounted:
            if self.query_one("#explain-uid", Input).has_focus:
                return False
        return True

    def _hide_input(self, uid_input: Input) -> None:
        uid_input.display = False
        uid_input.disabled = True
        self.set_focus(None)

    @on(Input.Submitted, "#explain-uid")
    def _uid_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        self._hide_input(event.input)
        if not text:
            return
        try:
            self.uid = int(text)
        except ValueError:
            self.notify(f"{text!r} is not a uid: type a whole number.", severity="error")
            return
        self._as_validator = None
        self._build()
