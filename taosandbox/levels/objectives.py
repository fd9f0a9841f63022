"""Objectives: predicates over the world's snapshots and events, with deadlines, combined by all/any.

A level's ``objectives`` section is read into a tree of ``ObjectiveSpec`` leaves and ``ObjectiveGroup``
nodes (frozen). A ``LevelRun`` makes one tracker per leaf (``KINDS[kind](spec)``) and feeds it a
``Context`` after every block; the tracker answers with a ``Verdict``. Adding a kind = a subclass with
``kind``, ``summary``, ``PARAMS`` and ``condition`` (or ``update``), decorated with ``@objective``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from types import MappingProxyType
from typing import Any, ClassVar, Mapping, Sequence

import numpy as np

from taosandbox.chain.hyperparams import Hyperparameters
from taosandbox.chain.returns import apr, format_rate
from taosandbox.chain.units import format_tao, rao_to_tao, tao_to_rao
from taosandbox.chain.yuma import topk_permits
from taosandbox.chain.events import KINDS as EVENT_KINDS
from taosandbox.chain.events import Event
from taosandbox.levels.reader import Param, Reader, show
from taosandbox.levels.selectors import FIELDS, QUANTITIES, Selector, WorldFacts, read_selector
from taosandbox.levels.yamlsource import join
from taosandbox.world.scenario import NEURON_ROLES
from taosandbox.world.snapshot import Snapshot
from taosandbox.spelling import did_you_mean

PENDING, PASSED, FAILED = "pending", "passed", "failed"


@dataclass(frozen=True)
class Verdict:
    status: str
    progress: float
    detail: str


@dataclass(frozen=True)
class ObjectiveSpec:
    """One objective as written in the level file (params validated)."""

    id: str
    kind: str
    description: str
    by_block: int
    """Deadline: still pending at the end of this block = failed."""
    from_block: int = 0
    for_epochs: int | None = None
    params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class ObjectiveGroup:
    """``all`` passes when every child passes; ``any`` when one does."""

    mode: str
    children: tuple["ObjectiveSpec | ObjectiveGroup", ...]


def leaves(node: ObjectiveSpec | ObjectiveGroup) -> list[ObjectiveSpec]:
    if isinstance(node, ObjectiveSpec):
        return [node]
    return [leaf for child in node.children for leaf in leaves(child)]


def combine(node: ObjectiveSpec | ObjectiveGroup, status: Mapping[str, str]) -> str:
    """Overall status of a tree from its leaves' statuses."""
    if isinstance(node, ObjectiveSpec):
        return status[node.id]
    results = [combine(child, status) for child in node.children]
    win, lose = (PASSED, FAILED) if node.mode == "all" else (FAILED, PASSED)
    if all(r == win for r in results):
        return win
    if any(r == lose for r in results):
        return lose
    return PENDING


@dataclass
class Context:
    """What a tracker sees after one block."""

    snapshot: Snapshot
    events: Sequence[Event]
    start: Snapshot
    answers: Mapping[str, Sequence[tuple[int, float]]]
    """Objective id -> every answer given so far, as (block, value)."""
    epoch: bool
    """An epoch ran in this block."""
    lost_hotkeys: frozenset[str] = frozenset()
    """Player hotkeys that held a UID before this block and no longer do."""


# ------------------------------------------------------------------------------------------ base
class Objective:
    """Base tracker: a condition checked every block, or on ``for_epochs`` consecutive epochs."""

    kind: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    PARAMS: ClassVar[tuple[Param, ...]] = ()
    STREAK: ClassVar[bool] = False
    """True when ``for_epochs`` is allowed."""

    def __init__(self, spec: ObjectiveSpec):
        self.spec = spec
        self.p = spec.params
        self.streak = 0

    @classmethod
    def describe(cls, p: Mapping[str, Any]) -> str:
        return cls.summary

    @classmethod
    def validate(cls, p: dict[str, Any], reader: Reader, path: str, facts: WorldFacts) -> None:
        """Checks across params or against the world; report with ``reader.bad``."""

    def condition(self, ctx: Context) -> tuple[bool, float, str]:
        """(holds now, progress 0..1 towards holding, detail)."""
        raise NotImplementedError

    def update(self, ctx: Context) -> Verdict:
        block = ctx.snapshot.block
        if block < self.spec.from_block:
            return Verdict(PENDING, 0.0, f"counts from block {self.spec.from_block}")
        holds, partial, detail = self.condition(ctx)
        need = self.spec.for_epochs
        if need is None:
            return Verdict(PASSED, 1.0, detail) if holds else Verdict(PENDING, _clip(partial), detail)
        if ctx.epoch:
            self.streak = self.streak + 1 if holds else 0
        detail = f"{detail}; {self.streak}/{need} epochs in a row"
        if self.streak >= need:
            return Verdict(PASSED, 1.0, detail)
        return Verdict(PENDING, _clip(0.5 * partial if self.streak == 0 else self.streak / need), detail)


