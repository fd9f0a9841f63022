"""Playing a level: a ``LevelRun`` watches a world block by block and keeps score.

``attach(level, world)`` registers the run as a world observer (objectives are evaluated after every
block and the progress dict is written to ``world.extra["level"]``) and as an action check (constraints
refuse forbidden or over-budget actions before the world applies them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from taosandbox.world.actions import Action
from taosandbox.chain.events import Event
from taosandbox.world.actions import Answer
from taosandbox.levels.level import Level
from taosandbox.levels.objectives import FAILED, KINDS, PASSED, PENDING, Context, Objective, Verdict, combine
from taosandbox.world.snapshot import Snapshot

HINT_PENALTY = 10
"""Score points a revealed hint costs (a pass never scores below PASS_FLOOR)."""
PASS_FLOOR = 50
FAIL_CEILING = 40
"""A failed level scores up to this much, in proportion to its objectives' progress."""


@dataclass(frozen=True)
class LevelResult:
    passed: bool
    finished: bool
    score: int
    debrief: str
    objectives: dict[str, dict[str, Any]]


class LevelRun:
    """One attempt at a level; feed it blocks with ``update`` (``attach`` does it for a live world)."""

    kinds = KINDS
    """The ruleset's objective kinds (``DtaoLevelRun`` has its own)."""

    def __init__(self, level: Level, start: Snapshot):
        self.level = level
        self.start = start
        self.block = start.block
        self.trackers: dict[str, Objective] = {o.id: self.kinds[o.kind](o) for o in level.leaves}
        self.verdicts: dict[str, Verdict] = {
            o.id: Verdict(PENDING, 0.0, "") for o in level.leaves}
        self.answers: dict[str, list[tuple[int, float]]] = {}
        self.hints_shown = 0
        self.status = PENDING
        self._hotkeys = self._player_hotkeys(start)
        self._seen_answer_events: set[tuple[int, str, float]] = set()

    # ---- player input
    def submit(self, answer: Answer, block: int | None = None) -> str | None:
        """Record an answer (given at ``block``, default: the last block seen); a reason if refused."""
        if answer.question_id not in self.level.questions:
            known = ", ".join(self.level.questions) or "none"
            return f"this level has no question {answer.question_id!r} (questions: {known})"
        when = self.block if block is None else block
        key = (when, answer.question_id, float(answer.value))
        if key not in self._seen_answer_events:
            self._seen_answer_events.add(key)
            self.answers.setdefault(answer.question_id, []).append((when, float(answer.value)))
        return None

    def reveal_hint(self) -> str | None:
        """The next hint (costs score), or None when all are shown."""
        if self.hints_shown >= len(self.level.hints):
            return None
        self.hints_shown += 1
        return self.level.hints[self.hints_shown - 1]

    def check_action(self, action: Action, where: Any) -> str | None:
        """Called by the world before applying ``action`` (with itself, or a Snapshot): a reason to refuse
        it, or None. Answers are recorded here, so they count even if the world does not know them."""
        snapshot = where if isinstance(where, Snapshot) else where.snapshot()
        if isinstance(action, Answer) or getattr(action, "kind", None) == "answer":
            return self.submit(Answer(getattr(action, "question_id", ""), getattr(action, "value", 0.0)),
                               snapshot.block)
        if self.finished:
            return None
        return self.level.constraints.check(action, snapshot, self.level.scenario.chain.fee_rao)

    # ---- the world's clock
    def observe(self, world: Any, events: list[Event]) -> None:
        """World observer: evaluate after each block and publish progress in ``world.extra``."""
        self.update(world.snapshot(), events)
        world.extra["level"] = self.progress()

    def update(self, snapshot: Snapshot, events: Sequence[Event]) -> str:
        """Evaluate every open objective against the end of ``snapshot.block``; returns the level status."""
        self.block = snapshot.block
        for event in events:  # answers that reached the world as actions
            if event.kind == "action":
                data = event.data.get("action")
                if isinstance(data, Answer):
                    data = data.to_dict()
                if isinstance(data, dict) and data.get("kind") == "answer":
                    try:
                        value = float(data.get("value"))
                    except (TypeError, ValueError):
                        continue
                    self.submit(Answer(str(data.get("question_id", "")), value), event.block)
        if self.status != PENDING:
            return self.status
        hotkeys = self._player_hotkeys(snapshot)
        epoch = self._epoch_ran(snapshot, events)
        ctx = Context(snapshot, events, self.start, self.answers, epoch, self._hotkeys - hotkeys)
        self._hotkeys = hotkeys
        for spec in self.level.leaves:
            if self.verdicts[spec.id].status != PENDING:
                continue
            verdict = self.trackers[spec.id].update(ctx)
            if verdict.status == PENDING and snapshot.block >= min(spec.by_block, self.level.deadline):
                verdict = Verdict(FAILED, verdict.progress, f"deadline (block {spec.by_block}) passed; "
                                                              f"{verdict.detail}")
            self.verdicts[spec.id] = verdict
        self.status = combine(self.level.objectives, {k: v.status for k, v in self.verdicts.items()})
        if self.status == PENDING and snapshot.block >= self.level.deadline:
            self.status = FAILED
        return self.status

    def _player_hotkeys(self, snapshot: Snapshot) -> frozenset[str]:
        return frozenset(snapshot.player.hotkeys)

    def _epoch_ran(self, snapshot: Snapshot, events: Sequence[Event]) -> bool:
        return snapshot.last_epoch_block == snapshot.block or any(e.kind == "epoch" for e in events)

    # ---- reading
    @property
    def finished(self) -> bool:
        return self.status != PENDING

    @property
    def score(self) -> int:
        if self.status == PASSED:
            return max(PASS_FLOOR, 100 - HINT_PENALTY * self.hints_shown)
        values = [1.0 if v.status == PASSED else v.progress for v in self.verdicts.values()]
        return round(FAIL_CEILING * sum(values) / len(values)) if values else 0

    def progress(self) -> dict[str, Any]:
        """Plain data for ``world.extra["level"]``: per objective, overall status, score."""
        return {
            "name": self.level.name,
            "title": self.level.title,
            "status": self.status,
            "score": self.score,
            "block": self.block,
            "deadline": self.level.deadline,
            "hints_shown": self.hints_shown,
            "hints": list(self.level.hints[:self.hints_shown]),
            "answers": {qid: [[block, value] for block, value in given] for qid, given in self.answers.items()},
            "objectives": {
                spec.id: {
                    "description": spec.description,
                    "kind": spec.kind,
                    "status": self.verdicts[spec.id].status,
                    "progress": round(self.verdicts[spec.id].progress, 4),
                    "detail": self.verdicts[spec.id].detail,
                    "by_block": spec.by_block,
                }
                for spec in self.level.leaves
            },
            "constraints": self.level.constraints.describe(),
        }

    # ---- saving (a class keeps its students' runs across a resume: classroom/scoring.py)
    def state(self) -> dict[str, Any]:
        """Plain data of everything ``update`` carries from block to block (the start snapshot aside)."""
        return {
            "status": self.status, "block": self.block, "hints_shown": self.hints_shown,
            "hotkeys": sorted(self._hotkeys),
            "answers": {k: [list(a) for a in v] for k, v in self.answers.items()},
            "verdicts": {k: [v.status, v.progress, v.detail] for k, v in self.verdicts.items()},
            "trackers": {k: {n: v for n, v in vars(t).items() if n not in ("spec", "p")}
                         for k, t in self.trackers.items()},
        }

    def restore(self, data: dict[str, Any]) -> None:
        """Continue from ``state()``: objectives unknown to this level are ignored."""
        self.status, self.block = data.get("status", PENDING), int(data.get("block", self.block))
        self.hints_shown = int(data.get("hints_shown", 0))
        self._hotkeys = frozenset(data.get("hotkeys", ()))
        self.answers = {k: [(int(b), float(v)) for b, v in given] for k, given in data.get("answers", {}).items()}
        for key, (status, progress, detail) in data.get("verdicts", {}).items():
            if key in self.verdicts:
                self.verdicts[key] = Verdict(status, progress, detail)
        for key, attrs in data.get("trackers", {}).items():
            if key in self.trackers:
                vars(self.trackers[key]).update(attrs)

    def result(self) -> LevelResult:
        return LevelResult(self.status == PASSED, self.finished, self.score, self.level.debrief,
                           self.progress()["objectives"])


def attach(level: Level, world: Any) -> LevelRun:
    """Start ``level`` on ``world``: observe every block, check every action. Returns the run."""
    if level.ruleset == "dtao":
        from taosandbox.levels.dtao_run import attach_dtao  # it builds on LevelRun, so it imports this module

        return attach_dtao(level, world)
    run = LevelRun(level, world.snapshot())
    world.add_observer(run.observe)
    add_check = getattr(world, "add_action_check", None)
    if add_check is not None:
        add_check(run.check_action)
    world.extra["level"] = run.progress()
    world.extra["questions"] = dict(level.questions)  # the world's log quotes a question, not its id
    return run
