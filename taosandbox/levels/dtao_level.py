"""``ruleset: dtao`` levels: their world, solution actions, constraints and run on a ``DtaoWorld``.

``level.py`` reads the file; for a dTAO level it hands the ``world``, the solution's actions and the
constraints to the readers here, which report problems with the same dotted paths (so the same
``FILE:LINE: field: problem`` lines). Playing one is ``dtao_run``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from taosandbox.chain.dtao.state import ROOT
from taosandbox.levels.dtao_objectives import DtaoFacts
from taosandbox.levels.reader import Param, Reader, show
from taosandbox.levels.yamlsource import join
from taosandbox.spelling import did_you_mean
from taosandbox.world.dtao_scenario import DtaoScenario
from taosandbox.world.scenario import ScenarioError

ACTIONS = ("stake", "unstake", "register")
"""What a dTAO player does (``DtaoWorld.apply``'s ``type``)."""
_FIELDS = {
    "stake": (("netuid", "hotkey", "amount_tao"), ("limit_price_rao", "allow_partial")),
    "unstake": (("netuid", "hotkey", "amount"), ("limit_price_rao", "allow_partial")),
    "register": (("netuid",), ("hotkey",)),
}
"""kind -> (required fields, optional fields) of a solution action."""


def read_world(world: dict, r: Reader) -> tuple[DtaoScenario, bool]:
    """The level's ``world`` as a DtaoScenario (``DtaoScenario.from_dict``'s checks, paths under world)."""
    try:
        return DtaoScenario.from_dict(world), True
    except ScenarioError as exc:
        for problem in exc.problems:
            r.bad(join("world", problem.path) if problem.path else "world", problem.message)
        return DtaoScenario(), False


def read_action(raw: Any, r: Reader, path: str, facts: DtaoFacts | None,
                registered: set[str]) -> dict[str, Any] | None:
    """A solution's ``action: {kind: stake, netuid: 1, hotkey: sn1-val0, amount_tao: 10}`` as the dict
    ``DtaoWorld.apply`` takes (``type`` for ``kind``); ``registered`` collects the player's hotkeys."""
    if not isinstance(raw, dict):
        r.bad(path, f"{show(raw)} is not an action (expected a mapping with kind)")
        return None
    kind = raw.get("kind")
    if kind not in ACTIONS:
        r.bad(join(path, "kind"), f"unknown action {show(kind)}{did_you_mean(str(kind), ACTIONS)} "
                                  f"(expected one of {', '.join(ACTIONS)} in a dtao level)")
        return None
    required, optional = _FIELDS[kind]
    start = len(r.problems)
    r.mapping(raw, path, ("kind",) + required + optional, required, what=f"{kind} field")
    netuid = raw.get("netuid")
    if netuid is not None:
        low = 1 if kind == "register" else ROOT
        if isinstance(netuid, bool) or not isinstance(netuid, int):
            r.bad(join(path, "netuid"), f"{show(netuid)} is not a whole number (expected a netuid)")
        elif facts is not None and not low <= netuid <= facts.subnets:
            r.bad(join(path, "netuid"), f"subnet {netuid} does not exist (expected {low} to {facts.subnets}"
                                        f"{', 0 is root' if low == ROOT else ''})")
    hotkey = raw.get("hotkey")
    if hotkey is not None:
        if not isinstance(hotkey, str) or not hotkey.strip():
            r.bad(join(path, "hotkey"), f"{show(hotkey)} is not a hotkey (expected text, e.g. sn1-val0)")
        elif kind == "register":
            registered.add(hotkey)
        elif facts is not None and hotkey not in facts.hotkeys and hotkey not in registered:
            r.bad(join(path, "hotkey"), f"no hotkey {hotkey!r} in this world"
                                        f"{did_you_mean(hotkey, sorted(facts.hotkeys | registered))} "
                                        f"(expected e.g. sn1-val0, or a hotkey registered earlier)")
    if "amount_tao" in raw:
        r.value(raw, Param("amount_tao", "number", None, low=1e-9, high=21e6), path)
    amount = raw.get("amount")
    if amount is not None and amount != "all":
        r.value(raw, Param("amount", "number", None, low=1e-9, high=1e12,
                           help="alpha to sell (TAO on root), or all"), path)
    if "limit_price_rao" in raw:
        r.value(raw, Param("limit_price_rao", "int", None, low=1, high=10**18), path)
    if "allow_partial" in raw:
        r.value(raw, Param("allow_partial", "bool", False), path)
    if len(r.problems) != start:
        return None
    action = {"type": kind, **{k: v for k, v in raw.items() if k != "kind"}}
    if "amount_tao" in action:
        action["amount_tao"] = float(action["amount_tao"])
    return action


CONSTRAINT_PARAMS = (
    Param("forbid", "texts", (), choices=ACTIONS, help="actions the player may not use"),
    Param("allow", "texts", None, choices=ACTIONS, help="if given, the only actions allowed"),
)


@dataclass(frozen=True)
class DtaoConstraints:
    """What a dTAO level forbids; ``check`` is called by the world before it applies an action."""

    forbid: tuple[str, ...] = ()
    allow: tuple[str, ...] | None = None

    def describe(self) -> list[str]:
        lines = ["Not allowed: " + ", ".join(self.forbid)] if self.forbid else []
        if self.allow is not None:
            lines.append("Allowed actions: " + ", ".join(self.allow))
        return lines

    def check(self, action: dict[str, Any], *_: Any) -> str | None:
        kind = action.get("type")
        if kind in self.forbid or (self.allow is not None and kind not in self.allow):
            return f"this level does not allow {kind}"
        return None


def read_constraints(raw: Any, r: Reader, path: str = "constraints") -> DtaoConstraints:
    if raw is None or r.mapping(raw, path, [p.name for p in CONSTRAINT_PARAMS], what="dtao constraint") is None:
        return DtaoConstraints()
    forbid, allow = (r.value(raw, p, path) for p in CONSTRAINT_PARAMS)
    return DtaoConstraints(tuple(forbid or ()), None if allow is None else tuple(allow))


__all__ = ["ACTIONS", "DtaoConstraints", "read_action", "read_constraints", "read_world"]