def _clip(x: float) -> float:
    return max(0.0, min(1.0, float(x)))


def _tao(x: float) -> str:
    """A TAO amount as objectives write it: ``2.5`` -> ``'2.5 τ'``, ``100`` -> ``'100 τ'``."""
    return format_tao(tao_to_rao(x), trim=True)


def _fmt(x: float) -> str:
    return f"{x:.4g}"


KINDS: dict[str, type[Objective]] = {}
"""Objective kind -> tracker class (the registry levels and docs read)."""


def objective(cls: type[Objective]) -> type[Objective]:
    KINDS[cls.kind] = cls
    return cls


# ------------------------------------------------------------------------------------------ kinds
@objective
class OwnUid(Objective):
    kind = "own_uid"
    summary = "The player holds at least `count` UIDs (of `role`, if given)."
    PARAMS = (Param("count", "int", 1, low=1, high=4096, help="how many UIDs"),
              Param("role", "text", None, choices=NEURON_ROLES, help="count only miners or validators"))
    STREAK = True

    @classmethod
    def describe(cls, p):
        what = f"{p['role']} " if p["role"] else ""
        return "Own a UID" + (f" as a {p['role']}" if p["role"] else "") if p["count"] == 1 \
            else f"Own {p['count']} {what}UIDs"

    def condition(self, ctx):
        rows = [r for r in ctx.snapshot.neurons if r.is_player and (self.p["role"] in (None, r.role))]
        have = len(rows)
        uids = ", ".join(str(r.uid) for r in rows) or "none"
        return have >= self.p["count"], have / self.p["count"], f"your UIDs: {uids}"


@objective
class Survive(Objective):
    kind = "survive"
    summary = ("The player's first neuron keeps its UID until `blocks_after_immunity` blocks after its "
               "immunity ends; losing it fails.")
    PARAMS = (Param("blocks_after_immunity", "int", 0, low=0, high=1_000_000,
                    help="how long past the end of immunity"),)

    def __init__(self, spec):
        super().__init__(spec)
        self.hotkey: str | None = None

    @classmethod
    def describe(cls, p):
        extra = p["blocks_after_immunity"]
        return "Keep your UID past its immunity period" + (f" (+{extra} blocks)" if extra else "")

    def update(self, ctx):
        snap = ctx.snapshot
        if self.hotkey is None:
            mine = sorted((r for r in snap.neurons if r.is_player), key=lambda r: (r.registered_block, r.uid))
            if not mine:
                return Verdict(PENDING, 0.0, "register first")
            self.hotkey = mine[0].hotkey
        row = next((r for r in snap.neurons if r.hotkey == self.hotkey), None)
        if row is None or self.hotkey in ctx.lost_hotkeys:
            return Verdict(FAILED, 0.0, f"{self.hotkey} lost its UID")
        target = row.registered_block + snap.hyperparameters.immunity_period + self.p["blocks_after_immunity"]
        span = max(1, target - row.registered_block)
        if snap.block >= target:
            return Verdict(PASSED, 1.0, f"uid {row.uid} still registered at block {snap.block}")
        left = f"immune for {row.immunity_left} more blocks" if row.immune else "no longer immune"
        return Verdict(PENDING, (snap.block - row.registered_block) / span,
                       f"uid {row.uid}: {left}; safe at block {target}")


def _comparison_params(default_field: str) -> tuple[Param, ...]:
    return (Param("field", "text", default_field, choices=tuple(FIELDS), help="what to read"),)


_BOUNDS = ("at_least", "above", "at_most", "below")


