"""The panel docked at the right of the game: a level's objectives, or a class group's briefing."""

from __future__ import annotations

from textual.containers import VerticalScroll


class SidePanel(VerticalScroll):
    """One look for every side panel; subclasses style only what they hold."""

    DEFAULT_CSS = """
    SidePanel {
        dock: right;
        width: 46;
        height: 1fr;
        padding: 0 1;
        border-left: solid $accent;
        background: $panel;
    }
    """
