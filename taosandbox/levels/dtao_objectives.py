"""Objectives of ``ruleset: dtao`` levels: what they read from a ``DtaoWorld`` and the kinds that use it.

A dTAO level's trackers see a ``DtaoView`` after every block: the world's ``DtaoSnapshot``, the last
block's coinbase report (``chain/dtao/coinbase.py`` ``BlockReport``: each subnet's owner cut, miners',
validators' and root's alpha), the player's trades so far (every stake, unstake and registration with
what its swap did) and the player's positions valued as unstakes would pay them. The kinds reuse the
2024 machinery (``Objective``, ``Verdict``, ``Param``); ``answer`` is the 2024 question kind reading
``DTAO_QUANTITIES`` instead of the 2024 chain's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from taosandbox.chain.units import RAO_PER_TAO, format_tao, tao_to_rao
from taosandbox.levels.objectives import PASSED, PENDING, AnswerQuestion, Metric, Objective, Verdict, _fmt
from taosandbox.levels.reader import Param, Reader, show
from taosandbox.levels.yamlsource import join
from taosandbox.spelling import did_you_mean
from taosandbox.world.dtao_scenario import DtaoScenario


# ------------------------------------------------------------------------------------------ the view
@dataclass(frozen=True)
class DtaoFacts:
    """What a dTAO level may name in its starting world: how many subnets, which hotkeys."""

    subnets: int
    hotkeys: frozenset[str]

    @classmethod
    def of(cls, scenario: DtaoScenario) -> "DtaoFacts":
        # The hotkeys DtaoWorld._genesis creates, by subnet.
        keys = set()
        for n in range(1, scenario.subnets + 1):
            keys.add(f"sn{n}-owner-hk")
            keys.update(f"sn{n}-val{k}" for k in range(scenario.validators_per_subnet))
            keys.update(f"sn{n}-miner{k}" for k in range(scenario.miners_per_subnet))
        return cls(scenario.subnets, frozenset(keys))


@dataclass(frozen=True)
class Trade:
    """One of the player's actions as the world did it (``DtaoWorld.apply``'s ``trade`` event data)."""

    block: int
    side: str
    """stake, unstake or register."""
    netuid: int
    hotkey: str
    amount_in: int
    """Stake: TAO paid (rao). Unstake: alpha sold (alpha-rao; TAO on root). Register: the burn (rao)."""
    amount_out: int
    """Stake: alpha received. Unstake: TAO received. Register: 0."""
    fee: int = 0
    impact: float = 0.0
    price_before: float = 0.0
    price_after: float = 0.0
    unstake_now: int = 0
    """Stake: what unstaking the alpha at once would have paid (rao)."""
    alpha_recycled: int = 0
    """Register: alpha the burn bought from the pool and recycled."""

    @property
    def tao(self) -> int:
        """The TAO side of the trade, in rao."""
        return self.amount_out if self.side == "unstake" else self.amount_in


@dataclass(frozen=True)
class Position:
    netuid: int
    hotkey: str
    amount: int
    """TAO on root, alpha elsewhere."""
    worth: int
    """What unstaking it all now would pay, in rao."""


@dataclass(frozen=True)
class DtaoView:
    """What a dTAO objective sees after a block."""

    snapshot: Any
    """The world's ``DtaoSnapshot``."""
    report: Any
    """The last block's ``BlockReport`` (None before the first block)."""
    trades: tuple[Trade, ...]
    positions: tuple[Position, ...]
    costs: tuple[tuple[str, int], ...]
    """(hotkey, TAO the player put in under it net of what came out), in rao."""
    burned: tuple[tuple[int, int], ...] = ()
    """(netuid, alpha burned at the subnet's last epoch: the owner's own miners' incentive)."""
    miner_burned: tuple[tuple[int, float], ...] = ()
    """(netuid, ``MinerBurned``: the part of its last epoch's miner emission that was burned, 0 to 1)."""

    @property
    def block(self) -> int:
        return self.snapshot.block

    @property
    def last_epoch_block(self) -> None:
        return None

    def row(self, netuid: int) -> Any:
        return next((r for r in self.snapshot.subnets if r.netuid == netuid), None)

    def of_side(self, side: str) -> list[Trade]:
        return [t for t in self.trades if t.side == side]

    def worth(self, hotkey: str) -> int:
        return sum(p.worth for p in self.positions if p.hotkey == hotkey)

    def cost(self, hotkey: str) -> int:
        return dict(self.costs).get(hotkey, 0)