@objective
class Metric(Objective):
    kind = "metric"
    summary = ("A neuron's `field` (the player's by default) is `at_least`/`above`/`at_most`/`below` a "
               "value.")
    PARAMS = _comparison_params("incentive") + (
        Param("of", "selector", "player", help="whose field: player, {uid: N}, {strategy: S}, {role: R}"),
        Param("at_least", "number", None), Param("above", "number", None),
        Param("at_most", "number", None), Param("below", "number", None),
    )
    STREAK = True

    @classmethod
    def validate(cls, p, reader, path, facts):
        given = [b for b in _BOUNDS if p.get(b) is not None]
        if len(given) != 1:
            reader.bad(path, f"needs exactly one bound, got {len(given)} (expected one of {', '.join(_BOUNDS)})")

    @staticmethod
    def _bound(p) -> tuple[str, float]:
        return next((b, p[b]) for b in _BOUNDS if p.get(b) is not None)

    @classmethod
    def describe(cls, p):
        bound, value = cls._bound(p)
        who = p["of"].label
        subject = "your" if who == "you" else f"{who}'s"
        return f"Get {subject} {p['field']} {bound.replace('_', ' ')} {_fmt(value)}"

    def condition(self, ctx):
        bound, target = self._bound(self.p)
        value = self.p["of"].value(ctx.snapshot, self.p["field"])
        if value is None:
            return False, 0.0, f"{self.p['of'].label}: no such neuron now"
        holds = {"at_least": value >= target, "above": value > target,
                 "at_most": value <= target, "below": value < target}[bound]
        if bound in ("at_least", "above"):
            partial = value / target if target > 0 else float(holds)
        else:
            partial = float(holds)
        return holds, partial, f"{self.p['field']} = {_fmt(value)} (target: {bound.replace('_', ' ')} {_fmt(target)})"


@objective
class Permit(Objective):
    kind = "permit"
    summary = "The player's neuron holds a validator permit."
    STREAK = True

    @classmethod
    def describe(cls, p):
        return "Earn a validator permit"

    def condition(self, ctx):
        rows = [r for r in ctx.snapshot.neurons if r.is_player]
        if not rows:
            return False, 0.0, "you hold no UID"
        permitted = [r.uid for r in rows if r.validator_permit]
        if permitted:
            return True, 1.0, f"uid {permitted[0]} has a permit"
        snap = ctx.snapshot
        hp = snap.hyperparameters
        k = hp.max_allowed_validators
        stakes = np.array([r.stake_rao for r in snap.neurons], dtype=np.int64)
        # The chain's rule (§4.3): the cut-off is the least stake still inside the top k.
        permit = topk_permits(stakes, k, nonzero_only=hp.mechanism == "yuma3_2026")
        cut = int(stakes[permit].min()) if len(stakes) >= k and permit.any() else 0
        best = max(r.stake_rao for r in rows)
        return False, (best / cut if cut else 0.0), (f"no permit; your stake {format_tao(best, trim=True)}, "
                                                    f"top-{k} cut-off {format_tao(cut, trim=True)}")


@objective
class Top(Objective):
    kind = "top"
    summary = "The player's best neuron ranks within the top `within` by `field` among `among`."
    PARAMS = _comparison_params("incentive") + (
        Param("within", "int", 3, low=1, high=4096, help="top how many"),
        Param("among", "text", "miner", choices=NEURON_ROLES + ("all",), help="which neurons compete"),
    )
    STREAK = True

    @classmethod
    def describe(cls, p):
        group = "all neurons" if p["among"] == "all" else f"{p['among']}s"
        return f"Rank in the top {p['within']} {group} by {p['field']}"

    def condition(self, ctx):
        snap = ctx.snapshot
        read = FIELDS[self.p["field"]][0]
        pool = [r for r in snap.neurons if self.p["among"] == "all" or r.role == self.p["among"] or r.is_player]
        mine = [read(r, snap) for r in pool if r.is_player]
        if not mine:
            return False, 0.0, "you hold no UID"
        best = max(mine)
        place = 1 + sum(1 for r in pool if not r.is_player and read(r, snap) > best)
        holds = place <= self.p["within"] and best > 0
        return holds, min(1.0, self.p["within"] / place) * (1.0 if best > 0 else 0.5), \
            f"you are #{place} of {len(pool)} ({self.p['field']} {_fmt(best)})"


