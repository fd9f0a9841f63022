"""The end of a level: pass or fail, the score, each objective's outcome and the debrief.

``LevelResultModal(result, level)`` dismisses with ``RETRY``, ``NEXT`` or ``TITLE`` ("retry", "next",
"title"). Keys: r retry, n next level, escape or b back to the title.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Digits, Markdown, Static

from taosandbox.levels import Level, LevelResult
from taosandbox.levels.session import next_level as find_next_level

RETRY, NEXT, TITLE = "retry", "next", "title"
ICONS = {"passed": "✓", "failed": "✗", "pending": "…"}


def outcome_text(result: LevelResult) -> str:
    """One line per objective: its icon, what it asked, and what happened."""
    lines = []
    for entry in result.objectives.values():
        icon = ICONS.get(entry.get("status", "pending"), "?")
        detail = entry.get("detail") or ""
        lines.append(f"{icon} {entry.get('description', '')}" + (f"\n    {detail}" if detail else ""))
    return "\n".join(lines)


class LevelResultModal(ModalScreen[str]):
    """The unmissable end-of-level banner; readable on a projector."""

    CSS_PATH = "level_result.tcss"
    BINDINGS = [
        Binding("r", "choose('retry')", "Retry"),
        Binding("n", "choose('next')", "Next level"),
        Binding("escape,b", "choose('title')", "Back to title"),
    ]

    def __init__(self, result: LevelResult, level: Level, *, next_level: Any = ...,
                 record: dict[str, Any] | None = None) -> None:
        """``next_level``: the next level's title, or None for none; by default looked up in the course.
        ``record``: the progress-file record (``LevelSession.record``), to show the best score."""
        super().__init__()
        self.result = result
        self.level = level
        if next_level is ...:
            info = find_next_level(level)
            next_level = info.title if info is not None else None
        self.next_title: str | None = next_level
        self.record = record

    def compose(self) -> ComposeResult:
        result, passed = self.result, self.result.passed
        verdict = "passed" if passed else "failed"
        with Vertical(id="result-box", classes=verdict):
            yield Static(f"{ICONS[verdict]}  LEVEL {verdict.upper()}  {ICONS[verdict]}", id="result-banner")
            yield Static(self.level.title, id="result-title", markup=False)
            with Horizontal(id="result-score-row"):
                yield Static("score", id="result-score-label")
                yield Digits(str(result.score), id="result-score")
                yield Static(self._record_text(), id="result-record", markup=False)
            with VerticalScroll(id="result-body"):
                yield Static(outcome_text(result), id="result-objectives", markup=False)
                yield Static("What happened", classes="result-heading")
                yield Markdown(result.debrief, id="result-debrief")
            with Horizontal(id="result-buttons"):
                yield Button("Retry (r)", id="result-retry", variant="warning" if not passed else "default")
                yield Button(f"Next: {self.next_title} (n)" if self.next_title else "Next level (n)",
                             id="result-next", variant="success" if passed else "default",
                             disabled=self.next_title is None)
                yield Button("Back to title (esc)", id="result-title-button")

    def _record_text(self) -> str:
        out = "/ 100"
        if self.record:
            out += f"\nbest {self.record.get('best_score', '?')}, attempt {self.record.get('attempts', '?')}"
        return out

    def on_mount(self) -> None:
        first = "#result-next" if self.result.passed and self.next_title else "#result-retry"
        self.query_one(first, Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        choice = {"result-retry": RETRY, "result-next": NEXT}.get(event.button.id or "", TITLE)
        self.dismiss(choice)

    def action_choose(self, choice: str) -> None:
        if choice == NEXT and self.next_title is None:
            self.app.bell()
            return
        self.dismiss(choice)
