"""A student's group in a class activity: the briefing and their objectives, beside the game.

The server sends the briefing once (in ``welcome``) and the student's objective progress with every
snapshot (``snapshot.extra["level"]``, the same progress dict a single-player level shows).
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.markup import escape
from textual.widgets import Static

from taosandbox.tui.widgets.objectives import objectives_markup
from taosandbox.tui.widgets.side_panel import SidePanel


def paragraphs(text: str) -> str:
    """A level file's text with its line breaks inside paragraphs removed (the panel wraps it)."""
    return "\n\n".join(" ".join(part.split()) for part in str(text).split("\n\n") if part.strip())


def status_markup(progress: dict[str, Any]) -> str:
    status = progress.get("status", "pending")
    if status == "passed":
        return "[b $success]ALL PASSED[/]"
    if status == "failed":
        return "[b $error]NOT PASSED[/] (the class goes on)"
    left = max(0, int(progress.get("deadline", 0)) - int(progress.get("block", 0)))
    return f"[b $warning]IN PROGRESS[/] · {left:,} blocks to the activity's deadline"


class BriefingPanel(SidePanel):
    """The group's title and role, what they are told to do, and their objectives live."""

    DEFAULT_CSS = """
    BriefingPanel {
        & #briefing-text { margin-top: 1; }
        & #briefing-objectives { margin-top: 1; }
        & #briefing-tips { margin-top: 1; color: $text-warning; }
    }
    """

    def __init__(self, briefing: dict[str, Any], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.briefing = briefing
        self.progress: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        b = self.briefing
        yield Static(f"[b]{escape(str(b.get('activity', '')))}[/]\nYour group: [b]{escape(str(b.get('title', '')))}"
                     f"[/] ({escape(str(b.get('role', '')))})", id="briefing-header")
        yield Static(paragraphs(b.get("briefing", "")), id="briefing-text", markup=False)
        tips = [f"Tip: {paragraphs(h)}" for h in b.get("hints") or ()]
        if tips:
            yield Static("\n".join(tips), id="briefing-tips", markup=False)
        yield Static("[$text-muted]objectives: waiting for the first block…[/]", id="briefing-objectives")

    def update_from(self, snapshot: Any) -> None:
        progress = (getattr(snapshot, "extra", None) or {}).get("level")
        if not isinstance(progress, dict) or progress == self.progress:
            return
        self.progress = progress
        if self.is_mounted:
            self.query_one("#briefing-objectives", Static).update(
                status_markup(progress) + "\n" + objectives_markup(progress))
