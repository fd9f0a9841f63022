"""Which neurons an objective looks at, and the numbers it reads from them and from the chain."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from taosandbox.chain.units import BLOCKS_PER_DAY, rao_to_tao
from taosandbox.levels.reader import Reader, show
from taosandbox.levels.yamlsource import join
from taosandbox.world.scenario import NEURON_ROLES, Scenario
from taosandbox.world.snapshot import NeuronRow, Snapshot
from taosandbox.spelling import did_you_mean


@dataclass(frozen=True)
class WorldFacts:
    """What a level's objectives may refer to in its starting world."""

    neuron_count: int
    strategies: frozenset[str]
    hotkeys: frozenset[str]

    @classmethod
    def anything(cls) -> "WorldFacts":
        return _Anything(1 << 30, frozenset(), frozenset())

    @classmethod
    def of(cls, scenario: Scenario) -> "WorldFacts":
        count = sum(spec.count for spec in scenario.neurons) + (1 if scenario.player.register else 0)
        hotkeys = set()
        for spec in scenario.neurons:
            if spec.hotkey:
                if spec.count == 1:
                    hotkeys.add(spec.hotkey)
                else:
                    hotkeys.update(f"{spec.hotkey}-{i}" for i in range(1, spec.count + 1))
        return cls(count, frozenset(spec.strategy for spec in scenario.neurons), frozenset(hotkeys))


class _Everything(frozenset):
    def __contains__(self, item: object) -> bool:
        return True


class _Anything(WorldFacts):
    def __init__(self, *args: object) -> None:
        object.__setattr__(self, "neuron_count", 1 << 30)
        object.__setattr__(self, "strategies", _Everything())
        object.__setattr__(self, "hotkeys", _Everything())


def _stake_share(row: NeuronRow, snap: Snapshot) -> float:
    total = sum(r.stake_rao for r in snap.neurons)
    return row.stake_rao / total if total else 0.0


def _dividends_per_stake(row: NeuronRow, snap: Snapshot) -> float:
    share = _stake_share(row, snap)
    return row.dividends / share if share > 0 else 0.0


FIELDS: dict[str, tuple[Callable[[NeuronRow, Snapshot], float], str]] = {
    "stake_tao": (lambda r, s: rao_to_tao(r.stake_rao), "stake on the hotkey, in TAO"),
    "stake_share": (_stake_share, "the hotkey's fraction of all stake"),
    "rank": (lambda r, s: r.rank, "RANK"),
    "trust": (lambda r, s: r.trust, "TRUST"),
    "consensus": (lambda r, s: r.consensus, "CONSENSUS"),
    "incentive": (lambda r, s: r.incentive, "INCENTIVE (miners' share of emission)"),
    "dividends": (lambda r, s: r.dividends, "DIVIDENDS (validators' share of emission)"),
    "dividends_per_stake": (_dividends_per_stake, "dividends divided by stake share (1 = fair share)"),
    "validator_trust": (lambda r, s: r.validator_trust, "VTRUST"),
    "validator_permit": (lambda r, s: float(r.validator_permit), "1 with a validator permit, else 0"),
    "active": (lambda r, s: float(r.active), "1 while active, else 0"),
    "accuracy": (lambda r, s: r.accuracy or 0.0, "the miner's held-out accuracy"),
    "emission_tao": (lambda r, s: rao_to_tao(r.emission_rao), "TAO received at the last epoch"),
    "earned_tao": (lambda r, s: rao_to_tao(r.emission_total_rao), "TAO earned since registering"),
    "pruning_score": (lambda r, s: float(r.pruning_score), "pruning score (u16)"),
    "updated": (lambda r, s: float(r.updated), "UPDATED: blocks since it last set weights"),
}
"""Numbers an objective can read from a neuron (btcli's columns and a few derived ones)."""


def _first_uid(s: Snapshot) -> float:
    return float(s.player.uids[0]) if s.player.uids else -1.0


QUANTITIES: dict[str, tuple[Callable[[Snapshot], float], str]] = {
    "block": (lambda s: float(s.block), "the current block"),
    "seconds": (lambda s: float(s.seconds), "seconds since block 0"),
    "blocks_per_day": (lambda s: float(BLOCKS_PER_DAY), "7200"),
    "block_emission_tao": (lambda s: rao_to_tao(s.block_emission_rao), "TAO minted per block now"),
    "total_issuance_tao": (lambda s: rao_to_tao(s.total_issuance_rao), "TotalIssuance"),
    "burn_tao": (lambda s: rao_to_tao(s.burn_rao), "the registration burn now"),
    "player_burn_tao": (lambda s: rao_to_tao(s.player.spent_burn_rao),
                        "TAO the player burned registering (recycled)"),
    "recycled_tao": (lambda s: rao_to_tao(s.recycled_rao), "TAO recycled by registrations so far"),
    "player_uid": (_first_uid, "the player's first UID"),
}
"""Chain numbers an answer can be checked against, read when the answer is given."""


