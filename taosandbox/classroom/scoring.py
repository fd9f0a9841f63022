"""A class activity's scores: each student's objectives, and each team's grade. No network here.

A student's objectives are the level machinery (``LevelRun``, levels/run.py) over their group's
objective tree, fed the world as that student sees it (``World.snapshot_for``), so "you" in an
objective is the student. Scoring only reads the world: it is not part of the session, and a replay
of the class reproduces the world whatever was scored.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Iterable

from taosandbox.chain.events import Event
from taosandbox.levels.classes import ClassGroup, Team
from taosandbox.levels.level import Level
from taosandbox.levels.run import LevelRun
from taosandbox.world.snapshot import Snapshot

EVERY = 10
"""Objectives are evaluated at every epoch, after a student's action, and at least every EVERY blocks
(per block for 40 students would cost more than the world; nothing an objective reads changes
between epochs except what actions do)."""


def concerns(event: Event, coldkey: str, hotkeys: set[str]) -> bool:
    """Whether ``event`` is about this student: their action, one of their hotkeys, a payout to them."""
    d = event.data or {}
    return bool(d.get("coldkey") == coldkey or d.get("hotkey") in hotkeys or d.get("by") in hotkeys
                or coldkey in (d.get("payouts") or ()))


class StudentScore:
    """One student's objectives (their group's), evaluated on their own view of the world."""

    def __init__(self, level: Level, group: ClassGroup, start: Snapshot):
        self.group = group
        self.level = replace(level, objectives=group.objectives, intro=group.briefing, hints=(),
                             classroom=None)
        self.run = LevelRun(self.level, start)
        self.pending: list[Event] = []
        """Events of the blocks since the last evaluation, marked ``player`` when they concern the student."""
        self.due = True

    def feed(self, events: Iterable[Event], coldkey: str, hotkeys: set[str]) -> None:
        for event in events:
            mine = concerns(event, coldkey, hotkeys)
            if event.kind == "action" and not mine:  # a classmate's answer is not this student's
                continue
            self.pending.append(event if event.player == mine else replace(event, player=mine))

    def update(self, snapshot: Snapshot) -> None:
        self.run.update(snapshot, self.pending)
        self.pending, self.due = [], False

    def progress(self) -> dict[str, Any]:
        data = self.run.progress()
        data["group"] = self.group.name
        return data

    # ---- saving (a resumed class continues the scores instead of starting them again)
    def state(self) -> dict[str, Any]:
        start = self.run.start
        return {**self.run.state(),
                "start": {"earned_rao": start.player.earned_rao, "halving_index": start.halving_index}}

    @classmethod
    def restore(cls, level: Level, group: ClassGroup, now: Snapshot, data: dict[str, Any]) -> "StudentScore":
        """The score saved by ``state``; ``now`` is the student's view of the resumed world (its start
        keeps only what objectives read from a start: the earnings and the halving count)."""
        start = data.get("start", {})
        begun = replace(now, player=replace(now.player, earned_rao=int(start.get("earned_rao", 0))),
                        halving_index=start.get("halving_index", now.halving_index))
        score = cls(level, group, begun)
        score.run.restore(data)
        return score


def team_report(team: Team, members: dict[str, str], world: Any) -> dict[str, Any] | None:
    """How Yuma treated a colluding team at the last epoch, or None before the first epoch.

    ``members``: coldkey -> name. Per member validator i and the favourite j: the weight it gave j
    (W̄ij, normalised and masked, YUMA_SPEC §4.5) and what survived the clip to consensus
    (W̃ij = min(W̄ij, Cj), §4.8); validator trust is the row sum of W̃ (§4.9), so 1 - vtrust is the
    share of all its weight that was clipped."""
    epoch = world.last_epoch
    if epoch is None:
        return None
    sub = world.subnet
    fav = team.favour.uid if team.favour.uid is not None else sub.uid(team.favour.hotkey)
    rows, team_uids = [], set()
    for uid, agent in sorted(world.agents.items()):
        if agent.role == "validator" and agent.coldkey in members and uid < epoch.n:
            team_uids.add(uid)
            given = float(epoch.row("weights_masked_normalized", uid)[fav]) if fav is not None and fav < epoch.n else 0.0
            kept = float(epoch.row("weights_clipped", uid)[fav]) if fav is not None and fav < epoch.n else 0.0
            rows.append({"name": members[agent.coldkey], "uid": uid, "permit": bool(epoch.new_validator_permit[uid]),
                         "weight_on_favourite": given, "kept": kept,
                         "validator_trust": float(epoch.validator_trust[uid])})
    honest = [float(epoch.validator_trust[uid]) for uid, a in world.agents.items()
              if a.role == "validator" and uid not in team_uids and uid < epoch.n and epoch.new_validator_permit[uid]]
    given = sum(r["weight_on_favourite"] for r in rows)
    kept = sum(r["kept"] for r in rows)
    clipped = (given - kept) / given if given > 0 else 0.0
    counted = [r for r in rows if r["permit"]]
    return {
        "block": world.subnet.last_epoch_block, "favourite_uid": fav,
        "favourite_incentive": float(epoch.incentive[fav]) if fav is not None and fav < epoch.n else 0.0,
        "favourite_consensus": float(epoch.consensus[fav]) if fav is not None and fav < epoch.n else 0.0,
        "members": rows, "clipped_share": clipped, "weight_given": given,
        "team_validator_trust": sum(r["validator_trust"] for r in counted) / len(counted) if counted else 0.0,
        "honest_validator_trust": sum(honest) / len(honest) if honest else 0.0,
        "caught": given > 0 and clipped > team.caught_above,
    }
