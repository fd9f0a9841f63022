"""Play a level headless: its shipped solution, other steps, or nothing (tests and ``levels check``)."""

from __future__ import annotations

from typing import Any, Iterable

from taosandbox.levels.level import Level, SolutionStep
from taosandbox.levels.run import LevelRun, attach


def play(level: Level, steps: Iterable[SolutionStep] | None = None, *, world: Any = None,
         stop_when_finished: bool = True) -> tuple[LevelRun, Any]:
    """Run ``level`` until it is decided (or its deadline), doing ``steps`` (default: its solution).

    Pass ``steps=()`` to idle. Each step happens when ``world.block == step.block``, before that block is
    produced. Returns the run and the world.
    """
    if world is None:
        from taosandbox.levels.session import new_world  # a 2024 World builds scikit-learn models

        world = new_world(level)
    run = attach(level, world)
    todo = sorted(level.solution if steps is None else steps, key=lambda s: s.block)
    i = 0
    while world.block <= level.deadline:
        while i < len(todo) and todo[i].block <= world.block:
            step = todo[i]
            i += 1
            if step.answer is not None:
                run.submit(step.answer, world.block)
            elif step.action is not None:
                world.apply(step.action)
        if run.finished and stop_when_finished:
            break
        world.step()
    return run, world
