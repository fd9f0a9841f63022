"""A level's ``class:`` section: the groups of a class activity (docs/levels.md, "Class levels").

Each group gives its students a starting role and balance (and, if asked, a registered neuron with
stake), a briefing and objectives scored per student. A group with ``team:`` is told to collude (all
weight on one miner); the class grades it on how much of that weight Yuma's consensus clipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from taosandbox.market.models import BUDGET_RANGE, MODEL_KINDS
from taosandbox.levels.objectives import ObjectiveGroup, ObjectiveSpec, read_objectives
from taosandbox.levels.reader import Param, Reader, show
from taosandbox.levels.selectors import Selector, WorldFacts, read_selector
from taosandbox.levels.yamlsource import join

ASSIGN = ("join_order", "alternate", "pick")
"""How a joining student gets a group: fill the groups in file order, take turns between them, or
the student picks one on the join form."""
ROLES = ("miner", "validator", "delegator")
REST = "rest"
MAX_GROUPS = 12
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")

GROUP = (
    Param("name", "text", None, required=True, help="short id: lower-case letters, digits and -"),
    Param("title", "text", None, help="shown to students; default: the name"),
    Param("role", "text", None, required=True, choices=ROLES),
    Param("balance_tao", "number", None, low=0.0, high=21e6, help="free TAO at join; default world.player's"),
    Param("register", "bool", False, help="register one neuron of the role when the student joins"),
    Param("stake_tao", "number", 0.0, low=0.0, high=21e6, help="staked on that neuron at join"),
    Param("model", "text", None, choices=tuple(MODEL_KINDS), help="the model of a miner registered at join"),
    Param("budget", "int", None, low=BUDGET_RANGE[0], high=BUDGET_RANGE[1], help="its training budget (samples)"),
    Param("scoring", "text", "auto", choices=("auto", "hand"),
          help="a registered validator scores miners itself, or waits for weights set by hand"),
    Param("briefing", "text", None, required=True, help="what the group is told to do"),
)
TEAM = (
    Param("caught_above", "number", 0.5, low=0.0, high=1.0,
          help="the team is caught when Yuma clipped more than this share of its weight on the favourite"),
)
TOP = (Param("assign", "text", "join_order", choices=ASSIGN), Param("debrief", "text", None))


@dataclass(frozen=True)
class Team:
    """A colluding group: every member puts their weight on ``favour``."""

    favour: Selector
    caught_above: float = 0.5


@dataclass(frozen=True)
class ClassGroup:
    name: str
    title: str
    role: str
    balance_tao: float
    register: bool
    stake_tao: float
    scoring: str
    model: str | None
    budget: int | None
    size: int | None
    """Seats in the group; None: the rest of the class."""
    briefing: str
    objectives: ObjectiveSpec | ObjectiveGroup
    team: Team | None = None


@dataclass(frozen=True)
class ClassSpec:
    groups: tuple[ClassGroup, ...]
    assign: str = "join_order"
    debrief: str | None = None
    """What the teacher reads out at the end (before the class's numbers); default: the level's."""

    def group(self, name: str) -> ClassGroup | None:
        return next((g for g in self.groups if g.name == name), None)

    def group_of_role(self, role: str) -> ClassGroup | None:
        """The first group playing ``role`` (a student seated before the class's last save)."""
        return next((g for g in self.groups if g.role == role), None)

    @property
    def seats(self) -> int | None:
        """The most students the activity seats (None: a group takes the rest)."""
        if any(g.size is None for g in self.groups):
            return None
        return sum(g.size or 0 for g in self.groups)

    def assign_group(self, counts: dict[str, int], joined: int, picked: str | None = None) -> ClassGroup | str:
        """The group of the next student (``counts``: students per group so far, ``joined``: how many
        joined), or why none: a full activity, or a pick that names no group with room."""
        open_ = [g for g in self.groups if g.size is None or counts.get(g.name, 0) < g.size]
        if not open_:
            return f"every group of this activity is full ({self.seats} seats)"
        if self.assign == "pick":
            choice = self.group(picked or "") or next((g for g in open_ if g.role == picked), None)
            if choice is None:
                return f"pick a group: {', '.join(g.name for g in open_)}"
            if choice not in open_:
                return f"the group {choice.name} is full: pick another ({', '.join(g.name for g in open_)})"
            return choice
        if self.assign == "alternate":  # take turns, skipping full groups
            order = list(self.groups)
            for k in range(len(order)):
                group = order[(joined + k) % len(order)]
                if group in open_:
                    return group
        sized = [g for g in open_ if g.size is not None]
        return sized[0] if sized else open_[0]


def read_class(raw: Any, r: Reader, facts: WorldFacts, deadline: int, default_balance: float,
               shared: ObjectiveSpec | ObjectiveGroup | None, path: str = "class") -> ClassSpec | None:
    """The ``class:`` section; problems go to ``r``. ``shared`` is the level's own ``objectives``, the
    default of a group that gives none."""
    if r.mapping(raw, path, [p.name for p in TOP] + ["groups"], ("groups",), what="class field") is None:
        return None
    top = {p.name: r.value(raw, p, path) for p in TOP}
    raw_groups = raw.get("groups")
    if raw_groups is None:
        return None
    if not isinstance(raw_groups, list) or not raw_groups or len(raw_groups) > MAX_GROUPS:
        r.bad(join(path, "groups"), f"{show(raw_groups)} is not a list of groups (expected 1 to {MAX_GROUPS})")
        return None
    start = len(r.problems)
    groups, rest = [], []
    for i, item in enumerate(raw_groups):
        where = join(join(path, "groups"), i)
        group = _read_group(item, r, where, facts, deadline, default_balance, shared)
        if group is None:
            continue
        if any(g.name == group.name for g in groups):
            r.bad(join(where, "name"), f"the group name {group.name!r} is already used (expected a unique name)")
        if group.size is None:
            rest.append(where)
        groups.append(group)
    if len(rest) > 1 and len(r.problems) == start:  # (a misspelt size would make a second "rest")
        r.bad(join(rest[1], "size"), "only one group may take the rest of the class (give this one a size)")
    if len(r.problems) != start:
        return None
    return ClassSpec(groups=tuple(groups), assign=top["assign"], debrief=(top["debrief"] or "").strip() or None)


def _read_group(raw: Any, r: Reader, where: str, facts: WorldFacts, deadline: int, default_balance: float,
                shared: ObjectiveSpec | ObjectiveGroup | None) -> ClassGroup | None:
    allowed = [p.name for p in GROUP] + ["size", "objectives", "team"]
    start = len(r.problems)
    if r.mapping(raw, where, allowed, [p.name for p in GROUP if p.required], what="group field") is None:
        return None
    v = {p.name: r.value(raw, p, where) for p in GROUP}
    if v["name"] is not None and not _NAME.match(v["name"]):
        r.bad(join(where, "name"), f"{v['name']!r} is not a group name (expected lower-case letters, digits and -)")
    size = raw.get("size", REST)
    if size != REST and (isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= 1000):
        r.bad(join(where, "size"), f"{show(size)} is not a group size (expected a whole number in [1, 1000], "
                                   f"or {REST})")
    balance = default_balance if v["balance_tao"] is None else v["balance_tao"]
    fields_ok = len(r.problems) == start  # cross-field checks only on fields that read well
    if fields_ok:
        _check_start(v, balance, r, where)
    if "objectives" in raw:
        objectives = read_objectives(raw["objectives"], r, facts, deadline, join(where, "objectives"))
    else:
        objectives = shared
        if shared is None:
            r.bad(join(where, "objectives"), "missing (give the group objectives, or the level objectives "
                                             "every group without its own shares)")
    team = _read_team(raw["team"], r, join(where, "team"), facts) if "team" in raw else None
    if "team" in raw and fields_ok and v["role"] != "validator":
        r.bad(join(where, "team"), "a team colludes with its weights (expected role: validator)")
    if len(r.problems) != start or objectives is None:
        return None
    return ClassGroup(name=v["name"], title=v["title"] or v["name"], role=v["role"], balance_tao=float(balance),
                      register=v["register"], stake_tao=float(v["stake_tao"]), scoring=v["scoring"],
                      model=v["model"], budget=v["budget"],
                      size=None if size == REST else int(size), briefing=v["briefing"].strip(),
                      objectives=objectives, team=team)


def _check_start(v: dict[str, Any], balance: float, r: Reader, where: str) -> None:
    """What a group starts with must fit together: a neuron to stake on, a role that has it."""
    if v["register"] and v["role"] == "delegator":
        r.bad(join(where, "register"), "a delegator registers no neuron (expected false, or role miner/validator)")
    if v["scoring"] == "hand" and not (v["register"] and v["role"] == "validator"):
        r.bad(join(where, "scoring"), "only a validator registered at join has scoring (expected role: validator, "
                                      "register: true)")
    for key in ("model", "budget"):
        if v[key] is not None and not (v["register"] and v["role"] == "miner"):
            r.bad(join(where, key), f"only a miner registered at join has a {key} (expected role: miner, "
                                    "register: true)")
    if v["stake_tao"] and not v["register"]:
        r.bad(join(where, "stake_tao"), "stake goes on the neuron registered at join (expected register: true)")
    if v["stake_tao"] > balance:
        r.bad(join(where, "stake_tao"), f"{v['stake_tao']:g} τ is more than the balance, {balance:g} τ "
                                        "(expected at most balance_tao, less the registration burn)")


def _read_team(raw: Any, r: Reader, where: str, facts: WorldFacts) -> Team | None:
    if r.mapping(raw, where, ["favour"] + [p.name for p in TEAM], ("favour",), what="team field") is None:
        return None
    values = {p.name: r.value(raw, p, where) for p in TEAM}
    if "favour" not in raw:
        return None
    favour = read_selector(r, raw["favour"], join(where, "favour"), facts)
    if favour is None:
        return None
    if favour.uid is None and favour.hotkey is None:
        r.bad(join(where, "favour"), "names no single miner (expected {uid: N} or {hotkey: NAME})")
        return None
    return Team(favour=favour, caught_above=values["caught_above"])