@objective
class Compare(Objective):
    kind = "compare"
    summary = "The player's `field` exceeds `factor` times that of the neurons named by `than`."
    PARAMS = _comparison_params("dividends") + (
        Param("than", "selector", None, required=True, help="{uid: N}, {strategy: S} or {role: R}"),
        Param("factor", "number", 1.0, low=0.0, high=1000.0, help="must exceed factor x theirs"),
    )
    STREAK = True

    @classmethod
    def describe(cls, p):
        times = "" if p["factor"] == 1.0 else f"{_fmt(p['factor'])} x "
        return f"Beat {times}{p['than'].label} on {p['field']}"

    def condition(self, ctx):
        snap = ctx.snapshot
        mine = Selector(player=True).value(snap, self.p["field"])
        theirs = self.p["than"].value(snap, self.p["field"])
        if mine is None:
            return False, 0.0, "you hold no UID"
        if theirs is None:
            return False, 0.0, f"{self.p['than'].label}: no such neuron now"
        target = self.p["factor"] * theirs
        holds = mine > target
        partial = mine / target if target > 0 else float(mine > 0)
        return holds, partial, f"you {_fmt(mine)} vs {self.p['than'].label} {_fmt(theirs)}"


@objective
class Stake(Objective):
    kind = "stake"
    summary = "The player has at least `at_least_tao` staked (`on` own hotkeys, delegates, or any)."
    PARAMS = (Param("at_least_tao", "number", None, required=True, low=0.0, high=21e6),
              Param("on", "text", "any", choices=("any", "own", "delegates")),
              Param("max_hotkeys", "int", None, low=1, high=4096, help="spread over at most this many"))
    STREAK = True

    @classmethod
    def describe(cls, p):
        where = {"any": "", "own": " on your own hotkey", "delegates": " with delegates"}[p["on"]]
        spread = f" across at most {p['max_hotkeys']} hotkeys" if p["max_hotkeys"] else ""
        return f"Stake at least {_tao(p['at_least_tao'])}{where}{spread}"

    def condition(self, ctx):
        rows = [s for s in ctx.snapshot.player.stakes if s.amount_rao > 0 and (
            self.p["on"] == "any" or s.own == (self.p["on"] == "own"))]
        total = rao_to_tao(sum(s.amount_rao for s in rows))
        spread_ok = self.p["max_hotkeys"] is None or len(rows) <= self.p["max_hotkeys"]
        target = self.p["at_least_tao"]
        holds = total >= target and spread_ok and total > 0
        detail = f"staked {_tao(total)} on {len(rows)} hotkey{'s' if len(rows) != 1 else ''}"
        return holds, (total / target if target else float(holds)), detail


@objective
class Earn(Objective):
    kind = "earn"
    summary = "The player earns at least `at_least_tao` from the network after the level starts."
    PARAMS = (Param("at_least_tao", "number", None, required=True, low=0.0, high=21e6),)

    @classmethod
    def describe(cls, p):
        return f"Earn {_tao(p['at_least_tao'])}"

    def condition(self, ctx):
        earned = rao_to_tao(ctx.snapshot.player.earned_rao - ctx.start.player.earned_rao)
        target = self.p["at_least_tao"]
        return earned >= target and earned > 0, (earned / target if target else 1.0), f"earned {_tao(earned)}"


@objective
class DelegateReturn(Objective):
    kind = "delegate_return"
    summary = ("The return per staked TAO of the delegates the player backs beats `factor` times the "
               "stake-weighted average of all delegates (what the average nominator gets).")
    PARAMS = (Param("factor", "number", 1.0, low=0.0, high=1000.0),)
    STREAK = True

    @classmethod
    def describe(cls, p):
        times = "" if p["factor"] == 1.0 else f"{_fmt(p['factor'])} x "
        return f"Earn more per staked TAO than {times}the average nominator"

    def condition(self, ctx):
        snap = ctx.snapshot
        mine = [(s.amount_rao, d.return_per_tao_day) for s in snap.player.stakes if not s.own and s.amount_rao > 0
                for d in snap.delegates if d.hotkey == s.hotkey]
        weight = sum(a for a, _ in mine)
        if not weight:
            return False, 0.0, "you back no delegate"
        ours = sum(a * r for a, r in mine) / weight
        total = sum(d.total_stake_rao for d in snap.delegates)
        avg = sum(d.total_stake_rao * d.return_per_tao_day for d in snap.delegates) / total if total else 0.0
        target = self.p["factor"] * avg
        holds = ours > target
        return holds, (ours / target if target > 0 else float(holds)), \
            (f"you {ours:.5f} τ per τ a day ({format_rate(apr(ours))}/yr) vs average {avg:.5f} "
             f"({format_rate(apr(avg))}/yr)")


