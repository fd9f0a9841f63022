"""Study files: a base world, a grid of settings, seeds, blocks and measures, checked with line numbers.

A study file is read like a level file (``levels/yamlsource.py`` keeps every field's line, ``levels/reader.py``
checks values), so a mistake is one ``FILE:LINE: field: problem`` line. ``docs/experiments.md`` documents
every field.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from taosandbox.levels.errors import LevelError, LevelProblem
from taosandbox.levels.reader import Param, Reader, show
from taosandbox.spelling import did_you_mean
from taosandbox.levels.yamlsource import LineMap, YamlProblem, join, load
from taosandbox.study.measures import LEVEL_MEASURES, MEASURES
from taosandbox.world.scenario import DEFAULT_SANDBOX, Scenario, ScenarioError

FORMAT = 1
MAX_RUNS = 100_000
MAX_BLOCKS = 1_000_000

TOP = (
    Param("format", "int", FORMAT, low=FORMAT, high=FORMAT, help="study format version"),
    Param("name", "text", None, help="short id; default: the file name"),
    Param("title", "text", None, required=True),
    Param("question", "text", None, required=True, help="what the study answers, in a sentence"),
    Param("blocks", "int", None, required=True, low=1, high=MAX_BLOCKS),
)
SECTIONS = ("base", "grid", "seeds", "measures")
REQUIRED = ("title", "question", "blocks", "seeds")


class StudyError(LevelError):
    """A study file was refused; ``problems`` holds every mistake, one ``FILE:LINE: field: problem`` each."""


@dataclass(frozen=True)
class Study:
    """A checked study: what to build, what to vary, which seeds, how long, what to measure."""

    name: str
    title: str
    question: str
    level: str | None
    """The base level's name or path as written (None: the free sandbox)."""
    level_text: str | None
    """The base level file's text, read once here so that workers need no files."""
    base_set: dict[str, Any]
    grid: dict[str, tuple[Any, ...]]
    """Dotted scenario path -> the values it takes, in file order."""
    seeds: tuple[int, ...]
    blocks: int
    measures: tuple[str, ...]
    source: str
    file: str

    @property
    def points(self) -> list[dict[str, Any]]:
        """Every combination of the grid's values (the first field varies slowest), as ``{path: value}``."""
        keys = list(self.grid)
        return [dict(zip(keys, values)) for values in itertools.product(*(self.grid[k] for k in keys))]

    @property
    def source_hash(self) -> str:
        return hashlib.sha256(self.source.encode("utf-8")).hexdigest()

    def base_scenario(self) -> Scenario:
        """The scenario before the grid: the level's world (or the free sandbox) with ``base.set`` applied."""
        if self.level_text is not None:
            from taosandbox.levels import parse_level

            scenario = parse_level(self.level_text, file=self.level or "<level>").scenario
        else:
            scenario = Scenario.from_dict(DEFAULT_SANDBOX)
        return scenario.with_overrides(self.base_set) if self.base_set else scenario

    def scenario(self, point: dict[str, Any]) -> Scenario:
        """The scenario of one grid point (ScenarioError if the point does not make a valid world)."""
        return self.base_scenario().with_overrides(point) if point else self.base_scenario()


