"""Player actions on the game screen: from the panels (RequestAction) or the palette to the world,
through the sim lock, and the world's answer back as a notification.

A mixin for ``GameScreen``; it uses ``self.sim`` and ``self.snapshot``.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from textual import work

from taosandbox.tui.messages import ActionFinished, RequestAction, WorldUpdated
from taosandbox.tui.sim import ENGINE_ERROR
from taosandbox.tui.widgets.event_log import EventLog


class PlayerActions:
    """Apply the player's actions; report refusals."""

    def on_request_action(self, message: RequestAction) -> None:
        message.stop()
        self.apply_action(message.action)

    def request(self, action: Any) -> None:
        """Apply ``action`` through the sim lock (in a worker: training a model takes a moment)."""
        self.apply_action(action)

    @work(thread=True, group="actions")
    def apply_action(self, action: Any) -> None:
        ok, reason = self.sim.apply(action)
        self.post_message(ActionFinished(action, ok, reason))
        self.post_message(WorldUpdated(self.sim.snapshot()))

    def _apply_now(self, action: Any) -> Any:
        """Apply an instant action (answer, vote) here, through the sim lock; an Outcome-like reply."""
        ok, reason = self.sim.apply(action)
        # show the result now (a new proposal, a vote, an answer), even while time is paused
        self.post_message(WorldUpdated(self.sim.snapshot()))
        return SimpleNamespace(ok=ok, reason=reason)

    def on_action_finished(self, message: ActionFinished) -> None:
        kind = getattr(message.action, "kind", "action")
        if message.ok:
            self.app.notify(f"{kind.replace('_', ' ')}: done", timeout=2)
            return
        reason = message.reason or "the world refused it"
        self.app.notify(reason, title=f"Refused: {kind.replace('_', ' ')}", severity="error", timeout=8)
        if reason.startswith(ENGINE_ERROR):  # the world logs its own refusals as events; this it could not
            block = self.snapshot.block if self.snapshot is not None else 0
            self.query_one(EventLog).note(f"#{block:,} {kind.replace('_', ' ')} failed: {reason}", error=True)
