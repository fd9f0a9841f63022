"""What a study measures in each run: a catalogue (name, meaning, unit) and the observer that collects it.

Every measure is computed from the epochs of one run (``EpochResult`` of chain/yuma.py, YUMA_SPEC §4):
per *group* of neurons (a role, ``miner`` / ``validator``, or a role and strategy, ``validator:copier``),
per *delegate* (one validator hotkey), or once per *run*. A level's objectives are measures too (group
``level``). ``docs/experiments.md`` lists them with a worked example.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from taosandbox.chain.returns import nominator_return_per_epoch
from taosandbox.chain.units import RAO_PER_TAO, u16_to_float


@dataclass(frozen=True)
class Measure:
    """One number a study records: its column name, a one-line meaning and its unit."""

    name: str
    scope: str
    """group (one value per role / role:strategy group), delegate (per validator hotkey), run, or level."""
    meaning: str
    unit: str


_CATALOGUE = (
    Measure("members", "group", "neurons in the group, averaged over the run's epochs", "neurons"),
    Measure("incentive_share", "group", "the group's part of all incentive (sum over its neurons), averaged "
            "over epochs", "fraction 0-1"),
    Measure("incentive_mean", "group", "incentive of one neuron of the group, averaged over its neurons and "
            "the epochs", "fraction 0-1"),
    Measure("dividends_share", "group", "the group's part of all dividends, averaged over epochs", "fraction 0-1"),
    Measure("dividends_per_tao", "group", "dividend emission to the group's hotkeys per TAO staked on them, "
            "summed over the run's epochs", "TAO per TAO staked"),
    Measure("validator_trust", "group", "validator trust of one neuron of the group, averaged over its "
            "neurons and the epochs", "fraction 0-1"),
    Measure("emission_tao", "group", "TAO emitted to the group's hotkeys over the run (incentive and "
            "dividend parts)", "TAO"),
    Measure("delegate_return_per_tao", "delegate", "what a nominator earns per TAO staked on this hotkey "
            "over the run: dividend emission x (1 - take) / stake, summed over epochs", "TAO per TAO staked"),
    Measure("take", "delegate", "the delegate's take at the end of the run", "fraction 0-1"),
    Measure("spearman_accuracy_incentive", "run", "Spearman rank correlation of the miners' accuracy "
            "(end of run) with their mean incentive", "-1 to 1"),
    Measure("gini_incentive", "run", "Gini coefficient of the miners' mean incentive (0 = equal, "
            "1 = one miner takes all)", "0-1"),
    Measure("copier_dividends_ratio", "run", "dividends per TAO of weight-copier validators over those "
            "of honest validators", "ratio (1 = the same)"),
    Measure("cabal_dividends_ratio", "run", "dividends per TAO of colluding validators over those of "
            "honest validators", "ratio (1 = the same)"),
    Measure("cabal_incentive_share", "run", "the part of all incentive going to the miners the colluding "
            "validators favour, averaged over epochs", "fraction 0-1"),
    Measure("first_halving_block", "run", "block of the first halving (empty if none happened)", "block"),
    Measure("epochs", "run", "epochs the run went through", "epochs"),
)
MEASURES: dict[str, Measure] = {m.name: m for m in _CATALOGUE}
"""The measures any study can ask for, in table column order."""

LEVEL_MEASURES: dict[str, Measure] = {m.name: m for m in (
    Measure("level_passed", "level", "1 if the level's objectives passed by its deadline, else 0", "0 or 1"),
    Measure("level_score", "level", "the level's score (no player acts in a study)", "points 0-100"),
    Measure("objectives", "level", "one column objective.ID per objective: 1 if it passed, else its "
            "progress", "progress 0-1"),
)}
"""Measures only a study based on a level has."""


def describe(name: str) -> Measure:
    """The catalogue entry of a column name (``objective.ID`` columns share ``objectives``)."""
    if name.startswith("objective."):
        base = LEVEL_MEASURES["objectives"]
        return Measure(name, "level", f"objective {name.split('.', 1)[1]}: 1 if it passed, else its progress",
                       base.unit)
    return MEASURES.get(name) or LEVEL_MEASURES[name]


# ------------------------------------------------------------------------------ collecting
class _Sums:
    """Running sums of one group over the epochs."""

    __slots__ = ("incentive", "incentive_mean", "dividends", "div_per_tao", "vtrust", "emission", "members",
                 "present")

    def __init__(self) -> None:
        self.incentive = self.incentive_mean = self.dividends = self.div_per_tao = self.vtrust = 0.0
        self.emission = 0
        self.members = 0
        self.present = 0


class Collector:
    """A world observer: after each epoch it adds the epoch's numbers to the sums of every group."""

    def __init__(self, world: Any):
        self.epochs = 0
        self.groups: dict[str, _Sums] = {}
        self.delegate_return: dict[str, float] = {}
        self.miner_incentive: dict[str, list[float]] = {}
        """hotkey -> [sum of incentive, epochs present]."""
        self.cabal_share = 0.0
        self.favoured = _favoured_hotkeys(world)

    def __call__(self, world: Any, events: list) -> None:
        if any(e.kind == "epoch" for e in events) and world.subnet.last_epoch is not None:
            self.add_epoch(world)

    def add_epoch(self, world: Any) -> None:
        sub = world.subnet
        result = sub.last_epoch
        n = min(sub.n, len(result.incentive))  # a registration after the epoch, in the same block, adds a uid
        hotkeys = sub.metagraph.hotkeys
        incentive, dividends = result.incentive[:n], result.dividends[:n]
        vtrust = result.validator_trust[:n]
        server = np.asarray(result.server_emission_u64[:n], dtype=np.int64)
        validator = np.asarray(result.validator_emission_u64[:n], dtype=np.int64)
        stake = sub.stake_vector()[:n]
        self.epochs += 1
        members: dict[str, list[int]] = {}
        for uid, agent in world.agents.items():
            if uid >= n:
                continue
            members.setdefault(agent.role, []).append(uid)
            members.setdefault(f"{agent.role}:{agent.strategy}", []).append(uid)
            if agent.role == "miner":
                sums = self.miner_incentive.setdefault(hotkeys[uid], [0.0, 0])
                sums[0] += float(incentive[uid])
                sums[1] += 1
            else:
                take = sub.ledger.take.get(hotkeys[uid], sub.hp.default_take)
                earned = nominator_return_per_epoch(validator[uid], stake[uid], take)
                self.delegate_return[hotkeys[uid]] = self.delegate_return.get(hotkeys[uid], 0.0) + earned
        for name, uids in members.items():
            g = self.groups.setdefault(name, _Sums())
            idx = np.array(sorted(uids))
            g.incentive += float(incentive[idx].sum())
            g.incentive_mean += float(incentive[idx].mean())
            g.dividends += float(dividends[idx].sum())
            g.vtrust += float(vtrust[idx].mean())
            g.emission += int(server[idx].sum() + validator[idx].sum())
            group_stake = float(stake[idx].sum())
            g.div_per_tao += float(validator[idx].sum()) / group_stake if group_stake > 0 else 0.0
            g.members += len(uids)
            g.present += 1
        favoured = [uid for uid in range(n) if hotkeys[uid] in self.favoured]
        self.cabal_share += float(incentive[favoured].sum()) if favoured else 0.0

    # ---- results
    def rows(self, world: Any) -> dict[str, dict[str, float]]:
        """group name -> {measure: value}: the role/strategy groups, ``delegate:HOTKEY`` and ``run``."""
        out: dict[str, dict[str, float]] = {}
        e = self.epochs
        for name, g in self.groups.items():
            out[name] = {
                "members": g.members / g.present,
                "incentive_share": g.incentive / e,
                "incentive_mean": g.incentive_mean / g.present,
                "dividends_share": g.dividends / e,
                "dividends_per_tao": g.div_per_tao,  # rao per rao staked = TAO per TAO
                "validator_trust": g.vtrust / g.present,
                "emission_tao": g.emission / RAO_PER_TAO,
            }
        ledger, hp = world.subnet.ledger, world.subnet.hp
        for hotkey, value in self.delegate_return.items():
            out[f"delegate:{hotkey}"] = {"delegate_return_per_tao": value,
                                         "take": u16_to_float(ledger.take.get(hotkey, hp.default_take))}
        out["run"] = self._run_measures(world, out)
        return out

    def _run_measures(self, world: Any, groups: dict[str, dict[str, float]]) -> dict[str, float]:
        accuracy, mean_incentive = [], []
        for uid, agent in sorted(world.agents.items()):
            if agent.role != "miner" or uid >= world.subnet.n:
                continue
            sums = self.miner_incentive.get(world.subnet.metagraph.hotkeys[uid])
            if not sums:
                continue
            mean_incentive.append(sums[0] / sums[1])
            accuracy.append(world.market.miner_info(uid).get("accuracy"))
        ranked = [(a, i) for a, i in zip(accuracy, mean_incentive) if a is not None]
        honest = groups.get("validator:honest", {}).get("dividends_per_tao", math.nan)
        halvings = world.subnet.halvings
        return {
            "spearman_accuracy_incentive": spearman([a for a, _ in ranked], [i for _, i in ranked]),
            "gini_incentive": gini(mean_incentive),
            "copier_dividends_ratio": _ratio(groups.get("validator:copier", {}).get("dividends_per_tao"), honest),
            "cabal_dividends_ratio": _ratio(groups.get("validator:colluding", {}).get("dividends_per_tao"),
                                            honest),
            "cabal_incentive_share": self.cabal_share / self.epochs if self.epochs and self.favoured else math.nan,
            "first_halving_block": float(halvings[0]["block"]) if halvings else math.nan,
            "epochs": float(self.epochs),
        }