@objective
class EventCount(Objective):
    kind = "event"
    summary = "At least `at_least` events of kind `event` happen (only the player's, if `mine`)."
    PARAMS = (Param("event", "text", None, required=True, choices=EVENT_KINDS),
              Param("mine", "bool", True, help="count only events concerning the player"),
              Param("at_least", "int", 1, low=1, high=1_000_000))

    def __init__(self, spec):
        super().__init__(spec)
        self.seen = 0

    @classmethod
    def describe(cls, p):
        times = "" if p["at_least"] == 1 else f" {p['at_least']} times"
        return f"Make '{p['event']}' happen{times}"

    def condition(self, ctx):
        self.seen += sum(1 for e in ctx.events if e.kind == self.p["event"] and (e.player or not self.p["mine"]))
        return self.seen >= self.p["at_least"], self.seen / self.p["at_least"], f"seen {self.seen}"


@objective
class AnswerQuestion(Objective):
    kind = "answer"
    summary = ("Answer the question `ask` (the objective id is the question id); right within "
               "`tolerance` of `expected` (a number, or {quantity: NAME} read when answering).")
    PARAMS = (Param("ask", "text", None, required=True, help="the question shown to the player"),
              Param("expected", "expected", None, required=True),
              Param("tolerance", "number", 0.0, low=0.0),
              Param("tries", "int", 3, low=1, high=100, help="wrong answers allowed before failing"))

    def __init__(self, spec):
        super().__init__(spec)
        self.used = 0

    @classmethod
    def describe(cls, p):
        return p["ask"]

    @classmethod
    def validate(cls, p, reader, path, facts):
        check_expected(p.get("expected"), reader, join(path, "expected"))

    def target(self, ctx: Context) -> float:
        """The right answer now (a ruleset's own answer kind reads its own quantities)."""
        return expected_value(self.p["expected"], ctx.snapshot)

    def update(self, ctx):
        given = ctx.answers.get(self.spec.id, ())
        for block, value in given[self.used:]:
            self.used += 1
            if block < self.spec.from_block:
                continue
            target = self.target(ctx)
            if abs(value - target) <= self.p["tolerance"] + 1e-9 * max(1.0, abs(target)):
                return Verdict(PASSED, 1.0, f"right: {_fmt(value)}")
            if self.used >= self.p["tries"]:
                return Verdict(FAILED, 0.0, f"{_fmt(value)} is wrong; no tries left (it was {_fmt(target)})")
        left = self.p["tries"] - self.used
        return Verdict(PENDING, 0.0, f"not answered yet; {left} {'try' if left == 1 else 'tries'} left"
                       if not self.used else f"wrong so far; {left} {'try' if left == 1 else 'tries'} left")


@objective
class PredictHalving(Objective):
    kind = "predict_halving"
    summary = ("Predict the block of the next halving (answer = block number) at least `min_lead` "
               "blocks before it, within `margin` blocks.")
    PARAMS = (Param("margin", "int", 50, low=0, high=1_000_000),
              Param("min_lead", "int", 100, low=0, high=1_000_000,
                    help="the answer counts only if given this many blocks before the halving"))

    @classmethod
    def describe(cls, p):
        return f"Predict the halving block within ±{p['margin']} blocks"

    def update(self, ctx):
        halved_at = next((e.block for e in ctx.events if e.kind == "halving"), None)
        if halved_at is None and ctx.snapshot.halving_index != ctx.start.halving_index:
            halved_at = ctx.snapshot.block  # no event seen (attached late): the index moved this block
        given = ctx.answers.get(self.spec.id, ())
        if halved_at is None:
            if given:
                return Verdict(PENDING, 0.5, f"your prediction: block {int(given[-1][1])}; waiting")
            return Verdict(PENDING, 0.0, "no prediction yet")
        counted = [v for b, v in given if b <= halved_at - self.p["min_lead"]]
        if not counted:
            return Verdict(FAILED, 0.0, f"the halving came at block {halved_at} with no prediction "
                                        f"{self.p['min_lead']} blocks ahead")
        guess = counted[-1]
        if abs(guess - halved_at) <= self.p["margin"]:
            return Verdict(PASSED, 1.0, f"halving at block {halved_at}; you said {int(guess)}")
        return Verdict(FAILED, 0.0, f"halving at block {halved_at}; you said {int(guess)}")


