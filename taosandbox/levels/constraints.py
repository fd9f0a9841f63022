"""Constraints: what a level forbids (actions, overspending), checked before the world applies an action."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from taosandbox.world.actions import ACTION_TYPES, Action, AddStake, Register
from taosandbox.chain.units import format_tao, tao_to_rao
from taosandbox.levels.reader import Param, Reader
from taosandbox.world.snapshot import Snapshot

_PLAYER_ACTIONS = tuple(k for k in ACTION_TYPES if k != "answer")

PARAMS = (
    Param("budget_tao", "number", None, low=0.0, high=21e6,
          help="most TAO the player may spend on registration burns and fees"),
    Param("max_stake_tao", "number", None, low=0.0, high=21e6, help="most TAO the player may have staked"),
    Param("max_delegates", "int", None, low=1, high=4096, help="most delegate hotkeys the player may back"),
    Param("forbid", "texts", (), choices=_PLAYER_ACTIONS, help="action kinds the player may not use"),
    Param("allow", "texts", None, choices=_PLAYER_ACTIONS, help="if given, the only action kinds allowed"),
)


@dataclass(frozen=True)
class Constraints:
    budget_tao: float | None = None
    max_stake_tao: float | None = None
    max_delegates: int | None = None
    forbid: tuple[str, ...] = ()
    allow: tuple[str, ...] | None = None

    def describe(self) -> list[str]:
        lines = []
        if self.budget_tao is not None:
            lines.append(f"Spend at most {self.budget_tao:g} τ on registration and fees")
        if self.max_stake_tao is not None:
            lines.append(f"Stake at most {self.max_stake_tao:g} τ")
        if self.max_delegates is not None:
            lines.append(f"Back at most {self.max_delegates} delegates")
        if self.forbid:
            lines.append("Not allowed: " + ", ".join(self.forbid))
        if self.allow is not None:
            lines.append("Allowed actions: " + ", ".join(self.allow))
        return lines

    def check(self, action: Action, snap: Snapshot, fee_rao: int = 0) -> str | None:
        """Why ``action`` breaks a constraint, or None if it may go ahead."""
        kind = action.kind
        if kind == "answer":
            return None
        if kind in self.forbid or (self.allow is not None and kind not in self.allow):
            return f"this level does not allow {kind.replace('_', ' ')}"
        player = snap.player
        if isinstance(action, Register) and self.budget_tao is not None:
            spent = player.spent_burn_rao + player.spent_fees_rao
            cost = snap.burn_rao + fee_rao
            budget = tao_to_rao(self.budget_tao)
            if spent + cost > budget:
                return (f"over budget: registering costs {format_tao(cost)}, you have spent "
                        f"{format_tao(spent)} of {format_tao(budget)}")
        if isinstance(action, AddStake):
            if self.max_stake_tao is not None:
                cap = tao_to_rao(self.max_stake_tao)
                if player.staked_rao + action.amount_rao > cap:
                    return (f"over the stake limit: {format_tao(player.staked_rao + action.amount_rao)} "
                            f"would exceed {format_tao(cap)}")
            if self.max_delegates is not None and action.hotkey not in player.hotkeys:
                backed = {s.hotkey for s in player.stakes if not s.own and s.amount_rao > 0}
                if action.hotkey not in backed and len(backed) >= self.max_delegates:
                    return f"this level lets you back at most {self.max_delegates} delegates"
        return None


def read_constraints(raw: Any, reader: Reader, path: str = "constraints") -> Constraints:
    if raw is None:
        return Constraints()
    if reader.mapping(raw, path, [p.name for p in PARAMS], what="constraint") is None:
        return Constraints()
    values = {p.name: reader.value(raw, p, path) for p in PARAMS}
    values["forbid"] = tuple(values["forbid"] or ())
    if values["allow"] is not None:
        values["allow"] = tuple(values["allow"])
    return Constraints(**values)