def _favoured_hotkeys(world: Any) -> frozenset[str]:
    """Hotkeys (at the start) of the uids that colluding validators favour (NeuronSpec.favoured)."""
    uids = {uid for spec in world.scenario.neurons if spec.strategy == "colluding" for uid in spec.favoured}
    hotkeys = world.subnet.metagraph.hotkeys
    return frozenset(hotkeys[uid] for uid in uids if uid < len(hotkeys))


def _ratio(a: float | None, b: float) -> float:
    if a is None or not b or math.isnan(b):
        return math.nan
    return a / b


def ranks(values: list[float]) -> np.ndarray:
    """1-based ranks, ties sharing their average rank (as Spearman's rho needs)."""
    x = np.asarray(values, dtype=np.float64)
    order = np.argsort(x, kind="stable")
    r = np.empty(len(x))
    i = 0
    while i < len(x):
        j = i
        while j + 1 < len(x) and x[order[j + 1]] == x[order[i]]:
            j += 1
        r[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return r


def spearman(x: list[float], y: list[float]) -> float:
    """Spearman's rho: Pearson correlation of the ranks; NaN for fewer than 3 pairs or a constant side."""
    if len(x) < 3:
        return math.nan
    rx, ry = ranks(x), ranks(y)
    dx, dy = rx - rx.mean(), ry - ry.mean()
    denom = math.sqrt(float((dx * dx).sum()) * float((dy * dy).sum()))
    return float((dx * dy).sum()) / denom if denom else math.nan


def gini(values: list[float]) -> float:
    """Gini coefficient, sum_i sum_j |x_i - x_j| / (2 n^2 mean); NaN when empty or all zero."""
    x = np.asarray(values, dtype=np.float64)
    if not len(x) or x.sum() <= 0:
        return math.nan
    return float(np.abs(x[:, None] - x[None, :]).sum() / (2 * len(x) ** 2 * x.mean()))