# ------------------------------------------------------------------------------------------ quantities
def _nth(items: list[Trade], k: int) -> Trade | None:
    """The k-th trade (1 = first, -1 = last), or None."""
    index = k - 1 if k > 0 else k
    return items[index] if -len(items) <= index < len(items) else None


def _tao(rao: int) -> float:
    return rao / RAO_PER_TAO


def _block_part(name: str) -> Callable[[DtaoView, dict], float | None]:
    def read(view: DtaoView, a: dict) -> float | None:
        got = view.report.subnets.get(a["netuid"]) if view.report is not None else None
        return None if got is None else _tao(getattr(got, name))
    return read


def _trade(side: str, read: Callable[[Trade], float]) -> Callable[[DtaoView, dict], float | None]:
    def value(view: DtaoView, a: dict) -> float | None:
        trades = [t for t in view.of_side(side) if a.get("netuid") in (None, t.netuid)]
        t = _nth(trades, a[side])
        return None if t is None else read(t)
    return value


def _row(read: Callable[[Any], float]) -> Callable[[DtaoView, dict], float | None]:
    def value(view: DtaoView, a: dict) -> float | None:
        r = view.row(a["netuid"])
        return None if r is None else read(r)
    return value


def _price_share(view: DtaoView, a: dict) -> float | None:
    # subnet_emissions.rs get_shares: EMA prices over their sum; the EMA follows min(price, 1)
    # (stake_utils.rs update_moving_price), so this is where the share heads.
    capped = {r.netuid: min(r.price, 1.0) for r in view.snapshot.subnets}
    total = sum(capped.values())
    return 100 * capped[a["netuid"]] / total if total and a["netuid"] in capped else None


def _stake_price_share(view: DtaoView, a: dict) -> float | None:
    """Where the stake's subnet's share heads: its price right after the stake over the sum of prices."""
    trades = [t for t in view.of_side("stake") if t.netuid and a.get("netuid") in (None, t.netuid)]
    t = _nth(trades, a["stake"])
    if t is None:
        return None
    capped = {r.netuid: min(r.price, 1.0) for r in view.snapshot.subnets}
    capped[t.netuid] = min(t.price_after, 1.0)
    return 100 * capped[t.netuid] / sum(capped.values())


def _recycled_root(view: DtaoView, a: dict) -> float | None:
    got = view.report.subnets.get(a["netuid"]) if view.report is not None else None
    if got is None:
        return None
    return 0.0 if view.report.root_sell else _tao(got.root_alpha)  # run_coinbase.rs: recycled when not root_sell