def _plain_number(x: Any) -> Any:
    return int(x) if isinstance(x, float) and x.is_integer() else x


_HYPERPARAMETERS = tuple(f.name for f in dataclass_fields(Hyperparameters))


@objective
class HyperparameterGoal(Objective):
    kind = "hyperparameter"
    summary = ("The subnet's hyperparameter `name` is `at_least`/`at_most` a number, or `equals` a value "
               "(governance changes them: docs/governance.md).")
    PARAMS = (Param("name", "text", None, required=True, choices=_HYPERPARAMETERS),
              Param("at_least", "number", None), Param("at_most", "number", None),
              Param("equals", "text", None, help="compared as text (mechanism, true/false, numbers)"))
    STREAK = True

    @classmethod
    def describe(cls, p):
        bound = next((f"{word} {_plain_number(p[key])}" for key, word in (("at_least", "at least"), ("at_most", "at most"),
                                                          ("equals", "equal to")) if p[key] is not None), "")
        return f"Get {p['name']} {bound}"

    @classmethod
    def validate(cls, p, reader, path, facts):
        given = [k for k in ("at_least", "at_most", "equals") if p.get(k) is not None]
        if len(given) != 1:
            reader.bad(path, f"needs exactly one of at_least, at_most, equals, got {len(given)}")

    def condition(self, ctx):
        value = getattr(ctx.snapshot.hyperparameters, self.p["name"])
        detail = f"{self.p['name']} is {value}"
        if self.p["equals"] is not None:
            return str(value).lower() == str(self.p["equals"]).lower(), 0.0, detail
        if self.p["at_least"] is not None:
            target = self.p["at_least"]
            return value >= target, (value / target if target else 1.0), detail
        target = self.p["at_most"]
        return value <= target, (target / value if value else 1.0), detail


# ------------------------------------------------------------------------------------------ answers
def check_expected(raw: Any, reader: Reader, where: str) -> None:
    if isinstance(raw, bool):
        reader.bad(where, f"{show(raw)} is not a number (expected a number, or {{quantity: NAME}})")
    elif isinstance(raw, (int, float)):
        return
    elif isinstance(raw, dict) and list(raw) == ["quantity"]:
        name = raw["quantity"]
        if name not in QUANTITIES:
            reader.bad(join(where, "quantity"), f"unknown quantity {show(name)}{did_you_mean(str(name), QUANTITIES)} "
                                                f"(expected one of {', '.join(QUANTITIES)})")
    elif raw is not None:
        reader.bad(where, f"{show(raw)} is not a number (expected a number, or {{quantity: NAME}})")


def expected_value(expected: Any, snap: Snapshot) -> float:
    if isinstance(expected, dict):
        return QUANTITIES[expected["quantity"]][0](snap)
    return float(expected)


# ------------------------------------------------------------------------------------------ reading
_COMMON = ("id", "kind", "description", "by_block", "from_block", "for_epochs")
_ID = re.compile(r"^[A-Za-z0-9_.-]+$")


