"""The delegator's panel: pick validators by take and return, delegate, undelegate, watch earnings."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Static

from taosandbox.world.actions import AddStake
from taosandbox.chain.returns import BELIEVABLE_APR, apr, format_rate, format_yearly, is_believable
from taosandbox.chain.units import format_tao, u16_to_float
from taosandbox.tui.format import fee_note, per_day, short_hotkey, tao_cell
from taosandbox.tui.widgets.forms import Field, parse_tao
from taosandbox.tui.widgets.role_base import RolePanel

# Narrow enough (74 cells with padding) that VTRUST and VAL stay in view at 80 columns and beside a
# level's objectives panel. What the player holds on each is in "Your stakes" above; ★ marks the row.
DELEGATE_COLUMNS = (("UID", 3), ("HOTKEY", 12), ("TAKE", 5), ("STAKE τ", 9), ("NOMS", 4),
                    ("τ/τ/DAY", 8), ("APR", 6), ("VTRUST", 6), ("VAL", 3))


def delegate_cells(d: Any, epoch_ran: bool = True) -> tuple[str, ...]:
    """One row of the table; before the first epoch there is no return to show (``-``, not 0)."""
    hotkey = short_hotkey(d.hotkey, 12) if d.accepts_delegation else "✗ " + short_hotkey(d.hotkey, 10)
    uid = f"★{d.uid}" if d.player_stake_rao else str(d.uid)
    return (uid, hotkey, f"{u16_to_float(d.take):.1%}", tao_cell(d.total_stake_rao, 9), str(d.nominators),
            f"{d.return_per_tao_day:.6f}" if epoch_ran else "-",
            format_rate(apr(d.return_per_tao_day)) if epoch_ran else "-",
            f"{d.validator_trust:.3f}", "*" if d.validator_permit else "")


def returns_note(snapshot: Any) -> str:
    """What τ/τ/DAY and APR mean and, where this world pays far more than the real network (a level's
    small stakes, on purpose), that it does and why."""
    note = "τ/τ/DAY: a day's return per staked τ at the last epoch's rate, after take; APR = × 365."
    best = max((d.return_per_tao_day for d in snapshot.delegates), default=0.0)
    if not is_believable(best):
        stake = sum(d.total_stake_rao for d in snapshot.delegates)
        low, high = BELIEVABLE_APR
        note += (f"\n[b]Returns here are not the real network's[/]: the best delegate pays "
                 f"{format_yearly(best)}, where stakers were quoted {low:.0%}–{high:.0%}/yr in 2024. "
                 f"This world's validators hold only {format_tao(stake, 0)} beside "
                 f"{format_tao(per_day(snapshot.block_emission_rao), 0)}/day of emission, so returns show "
                 f"within minutes; the free sandbox's stakes give real-network rates.")
    return note


def delegations_text(snapshot: Any) -> str:
    p = snapshot.player
    head = (f"Free [b]{format_tao(p.free_rao)}[/]  staked [b]{format_tao(p.staked_rao)}[/]  "
            f"earned [b]{format_tao(p.earned_rao)}[/].  Pick a validator below, type an amount, Delegate."
            + fee_note(snapshot))
    head += "\n" + returns_note(snapshot)
    if any(not d.accepts_delegation for d in snapshot.delegates):
        head += "\n✗ = not a delegate: it accepts stake only from its owner (it has not called become_delegate)."
    if not p.stakes:
        return head + "\nYou have no delegations yet."
    rates = {d.hotkey: d.return_per_tao_day for d in snapshot.delegates}
    rows = [f"  {s.hotkey} (uid {s.uid if s.uid is not None else '-'}): {format_tao(s.amount_rao)} staked, "
            f"earned {format_tao(s.earned_rao)}"
            + (f", paying {format_yearly(rates[s.hotkey])} now" if s.hotkey in rates else "")
            + ("  [own hotkey]" if s.own else "") for s in p.stakes]
    return head + "\nYour stakes (★ in the table):\n" + "\n".join(rows)


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
        ran = snapshot.last_epoch is not None
        with self.app.batch_update():
            if keys != current:  # rare: a validator gained or lost its place
                table.clear()
                for d in snapshot.delegates:
                    table.add_row(*delegate_cells(d, ran), key=d.hotkey)
                return
            for d in snapshot.delegates:
                for (label, _w), value in zip(DELEGATE_COLUMNS, delegate_cells(d, ran)):
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