QUANTITIES: dict[str, tuple[Callable[[DtaoView, dict], float | None], tuple[str, ...], str]] = {
    "block": (lambda v, a: float(v.block), (), "the current block"),
    "price": (_row(lambda r: r.price), ("netuid",), "the subnet's pool price, TAO per alpha"),
    "moving_price": (_row(lambda r: r.moving_price), ("netuid",), "its price EMA (SubnetMovingPrice)"),
    "share_pct": (_row(lambda r: 100 * r.share), ("netuid",), "its share of the block's TAO, in %"),
    "price_share_pct": (_price_share, ("netuid",),
                        "its price (capped at 1) over the sum of prices, in %: the share once the EMAs catch up"),
    "tao_per_block": (_row(lambda r: _tao(r.tao_emission)), ("netuid",), "TAO it received in the last block"),
    "alpha_per_block": (_row(lambda r: _tao(r.alpha_emission)), ("netuid",), "alpha it mints per block now"),
    "alpha_issuance": (_row(lambda r: _tao(r.alpha_issuance)), ("netuid",), "its alpha issuance"),
    "root_proportion": (_row(lambda r: r.root_proportion), ("netuid",), "its root proportion, 0 to 1"),
    "owner_cut_alpha": (_block_part("owner_cut"), ("netuid",), "the owner's alpha in the last block (18%)"),
    "miners_alpha": (_block_part("server"), ("netuid",), "the miners' alpha in the last block"),
    "validators_alpha": (_block_part("validator"), ("netuid",), "the validators' alpha in the last block"),
    "root_alpha": (_block_part("root_alpha"), ("netuid",), "root stakers' alpha in the last block (paid or recycled)"),
    "recycled_root_alpha": (_recycled_root, ("netuid",),
                            "root's alpha recycled in the last block (all of it when EMA prices sum to 1 or less)"),
    "burned_alpha": (lambda v, a: _tao(dict(v.burned)[a["netuid"]]) if a["netuid"] in dict(v.burned) else None,
                     ("netuid",), "alpha burned at its last epoch (the owner's own uids' incentive)"),
    "miner_burned": (lambda v, a: dict(v.miner_burned).get(a["netuid"]), ("netuid",),
                     "the part of its miners' emission burned at its last epoch, 0 to 1 (MinerBurned; its share "
                     "is weighted by 1 minus this)"),
    "stake_tao": (_trade("stake", lambda t: _tao(t.amount_in)), ("stake",), "TAO paid in your stake number `stake`"),
    "stake_alpha": (_trade("stake", lambda t: _tao(t.amount_out)), ("stake",), "alpha it bought"),
    "stake_spot_alpha_per_tao": (_trade("stake", lambda t: 1 / t.price_before if t.price_before else 0.0), ("stake",),
                                 "alpha 1 TAO would buy at the spot price before that stake (no slippage)"),
    "stake_alpha_per_tao": (_trade("stake", lambda t: t.amount_out / t.amount_in), ("stake",),
                            "alpha it bought per TAO paid"),
    "stake_impact_pct": (_trade("stake", lambda t: 100 * t.impact), ("stake",),
                         "its price impact in %: average price vs the spot price before, fee included"),
    "stake_price_share_pct": (_stake_price_share, ("stake",),
                              "its subnet's price right after it over the sum of prices, in %: the share it "
                              "heads for"),
    "stake_round_trip_loss_tao": (_trade("stake", lambda t: _tao(t.amount_in - t.unstake_now)), ("stake",),
                                  "TAO lost had you unstaked it at once (fees and slippage both ways)"),
    "unstake_tao": (_trade("unstake", lambda t: _tao(t.amount_out)), ("unstake",),
                    "TAO your unstake number `unstake` paid"),
    "register_recycled_alpha": (_trade("register", lambda t: _tao(t.alpha_recycled)), ("register",),
                                "alpha your registration's burn bought and recycled"),
    "position_worth_tao": (lambda v, a: _tao(v.worth(a["hotkey"])), ("hotkey",),
                           "what everything you hold under `hotkey` would unstake for now"),
    "position_gain_tao": (lambda v, a: _tao(v.worth(a["hotkey"]) - v.cost(a["hotkey"])), ("hotkey",),
                          "that, minus the TAO you put in under it"),
    "gain_difference_tao": (lambda v, a: _tao(v.worth(a["hotkey"]) - v.cost(a["hotkey"])
                                              - v.worth(a["than"]) + v.cost(a["than"])), ("hotkey", "than"),
                            "gain under `hotkey` minus gain under `than`, in TAO"),
}
"""name -> (reader, arguments it needs, meaning). Trade arguments (`stake`, `unstake`, `register`) count the
player's trades of that side from 1 (the first), -1 = the last; an optional `netuid` counts only that
subnet's (0 = root)."""
ARGS = ("netuid", "stake", "unstake", "register", "hotkey", "than")


