"""The level's live objectives beside the game: status, progress bars, deadlines, hints and questions.

``ObjectivesPanel(level, apply=..., reveal_hint=...)``: call ``update_from(snapshot)`` with every new
snapshot (it redraws only when ``snapshot.extra["level"]`` changed). ``apply(action)`` is how an answer
reaches the world (the game routes it through ``World.apply``); ``reveal_hint()`` returns the next hint
text or None (``LevelSession.reveal_hint``). Key: i reveals a hint while the panel has focus (the game
screen should bind i to ``action_hint`` too).
"""

from __future__ import annotations

from typing import Any, Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.markup import escape
from textual.validation import Number
from textual.widgets import Button, Input, Static

from taosandbox.world.actions import Action, Answer
from taosandbox.levels import Level
from taosandbox.levels.run import HINT_PENALTY, PASS_FLOOR
from taosandbox.tui.widgets.side_panel import SidePanel

ICONS = {"passed": "[$success]✓[/]", "failed": "[$error]✗[/]", "pending": "[$warning]…[/]"}
BAR_WIDTH = 10


def bar(progress: float, width: int = BAR_WIDTH) -> str:
    """A small text progress bar, e.g. ``████░░░░░░  40%``."""
    p = min(1.0, max(0.0, float(progress)))
    filled = round(p * width)
    return f"[$accent]{'█' * filled}[/][$text-muted]{'░' * (width - filled)}[/] {round(p * 100):>3}%"


def initial_progress(level: Level) -> dict[str, Any]:
    """What the panel shows before the first snapshot: every objective pending."""
    return {
        "title": level.title, "status": "pending", "score": 0, "block": 0, "deadline": level.deadline,
        "hints_shown": 0, "hints": [], "answers": {},
        "objectives": {o.id: {"description": o.description, "kind": o.kind, "status": "pending",
                              "progress": 0.0, "detail": "", "by_block": o.by_block} for o in level.leaves},
    }


def header_markup(progress: dict[str, Any]) -> str:
    status = progress.get("status", "pending")
    block, deadline = int(progress.get("block", 0)), int(progress.get("deadline", 0))
    hints = int(progress.get("hints_shown", 0))
    if status == "passed":
        state = f"[b $success]PASSED[/] · score {progress.get('score', 0)}"
    elif status == "failed":
        state = f"[b $error]FAILED[/] · score {progress.get('score', 0)}"
    else:
        left = max(0, deadline - block)
        state = (f"[b $warning]IN PROGRESS[/] · {left:,} blocks left\n"
                 f"[$text-muted]hints used {hints} · a pass scores {max(PASS_FLOOR, 100 - HINT_PENALTY * hints)}[/]")
    return f"[b]{escape(str(progress.get('title', '')))}[/]\n{state}"


def objectives_markup(progress: dict[str, Any]) -> str:
    """Each objective: icon and description, then its bar, its detail and (if pending) its countdown."""
    block = int(progress.get("block", 0))
    lines = []
    for entry in progress.get("objectives", {}).values():
        status = entry.get("status", "pending")
        lines.append(f"{ICONS.get(status, '?')} {escape(str(entry.get('description', '')))}")
        second = "  " + bar(1.0 if status == "passed" else entry.get("progress", 0.0))
        if status == "pending" and entry.get("by_block") is not None:
            second += f"  [$text-muted]⏳ {max(0, int(entry['by_block']) - block):,} blocks[/]"
        lines.append(second)
        if entry.get("detail"):
            lines.append(f"  [$text-muted]{escape(str(entry['detail']))}[/]")
    return "\n".join(lines)


