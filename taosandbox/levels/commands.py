"""``taosandbox levels`` and ``taosandbox levels check FILE...`` (the lead wires them into ``cli.py``)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from taosandbox.levels.errors import LevelError, LevelProblem
from taosandbox.levels.level import find_level, list_levels, parse_level


def levels_command(out: TextIO | None = None) -> int:
    """List the shipped levels: order, name, ruleset (2024 or dtao), role, concept and whether the player passed it."""
    out = out or sys.stdout
    infos = list_levels()
    if not infos:
        out.write("No levels installed.\n")
        return 1
    width = max(len(i.name) for i in infos)
    out.write(f"{'#':>3}  {'LEVEL':<{width}}  {'RULES':<5}  {'ROLE':<9}  {'STATUS':<11}  CONCEPT\n")
    for info in infos:
        if info.problem:
            status = "broken"
        elif info.passed:
            status = f"passed {info.best_score}" if info.best_score is not None else "passed"
        else:
            status = "-"
        order = "" if info.order >= 100_000 else str(info.order)
        concept = info.problem or f"{info.title}: {info.concept}"
        out.write(f"{order:>3}  {info.name:<{width}}  {info.ruleset:<5}  {info.role:<9}  {status:<11}  {concept}\n")
    out.write("\nPlay one with: taosandbox --level NAME\n")
    activities = list_levels(classes=True)
    if activities:
        width = max(len(i.name) for i in activities)
        out.write("\nClass activities (one world for a whole class):\n")
        for info in activities:
            out.write(f"     {info.name:<{width}}  {info.problem or f'{info.title}: {info.concept}'}\n")
        out.write("Run one with: taosandbox classroom --level NAME (docs/classroom.md)\n")
    return 0


def check_command(files: list[str], out: TextIO | None = None, *, play: bool = False) -> int:
    """Validate level files; one line per problem; 1 if any file has a problem.

    Without ``play`` the solution is only read, not run, and the line says so; with ``play`` the
    solution is played headless to the end and a solution that does not pass is a problem."""
    out = out or sys.stdout
    failed = False
    for name in files:
        path = Path(name)
        try:
            if not path.is_file():
                raise LevelError([LevelProblem(name, 0, "", "no such file (expected a level .yaml file)")])
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise LevelError([LevelProblem(name, 0, "", f"cannot read the file: {exc}")]) from None
            level = parse_level(text, file=name, path=path)
        except LevelError as exc:
            failed = True
            for line in exc.lines:
                out.write(line + "\n")
            continue
        if level.classroom is not None:
            groups = ", ".join(f"{g.name} ({g.role}, {g.size or 'the rest'})" for g in level.classroom.groups)
            out.write(f"{name}: file ok ({level.name}: {level.title}; a class activity with groups {groups}; "
                      f"deadline block {level.deadline}; run it with taosandbox classroom --level)\n")
            continue
        steps = len(level.solution)
        read = (f"{name}: file ok ({level.name}: {level.title}; {len(level.leaves)} objective{'s' if len(level.leaves) != 1 else ''}, "
                f"deadline block {level.deadline}; a {steps}-step solution")
        if not play:
            out.write(f"{read}, not played: add --play to check that it passes)\n")
            continue
        verdict = solution_verdict(level)
        failed = failed or not verdict.startswith("passes")
        out.write(f"{read} that {verdict})\n")
    return 1 if failed else 0


def solution_verdict(level) -> str:
    """Play the level's solution headless: "passes at block N (score S)" or why it does not."""
    from taosandbox.levels.objectives import PASSED
    from taosandbox.levels.solve import play

    run, world = play(level)
    if run.status == PASSED:
        return f"passes at block {world.block:,} (score {run.score})"
    return f"does NOT pass: {run.status} at block {world.block:,}"


__all__ = ["check_command", "find_level", "levels_command"]
