"""The plain data a dynamic-TAO world is built from (``ruleset: dtao``).

A 2024 world is described by ``Scenario``; a dTAO one by ``DtaoScenario``. ``ruleset_of`` reads which
one a mapping describes (``ruleset`` missing or ``"2024"`` keeps today's single-subnet world, unchanged).
Values that depart from the chain are listed in ``SANDBOX_OVERRIDES`` with the reason, like the 2024
hyperparameters.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any

from taosandbox.chain.dtao.shares import SHARE_RULES
from taosandbox.world.scenario import Problem, ScenarioError

RULESETS = ("2024", "dtao")


def ruleset_of(data: dict[str, Any] | None) -> str:
    """``"2024"`` or ``"dtao"``; ScenarioError naming the field for anything else."""
    value = (data or {}).get("ruleset", "2024")
    if value not in RULESETS:
        raise ScenarioError([Problem("ruleset", f"expected one of {', '.join(RULESETS)}, got {value!r}")])
    return value


@dataclass(frozen=True)
class DtaoScenario:
    """Root plus ``subnets`` dynamic subnets, each with its own pool, metagraph, Yuma and miners."""

    seed: int = 1
    name: str = "dtao sandbox"
    ruleset: str = "dtao"
    subnets: int = 4
    validators_per_subnet: int = 4
    miners_per_subnet: int = 12
    tempo: int = 360
    """Blocks between a subnet's epochs (the chain's 360; subnets are staggered by one block each)."""
    pool_tao: float = 1_000.0
    """TAO in each pool at the start."""
    prices: tuple[float, ...] = ()
    """Starting price (TAO per alpha) per subnet; empty = spread from 0.01 to 0.2."""
    validator_alpha: float = 2_000.0
    """Alpha the first validator of a subnet holds at the start (the others hold half as much each)."""
    root_stake_tao: float = 20_000.0
    """TAO staked on root at the start, on the first validator of each subnet in equal parts."""
    tao_weight: float = 0.18
    """Weight of root stake in a subnet's stake (TaoWeight); mainnet's 0.18."""
    share_rule: str = "price_ema"
    """How the block's TAO is split among subnets: price_ema (the pinned chain), tao_flow, net_tao_flow."""
    subnet_age_blocks: int = 1_000_000
    """How long ago the subnets started emitting (the price EMA's slow start depends on it)."""
    ema_halving_blocks: int = 201_600
    moving_alpha: float = 0.000003
    """How far each block's price EMA moves toward the price (``DefaultMovingAlpha``, 3e-6); a level may
    raise it so that a share follows its price within a lesson (a sandbox override)."""
    owner_burn: tuple[float, ...] = ()
    """Per subnet, the fraction of every validator's weight given to the owner's uid 0, so that this part
    of the miners' emission is burned (an owner "burning" emission; empty = no burn anywhere)."""
    player_balance_tao: float = 1_000.0
    total_issuance_tao: float = 6_000_000.0

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> DtaoScenario:
        data = dict(data or {})
        problems: list[Problem] = []
        known = {f.name: f for f in fields(cls)}
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                problems.append(Problem(key, f"unknown field; fields: {', '.join(known)}"))
                continue
            kind = str(known[key].type)
            if kind == "int" and (isinstance(value, bool) or not isinstance(value, int)):
                problems.append(Problem(key, f"expected a whole number, got {value!r}"))
            elif kind == "float" and (isinstance(value, bool) or not isinstance(value, (int, float))
                                      or not math.isfinite(value)):
                problems.append(Problem(key, f"expected a number, got {value!r}"))
            elif kind == "str" and not isinstance(value, str):
                problems.append(Problem(key, f"expected text, got {value!r}"))
            elif kind.startswith("tuple") and (not isinstance(value, (list, tuple)) or not all(
                    isinstance(v, (int, float)) and not isinstance(v, bool) and (v > 0 or key == "owner_burn" and v == 0)
                    for v in value)):
                problems.append(Problem(key, f"expected a list of positive numbers, got {value!r}"))
            else:
                kwargs[key] = tuple(float(v) for v in value) if kind.startswith("tuple") else (
                    float(value) if kind == "float" else value)
        if problems:
            raise ScenarioError(problems)
        scenario = cls(**kwargs)
        problems = scenario.problems()
        if problems:
            raise ScenarioError(problems)
        return scenario

    def problems(self) -> list[Problem]:
        found = []
        if self.ruleset != "dtao":
            found.append(Problem("ruleset", f"a DtaoScenario has ruleset 'dtao', got {self.ruleset!r}"))
        for name, low, high in [("subnets", 1, 32), ("validators_per_subnet", 1, 64), ("miners_per_subnet", 1, 192),
                                ("tempo", 1, 7200)]:
            value = getattr(self, name)
            if not low <= value <= high:
                found.append(Problem(name, f"must be between {low} and {high}, got {value}"))
        if self.prices and len(self.prices) != self.subnets:
            found.append(Problem("prices", f"one price per subnet: {self.subnets} expected, got {len(self.prices)}"))
        if self.owner_burn and len(self.owner_burn) != self.subnets:
            found.append(Problem("owner_burn", f"one fraction per subnet: {self.subnets} expected, "
                                               f"got {len(self.owner_burn)}"))
        if any(not 0 <= b <= 1 for b in self.owner_burn):
            found.append(Problem("owner_burn", f"each fraction must be between 0 and 1, got {list(self.owner_burn)}"))
        if not 0 < self.moving_alpha <= 1:
            found.append(Problem("moving_alpha", f"must be above 0 and at most 1, got {self.moving_alpha}"))
        if not 0 <= self.tao_weight <= 1:
            found.append(Problem("tao_weight", f"must be between 0 and 1, got {self.tao_weight}"))
        if self.share_rule not in SHARE_RULES:
            found.append(Problem("share_rule", f"expected one of {', '.join(SHARE_RULES)}, got {self.share_rule!r}"))
        for name in ("pool_tao", "validator_alpha", "root_stake_tao", "player_balance_tao", "total_issuance_tao"):
            if getattr(self, name) < 0:
                found.append(Problem(name, f"must not be negative, got {getattr(self, name)}"))
        if self.pool_tao < 1:
            found.append(Problem("pool_tao", f"a pool needs at least 1 TAO, got {self.pool_tao}"))
        return found

    def subnet_prices(self) -> tuple[float, ...]:
        if self.prices:
            return self.prices
        if self.subnets == 1:
            return (0.05,)
        return tuple(0.01 * (20 ** (k / (self.subnets - 1))) for k in range(self.subnets))

    def to_dict(self) -> dict[str, Any]:
        return {f.name: (list(v) if isinstance(v := getattr(self, f.name), tuple) else v) for f in fields(self)}


SANDBOX_OVERRIDES = {
    "moving_price": "each subnet's price EMA starts at its pool price (capped at 1), as if it had been running; "
                    "on the chain it starts at 0 after start_call",
    "genesis": "validators' alpha and root stake exist at block 0 (minted, not bought through the pool)",
    "market": "miners have a fixed hidden quality and validators score it with noise; the scikit-learn market "
              "runs only in 2024 worlds",
    "moving_alpha": "a level may move the price EMA faster than the chain's 3e-6 per block (its `moving_alpha`), "
                    "so a subnet's share follows its price within a lesson",
    "owner_burn": "an owner's burn is set per subnet as the weight validators give uid 0 (on the chain the "
                  "owner sets it through its validators' weights)",
    "tempo": "subnet n runs its first epoch n blocks early, so the subnets' epochs are staggered",
}
"""Where a dTAO world departs from the chain, and why (listed in docs/dtao.md)."""
