"""A class activity running in a class: groups, each student's objectives, the teams' grades.

``Activity`` is owned by a ``Classroom`` (classroom.py) and, like it, only used from the world's one
thread. It decides a joining student's group, the actions that set them up (recorded like any other,
so a replay rebuilds them), and keeps score after blocks and actions.
"""

from __future__ import annotations

from typing import Any

from taosandbox.chain.units import tao_to_rao
from taosandbox.classroom.scoring import EVERY, StudentScore, team_report
from taosandbox.levels.classes import ClassGroup, ClassSpec
from taosandbox.levels.level import Level
from taosandbox.levels.objectives import leaves
from taosandbox.world.actions import ActAs, AddStake, Register, SetScoring


class Activity:
    """The ``class:`` section of ``level`` at play: scores by coldkey, team reports by group name."""

    def __init__(self, level: Level):
        assert level.classroom is not None
        self.level = level
        self.spec: ClassSpec = level.classroom
        self.scores: dict[str, StudentScore] = {}
        self.teams: dict[str, dict[str, Any]] = {}
        """Group name -> the team's latest report (scoring.team_report) and ``caught_epochs``/``epochs``."""
        self.names: dict[str, str] = {}
        """coldkey -> the student's name, for the reports."""

    # ---- joining
    def group_for(self, seats: dict[str, Any], picked: str | None) -> ClassGroup | str:
        """The group of the next student, or why there is none (a full activity, a bad pick)."""
        counts: dict[str, int] = {}
        for seat in seats.values():
            counts[seat.group] = counts.get(seat.group, 0) + 1
        return self.spec.assign_group(counts, len(seats), picked)

    def setup(self, world: Any, coldkey: str, group: ClassGroup) -> list[str]:
        """The group's start for a new student (a neuron, stake on it): applied and recorded as their
        actions. Returns what was refused, if anything (the student can still do it themselves)."""
        refused = []
        if group.register:
            hotkey = f"{coldkey}-hk1"
            model = {k: v for k, v in (("model", group.model), ("budget", group.budget)) if v is not None}
            steps: list[Any] = [Register(role=group.role, hotkey=hotkey, **model)]
            if group.stake_tao:
                steps.append(AddStake(hotkey=hotkey, amount_rao=tao_to_rao(group.stake_tao)))
            if group.scoring == "hand":
                steps.append(SetScoring(hotkey=hotkey, auto=False))
            for action in steps:
                outcome = world.apply(ActAs(coldkey=coldkey, action=action.to_dict()))
                if not outcome.ok:
                    refused.append(f"{action.kind}: {outcome.reason}")
                    break
        return refused

    def seat(self, world: Any, coldkey: str, name: str, group: ClassGroup) -> None:
        """Start scoring a new student (after ``setup``: their objectives count from here)."""
        self.names[coldkey] = name
        self.scores[coldkey] = StudentScore(self.level, group, world.snapshot_for(coldkey))

    # ---- keeping score
    def after_action(self, world: Any, coldkey: str, events: list) -> None:
        """A student acted: the events go to everyone's objectives, the actor is evaluated soon."""
        self._feed(world, events)
        score = self.scores.get(coldkey)
        if score is not None:
            score.due = True

    def after_block(self, world: Any, events: list) -> None:
        self._feed(world, events)
        epoch = any(e.kind == "epoch" for e in events)
        if epoch:
            self._grade_teams(world)
        every = world.block % EVERY == 0
        due = [ck for ck, s in self.scores.items() if epoch or every or s.due]
        self.evaluate(world, due)

    def evaluate(self, world: Any, coldkeys: list[str] | None = None) -> None:
        """Evaluate these students' objectives now (all of them by default), from one shared snapshot."""
        keys = list(self.scores) if coldkeys is None else coldkeys
        if not keys:
            return
        base = world.snapshot()
        for ck in keys:
            score = self.scores[ck]
            if score.run.block != world.block or score.pending:
                score.update(world.snapshot_for(ck, base))

    def _feed(self, world: Any, events: list) -> None:
        if not events:
            return
        owners: dict[str, set[str]] = {}
        for agent in world.agents.values():
            owners.setdefault(agent.coldkey, set()).add(agent.hotkey)
        for ck, score in self.scores.items():
            score.feed(events, ck, owners.get(ck, set()))

    def _grade_teams(self, world: Any) -> None:
        for group in self.spec.groups:
            if group.team is None:
                continue
            members = {ck: self.names.get(ck, ck) for ck, s in self.scores.items() if s.group.name == group.name}
            report = team_report(group.team, members, world)
            if report is None:
                continue
            old = self.teams.get(group.name, {})
            counted = report["weight_given"] > 0
            report["epochs"] = old.get("epochs", 0) + int(counted)
            report["caught_epochs"] = old.get("caught_epochs", 0) + int(report["caught"])
            self.teams[group.name] = report

    # ---- reading
    def row(self, coldkey: str) -> dict[str, Any]:
        """The CSV / roster columns of one student: group, status, score, and per objective
        ``<id>_passed``, ``<id>_progress`` and ``<id>_detail`` (the value it read)."""
        score = self.scores.get(coldkey)
        if score is None:
            return {}
        progress = score.progress()
        passed = sum(1 for e in progress["objectives"].values() if e["status"] == "passed")
        row: dict[str, Any] = {"group": score.group.name, "objectives_status": progress["status"],
                               "objectives_score": progress["score"],
                               "objectives": f"{passed}/{len(progress['objectives'])} {progress['status']}"}
        for key, entry in progress["objectives"].items():
            row[f"{key}_passed"] = entry["status"] == "passed"
            row[f"{key}_progress"] = entry["progress"]
            row[f"{key}_detail"] = entry["detail"]
        team = self.teams.get(score.group.name)
        if team is not None:
            row["team_clipped_share"] = team["clipped_share"]
            row["team_caught_epochs"] = f"{team['caught_epochs']}/{team['epochs']}"
        return row

    def columns(self) -> list[str]:
        """Objective columns in the order of the groups' objectives (ids shared by groups once)."""
        names = ["group", "objectives_status", "objectives_score"]
        for group in self.spec.groups:
            for leaf in leaves(group.objectives):
                for suffix in ("passed", "progress", "detail"):
                    if f"{leaf.id}_{suffix}" not in names:
                        names.append(f"{leaf.id}_{suffix}")
        if any(g.team for g in self.spec.groups):
            names += ["team_clipped_share", "team_caught_epochs"]
        return names

    def briefing(self, coldkey: str) -> dict[str, Any] | None:
        score = self.scores.get(coldkey)
        if score is None:
            return None
        group = score.group
        return {"group": group.name, "title": group.title, "role": group.role, "briefing": group.briefing,
                "activity": self.level.title, "hints": list(self.level.hints)}

    # ---- saving
    def state(self) -> dict[str, Any]:
        return {"scores": {ck: s.state() for ck, s in self.scores.items()}, "teams": self.teams}

    def restore(self, world: Any, seats: dict[str, Any], data: dict[str, Any]) -> None:
        saved = data.get("scores", {})
        base = world.snapshot()
        for ck, seat in seats.items():
            group = self.spec.group(seat.group)
            if group is None:
                continue
            now = world.snapshot_for(ck, base)
            self.names[ck] = seat.name
            self.scores[ck] = (StudentScore.restore(self.level, group, now, saved[ck]) if ck in saved
                               else StudentScore(self.level, group, now))
        self.teams = dict(data.get("teams", {}))