def load_study(path: str | Path) -> Study:
    """Read and check a study file; StudyError with every problem found."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise StudyError([LevelProblem(str(path), 0, "", f"cannot read the file: {exc}")]) from None
    return parse_study(text, file=str(path), folder=path.parent)


def parse_study(text: str, file: str = "<study>", folder: Path | None = None,
                level_text: str | None = None) -> Study:
    """Check study text. ``folder`` resolves a base level given as a relative path; ``level_text``
    (as recorded by the driver) stands in for reading the level file, so workers read no files."""
    try:
        data, lines = load(text)
    except YamlProblem as exc:
        raise StudyError([LevelProblem(file, exc.line, exc.path, exc.message)]) from None

    def fail(items: list[tuple[str, str]]) -> StudyError:
        return StudyError([LevelProblem(file, lines.line(p), p, m) for p, m in items])

    r = Reader()
    if data is None:
        raise fail([("", "the file is empty (expected a mapping with title, question, blocks, seeds...)")])
    if r.mapping(data, "", [p.name for p in TOP] + list(SECTIONS), REQUIRED) is None:
        raise fail(r.problems)
    top = {p.name: r.value(data, p, "") for p in TOP}
    level, level_text, base_set = _read_base(data.get("base"), r, folder, level_text)
    base = _base_scenario(level, level_text, base_set, r)
    grid = _read_grid(data.get("grid"), r, base)
    seeds = _read_seeds(data.get("seeds"), r)
    measures = _read_measures(data.get("measures"), r, level_text is not None)
    if base is not None and grid and not r.problems:
        _check_points(grid, base, r, lines)
    runs = len(seeds) * _count(grid)
    if runs > MAX_RUNS:
        r.bad("seeds", f"{runs:,} runs is too many (at most {MAX_RUNS:,}: fewer seeds or grid values)")
    if r.problems:
        raise fail(r.problems)
    return Study(
        name=top["name"] or Path(file).stem, title=top["title"].strip(), question=top["question"].strip(),
        level=level, level_text=level_text, base_set=base_set, grid=grid, seeds=seeds,
        blocks=top["blocks"], measures=measures, source=text, file=file,
    )


def _count(grid: dict[str, tuple[Any, ...]]) -> int:
    count = 1
    for values in grid.values():
        count *= len(values)
    return count


def _read_base(raw: Any, r: Reader, folder: Path | None,
               level_text: str | None) -> tuple[str | None, str | None, dict[str, Any]]:
    if raw is None:
        return None, None, {}
    if r.mapping(raw, "base", ["level", "set"]) is None:
        return None, None, {}
    level = r.value(raw, Param("level", "text", None), "base")
    if level is not None and level_text is None:
        level_text = _read_level_text(level, folder, r)
    overrides = raw.get("set") or {}
    if not isinstance(overrides, dict):
        r.bad("base.set", f"{show(overrides)} is not a mapping (expected dotted.path: value lines)")
        overrides = {}
    return level, level_text, {str(k): v for k, v in overrides.items()}


def _read_level_text(level: str, folder: Path | None, r: Reader) -> str | None:
    from taosandbox.levels import find_level

    candidate = Path(level).expanduser()
    if folder is not None and not candidate.is_absolute() and (folder / candidate).is_file():
        candidate = folder / candidate
    try:
        path = candidate if candidate.is_file() else find_level(level)
        return path.read_text(encoding="utf-8")
    except LevelError as exc:
        r.bad("base.level", exc.problems[0].message)
    except (OSError, UnicodeDecodeError) as exc:
        r.bad("base.level", f"cannot read the level: {exc}")
    return None


def _base_scenario(level: str | None, level_text: str | None, base_set: dict[str, Any],
                   r: Reader) -> Scenario | None:
    if level is not None and level_text is None:
        return None  # already reported
    if level_text is not None:
        from taosandbox.levels import parse_level

        try:
            scenario = parse_level(level_text, file=level or "<level>").scenario
        except LevelError as exc:
            r.bad("base.level", f"the level is broken: {exc.problems[0]}")
            return None
    else:
        scenario = Scenario.from_dict(DEFAULT_SANDBOX)
    if not base_set:
        return scenario
    try:
        return scenario.with_overrides(base_set)
    except ScenarioError as exc:
        for problem in exc.problems:
            key = problem.path if problem.path in base_set else _owner(problem.path, base_set)
            r.bad(join("base.set", key) if key else "base.set", _message(problem, key))
        return None


def _owner(path: str, keys) -> str | None:
    """The override key a scenario problem at ``path`` comes from (a key is a prefix of it)."""
    for key in keys:
        if path == key or path.startswith(key + ".") or path.startswith(key + "["):
            return key
    return None


def _message(problem, key: str | None) -> str:
    return problem.message if problem.path == key or not problem.path else f"{problem.path}: {problem.message}"


def _read_grid(raw: Any, r: Reader, base: Scenario | None) -> dict[str, tuple[Any, ...]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        r.bad("grid", f"{show(raw)} is not a mapping (expected dotted.path: [value, value, ...] lines)")
        return {}
    grid: dict[str, tuple[Any, ...]] = {}
    for key, values in raw.items():
        where = join("grid", str(key))
        if not isinstance(values, list) or not values:
            r.bad(where, f"{show(values)} is not a list of values (expected [value, value, ...])")
            continue
        if len({repr(v) for v in values}) != len(values):
            r.bad(where, "a value appears twice (each grid point must be different)")
            continue
        grid[str(key)] = tuple(values)
    return grid


def _check_points(grid: dict[str, tuple[Any, ...]], base: Scenario, r: Reader, lines: LineMap) -> None:
    """Each value alone must make a valid world (pointing at its line); then every combination must."""
    bad_keys = set()
    for key, values in grid.items():
        for i, value in enumerate(values):
            try:
                base.with_overrides({key: value})
            except ScenarioError as exc:
                bad_keys.add(key)
                problem = exc.problems[0]
                where = join(join("grid", key), i) if join(join("grid", key), i) in lines else join("grid", key)
                r.bad(where, f"{show(value)}: {_message(problem, key)}")
    if bad_keys or _count(grid) > 2_000:
        return
    for values in itertools.product(*grid.values()):
        point = dict(zip(grid, values))
        try:
            base.with_overrides(point)
        except ScenarioError as exc:
            label = ", ".join(f"{k}={v!r}" for k, v in point.items())
            r.bad("grid", f"the point {label} does not make a valid world: {exc.problems[0]}")
            return


def _read_seeds(raw: Any, r: Reader) -> tuple[int, ...]:
    expected = "(expected a list of whole numbers, or {from: FIRST, count: N})"
    if raw is None:
        return ()
    if isinstance(raw, list):
        seeds = []
        for i, seed in enumerate(raw):
            if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
                r.bad(join("seeds", i), f"{show(seed)} is not a seed {expected}")
            else:
                seeds.append(seed)
        if not raw:
            r.bad("seeds", f"the list is empty {expected}")
        if len(set(seeds)) != len(seeds):
            r.bad("seeds", "a seed appears twice (each run must be different)")
        return tuple(seeds)
    if isinstance(raw, dict):
        if r.mapping(raw, "seeds", ["from", "count"], ["count"]) is None:
            return ()
        first = r.value(raw, Param("from", "int", 1, low=0, high=2**63 - 1), "seeds")
        count = r.value(raw, Param("count", "int", None, required=True, low=1, high=MAX_RUNS), "seeds")
        return tuple(range(first, first + count)) if count else ()
    r.bad("seeds", f"{show(raw)} is not a list of seeds {expected}")
    return ()


def _read_measures(raw: Any, r: Reader, has_level: bool) -> tuple[str, ...]:
    known = list(MEASURES) + (list(LEVEL_MEASURES) if has_level else [])
    if raw is None:
        return tuple(known)
    if not isinstance(raw, list) or not raw:
        r.bad("measures", f"{show(raw)} is not a list of measure names (expected some of {', '.join(known)})")
        return tuple(known)
    chosen = []
    for i, name in enumerate(raw):
        if name in LEVEL_MEASURES and not has_level:
            r.bad(join("measures", i), f"{name!r} needs a level as the base (base: {{level: NAME}})")
        elif name not in known:
            r.bad(join("measures", i), f"unknown measure {show(name)}{did_you_mean(str(name), known)} "
                                       f"(expected one of {', '.join(known)})")
        elif name in chosen:
            r.bad(join("measures", i), f"{name!r} appears twice")
        else:
            chosen.append(name)
    return tuple(chosen)
