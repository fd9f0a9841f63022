"""Level files: read, check and describe them. ``load_level`` gives a frozen ``Level`` or a ``LevelError``."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from taosandbox.world.actions import ACTION_TYPES, Action, action_from_dict
from taosandbox.chain.units import tao_to_rao
from taosandbox.world.actions import Answer
from taosandbox.levels.classes import ClassSpec, read_class
from taosandbox.levels.constraints import Constraints, read_constraints
from taosandbox.levels.errors import LevelError, LevelProblem
from taosandbox.levels.objectives import ObjectiveGroup, ObjectiveSpec, leaves, read_objectives
from taosandbox.levels.reader import Param, Reader, show
from taosandbox.levels.selectors import WorldFacts
from taosandbox.levels.yamlsource import LineMap, YamlProblem, join, load
from taosandbox.world.dtao_scenario import RULESETS
from taosandbox.world.scenario import Scenario, ScenarioError
from taosandbox.spelling import did_you_mean

FORMAT = 1
MAX_DEADLINE = 1_000_000
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_PREFIX = re.compile(r"^(\d+)[-_]")


@dataclass(frozen=True)
class SolutionStep:
    """At ``block`` (before it runs), do ``action`` or give ``answer``."""

    block: int
    action: Action | None = None
    answer: Answer | None = None


@dataclass(frozen=True)
class Level:
    """A level, fully checked. ``scenario`` builds its world; ``objectives`` is the tree to pass."""

    name: str
    title: str
    role: str
    concept: str
    order: int
    intro: str
    hints: tuple[str, ...]
    debrief: str
    deadline: int
    """The level ends after this block; objectives still pending then fail."""
    scenario: Scenario
    objectives: ObjectiveSpec | ObjectiveGroup
    constraints: Constraints
    solution: tuple[SolutionStep, ...]
    source: str
    source_hash: str
    path: Path | None = None
    classroom: ClassSpec | None = None
    """The ``class:`` section: a class activity (``taosandbox classroom --level``), not a single-player level."""
    ruleset: str = "2024"
    """``2024`` (one subnet, ``Scenario``) or ``dtao`` (root and subnets with pools, ``DtaoScenario``)."""

    @property
    def leaves(self) -> list[ObjectiveSpec]:
        return leaves(self.objectives)

    @property
    def questions(self) -> dict[str, str]:
        """Objective id -> question text, for objectives that need the player's answer."""
        return {o.id: o.description for o in self.leaves if o.kind in ("answer", "predict_halving")}


@dataclass(frozen=True)
class LevelInfo:
    """One row of ``taosandbox levels``."""

    name: str
    title: str
    role: str
    concept: str
    order: int
    path: Path
    passed: bool = False
    best_score: int | None = None
    problem: str | None = None
    """First problem of a broken level file (it is still listed)."""
    classroom: bool = False
    """A class activity (it has a ``class:`` section)."""
    ruleset: str = "2024"


TOP = (
    Param("format", "int", FORMAT, low=FORMAT, high=FORMAT, help="level format version"),
    Param("name", "text", None, help="short id used by --level; default: the file name"),
    Param("title", "text", None, required=True),
    Param("concept", "text", None, required=True, help="what the level teaches, in a few words"),
    Param("order", "int", None, low=0, high=100_000, help="place in the course"),
    Param("intro", "text", None, required=True),
    Param("hints", "texts", ()),
    Param("debrief", "text", None, required=True),
    Param("deadline", "int", 1000, low=1, high=MAX_DEADLINE),
    Param("ruleset", "text", "2024", choices=RULESETS, help="2024 (one subnet) or dtao (docs/dtao.md)"),
)
SECTIONS = ("world", "objectives", "constraints", "solution", "class")
REQUIRED = tuple(p.name for p in TOP if p.required) + ("world",)


def default_name(path: Path | str) -> str:
    stem = Path(path).stem
    return _PREFIX.sub("", stem).lower().replace("_", "-")


