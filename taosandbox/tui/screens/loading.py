"""Shown while the World builds in its worker (training the miners' models takes a second or two)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import LoadingIndicator, Static


class LoadingScreen(Screen):
    """A spinner and what is happening."""

    DEFAULT_CSS = """
    LoadingScreen #loading-text { width: auto; text-style: bold; }
    LoadingScreen LoadingIndicator { height: 3; }
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with Middle():
            with Center():
                yield Static(self.text, id="loading-text")
            yield LoadingIndicator()