class ObjectivesPanel(SidePanel):
    """Live objectives, overall status and score, revealed hints, and inputs for the level's questions."""

    DEFAULT_CSS = """
    ObjectivesPanel {
        & #objectives-header { margin-bottom: 0; }
        & #objectives-list { margin-top: 1; }
        & #objectives-hints { color: $text-warning; margin-top: 1; }
        & #objectives-hint { width: 1fr; margin-top: 1; }
        & .question { margin-top: 1; text-style: bold; }
        & .answer-message { color: $text-muted; height: auto; }
        & .answer-message.-invalid { color: $text-error; }
    }
    """
    BINDINGS = [Binding("i", "hint", "Hint")]

    def __init__(self, level: Level, *, apply: Callable[[Action], Any] | None = None,
                 reveal_hint: Callable[[], str | None] | None = None,
                 name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.level = level
        self._apply = apply
        self._reveal_hint = reveal_hint
        self.progress: dict[str, Any] = initial_progress(level)
        """The last progress dict shown (``snapshot.extra["level"]``)."""
        self.hints: list[str] = []
        """Hints revealed so far, in order."""
        self._questions = list(level.questions.items())
        self._placeholders = {o.id: "the block number, then enter" for o in level.leaves
                              if o.kind == "predict_halving"}

    def compose(self) -> ComposeResult:
        yield Static(header_markup(self.progress), id="objectives-header")
        # The questions first: below the objectives they were out of sight at 40 rows (issue 15 item 8).
        for k, (qid, text) in enumerate(self._questions):
            yield Static(text, classes="question", markup=False)
            yield Input(placeholder=self._placeholders.get(qid, "a number, then enter"), validators=[Number()],
                        id=f"answer-{k}", valid_empty=True, compact=True)
            yield Static("", id=f"answer-message-{k}", classes="answer-message", markup=False)
        yield Static(objectives_markup(self.progress), id="objectives-list")
        yield Static("", id="objectives-hints", markup=False)
        if self.level.hints:
            yield Button(self._hint_label(), id="objectives-hint", variant="warning", compact=True)

    def open_answers(self) -> list[Input]:
        """The answer fields still waiting for an answer, in order."""
        return [field for field in self.query(Input) if self._index(field.id) is not None and not field.disabled]

    def focus_answer(self, after: int = -1) -> bool:
        """Put the cursor in the first open answer field after index ``after``; False if there is none."""
        for field in self.open_answers():
            if self._index(field.id) > after:  # type: ignore[operator]
                field.focus()
                field.scroll_visible()
                return True
        return False

    # ---- snapshots
    def update_from(self, snapshot: Any) -> None:
        """Show ``snapshot.extra["level"]``; does nothing when it has not changed since the last call."""
        progress = (getattr(snapshot, "extra", None) or {}).get("level")
        if not isinstance(progress, dict) or progress == self.progress:
            return
        self.progress = progress
        shown = progress.get("hints") or []
        if len(shown) >= len(self.hints):
            self.hints = list(shown)
        self._refresh()

    def _refresh(self) -> None:
        if not self.is_mounted:
            return
        self.query_one("#objectives-header", Static).update(header_markup(self.progress))
        self.query_one("#objectives-list", Static).update(objectives_markup(self.progress))
        self.query_one("#objectives-hints", Static).update(
            "\n".join(f"Hint {k + 1}: {text}" for k, text in enumerate(self.hints)))
        if self.level.hints:
            button = self.query_one("#objectives-hint", Button)
            button.label = self._hint_label()
            button.disabled = len(self.hints) >= len(self.level.hints)
        answers = self.progress.get("answers") or {}
        objectives = self.progress.get("objectives") or {}
        for k, (qid, _text) in enumerate(self._questions):
            decided = (objectives.get(qid) or {}).get("status", "pending") != "pending"
            field = self.query_one(f"#answer-{k}", Input)
            field.disabled = decided or self.progress.get("status", "pending") != "pending"
            given = answers.get(qid) or []
            if given and not field.has_class("-typing"):
                said = ", ".join(f"{value:g} (block {int(block):,})" for block, value in given[-3:])
                self._message(k, f"your answers: {said}")

    def _hint_label(self) -> str:
        left = len(self.level.hints) - len(self.hints)
        return f"Hint (i): {left} left, -{HINT_PENALTY} points" if left else "No hints left"

    # ---- hints
    def action_hint(self) -> None:
        """Reveal the next hint through the ``reveal_hint`` callback."""
        if len(self.hints) >= len(self.level.hints):
            self.notify("No more hints for this level.", timeout=3)
            return
        if self._reveal_hint is None:
            return
        text = self._reveal_hint()
        if text is None:
            return
        self.hints.append(text)
        # the header's "hints used · a pass scores" must drop now, not at the next block
        self.progress = {**self.progress, "hints_shown": max(len(self.hints), int(self.progress.get("hints_shown", 0)))}
        self._refresh()

    @on(Button.Pressed, "#objectives-hint")
    def _hint_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_hint()

    # ---- questions
    def _message(self, k: int, text: str, invalid: bool = False) -> None:
        message = self.query_one(f"#answer-message-{k}", Static)
        message.update(text)
        message.set_class(invalid, "-invalid")

    @staticmethod
    def _index(widget_id: str | None) -> int | None:
        if widget_id and widget_id.startswith("answer-") and widget_id[7:].isdigit():
            return int(widget_id[7:])
        return None

    @on(Input.Changed)
    def _answer_changed(self, event: Input.Changed) -> None:
        k = self._index(event.input.id)
        if k is None:
            return
        event.stop()
        event.input.set_class(bool(event.value), "-typing")
        if event.validation_result is not None and not event.validation_result.is_valid:
            self._message(k, "Not a number: type digits, like 607 or 3.5", invalid=True)
        elif event.value:
            self._message(k, "enter sends your answer")

    @on(Input.Submitted)
    def _answer_submitted(self, event: Input.Submitted) -> None:
        k = self._index(event.input.id)
        if k is None:
            return
        event.stop()
        try:
            value = float(event.value)
        except ValueError:
            self._message(k, "Not a number: type digits, like 607 or 3.5", invalid=True)
            return
        qid = self._questions[k][0]
        if self._apply is None:
            self._message(k, "answers cannot be sent here", invalid=True)
            return
        outcome = self._apply(Answer(question_id=qid, value=value))
        if outcome is not None and getattr(outcome, "ok", True) is False:
            self._message(k, f"refused: {getattr(outcome, 'reason', '')}", invalid=True)
            return
        event.input.value = ""
        event.input.remove_class("-typing")
        self._message(k, f"sent: {value:g}")
        if not self.focus_answer(after=k):  # on to the next question, or the keys back to the game
            self.screen.set_focus(None)