def parse_level(text: str, file: str | Path = "<level>", path: Path | None = None) -> Level:
    """Read level text; every problem is reported at once (``LevelError``), never a half-read level."""
    file = str(file)

    def fail(items: list[tuple[str, str]], lines: LineMap) -> LevelError:
        return LevelError([LevelProblem(file, lines.line(p), p, m) for p, m in items])

    try:
        data, lines = load(text)
    except YamlProblem as exc:
        raise LevelError([LevelProblem(file, exc.line, exc.path, exc.message)]) from None
    r = Reader()
    if data is None:
        raise fail([("", "the file is empty (expected a mapping with title, intro, world, objectives...)")], lines)
    if r.mapping(data, "", [p.name for p in TOP] + list(SECTIONS), REQUIRED) is None:
        raise fail(r.problems, lines)
    top = {p.name: r.value(data, p, "") for p in TOP}
    if top["name"] is not None and not _NAME.match(top["name"]):
        r.bad("name", f"{top['name']!r} is not a level name (expected lower-case letters, digits and -)")
    deadline = top["deadline"] or 1000
    ruleset = top["ruleset"] or "2024"
    if ruleset == "dtao":
        from taosandbox.levels import dtao_level as rules  # the dTAO world, actions and constraints
    else:
        rules = None

    scenario: Any = Scenario()
    world_ok = True
    world = data.get("world")
    if world is not None:
        if not isinstance(world, dict):
            r.bad("world", f"{show(world)} is not a scenario (expected a mapping: neurons, player, ...)")
            world_ok = False
        elif world.get("ruleset", ruleset) != ruleset:
            r.bad("world.ruleset", f"{show(world['ruleset'])} differs from the level's ruleset {ruleset!r} "
                                   f"(expected `ruleset:` once, at the top of the file)")
            world_ok = False
        elif rules is not None:
            scenario, world_ok = rules.read_world(world, r)
        else:
            try:
                scenario = Scenario.from_dict(world)
            except ScenarioError as exc:
                for problem in exc.problems:
                    r.bad(join("world", problem.path) if problem.path else "world", problem.message)
                world_ok = False
    # A broken world would make every uid look missing; check objectives against it only when it is sound.
    is_class = "class" in data
    if "objectives" not in data and not is_class:
        r.bad("objectives", "missing (this field is required)")
    classroom = None
    if rules is not None:
        from taosandbox.levels.dtao_objectives import DTAO_KINDS, DtaoFacts

        if is_class:
            r.bad("class", "class activities run the 2024 ruleset (remove `ruleset: dtao` or the class section)")
        facts: Any = DtaoFacts.of(scenario) if world_ok else None
        registered: set[str] = set()
        objectives = read_objectives(data.get("objectives"), r, facts, deadline, kinds=DTAO_KINDS) \
            if "objectives" in data else None
        constraints: Any = rules.read_constraints(data.get("constraints"), r)
        read_action = lambda raw, r, path: rules.read_action(raw, r, path, facts, registered)  # noqa: E731
    else:
        facts = WorldFacts.of(scenario) if world_ok else WorldFacts.anything()
        objectives = read_objectives(data.get("objectives"), r, facts, deadline) if "objectives" in data else None
        if is_class:
            classroom = read_class(data.get("class"), r, facts, deadline, scenario.player.balance_tao, objectives)
            if "solution" in data:
                r.bad("solution", "a class level has no single-player solution: its students play it (remove it)")
        constraints = read_constraints(data.get("constraints"), r)
        read_action = _read_action
    questions = {o.id for o in leaves(objectives) if o.kind in ("answer", "predict_halving")} \
        if objectives is not None else None  # None: objectives broken, so question ids are unknown
    solution = _read_solution(data.get("solution"), r, deadline, questions, read_action)
    if r.problems:
        raise fail(r.problems, lines)
    name = top["name"] or default_name(path or file)
    order = top["order"]
    if order is None:
        m = _PREFIX.match(Path(path or file).stem)
        order = int(m.group(1)) if m else 1000
    if objectives is None:  # a class level whose groups all have their own objectives
        objectives = ObjectiveGroup("all", ())
    return Level(
        name=name, title=top["title"], role="staker" if rules else scenario.player.role,
        concept=top["concept"], order=order, ruleset=ruleset,
        intro=top["intro"].strip(), hints=tuple(h.strip() for h in top["hints"]),
        debrief=top["debrief"].strip(), deadline=deadline, scenario=scenario, objectives=objectives,
        constraints=constraints, solution=solution, source=text,
        source_hash=hashlib.sha256(text.encode()).hexdigest(), path=path, classroom=classroom,
    )


