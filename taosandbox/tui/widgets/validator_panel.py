"""The validator's panel: stake, scoring or hand-set weights, take, and what Yuma made of it."""

from __future__ import annotations

from typing import Any

import numpy as np
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Label, Static, Switch

from taosandbox.world.actions import AddStake, Register, SetScoring, SetTake, SetWeights
from taosandbox.world.snapshot import top_bonds
from taosandbox.chain.units import float_to_u16, format_tao, u16_to_float
from taosandbox.chain.yuma import topk_permits
from taosandbox.tui.earnings import uid_earned_text
from taosandbox.tui.format import fee_note
from taosandbox.tui.widgets.forms import Field, parse_number, parse_tao, parse_weights
from taosandbox.tui.widgets.role_base import RolePanel


def bonds_text(snapshot: Any, uid: int, top: int = 6) -> str:
    """The validator's stored bonds to its top miners, from the last epoch."""
    best = top_bonds(snapshot, uid, top)
    if best is None:
        return "bonds: no epoch yet"
    if not best:
        return "bonds: none yet (bonds grow from the weights you set)"
    # A small validator's bonds are tiny column shares (20 τ of 6M is 3e-6): show them, not "0.0000".
    return "bonds (top): " + "  ".join(f"uid {j}: {v:.4f}" if v >= 1e-4 else f"uid {j}: {v:.1e}"
                                       for j, v in best)


def permit_text(snapshot: Any, row: Any) -> str:
    """Whether this uid holds a permit and, if not, whether the next epoch's top-K by stake (§4.3, the
    same ``topk_permits`` the epoch runs) will give it one, so "needs more stake" is said only when true."""
    if row.validator_permit:
        return "[b $text-success]yes[/]"
    hp = snapshot.hyperparameters
    neurons = sorted(snapshot.neurons, key=lambda r: r.uid)
    stakes = np.array([r.stake_rao for r in neurons], dtype=np.float64)
    nxt = topk_permits(stakes, hp.max_allowed_validators, nonzero_only=hp.mechanism == "yuma3_2026")
    if nxt[[r.uid for r in neurons].index(row.uid)]:
        return "[b $text-error]no[/] (the next epoch gives it one: it is in the top " \
               f"{hp.max_allowed_validators} by stake)"
    return f"[b $text-error]no[/] (needs more stake: only the top {hp.max_allowed_validators} by stake get one)"


def validator_status(snapshot: Any, rows: list) -> str:
    p = snapshot.player
    if not rows:
        return (f"You have no validator on the subnet yet. Registering burns [b]{format_tao(snapshot.burn_rao)}[/]; "
                f"you have [b]{format_tao(p.free_rao)}[/] free. The top {snapshot.hyperparameters.max_allowed_validators}"
                f" hotkeys by stake get a validator permit." + fee_note(snapshot))
    lines = []
    for r in rows:
        permit = permit_text(snapshot, r)
        lines.append(
            f"[b]UID {r.uid}[/] {r.hotkey}: stake [b]{format_tao(r.stake_rao)}[/]  permit {permit}  "
            f"vtrust [b]{r.validator_trust:.4f}[/]  dividends [b]{r.dividends:.4f}[/]  "
            f"updated {r.updated} blocks ago  take {u16_to_float(r.take):.1%}"
            f"{'' if r.delegate else ' (not a delegate yet: Set take makes it one)'}  "
            f"{uid_earned_text(r)}")
        lines.append("   " + bonds_text(snapshot, r.uid))
    lines.append(f"Free balance: [b]{format_tao(p.free_rao)}[/]." + fee_note(snapshot))
    return "\n".join(lines)