def check_quantity(raw: Any, reader: Reader, where: str, facts: Any) -> None:
    """``expected``: a number, or ``{quantity: NAME, <its arguments>}``."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return
    if not isinstance(raw, dict) or "quantity" not in raw:
        reader.bad(where, f"{show(raw)} is not a number (expected a number, or {{quantity: NAME, ...}})")
        return
    name = raw["quantity"]
    if name not in QUANTITIES:
        reader.bad(join(where, "quantity"), f"unknown quantity {show(name)}{did_you_mean(str(name), QUANTITIES)} "
                                            f"(expected one of {', '.join(QUANTITIES)})")
        return
    needs = QUANTITIES[name][1]
    optional = ("netuid",) if set(needs) & {"stake", "unstake", "register"} else ()  # count only that subnet's
    reader.mapping(raw, where, ("quantity",) + needs + optional, needs, what=f"{name} argument")
    for arg in needs + optional:
        value = raw.get(arg)
        if value is None:
            continue
        if arg in ("hotkey", "than"):
            if not isinstance(value, str) or (facts is not None and value not in facts.hotkeys):
                reader.bad(join(where, arg), f"{show(value)} is not a hotkey of this world"
                                             f"{did_you_mean(str(value), sorted(facts.hotkeys)) if facts else ''}"
                                             f" (expected e.g. sn1-val0)")
        elif isinstance(value, bool) or not isinstance(value, int):
            reader.bad(join(where, arg), f"{show(value)} is not a whole number")
        elif arg == "netuid" and facts is not None and not (0 if optional else 1) <= value <= facts.subnets:
            reader.bad(join(where, arg), f"subnet {value} does not exist (expected {0 if optional else 1} "
                                         f"to {facts.subnets})")
        elif arg != "netuid" and value == 0:
            reader.bad(join(where, arg), "0 is not a trade number (expected 1 for the first, -1 for the last)")


# ------------------------------------------------------------------------------------------ kinds
DTAO_KINDS: dict[str, type[Objective]] = {}
"""The objective kinds of ``ruleset: dtao`` levels."""


def dtao_objective(cls: type[Objective]) -> type[Objective]:
    DTAO_KINDS[cls.kind] = cls
    return cls


def _check_netuid(p: dict, reader: Reader, path: str, facts: Any, root: bool) -> None:
    n = p.get("netuid")
    if n is not None and facts is not None and not (0 if root else 1) <= n <= facts.subnets:
        low = "0 (root)" if root else "1"
        reader.bad(join(path, "netuid"), f"subnet {n} does not exist (expected {low} to {facts.subnets})")


@dtao_objective
class Swap(Objective):
    kind = "swap"
    summary = ("The player made `count` trades of `side` (stake, unstake or register), on `netuid` if given, "
               "each of at least `at_least_tao` / at most `at_most_tao` TAO.")
    PARAMS = (Param("side", "text", None, required=True, choices=("stake", "unstake", "register")),
              Param("netuid", "int", None, low=0, high=64, help="0 = root"),
              Param("at_least_tao", "number", None, low=0.0, high=21e6),
              Param("at_most_tao", "number", None, low=0.0, high=21e6),
              Param("count", "int", 1, low=1, high=1000))

    @classmethod
    def validate(cls, p, reader, path, facts):
        _check_netuid(p, reader, path, facts, root=p.get("side") != "register")

    @classmethod
    def describe(cls, p):
        where = "" if p["netuid"] is None else (" on root" if p["netuid"] == 0 else f" on subnet {p['netuid']}")
        size = []
        if p["at_least_tao"] is not None:
            size.append(f"at least {format_tao(tao_to_rao(p['at_least_tao']), trim=True)}")
        if p["at_most_tao"] is not None:
            size.append(f"at most {format_tao(tao_to_rao(p['at_most_tao']), trim=True)}")
        what = {"stake": "Stake", "unstake": "Unstake", "register": "Register"}[p["side"]]
        times = "" if p["count"] == 1 else f" {p['count']} times"
        return f"{what}{where}{times}" + (f" ({' and '.join(size)})" if size else "")

    def condition(self, ctx):
        p = self.p
        done = [t for t in ctx.snapshot.of_side(p["side"]) if t.block >= self.spec.from_block
                and (p["netuid"] is None or t.netuid == p["netuid"])
                and (p["at_least_tao"] is None or t.tao >= tao_to_rao(p["at_least_tao"]))
                and (p["at_most_tao"] is None or t.tao <= tao_to_rao(p["at_most_tao"]))]
        return len(done) >= p["count"], len(done) / p["count"], f"{len(done)} of {p['count']} done"


@dtao_objective
class Hold(Objective):
    kind = "hold"
    summary = ("The player holds at least `at_least` on `netuid` (TAO on root, alpha on a subnet), under "
               "`hotkey` if given.")
    PARAMS = (Param("netuid", "int", None, required=True, low=0, high=64, help="0 = root"),
              Param("at_least", "number", None, required=True, low=0.0, high=1e12),
              Param("hotkey", "text", None))

    @classmethod
    def validate(cls, p, reader, path, facts):
        _check_netuid(p, reader, path, facts, root=True)
        if p.get("hotkey") is not None and facts is not None and p["hotkey"] not in facts.hotkeys:
            reader.bad(join(path, "hotkey"), f"{p['hotkey']!r} is not a hotkey of this world"
                                             f"{did_you_mean(p['hotkey'], sorted(facts.hotkeys))}")

    @classmethod
    def describe(cls, p):
        token = "τ on root" if p["netuid"] == 0 else f"α on subnet {p['netuid']}"
        under = f" under {p['hotkey']}" if p["hotkey"] else ""
        return f"Hold at least {p['at_least']:g} {token}{under}"

    def condition(self, ctx):
        held = sum(pos.amount for pos in ctx.snapshot.positions if pos.netuid == self.p["netuid"]
                   and self.p["hotkey"] in (None, pos.hotkey)) / RAO_PER_TAO
        target = self.p["at_least"]
        return held >= target and held > 0, (held / target if target else 1.0), f"you hold {_fmt(held)}"


SUBNET_FIELDS = {
    "price": lambda r: r.price, "moving_price": lambda r: r.moving_price, "share": lambda r: r.share,
    "tao_reserve": lambda r: r.tao_reserve / RAO_PER_TAO, "alpha_reserve": lambda r: r.alpha_reserve / RAO_PER_TAO,
    "alpha_issuance": lambda r: r.alpha_issuance / RAO_PER_TAO, "root_proportion": lambda r: r.root_proportion,
}
"""``field:`` of ``subnet`` objectives, read from the snapshot's ``SubnetRow``."""