@dataclass(frozen=True)
class Selector:
    """The player's neurons, one uid, or every non-player neuron with a strategy / role."""

    player: bool = False
    uid: int | None = None
    strategy: str | None = None
    role: str | None = None
    hotkey: str | None = None
    aggregate: str = "mean"

    @property
    def label(self) -> str:
        if self.player:
            return "you"
        if self.uid is not None:
            return f"uid {self.uid}"
        if self.hotkey is not None:
            return self.hotkey
        parts = [p for p in (self.strategy, self.role) if p]
        group = " ".join(parts) if parts else "every other neuron"
        return f"{group} ({self.aggregate})" if self.aggregate != "mean" else f"the average {group}"

    def rows(self, snap: Snapshot) -> list[NeuronRow]:
        if self.player:
            return [r for r in snap.neurons if r.is_player]
        if self.uid is not None:
            return [r for r in snap.neurons if r.uid == self.uid]
        if self.hotkey is not None:
            return [r for r in snap.neurons if r.hotkey == self.hotkey]
        return [r for r in snap.neurons if not r.is_player
                and (self.strategy is None or r.strategy == self.strategy)
                and (self.role is None or r.role == self.role)]

    def value(self, snap: Snapshot, field: str) -> float | None:
        """The field over the selected rows (player: the best of theirs); None if nothing selected."""
        read = FIELDS[field][0]
        values = [read(r, snap) for r in self.rows(snap)]
        if not values:
            return None
        how = "max" if self.player else self.aggregate
        if how == "max":
            return max(values)
        if how == "min":
            return min(values)
        if how == "sum":
            return sum(values)
        return sum(values) / len(values)


AGGREGATES = ("mean", "max", "min", "sum")
_SELECTOR_KEYS = ("uid", "strategy", "role", "hotkey", "aggregate")


def read_selector(reader: Reader, raw: Any, where: str, facts: WorldFacts) -> Selector | None:
    if raw == "player":
        return Selector(player=True)
    if not isinstance(raw, dict):
        reader.bad(where, f"{show(raw)} is not a neuron selector (expected player, or a mapping with "
                          f"uid, strategy, role or hotkey)")
        return None
    if reader.mapping(raw, where, _SELECTOR_KEYS, what="selector field") is None:
        return None
    picked = [k for k in ("uid", "strategy", "role", "hotkey") if k in raw]
    if not picked:
        reader.bad(where, "names no neurons (expected uid, strategy, role or hotkey)")
        return None
    ok = True
    uid = raw.get("uid")
    if "uid" in raw:
        if isinstance(uid, bool) or not isinstance(uid, int) or uid < 0:
            reader.bad(join(where, "uid"), f"{show(uid)} is not a uid (expected a whole number >= 0)")
            ok = False
        elif uid >= facts.neuron_count:
            reader.bad(join(where, "uid"), f"uid {uid} does not exist at the start (expected 0.."
                                           f"{facts.neuron_count - 1}: the world has {facts.neuron_count})")
            ok = False
    strategy = raw.get("strategy")
    if "strategy" in raw and strategy not in facts.strategies:
        reader.bad(join(where, "strategy"), f"no neuron in world.neurons has strategy {show(strategy)}"
                                            f"{did_you_mean(str(strategy), facts.strategies)} (expected one of "
                                            f"{', '.join(sorted(facts.strategies)) or 'none'})")
        ok = False
    role = raw.get("role")
    if "role" in raw and role not in NEURON_ROLES:
        reader.bad(join(where, "role"), f"{show(role)} is not a role (expected one of {', '.join(NEURON_ROLES)})")
        ok = False
    hotkey = raw.get("hotkey")
    if "hotkey" in raw and hotkey not in facts.hotkeys:
        reader.bad(join(where, "hotkey"), f"no neuron has hotkey {show(hotkey)}"
                                          f"{did_you_mean(str(hotkey), facts.hotkeys)} (expected a hotkey named "
                                          f"in world.neurons)")
        ok = False
    aggregate = raw.get("aggregate", "mean")
    if aggregate not in AGGREGATES:
        reader.bad(join(where, "aggregate"), f"{show(aggregate)} is not allowed (expected one of "
                                             f"{', '.join(AGGREGATES)})")
        ok = False
    if not ok:
        return None
    return Selector(uid=uid, strategy=strategy, role=role, hotkey=hotkey, aggregate=aggregate)
