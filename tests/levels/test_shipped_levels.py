"""Every shipped level loads, its solution passes it, and doing nothing fails it."""

from __future__ import annotations

import pytest

from taosandbox.levels import list_levels, load_level
from taosandbox.levels.level import shipped_level_files
from taosandbox.levels.solve import play

FILES = [f for f in shipped_level_files() if not f.stem.startswith("class-")]
"""The single-player course (the class activities are tested in test_class_levels.py)."""
REQUIRED_CONCEPTS = 12


def test_the_course_has_at_least_twelve_levels_in_order():
    infos = list_levels()
    assert len(infos) >= REQUIRED_CONCEPTS
    assert all(info.problem is None for info in infos)
    assert [i.order for i in infos] == sorted(i.order for i in infos)
    assert len({i.name for i in infos}) == len(infos)
    assert {i.role for i in infos} >= {"miner", "validator", "delegator"}


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_level_loads_with_lesson_and_solution(path):
    level = load_level(path)
    assert level.title and level.intro and level.debrief and level.concept
    assert level.hints, "every shipped level offers hints"
    assert level.solution, "every shipped level ships a solution"
    assert load_level(level.name).source_hash == level.source_hash  # found by name too


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_solution_passes_and_idling_fails(path):
    level = load_level(path)
    run, world = play(level)
    refused = [e.text for e in world.events if e.kind == "refused"]
    assert refused == [], "the shipped solution must be accepted by the world"
    assert run.status == "passed", run.progress()["objectives"]
    assert run.result().passed and run.result().score == 100
    assert world.extra["level"]["status"] == "passed"

    idle, idle_world = play(level, ())
    assert idle.status == "failed", idle.progress()["objectives"]
    assert idle_world.block <= level.deadline
    assert not idle.result().passed and idle.result().score < 50