@dtao_objective
class SubnetGoal(Objective):
    kind = "subnet"
    summary = "Subnet `netuid`'s `field` is `at_least`/`above`/`at_most`/`below` a value."
    PARAMS = (Param("netuid", "int", None, required=True, low=1, high=64),
              Param("field", "text", "share", choices=tuple(SUBNET_FIELDS)),
              *Metric.PARAMS[-4:])

    @classmethod
    def validate(cls, p, reader, path, facts):
        _check_netuid(p, reader, path, facts, root=False)
        Metric.validate(p, reader, path, facts)

    @classmethod
    def describe(cls, p):
        bound, value = Metric._bound(p)
        return f"Get subnet {p['netuid']}'s {p['field'].replace('_', ' ')} {bound.replace('_', ' ')} {_fmt(value)}"

    def condition(self, ctx):
        bound, target = Metric._bound(self.p)
        row = ctx.snapshot.row(self.p["netuid"])
        value = SUBNET_FIELDS[self.p["field"]](row)
        holds = {"at_least": value >= target, "above": value > target,
                 "at_most": value <= target, "below": value < target}[bound]
        partial = value / target if bound in ("at_least", "above") and target > 0 else float(holds)
        return holds, partial, f"{self.p['field']} = {_fmt(value)}"


@dtao_objective
class DtaoAnswer(AnswerQuestion):
    summary = ("Answer the question `ask`; right within `tolerance` of `expected` (a number, or "
               "{quantity: NAME, ...} read when answering).")

    @classmethod
    def validate(cls, p, reader, path, facts):
        check_quantity(p.get("expected"), reader, join(path, "expected"), facts)

    def target(self, ctx):
        expected = self.p["expected"]
        if not isinstance(expected, dict):
            return float(expected)
        value = QUANTITIES[expected["quantity"]][0](ctx.snapshot, expected)
        return float("nan") if value is None else float(value)

    def update(self, ctx):
        if ctx.answers.get(self.spec.id, ())[self.used:] and self.target(ctx) != self.target(ctx):  # nan
            expected = self.p["expected"]
            side = next((k for k in ("stake", "unstake", "register") if k in expected), None)
            return Verdict(PENDING, 0.0, f"your answer waits: it is judged once you have made the {side} it "
                           f"asks about" if side else "your answer waits: it is judged after the next block")
        return super().update(ctx)


__all__ = ["DTAO_KINDS", "DtaoFacts", "DtaoView", "PASSED", "Position", "QUANTITIES", "SUBNET_FIELDS", "Trade"]
