"""One class: a shared world, its seats, the class clock, saves and results. No network here.

Every method runs in the one thread that owns the world (the server's world thread), so actions from
all students are applied in one order, between two blocks, and recorded with their block in an
ordinary session file (``taosandbox replay`` and ``replay --verify`` read it unchanged).
"""

from __future__ import annotations

import csv
import io
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from taosandbox.chain.units import RAO_PER_TAO
from taosandbox.files import atomic_write
from taosandbox.classroom.activity import Activity
from taosandbox.classroom.seats import ROLES, JoinRefused, Seat, check_name, coldkey_for, new_code, new_secret
from taosandbox.world.actions import ActAs, AddStudent, action_from_dict

CLASS_FILE = "class.json"
SESSION_FILE = "class.session"
SPEEDS = (0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0)
"""Blocks per second the teacher can choose (the real chain: one per 12 s)."""
DEFAULT_SPEED = 2
CLASS_OVERRIDES = {"hyperparameters.max_allowed_uids": 64, "hyperparameters.max_regs_per_block": 40,
                   "hyperparameters.target_regs_per_interval": 16}
"""Any class world: room for 40 students' neurons, and for 40 registrations in one block and 48 per
adjustment interval (3 x target, subnet.py): the clock starts paused, so a whole class joins (and, in an
activity, gets its neurons) at block 0."""
SKIP_CAP = 20_000
"""The most blocks one skip (to the next epoch or halving) runs."""
FORBIDDEN = frozenset({"add_student", "act_as", "propose", "vote"})
"""Action kinds a student may not send (governance needs the scenario's player; see docs)."""


@dataclass
class Clock:
    """The class clock: paused or running, at ``SPEEDS[speed]`` blocks per second."""

    paused: bool = True
    speed: int = DEFAULT_SPEED

    @property
    def blocks_per_second(self) -> float:
        return SPEEDS[self.speed]


@dataclass
class ActResult:
    ok: bool
    reason: str | None = None
    block: int = 0