class ValidatorPanel(RolePanel):
    """Register a validator, stake on it, choose how it scores miners, set weights and take."""

    def compose(self) -> ComposeResult:
        yield Static("", classes="panel-status", id="validator-status")
        with Horizontal(classes="form-row"):
            yield Button("Register validator", variant="primary", id="validator-register")
            yield Field("stake amount (τ)", lambda t: parse_tao(t, available_rao=self.free_rao()),
                        value="10", id="validator-amount")
            yield Button("Stake", id="validator-stake")
            yield Button("Unstake", id="validator-unstake")
        with Horizontal(classes="form-row"):
            yield Label("auto weights")
            yield Switch(value=True, id="validator-auto")
            yield Field("sample size", lambda t: parse_number(t, 1, 4096, whole=True), value="8",
                        id="validator-sample")
            yield Field("EMA alpha", lambda t: parse_number(t, 0.0, 1.0), value="0.1",
                        id="validator-alpha")
            yield Field("power", lambda t: parse_number(t, 0.0, 16.0), value="2", id="validator-power")
            yield Button("Apply scoring", id="validator-scoring")
        with Horizontal(classes="form-row"):
            yield Field("hand-set weights (uid:w)", self._parse_weights, id="validator-weights",
                        placeholder="3:1, 7:0.5")
            yield Button("Set weights", id="validator-set-weights")
            yield Field("take (%)", self._parse_take, value="18", id="validator-take")
            yield Button("Set take", id="validator-set-take")

    def _parse_weights(self, text: str):
        known = {r.uid for r in self.snapshot.neurons} if self.snapshot is not None else None
        return parse_weights(text, known_uids=known)

    def _parse_take(self, text: str) -> int:
        hp = self.snapshot.hyperparameters if self.snapshot is not None else None
        low = 100 * u16_to_float(hp.min_take) if hp else 0.0
        high = 100 * u16_to_float(hp.max_take) if hp else 100.0
        percent = parse_number(text, round(low, 2), round(high, 2) + 1e-9)
        return float_to_u16(percent / 100)

    def render_snapshot(self, snapshot: Any) -> None:
        self.query_one("#validator-status", Static).update(
            validator_status(snapshot, self.player_rows("validator")))

    def _hotkey(self) -> str | None:
        rows = self.player_rows("validator")
        if not rows:
            self.app.notify("Register a validator first.", title="No validator", severity="warning")
            return None
        return rows[0].hotkey

    def _field(self, name: str) -> Any | None:
        try:
            return self.query_one(f"#validator-{name}", Field).parsed()
        except ValueError as exc:
            self.app.notify(str(exc), title=f"Check the {name}", severity="warning")
            return None

    @on(Button.Pressed, "#validator-register")
    def register(self) -> None:
        self.request(Register(role="validator"))

    @on(Button.Pressed, "#validator-stake")
    def stake(self) -> None:
        hotkey, amount = self._hotkey(), self._field("amount")
        if hotkey and amount:
            self.request(AddStake(hotkey=hotkey, amount_rao=amount))

    @on(Button.Pressed, "#validator-unstake")
    def unstake(self) -> None:
        hotkey = self._hotkey()
        if not hotkey:
            return
        self.request_unstake(hotkey, "validator-amount")

    @on(Button.Pressed, "#validator-scoring")
    def scoring(self) -> None:
        hotkey = self._hotkey()
        sample, alpha, power = self._field("sample"), self._field("alpha"), self._field("power")
        if hotkey and None not in (sample, alpha, power):
            auto = self.query_one("#validator-auto", Switch).value
            self.request(SetScoring(hotkey=hotkey, auto=auto, sample_size=int(sample), ema_alpha=alpha,
                                    power=power))

    @on(Button.Pressed, "#validator-set-weights")
    def set_weights(self) -> None:
        hotkey, weights = self._hotkey(), self._field("weights")
        if hotkey and weights:
            uids, values = weights
            self.request(SetWeights(hotkey=hotkey, uids=uids, values=values))

    @on(Button.Pressed, "#validator-set-take")
    def set_take(self) -> None:
        hotkey, take = self._hotkey(), self._field("take")
        if hotkey and take is not None:
            self.request(SetTake(hotkey=hotkey, take=take))
