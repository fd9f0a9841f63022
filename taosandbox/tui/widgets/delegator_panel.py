"""The delegator's panel: pick validators by take and return, delegate, undelegate, watch earnings."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Static

from taosandbox.world.actions import AddStake
from taosandbox.chain.units import format_tao, rao_to_tao, u16_to_float
from taosandbox.tui.format import fee_note, short_hotkey
from taosandbox.tui.widgets.forms import Field, parse_tao
from taosandbox.tui.widgets.role_base import RolePanel

# Narrow enough (78 cells with padding) that VTRUST and VAL stay in view beside a level's objectives panel.
DELEGATE_COLUMNS = (("UID", 3), ("HOTKEY", 12), ("TAKE", 5), ("STAKE τ", 10), ("NOMS", 4),
                    ("YOURS τ", 9), ("τ/τ/DAY", 8), ("VTRUST", 6), ("VAL", 3))


def delegate_cells(d: Any) -> tuple[str, ...]:
    hotkey = short_hotkey(d.hotkey, 12) if d.accepts_delegation else "✗ " + short_hotkey(d.hotkey, 10)
    return (str(d.uid), hotkey, f"{u16_to_float(d.take):.1%}",
            f"{rao_to_tao(d.total_stake_rao):,.2f}", str(d.nominators),
            f"{rao_to_tao(d.player_stake_rao):,.2f}", f"{d.return_per_tao_day:.6f}",
            f"{d.validator_trust:.3f}", "*" if d.validator_permit else "")


def delegations_text(snapshot: Any) -> str:
    p = snapshot.player
    head = (f"Free [b]{format_tao(p.free_rao)}[/]  staked [b]{format_tao(p.staked_rao)}[/]  "
            f"earned [b]{format_tao(p.earned_rao)}[/].  Pick a validator below, type an amount, Delegate."
            + fee_note(snapshot))
    if any(not d.accepts_delegation for d in snapshot.delegates):
        head += "\n✗ = not a delegate: it accepts stake only from its owner (it has not called become_delegate)."
    if not p.stakes:
        return head + "\nYou have no delegations yet."
    rows = [f"  {s.hotkey} (uid {s.uid if s.uid is not None else '-'}): {format_tao(s.amount_rao)} staked, "
            f"earned {format_tao(s.earned_rao)}{'  [own hotkey]' if s.own else ''}" for s in p.stakes]
    return head + "\nYour stakes:\n" + "\n".join(rows)


class DelegatorPanel(RolePanel):
    """Validators to delegate to, with their take and recent return per staked TAO."""

    DEFAULT_CSS = """
    DelegatorPanel #delegates { height: auto; max-height: 14; }
    """

    def compose(self) -> ComposeResult:
        yield Static("", classes="panel-status", id="delegator-status")
        table: DataTable = DataTable(id="delegates", cursor_type="row", zebra_stripes=True)
        for label, width in DELEGATE_COLUMNS:
            table.add_column(label, width=width, key=label)
        yield table
        with Horizontal(classes="form-row"):
            yield Field("amount (τ)", self._parse_amount, value="10", id="delegator-amount")
            yield Button("Delegate", variant="primary", id="delegator-add")
            yield Button("Undelegate", id="delegator-remove")

    def _parse_amount(self, text: str) -> int:
        return parse_tao(text, available_rao=self.free_rao())

    def render_snapshot(self, snapshot: Any) -> None:
        self.query_one("#delegator-status", Static).update(delegations_text(snapshot))
        table = self.query_one("#delegates", DataTable)
        keys = [d.hotkey for d in snapshot.delegates]
        current = [row.value for row in table.rows]
        with self.app.batch_update():
            if keys != current:  # rare: a validator gained or lost its place
                table.clear()
                for d in snapshot.delegates:
                    table.add_row(*delegate_cells(d), key=d.hotkey)
                return
            for d in snapshot.delegates:
                for (label, _w), value in zip(DELEGATE_COLUMNS, delegate_cells(d)):
                    if table.get_cell(d.hotkey, label) != value:
                        table.update_cell(d.hotkey, label, value)

    def selected_hotkey(self) -> str | None:
        table = self.query_one("#delegates", DataTable)
        if not table.row_count:
            self.app.notify("There are no validators to delegate to yet.", severity="warning")
            return None
        row_key, _ = table.coordinate_to_cell_key((table.cursor_row, 0))
        return row_key.value

    @on(Button.Pressed, "#delegator-add")
    def delegate(self) -> None:
        hotkey = self.selected_hotkey()
        try:
            amount = self.query_one("#delegator-amount", Field).parsed()
        except ValueError as exc:
            self.app.notify(str(exc), title="Check the amount", severity="warning")
            return
        if hotkey:
            self.request(AddStake(hotkey=hotkey, amount_rao=amount))

    @on(Button.Pressed, "#delegator-remove")
    def undelegate(self) -> None:
        hotkey = self.selected_hotkey()
        if not hotkey:
            return
        self.request_unstake(hotkey, "delegator-amount")
