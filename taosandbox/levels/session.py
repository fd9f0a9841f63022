"""A level being played, for the game: build its world, reveal hints, notice the end and record it once.

The game needs three calls: ``LevelSession.start(name)`` (in a worker: building the world trains
models), ``session.reveal_hint()`` when the player asks, and ``session.finished()`` after each new
snapshot, which returns the ``LevelResult`` once, when the level is decided, and writes it to the
player's progress file. ``build_world`` is the one way to build a World to play, a level's or a
plain scenario's (the game, saved sessions and replays all use it); ``LevelSession.of(world)`` finds a
level's session again.
"""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import Any

from taosandbox.levels.level import Level, LevelInfo, list_levels, load_level, refuse_class_level
from taosandbox.levels.objectives import ObjectiveGroup, ObjectiveSpec
from taosandbox.levels.progress import record_result
from taosandbox.levels.run import LevelResult, LevelRun, attach
from taosandbox.world.scenario import Scenario

_SESSIONS: "weakref.WeakKeyDictionary[Any, LevelSession]" = weakref.WeakKeyDictionary()
"""World -> its level session, so a World built by ``build_world`` leads back to its run."""


class LevelSession:
    """One attempt at ``level`` on ``world`` (``run`` keeps score)."""

    def __init__(self, level: Level, world: Any, run: LevelRun):
        self.level = level
        self.world = world
        self.run = run
        self.record: dict[str, Any] | None = None
        """The progress-file record written when the level was decided."""
        self.record_error: str | None = None
        """Why the progress file could not be written (the game goes on regardless)."""
        self._reported = False
        # Answers reach the run through the world's action check; publish them at once, not at the next block.
        world.add_action_check(self._publish_answer)
        _SESSIONS[world] = self

    @classmethod
    def start(cls, level: Level | str | Path, *, seed: int | None = None, world: Any = None) -> "LevelSession":
        """Load ``level`` (a Level, a shipped level's name or number, or a file), build its world and attach.

        ``seed`` overrides the level's seed (its solution may then no longer pass). Raises ``LevelError``."""
        if not isinstance(level, Level):
            level = load_level(level)
        refuse_class_level(level)
        if world is None:
            world = new_world(level, seed=seed)
        return cls(level, world, attach(level, world))

    @staticmethod
    def of(world: Any) -> "LevelSession | None":
        """The session playing on ``world``, if any."""
        try:
            return _SESSIONS.get(world)
        except TypeError:  # not weak-referenceable: never a level world
            return None

    # ---- player input
    def reveal_hint(self) -> str | None:
        """The next hint (costs 10 points of a pass), or None when every hint is shown."""
        hint = self.run.reveal_hint()
        self.world.extra["level"] = self.run.progress()
        return hint

    def submit_answer(self, answer: Any) -> str | None:
        """Record ``answer`` and judge it now, on the world as it is (a screen that does not route answers
        through ``world.apply``: the dTAO one); the reason if it is refused."""
        reason = self.run.submit(answer)
        if reason is None:
            self.run.observe(self.world, [])  # no new events: the block's were seen after it ran
        return reason

    def _publish_answer(self, action: Any, world: Any) -> None:
        if getattr(action, "kind", None) == "answer":
            world.extra["level"] = self.run.progress()
        return None

    # ---- the end
    @property
    def done(self) -> bool:
        return self.run.finished

    def result(self) -> LevelResult:
        return self.run.result()

    def finished(self) -> LevelResult | None:
        """The result the first time it is asked for after the level is decided (recorded then); else None."""
        if self._reported or not self.run.finished:
            return None
        self._reported = True
        result = self.run.result()
        try:
            self.record = record_result(self.level.name, result.passed, result.score)
        except OSError as exc:
            self.record_error = f"could not save your progress: {exc}"
        return result

    def next_level(self) -> LevelInfo | None:
        return next_level(self.level)


def build_world(level: Level | str | Path | None = None, *, scenario: Scenario | dict | None = None,
                seed: int | None = None) -> Any:
    """A World to play: ``level``'s with its rules attached, or a plain ``scenario``'s.

    ``level`` is a Level, a shipped level's name or number, or a file; ``scenario`` replaces the
    level's own (a saved session's overrides) or stands alone; ``seed`` overrides the scenario's.
    ``LevelSession.of(world)`` gives a level world's session. Slow (trains the miners' models, imports
    scikit-learn): call it from a worker thread. Raises LevelError, ScenarioError or ValueError.
    """
    if level is None and scenario is None:
        raise ValueError("build_world needs a level or a scenario")
    if level is not None and not isinstance(level, Level):
        level = load_level(level)
    world = new_world(level, scenario, seed)
    if level is not None:
        LevelSession.start(level, world=world)
    return world


def new_world(level: Level | None, scenario: Any = None, seed: int | None = None) -> Any:
    """A bare world for ``level``'s ruleset (a ``DtaoWorld`` for ``ruleset: dtao``), nothing attached."""
    if level is not None and level.ruleset == "dtao":
        from taosandbox.world.dtao_world import DtaoWorld

        chosen = level.scenario if scenario is None else scenario
        return DtaoWorld(chosen if seed is None else {**chosen.to_dict(), "seed": seed})
    from taosandbox.world import World  # the whole engine: loaded only when a world is built

    return World(level.scenario if scenario is None else scenario, seed=seed)


def next_level(level: Level) -> LevelInfo | None:
    """The shipped level after ``level`` in the course, or None (the last one, or a level from elsewhere)."""
    infos = [i for i in list_levels() if i.problem is None]
    names = [i.name for i in infos]
    if level.name not in names:
        return None
    k = names.index(level.name)
    return infos[k + 1] if k + 1 < len(infos) else None


def deadline_text(by_block: int, deadline: int) -> str:
    return f"by block {by_block:,}" if by_block < deadline else f"by the end, block {deadline:,}"


def objective_lines(level: Level) -> list[tuple[int, str]]:
    """The objective tree in plain words, as (indent depth, text) lines with each deadline."""
    lines: list[tuple[int, str]] = []

    def walk(node: ObjectiveSpec | ObjectiveGroup, depth: int, top: bool) -> None:
        if isinstance(node, ObjectiveSpec):
            lines.append((depth, f"{node.description} ({deadline_text(node.by_block, level.deadline)})"))
            return
        if top and node.mode == "all":  # the usual list: every item must pass, no header needed
            for child in node.children:
                walk(child, depth, False)
            return
        lines.append((depth, "All of these:" if node.mode == "all" else "Any one of these:"))
        for child in node.children:
            walk(child, depth + 1, False)

    walk(level.objectives, 0, True)
    return lines


__all__ = ["LevelSession", "build_world", "deadline_text", "new_world", "next_level", "objective_lines"]
