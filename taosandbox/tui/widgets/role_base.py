"""What the three role panels share: the latest snapshot, and a way to ask for an action."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.containers import VerticalScroll
from textual.widgets import Button, Input

from taosandbox.chain.units import format_tao
from taosandbox.world.actions import RemoveStake
from taosandbox.tui.messages import RequestAction
from taosandbox.tui.widgets.forms import Field, parse_tao


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

    @on(Input.Submitted)
    def _press_next_button(self, event: Input.Submitted) -> None:
        """Enter in a field presses the first enabled button after it in its row (Stake, Set take...)."""
        item = event.input  # climb to the row's direct child (an Input may sit inside a Field)
        while item.parent is not None and not item.parent.has_class("form-row"):
            item = item.parent
        row = item.parent
        if row is None:
            return
        after = row.children[row.children.index(item) + 1:]
        button = next((w for w in after if isinstance(w, Button) and not w.disabled), None)
        if button is not None:
            event.stop()
            button.press()

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

    def request_unstake(self, hotkey: str, field_id: str) -> None:
        """Unstake the amount typed in field ``field_id`` from ``hotkey``, or say what is wrong with it."""
        text = self.query_one(f"#{field_id}", Field).input.value
        try:
            amount = self.parse_unstake(text, hotkey)  # limited by the stake, not the free balance
        except ValueError as exc:
            self.app.notify(str(exc), title="Check the amount", severity="warning")
            return
        self.request(RemoveStake(hotkey=hotkey, amount_rao=amount))

    def parse_unstake(self, text: str, hotkey: str) -> int:
        """An amount to unstake from ``hotkey``: refused here, in TAO, if it is more than the player has there
        (the engine's own refusal speaks in rao)."""
        amount = parse_tao(text)
        if self.snapshot is None:
            return amount
        staked = sum(s.amount_rao for s in self.snapshot.player.stakes if s.hotkey == hotkey)
        if amount > staked:
            raise ValueError(f"you have only {format_tao(staked)} staked on {hotkey}" if staked
                             else f"you have nothing staked on {hotkey}")
        return amount
