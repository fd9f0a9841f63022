"""One run of a study: build the grid point's world for a seed, step it, measure it. This is the Dask task.

A task carries only plain data (``RunTask``: the study file's text, the base level's text, the grid point's
index and the seed), so any worker on any machine can run it without our files. A worker keeps what it
built: the parsed study per text, and the freshly built world per (scenario, seed), copied for each run,
so a retried or repeated run does not train its models again.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import traceback
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from taosandbox.study.measures import LEVEL_MEASURES, MEASURES, Collector
from taosandbox.study.spec import Study, parse_study

WORLD_CACHE_SIZE = 4
"""Built worlds a worker keeps (least recently used goes first)."""

_studies: dict[str, Study] = {}
_worlds: OrderedDict[tuple[str, int], Any] = OrderedDict()
cache_stats = {"world_hits": 0, "world_builds": 0}
"""How often this process reused a built world or built one (the benchmark reads it)."""


@dataclass(frozen=True)
class RunTask:
    """Everything one run needs, as plain values."""

    study_text: str
    level_text: str | None
    file: str
    point: int
    seed: int


def run_task(task: RunTask) -> list[dict[str, Any]]:
    """The table rows of one run; a run that raises gives one ``failed`` row with the error instead."""
    study = _study(task)
    params = study.points[task.point]
    try:
        groups = measure_run(study, params, task.seed)
    except Exception as exc:  # noqa: BLE001 - any failure of a run is data, not a crash of the study
        return [failed_row(task.point, task.seed, params, _error_text(exc))]
    rows = []
    for group, values in groups.items():
        row = {"point": task.point, "seed": task.seed, **{f"param:{k}": v for k, v in params.items()},
               "group": group, "status": "ok", "error": ""}
        row.update(values)
        rows.append(row)
    return rows


def failed_row(point: int, seed: int, params: dict[str, Any], error: str) -> dict[str, Any]:
    return {"point": point, "seed": seed, **{f"param:{k}": v for k, v in params.items()},
            "group": "run", "status": "failed", "error": error}


def _error_text(exc: BaseException) -> str:
    last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    where = f" (at {last[0].filename.rsplit('/', 1)[-1]}:{last[0].lineno})" if last else ""
    return f"{type(exc).__name__}: {exc}{where}"


def _study(task: RunTask) -> Study:
    key = hashlib.sha256((task.study_text + "\0" + (task.level_text or "")).encode()).hexdigest()
    if key not in _studies:
        _studies[key] = parse_study(task.study_text, file=task.file, level_text=task.level_text)
    return _studies[key]


def measure_run(study: Study, params: dict[str, Any], seed: int) -> dict[str, dict[str, float]]:
    """Run one (grid point, seed) for ``study.blocks`` blocks: group name -> {measure: value}."""
    scenario = study.scenario(params)
    world = built_world(scenario, seed)
    level_run = None
    if study.level_text is not None:
        from taosandbox.levels import attach, parse_level

        level_run = attach(parse_level(study.level_text, file=study.level or "<level>"), world)
    collector = Collector(world)
    world.add_observer(collector)
    for _ in range(study.blocks):
        world.step()
    groups = collector.rows(world)
    if level_run is not None:
        groups["level"] = _level_measures(level_run)
    selected = {name: _select(values, study.measures) for name, values in groups.items()}
    # A group without any chosen measure has no row; the run row stays (it records that the run is done).
    return {name: values for name, values in selected.items() if values or name == "run"}


def _select(values: dict[str, float], wanted: tuple[str, ...]) -> dict[str, float]:
    keep = set(wanted)
    return {k: v for k, v in values.items()
            if k in keep or (k.startswith("objective.") and "objectives" in keep)}


def _level_measures(level_run: Any) -> dict[str, float]:
    progress = level_run.progress()
    values = {"level_passed": 1.0 if progress["status"] == "passed" else 0.0,
              "level_score": float(progress["score"])}
    for oid, o in progress["objectives"].items():
        values[f"objective.{oid}"] = 1.0 if o["status"] == "passed" else float(o["progress"])
    return values


def built_world(scenario: Any, seed: int) -> Any:
    """A fresh world of ``scenario`` at ``seed``: a copy of one this process built before, if any."""
    from taosandbox.world import World

    key = (hashlib.sha256(json.dumps(scenario.to_dict(), sort_keys=True, default=repr).encode()).hexdigest(),
           seed)
    if key in _worlds:
        _worlds.move_to_end(key)
        cache_stats["world_hits"] += 1
    else:
        cache_stats["world_builds"] += 1
        _worlds[key] = World(scenario, seed=seed)
        while len(_worlds) > WORLD_CACHE_SIZE:
            _worlds.popitem(last=False)
    return copy.deepcopy(_worlds[key])


def measure_columns(study: Study) -> list[str]:
    """Measure columns in catalogue order (objective columns come from the runs themselves)."""
    names = [m for m in MEASURES if m in study.measures]
    names += [m for m in LEVEL_MEASURES if m in study.measures and m != "objectives"]
    return names


def is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))
