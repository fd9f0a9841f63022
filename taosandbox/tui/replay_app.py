"""``taosandbox replay FILE``: the replay viewer on its own (the game opens ``ReplayScreen`` too)."""

from __future__ import annotations

import sys
from pathlib import Path

from textual.app import App

from taosandbox.tui.app import TaoApp
from taosandbox.tui.screens.replay import ReplayScreen


class ReplayApp(App):
    """Shows one saved session, read-only."""

    TITLE = "taosandbox replay"
    # The game's sheet and breakpoints, so at 80x24 the header collapses and the side panels move
    # under the metagraph here too (app.tcss, replay.tcss), as when the game opens a replay.
    CSS_PATH = TaoApp.CSS_PATH
    HORIZONTAL_BREAKPOINTS = TaoApp.HORIZONTAL_BREAKPOINTS
    VERTICAL_BREAKPOINTS = TaoApp.VERTICAL_BREAKPOINTS

    def __init__(self, path: str | Path) -> None:
        super().__init__()
        self.path = Path(path)

    def on_mount(self) -> None:
        self.push_screen(ReplayScreen(self.path))


def run_replay(name_or_path: str) -> int:
    from taosandbox.sessions import SessionError, resolve

    try:
        path = resolve(name_or_path)
    except SessionError as exc:
        print(f"taosandbox replay: {exc}", file=sys.stderr)
        return 1
    ReplayApp(path).run()
    return 0