def _read_solution(raw: Any, r: Reader, deadline: int, questions: set[str] | None,
                   read_action: Any) -> tuple[SolutionStep, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        r.bad("solution", f"{show(raw)} is not a list (expected - block: N, action: {{...}} items)")
        return ()
    steps = []
    for i, item in enumerate(raw):
        path = f"solution[{i}]"
        if r.mapping(item, path, ("block", "action", "answer"), ("block",), what="solution field") is None:
            continue
        block = r.value(item, Param("block", "int", 0, low=0, high=deadline), path)
        has = [k for k in ("action", "answer") if k in item]
        if len(has) != 1:
            r.bad(path, "needs exactly one of action or answer")
            continue
        if "action" in item:
            action = read_action(item["action"], r, join(path, "action"))
            if action is not None:
                steps.append(SolutionStep(block, action=action))
        else:
            answer = _read_answer(item["answer"], r, join(path, "answer"), questions)
            if answer is not None:
                steps.append(SolutionStep(block, answer=answer))
    return tuple(steps)


_TYPES = {"int": int, "str": str, "bool": bool, "float": (int, float), "dict": dict}


def _read_action(raw: Any, r: Reader, path: str) -> Action | None:
    if not isinstance(raw, dict):
        r.bad(path, f"{show(raw)} is not an action (expected a mapping with kind)")
        return None
    kind = raw.get("kind")
    kinds = [k for k in ACTION_TYPES if k != "answer"]
    if kind not in kinds:
        r.bad(join(path, "kind"), f"unknown action {show(kind)}{did_you_mean(str(kind), kinds)} "
                                  f"(expected one of {', '.join(kinds)})")
        return None
    data = dict(raw)
    if "amount_tao" in data and "amount_rao" not in data:  # teachers write TAO; the engine counts rao
        amount = data.pop("amount_tao")
        if isinstance(amount, bool) or not isinstance(amount, (int, float)) or amount < 0:
            r.bad(join(path, "amount_tao"), f"{show(amount)} is not a TAO amount (expected a number >= 0)")
            return None
        data["amount_rao"] = tao_to_rao(amount)
    cls = ACTION_TYPES[kind]
    ok = True
    for f in fields(cls):
        if f.name not in data:
            continue
        value, base = data[f.name], str(f.type).replace(" | None", "")
        if value is None and "None" in str(f.type):
            continue
        if base.startswith("tuple"):
            good = isinstance(value, list) and all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
        else:
            want = _TYPES.get(base)
            good = want is None or (isinstance(value, want) and (base == "bool" or not isinstance(value, bool)))
        if not good:
            r.bad(join(path, f.name), f"{show(value)} has the wrong type (expected {base} for {kind})")
            ok = False
    if not ok:
        return None
    try:
        return action_from_dict(data)
    except (ValueError, TypeError) as exc:
        field, _, message = str(exc).partition(": ")
        r.bad(join(path, field) if message else path, message or str(exc))
        return None


def _read_answer(raw: Any, r: Reader, path: str, questions: set[str] | None) -> Answer | None:
    if r.mapping(raw, path, ("question", "value"), ("question", "value"), what="answer field") is None:
        return None
    question, value = raw.get("question"), raw.get("value")
    ok = True
    if question is not None and questions is not None and question not in questions:
        r.bad(join(path, "question"), f"no question objective has id {show(question)}"
                                      f"{did_you_mean(str(question), questions)} (expected one of "
                                      f"{', '.join(sorted(questions)) or 'none: add an answer objective'})")
        ok = False
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
        r.bad(join(path, "value"), f"{show(value)} is not a number (expected a number)")
        ok = False
    if not ok or question is None or value is None:
        return None
    return Answer(question_id=question, value=float(value))


# ------------------------------------------------------------------------------------------ files
def load_level(path_or_name: str | Path) -> Level:
    """A level by file path (anywhere on disk) or by name from the shipped levels."""
    path = find_level(path_or_name)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LevelError([LevelProblem(str(path), 0, "", f"cannot read the file: {exc}")]) from None
    return parse_level(text, file=str(path_or_name) if Path(str(path_or_name)).is_file() else str(path),
                       path=path)


def shipped_level_files() -> list[Path]:
    from taosandbox.paths import levels_dir

    folder = levels_dir()
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def find_level(name_or_path: str | Path) -> Path:
    """Resolve ``--level NAME|PATH``: an existing file anywhere, else a shipped level by name or number."""
    given = str(name_or_path)
    path = Path(given).expanduser()
    if path.is_file():
        return path
    files = shipped_level_files()
    by_key: dict[str, Path] = {}
    for file in files:
        by_key.setdefault(file.stem.lower(), file)
        by_key.setdefault(default_name(file), file)
        m = _PREFIX.match(file.stem)
        if m:
            by_key.setdefault(str(int(m.group(1))), file)
    wanted = given.lower()
    if wanted in by_key:
        return by_key[wanted]
    if wanted.isdigit() and str(int(wanted)) in by_key:
        return by_key[str(int(wanted))]
    looks_like_path = path.suffix in (".yaml", ".yml") or "/" in given or "\\" in given
    if looks_like_path:
        message = "no such file (expected a level file path, or a level name)"
    else:
        names = sorted({default_name(f) for f in files})
        message = (f"no level named {given!r}{did_you_mean(wanted, names)} "
                   f"(expected one of {', '.join(names) or 'none installed'}, or a file path)")
    raise LevelError([LevelProblem(given, 0, "level", message)])


def list_levels(classes: bool = False) -> list[LevelInfo]:
    """Shipped levels in course order, with the player's progress; broken files are listed with a problem.
    The single-player course, or with ``classes`` the class activities (``taosandbox classroom --level``)."""
    from taosandbox.levels.progress import load_progress

    progress = load_progress()
    infos = []
    for file in shipped_level_files():
        try:
            level = parse_level(file.read_text(encoding="utf-8"), file=str(file), path=file)
        except (LevelError, OSError, UnicodeDecodeError) as exc:
            problem = exc.lines[0] if isinstance(exc, LevelError) else str(exc)
            if classes == _mentions_class(file):
                infos.append(LevelInfo(default_name(file), file.stem, "?", "?", 100_000, file, problem=problem))
            continue
        if classes != (level.classroom is not None):
            continue
        record = progress.get(level.name, {})
        infos.append(LevelInfo(
            level.name, level.title, level.role, level.concept, level.order, file,
            passed=bool(record.get("passed")), best_score=record.get("best_score"),
            classroom=level.classroom is not None, ruleset=level.ruleset,
        ))
    return sorted(infos, key=lambda i: (i.order, i.name))


def _mentions_class(file: Path) -> bool:
    """A broken file is listed with the class activities when it has a top-level ``class:`` line."""
    try:
        return any(line.startswith("class:") for line in file.read_text(encoding="utf-8").splitlines())
    except (OSError, UnicodeDecodeError):
        return False


def refuse_class_level(level: Level) -> None:
    """Single-player play of a class activity: a LevelError saying how to run it instead."""
    if level.classroom is not None:
        where = str(level.path or level.name)
        raise LevelError([LevelProblem(where, 0, "class", f"{level.name} is a class activity, played by a whole "
                                       f"class: run it with `taosandbox classroom --level {level.name}`")])