@dataclass
class Classroom:
    """A class: ``world`` (with its recorder), seats by coldkey, clock, join code and teacher secret."""

    world: Any
    recorder: Any
    directory: Path
    code: str
    secret: str
    seats_max: int = 40
    balance_tao: float = 100.0
    title: str = "class"
    seats: dict[str, Seat] = field(default_factory=dict)
    clock: Clock = field(default_factory=Clock)
    locked: bool = False
    ended: bool = False
    broadcasts: list[tuple[int, str]] = field(default_factory=list)
    activity: Activity | None = None
    """A class level's groups and scores (None: the free sandbox, or a level without ``class:``)."""
    _saved: tuple[int, int] = (-1, -1)

    # ---------------------------------------------------------------- building
    @classmethod
    def new(cls, directory: Path, *, level: str | None = None, seats: int = 40, code: str | None = None,
            seed: int | None = None, scenario: dict | None = None) -> "Classroom":
        """A new class in ``directory`` (its saves go there): the free sandbox, a level's world, or
        ``scenario`` (plain data, as a level's ``world:``)."""
        from taosandbox.sessions.recorder import SessionRecorder
        from taosandbox.world import World
        from taosandbox.world.scenario import Scenario, sandbox_scenario

        directory = Path(directory)
        if (directory / CLASS_FILE).exists():
            raise ValueError(f"{directory} already holds a class: resume it (--resume) or choose another")
        if level is not None:
            from taosandbox.levels import load_level

            lvl = load_level(level)
            if lvl.ruleset != "2024":
                raise ValueError(f"level {lvl.name!r} is a dynamic-TAO level: a class plays 2024 levels only")
            base, title = lvl.scenario, lvl.name
        else:
            lvl, title = None, "sandbox" if scenario is None else str(scenario.get("name", "class world"))
            base = Scenario.from_dict(scenario if scenario is not None else sandbox_scenario("miner", seed))
        scenario = base.with_overrides(CLASS_OVERRIDES)
        if seed is not None:
            from dataclasses import replace

            scenario = replace(scenario, seed=seed)
        world = World(scenario)
        recorder = SessionRecorder(world, level=lvl, base_scenario=None if lvl else base,
                                   overrides=CLASS_OVERRIDES, level_rules=False, title=f"class {title}",
                                   autosave_path=directory / SESSION_FILE, autosave_blocks=200,
                                   autosave_seconds=5.0)
        activity = Activity(lvl) if lvl is not None and lvl.classroom is not None else None
        if activity is not None and activity.spec.seats is not None:
            seats = min(seats, activity.spec.seats)
        room = cls(world=world, recorder=recorder, directory=directory, code=(code or new_code()).upper(),
                   secret=new_secret(), seats_max=seats, title=title,
                   balance_tao=float(scenario.player.balance_tao), activity=activity)
        room.save()
        return room

    @classmethod
    def resume(cls, directory: Path) -> "Classroom":
        """The class saved in ``directory``, its world replayed to the last save (after a crash too)."""
        from taosandbox.sessions.recorder import SessionRecorder
        from taosandbox.sessions.replay import resume

        directory = Path(directory)
        try:
            data = json.loads((directory / CLASS_FILE).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ValueError(f"no class to resume in {directory}") from None
        except json.JSONDecodeError as exc:
            raise ValueError(f"{directory / CLASS_FILE} is damaged: {exc.msg}") from None
        world = resume(directory / SESSION_FILE, autosave=False)
        recorder = SessionRecorder.of(world)
        recorder.autosave_path = directory / SESSION_FILE
        recorder.autosave_blocks, recorder.autosave_seconds = 200, 5.0
        seats = {s["coldkey"]: Seat.from_dict(s) for s in data["seats"]}
        missing = [ck for ck in seats if ck not in world.students]
        for ck in missing:  # joined after the session's last save: they rejoin with the same name
            del seats[ck]
        room = cls(world=world, recorder=recorder, directory=directory, code=data["code"],
                   secret=data["secret"], seats_max=data["seats_max"], balance_tao=data["balance_tao"],
                   title=data.get("title", "class"), seats=seats,
                   clock=Clock(paused=True, speed=data.get("speed", DEFAULT_SPEED)),
                   locked=data.get("locked", False), broadcasts=[tuple(b) for b in data.get("broadcasts", [])])
        level_entry = recorder.header.level
        if level_entry is not None:
            from taosandbox.sessions.worlds import level_of

            level = level_of(level_entry)
            if level.classroom is not None:
                room.activity = Activity(level)
                room.activity.restore(world, seats, data.get("activity", {}))
        return room

    # ---------------------------------------------------------------- students
    def join(self, name: object, code: object, role: object = "miner") -> Seat:
        """The seat of ``name`` (a new one, or theirs again on a rejoin); JoinRefused says why not."""
        if self.ended:
            raise JoinRefused("this class has ended")
        if not isinstance(code, str) or code.strip().upper() != self.code:
            raise JoinRefused("wrong class code: check the code on the teacher's screen")
        name = check_name(name)
        ck = coldkey_for(name)
        seat = self.seats.get(ck)
        if seat is not None:
            if seat.removed:
                raise JoinRefused("the teacher removed you from this class")
            if seat.name.lower() != name.lower():
                raise JoinRefused(f"the name {name!r} is too close to {seat.name!r}, who is already here: "
                                  "add a letter")
            return seat
        if ck in self.world.students:  # seated in the saved session, not yet in the saved seats
            info = self.world.students[ck]
            group = self.activity.spec.group_of_role(info["role"]) if self.activity else None
            seat = Seat(name=name, coldkey=ck, role=info["role"], joined_block=self.world.block,
                        group=group.name if group else "")
            self.seats[ck] = seat
            if self.activity is not None and group is not None:
                self.activity.seat(self.world, ck, name, group)
            return seat
        group = None
        if self.activity is not None:  # the activity's groups decide the role and the balance
            found = self.activity.group_for(self.seats, str(role))
            if isinstance(found, str):
                raise JoinRefused(found)
            group = found
            role, balance = group.role, group.balance_tao
        else:
            if role not in ROLES:
                raise JoinRefused(f"choose a role: {', '.join(ROLES)}")
            balance = self.balance_tao
        if len(self.seats) >= self.seats_max:
            raise JoinRefused(f"the class is full ({self.seats_max} seats)")
        if ck in self.world.subnet.ledger.free:
            raise JoinRefused(f"the name {name!r} is taken in this world: choose another")
        outcome = self.world.apply(AddStudent(coldkey=ck, balance_tao=balance, role=str(role)))
        if not outcome.ok:
            raise JoinRefused(f"cannot seat {name!r}: {outcome.reason}")
        seat = Seat(name=name, coldkey=ck, role=str(role), joined_block=self.world.block,
                    group=group.name if group else "")
        self.seats[ck] = seat
        if self.activity is not None and group is not None:
            refused = self.activity.setup(self.world, ck, group)
            if refused:
                seat.last_action = f"#{self.world.block} start refused: {refused[0]}"
            self.activity.seat(self.world, ck, name, group)
        self.save()
        return seat

    def act(self, coldkey: str, data: object) -> ActResult:
        """A student's action, applied now (between two blocks) and recorded; refused ones that are
        malformed, forbidden or locked change nothing and are not recorded."""
        seat = self.seats.get(coldkey)
        block = self.world.block
        if seat is None or seat.removed:
            return ActResult(False, "you have no seat in this class", block)
        if self.ended:
            return ActResult(False, "the class has ended", block)
        if self.locked:
            return ActResult(False, "the teacher has locked actions for now", block)
        try:
            action = action_from_dict(data)  # type: ignore[arg-type]
        except (ValueError, TypeError) as exc:
            seat.refused += 1
            return ActResult(False, f"not an action: {exc}", block)
        if action.kind in FORBIDDEN:
            seat.refused += 1
            return ActResult(False, f"{action.kind} is not open to students in a class", block)
        said = len(self.world.events)
        outcome = self.world.apply(ActAs(coldkey=coldkey, action=action.to_dict()))
        if self.activity is not None:
            self.activity.after_action(self.world, coldkey, self.world.events[said:])
        seat.actions += 1
        seat.last_action = f"#{block} {action.kind}" + ("" if outcome.ok else " (refused)")
        if not outcome.ok:
            seat.refused += 1
        return ActResult(bool(outcome.ok), outcome.reason, block)

    def remove(self, coldkey: str) -> Seat:
        seat = self._seat(coldkey)
        seat.removed = True
        self.save()
        return seat

    def _seat(self, coldkey: str) -> Seat:
        seat = self.seats.get(coldkey)
        if seat is None:
            raise ValueError(f"no student {coldkey!r} in this class")
        return seat

    # ---------------------------------------------------------------- clock
    def step(self, blocks: int = 1) -> list:
        events = []
        for _ in range(max(0, blocks)):
            block_events = self.world.step()
            if self.activity is not None:
                self.activity.after_block(self.world, block_events)
            events += block_events
        return events

    def blocks_to(self, target: str) -> int:
        """Blocks to the next epoch or halving (capped at SKIP_CAP); ValueError names a bad target."""
        snapshot = self.world.snapshot()
        if target == "epoch":
            return max(1, snapshot.blocks_to_next_epoch)
        if target == "halving":
            if snapshot.blocks_to_next_halving is None:
                raise ValueError("no further halving: emission has reached its floor")
            return min(SKIP_CAP, max(1, snapshot.blocks_to_next_halving))
        raise ValueError(f"skip to 'epoch' or 'halving', not {target!r}")

    def broadcast(self, text: str) -> tuple[int, str]:
        entry = (self.world.block, text)
        self.broadcasts.append(entry)
        self.save()
        return entry

    # ---------------------------------------------------------------- views
    def snapshot_for(self, coldkey: str, base: Any = None) -> Any:
        return self.world.snapshot_for(coldkey, base)

    def standings(self) -> list[dict[str, Any]]:
        """One row per student: balances, stake, earnings, return per TAO staked, validator trust."""
        base = self.world.snapshot()
        rows = []
        for seat in self.seats.values():
            snap = self.world.snapshot_for(seat.coldkey, base)
            player = snap.player
            own = [r for r in snap.neurons if r.is_player]
            staked = player.staked_rao
            rows.append({
                "name": seat.name, "coldkey": seat.coldkey, "role": seat.role, "connected": seat.connected,
                "removed": seat.removed, "free_tao": player.free_rao / RAO_PER_TAO,
                "staked_tao": staked / RAO_PER_TAO, "earned_tao": player.earned_rao / RAO_PER_TAO,
                "return_per_tao": player.earned_rao / staked if staked else 0.0,
                "validator_trust": max((r.validator_trust for r in own if r.role == "validator"), default=0.0),
                "uids": " ".join(str(r.uid) for r in own), "actions": seat.actions, "refused": seat.refused,
                "last_action": seat.last_action, "joined_block": seat.joined_block, "group": seat.group,
                **(self.activity.row(seat.coldkey) if self.activity is not None else {}),
            })
        return rows

    def leaderboard(self, rows: list[dict[str, Any]] | None = None) -> dict[str, list[dict[str, Any]]]:
        """Per role, best first: miners by TAO earned, validators by validator trust, delegators by
        return per TAO staked."""
        rows = self.standings() if rows is None else rows
        keys = {"miner": "earned_tao", "validator": "validator_trust", "delegator": "return_per_tao"}
        return {role: sorted((r for r in rows if r["role"] == role and not r["removed"]),
                             key=lambda r, k=key: (-r[k], r["name"]))
                for role, key in keys.items()}

    def results_csv(self) -> str:
        rows = self.standings()
        out = io.StringIO()
        names = ["name", "coldkey", "role", "free_tao", "staked_tao", "earned_tao", "return_per_tao",
                 "validator_trust", "uids", "actions", "refused", "last_action", "joined_block", "removed"]
        if self.activity is not None:
            names[3:3] = self.activity.columns()
        writer = csv.DictWriter(out, fieldnames=names, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: (f"{v:.9f}" if isinstance(v, float) else v) for k, v in row.items()})
        return out.getvalue()

    # ---------------------------------------------------------------- saving
    def state(self) -> dict[str, Any]:
        return {"format": 1, "code": self.code, "secret": self.secret, "seats_max": self.seats_max,
                "balance_tao": self.balance_tao, "title": self.title, "speed": self.clock.speed,
                "locked": self.locked, "ended": self.ended, "broadcasts": self.broadcasts,
                "seats": [s.to_dict() for s in self.seats.values()],
                **({"activity": self.activity.state()} if self.activity is not None else {})}

    def save(self) -> None:
        """Both files, atomically: the session first (a seat is only kept when its AddStudent is saved)."""
        self.recorder.save(self.directory / SESSION_FILE)
        atomic_write(self.directory / CLASS_FILE, json.dumps(self.state(), indent=1))
        self._saved = (self.world.block, len(self.world.action_log))
        self._saved_at = time.monotonic()

    def save_if_due(self, seconds: float = 2.0) -> bool:
        """Autosave when something changed and ``seconds`` passed since the last save."""
        now = (self.world.block, len(self.world.action_log))
        if now != self._saved and time.monotonic() - getattr(self, "_saved_at", 0.0) >= seconds:
            self.save()
            return True
        return False

    def end(self) -> dict[str, Path]:
        """End class: the results as CSV (one row per student) and the session file; no more actions."""
        self.ended = True
        self.clock.paused = True
        self.save()
        stamp = f"block{self.world.block}"
        csv_path = self.directory / f"results-{stamp}.csv"
        session_path = self.directory / f"class-{stamp}.session"
        if self.activity is not None:
            self.activity.evaluate(self.world)
        atomic_write(csv_path, self.results_csv())
        self.recorder.save(session_path)
        paths = {"csv": csv_path, "session": session_path}
        if self.activity is not None:
            paths["debrief"] = self.directory / f"debrief-{stamp}.md"
            atomic_write(paths["debrief"], self.debrief())
        return paths

    def debrief(self) -> str:
        """The debrief the teacher shows (Markdown): the activity's lesson with this class's numbers."""
        from taosandbox.classroom.debrief import debrief_markdown

        if self.activity is None:
            raise ValueError("this class plays no class activity: there is no debrief (see docs/classroom.md)")
        return debrief_markdown(self)
