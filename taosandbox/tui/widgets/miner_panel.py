"""The miner's panel: register, choose and train a model, watch score, rank, pay and pruning risk."""

from __future__ import annotations

import time
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.widgets import Button, Select, Static

from taosandbox.chain.units import format_tao
from taosandbox.world.actions import Deregister, Register, Retrain, SetModel
from taosandbox.tui.earnings import uid_earned_text
from taosandbox.tui.format import fee_rao
from taosandbox.tui.widgets.forms import Field, parse_number, parse_params
from taosandbox.tui.widgets.neuron_table import lowest_pruning_gap
from taosandbox.tui.widgets.role_base import RolePanel

CONFIRM_SECONDS = 5


def model_kinds() -> dict[str, Any]:
    """``taosandbox.market.MODEL_KINDS``, imported when the panel is built (the title screen loads no market)."""
    from taosandbox.market import MODEL_KINDS

    return dict(MODEL_KINDS)


def budget_range() -> tuple[int, int]:
    from taosandbox.market import BUDGET_RANGE

    return int(BUDGET_RANGE[0]), int(BUDGET_RANGE[1])


def allowed_params(kind: Any) -> dict[str, Any]:
    """The settings a model kind (a ``market.ModelKind``) accepts: name -> its ``market.Param``."""
    return dict(kind.params)


def risk_text(snapshot: Any, row: Any) -> str:
    if row.immune:
        return f"immune for {row.immunity_left:,} more blocks: it cannot be pruned yet"
    if row.next_to_prune:
        return "[b $text-error]NEXT TO BE PRUNED[/]: the next registration takes this UID"
    gap = lowest_pruning_gap(snapshot.neurons, row.uid)
    if gap is None:
        return "no pruning risk known"
    score, lowest = gap
    return f"pruning score {score:,} vs lowest {lowest:,} (higher is safer)"


def miner_status(snapshot: Any, rows: list) -> str:
    p = snapshot.player
    register_fee = fee_rao(snapshot, "register")
    cost = (f"Registering burns [b]{format_tao(snapshot.burn_rao)}[/] (recycled, never returned)"
            + (f" plus a [b]{format_tao(register_fee)}[/] fee" if register_fee else "") + "; "
            f"you have [b]{format_tao(p.free_rao)}[/] free.")
    if not rows:
        return "You have no miner on the subnet yet.\n" + cost
    lines = []
    for r in rows:
        acc = "untrained" if r.accuracy is None else f"{r.accuracy:.3f}"
        lines.append(
            f"[b]UID {r.uid}[/] {r.hotkey}: model [b]{r.model or '-'}[/], accuracy [b]{acc}[/]  "
            f"rank {r.rank:.4f}  incentive [b]{r.incentive:.4f}[/]  emission {r.emission_rao:,} ρ/epoch  "
            f"{uid_earned_text(r)}")
        lines.append(f"   {risk_text(snapshot, r)}")
    lines.append(cost)
    return "\n".join(lines)


class MinerPanel(RolePanel):
    """Register a miner, pick and train its model, and see what it earns."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.kinds = model_kinds()

    def compose(self) -> ComposeResult:
        yield Static("", classes="panel-status", id="miner-status")
        first = next(iter(self.kinds))
        with Horizontal(classes="form-row"):
            yield Select([(k, k) for k in self.kinds], value=first, allow_blank=False, id="miner-model")
            yield Field("model settings (name=value, …)", self._parse_params, id="miner-params",
                        placeholder=self._params_hint(first))
            low, high = budget_range()
            yield Field(f"training budget ({low}–{high} samples)",
                        lambda t: parse_number(t, low, high, whole=True), value="200", id="miner-budget")
        with Horizontal(classes="form-row"):
            yield Button("Register miner", variant="primary", id="miner-register")
            yield Button("Train this model", id="miner-train")
            yield Button("Retrain", id="miner-retrain")
            yield Button("Deregister", variant="error", id="miner-deregister")

    def _params_hint(self, kind: str) -> str:
        allowed = allowed_params(self.kinds[kind])
        return ", ".join(f"{name}=…" for name in allowed) if allowed else "defaults"

    def _parse_params(self, text: str) -> dict:
        kind = self._kind()
        allowed = allowed_params(self.kinds[kind])
        params = parse_params(text, allowed)
        for name, value in params.items():  # ranges and choices, as the market will check them
            params[name] = allowed[name].check(kind, name, value)
        return params

    def _kind(self) -> str:
        try:
            value = self.query_one("#miner-model", Select).value
        except NoMatches:  # asked before the form is composed
            value = None
        return value if isinstance(value, str) else next(iter(self.kinds))

    @on(Select.Changed, "#miner-model")
    def _kind_changed(self) -> None:
        field = self.query_one("#miner-params", Field)
        field.input.placeholder = self._params_hint(self._kind())
        field.input.validate(field.input.value)

    def render_snapshot(self, snapshot: Any) -> None:
        self.query_one("#miner-status", Static).update(miner_status(snapshot, self.player_rows("miner")))

    def _model_choice(self) -> tuple[str, dict, int] | None:
        try:
            params = self.query_one("#miner-params", Field).parsed()
            budget = int(self.query_one("#miner-budget", Field).parsed())
        except ValueError as exc:
            self.app.notify(str(exc), title="Check the model settings", severity="warning")
            return None
        return self._kind(), params, budget

    def _hotkey(self) -> str | None:
        rows = self.player_rows("miner")
        if not rows:
            self.app.notify("Register a miner first.", title="No miner", severity="warning")
            return None
        return rows[0].hotkey

    @on(Button.Pressed, "#miner-register")
    def register(self) -> None:
        choice = self._model_choice()
        if choice:
            kind, params, budget = choice
            self.request(Register(role="miner", model=kind, params=params, budget=budget))

    @on(Button.Pressed, "#miner-train")
    def train(self) -> None:
        choice, hotkey = self._model_choice(), self._hotkey()
        if choice and hotkey:
            kind, params, budget = choice
            self.request(SetModel(hotkey=hotkey, model=kind, params=params, budget=budget))

    @on(Button.Pressed, "#miner-retrain")
    def retrain(self) -> None:
        hotkey = self._hotkey()
        if hotkey:
            self.request(Retrain(hotkey=hotkey))

    _deregister_armed_at: float | None = None
    """When Deregister was first pressed: giving up a UID loses its burn, so it takes a second press."""

    @on(Button.Pressed, "#miner-deregister")
    def deregister(self) -> None:
        hotkey = self._hotkey()
        if not hotkey:
            return
        now = time.monotonic()
        if self._deregister_armed_at is None or now - self._deregister_armed_at > CONFIRM_SECONDS:
            self._deregister_armed_at = now
            self.app.notify(f"Press Deregister again within {CONFIRM_SECONDS} s to give up {hotkey}'s UID. "
                            "The registration burn is not refunded.", title="Give up your UID?",
                            severity="warning", timeout=CONFIRM_SECONDS)
            return
        self._deregister_armed_at = None
        self.request(Deregister(hotkey=hotkey))
