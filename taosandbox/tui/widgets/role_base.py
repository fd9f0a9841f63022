"""What the three role panels share: the latest snapshot, and a way to ask for an action."""

from __future__ import annotations

from typing import Any

from textual.containers import VerticalScroll

from taosandbox.tui.messages import RequestAction


class RolePanel(VerticalScroll):
    """A panel that renders a snapshot and turns button presses into engine actions."""

    DEFAULT_CSS = """
    RolePanel {
        padding: 0 1;
        & .panel-status { height: auto; margin-bottom: 1; }
        & .form-row { height: auto; }
        & .form-row > Button { margin: 1 1 0 0; min-width: 12; }
        & .form-row > Select { width: 24; margin-top: 1; }
        & .form-row > Switch { margin-top: 1; }
        & .hint { color: $text-muted; }
    }
    """

    snapshot: Any = None

    def show(self, snapshot: Any) -> None:
        self.snapshot = snapshot
        if self.is_mounted:
            self.render_snapshot(snapshot)

    def render_snapshot(self, snapshot: Any) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def request(self, action: Any) -> None:
        self.post_message(RequestAction(action))

    def player_rows(self, role: str | None = None) -> list:
        if self.snapshot is None:
            return []
        return [r for r in self.snapshot.neurons if r.is_player and (role is None or r.role == role)]

    def free_rao(self) -> int | None:
        return None if self.snapshot is None else self.snapshot.player.free_rao