class _TreeReader:
    def __init__(self, reader: Reader, facts: Any, deadline: int, kinds: Mapping[str, type[Objective]]):
        self.reader, self.facts, self.deadline, self.kinds = reader, facts, deadline, kinds
        self.ids: dict[str, str] = {}

    def node(self, raw: Any, path: str) -> ObjectiveSpec | ObjectiveGroup | None:
        r = self.reader
        if isinstance(raw, list):
            return self.group("all", raw, path)
        if isinstance(raw, dict) and len(raw) == 1 and next(iter(raw)) in ("all", "any"):
            mode = next(iter(raw))
            return self.group(mode, raw[mode], join(path, mode))
        if isinstance(raw, dict) and ("all" in raw or "any" in raw):
            r.bad(path, "a group has only `all:` or `any:` and nothing else (expected all: [...] or any: [...])")
            return None
        if not isinstance(raw, dict):
            r.bad(path, f"{show(raw)} is not an objective (expected a mapping with kind, or all:/any: lists)")
            return None
        return self.leaf(raw, path)

    def group(self, mode: str, raw: Any, path: str) -> ObjectiveGroup | None:
        if not isinstance(raw, list) or not raw:
            self.reader.bad(path, f"{show(raw)} is not a list of objectives (expected at least one)")
            return None
        children = [self.node(item, join(path, i)) for i, item in enumerate(raw)]
        if any(c is None for c in children):
            return None
        return ObjectiveGroup(mode, tuple(children))  # type: ignore[arg-type]

    def leaf(self, raw: dict, path: str) -> ObjectiveSpec | None:
        r = self.reader
        start = len(r.problems)
        kind, kinds = raw.get("kind"), self.kinds
        if kind is None:
            r.bad(join(path, "kind"), f"missing (expected one of {', '.join(kinds)})")
            return None
        if kind not in kinds:
            r.bad(join(path, "kind"), f"unknown objective kind {show(kind)}{did_you_mean(str(kind), kinds)} "
                                      f"(expected one of {', '.join(kinds)})")
            return None
        cls = kinds[kind]
        allowed = [k for k in _COMMON if cls.STREAK or k != "for_epochs"] + [p.name for p in cls.PARAMS]
        if "for_epochs" in raw and not cls.STREAK:
            r.bad(join(path, "for_epochs"), f"{kind} objectives do not take for_epochs (expected one of "
                                            f"{', '.join(a for a in allowed if a != 'kind')})")
            raw = {k: v for k, v in raw.items() if k != "for_epochs"}
        r.mapping(raw, path, allowed, [p.name for p in cls.PARAMS if p.required], what=f"{kind} field")
        ident = r.value(raw, Param("id", "text", None), path)
        if ident is not None and not _ID.match(ident):
            r.bad(join(path, "id"), f"{ident!r} has spaces or symbols (expected letters, digits, - _ .)")
        if ident is None:
            ident, n = kind, 2
            while ident in self.ids:
                ident, n = f"{kind}-{n}", n + 1
        elif ident in self.ids:
            r.bad(join(path, "id"), f"id {ident!r} is already used by {self.ids[ident]} (expected a unique id)")
        self.ids[ident] = path
        by_block = r.value(raw, Param("by_block", "int", self.deadline, low=1, high=self.deadline), path)
        from_block = r.value(raw, Param("from_block", "int", 0, low=0, high=self.deadline), path)
        for_epochs = r.value(raw, Param("for_epochs", "int", None, low=1, high=100_000), path) if cls.STREAK else None
        params: dict[str, Any] = {}
        for param in cls.PARAMS:
            if param.type == "selector":
                where = join(path, param.name)
                if param.name in raw:
                    params[param.name] = read_selector(r, raw[param.name], where, self.facts)
                else:
                    params[param.name] = Selector(player=True) if param.default == "player" else None
            else:
                params[param.name] = r.value(raw, param, path)
        description = r.value(raw, Param("description", "text", None), path)
        cls.validate(params, r, path, self.facts)
        if len(r.problems) != start:
            return None
        return ObjectiveSpec(
            id=ident, kind=kind, description=description or cls.describe(params), by_block=by_block,
            from_block=from_block, for_epochs=for_epochs, params=MappingProxyType(params),
        )


def read_objectives(raw: Any, reader: Reader, facts: Any, deadline: int, path: str = "objectives",
                    kinds: Mapping[str, type[Objective]] | None = None) -> ObjectiveSpec | ObjectiveGroup | None:
    """The objective tree from level data; problems go to ``reader``. ``kinds``: the ruleset's objective
    kinds (default: the 2024 ones, ``KINDS``); ``facts``: what they may name in the starting world."""
    if raw is None:
        reader.bad(path, "missing (expected a list of objectives, or all:/any:)")
        return None
    return _TreeReader(reader, facts, deadline, KINDS if kinds is None else kinds).node(raw, path)
