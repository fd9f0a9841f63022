"""Replaying a session: rebuild the world, re-apply the actions at their blocks, check every hash.

``Replay`` keeps pickled copies of the world while it moves forward (one per ``snapshot_seconds`` of
stepping, CPU time, so that no seek has to redo more than that much work) and seeks from the nearest one.
Pickling a 64-neuron world takes ~10 ms and ~5 MB; ``copy.deepcopy`` takes ~100 ms, so pickle it is
(deepcopy only when something attached to the world cannot be pickled).

With ``saved_states`` it also writes states to the user cache (``sessions.states``: at block 0, at
checkpoints ``STATE_SECONDS`` of stepping apart, at the end) and starts from them: the next time the
session is opened, resumed or sought, it restores the nearest checked state instead of replaying from
block 0.
"""

from __future__ import annotations

import bisect
import copy
import copyreg
import io
import pickle
import time
from types import MappingProxyType
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable

from taosandbox.sessions.format import Session, SessionError
from taosandbox.sessions.states import StateStore, session_key
from taosandbox.sessions.store import load
from taosandbox.sessions.worlds import rebuild_world, scenario_of

EVENT_GROUPS: dict[str, tuple[str, ...]] = {
    "action": ("action", "refused"),
    "halving": ("halving",),
    "prune": ("pruned",),
    "register": ("registered",),
    "drift": ("drift",),
    "epoch": ("epoch",),
}
"""Kinds of event the viewer can jump to, and the event kinds each covers."""
TIMELINE_GROUPS = ("action", "halving", "prune", "register", "drift")
"""What the timeline shows by default (an epoch runs every block in the sandbox: too many to list)."""

STATE_SECONDS = 0.3
"""Stepping CPU time between two states written to the cache (at the next checkpoint after it)."""

MAX_SNAPSHOTS = 128
MAX_SNAPSHOT_BYTES = 384 * 2**20
"""Saved copies are thinned out (every other one dropped) past either limit: memory stays bounded."""

def _mapping_proxy(data: dict) -> MappingProxyType:
    return MappingProxyType(data)


def _reduce_epoch(result: Any) -> Any:
    """An epoch result builds some matrices lazily (closures, which do not pickle): build them first."""
    from taosandbox.chain.yuma import MATRIX_NAMES

    for name in MATRIX_NAMES:
        try:
            result.compact(name)
        except KeyError:
            pass
    return result.__reduce_ex__(pickle.HIGHEST_PROTOCOL)


def _dispatch() -> dict:
    from taosandbox.chain.yuma import EpochResult

    table = copyreg.dispatch_table.copy()
    # Levels keep read-only mappings (objective parameters) that pickle does not know.
    table[MappingProxyType] = lambda m: (_mapping_proxy, (dict(m),))
    table[EpochResult] = _reduce_epoch
    return table


def _pickle_world(world: Any) -> bytes:
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _dispatch()
    pickler.dump(world)
    return buffer.getvalue()


@dataclass(frozen=True)
class Divergence:
    block: int
    expected: str
    got: str
    why: str | None = None
    """The known reason, when there is one (the file was recorded under older chain rules)."""

    def __str__(self) -> str:
        text = (f"block {self.block}: the replay diverged from the recording (state {self.got[:12]} "
                f"where the file has {self.expected[:12]})")
        return f"{text}; {self.why}" if self.why else text


class Replay:
    """A read-only replay of one session: step, seek to any block, jump to the next event of a kind.

    Position ``b`` is the world at block ``b`` with the actions recorded at ``b`` applied, as the
    player saw it after acting. ``strict`` raises SessionError at the first diverging checkpoint.
    ``saved_states``: read and write world states in the user cache (``sessions.states``);
    ``from_latest_state``: start at the latest cached state instead of block 0 (for ``resume``)."""

    def __init__(self, source: str | Path | Session, *, strict: bool = False,
                 snapshot_seconds: float | None = 0.1, saved_states: bool = True,
                 from_latest_state: bool = False):
        self.session = source if isinstance(source, Session) else load(source)
        self.strict = strict
        self.snapshot_seconds = snapshot_seconds
        self.damage = self.session.damage
        actions = self._checked_actions()
        self._actions: dict[int, list[Any]] = {}
        for block, action in actions:
            self._actions.setdefault(block, []).append(action)
        self._expected = dict(self.session.checkpoints)
        self.end_block = self.session.last_block
        self.every = self.session.header.checkpoint_every
        self.checked: dict[int, str] = {}
        """Block -> state hash computed at each checkpoint block reached (before its actions)."""
        self.divergence: Divergence | None = None
        self.refused: dict[tuple[int, int], str] = {}
        """(block, index of the action at that block) -> why the world refused a recorded action."""
        self.end_matched: bool | None = None
        self.listeners: list[Callable[[Any, list], None]] = []
        """Called like world observers after each block (kept off the world so it pickles)."""
        self._snapshots: dict[int, Any] = {}
        self._snapshot_blocks: list[int] = []
        self._snapshot_bytes = 0
        self._pickle = True
        self._since_snapshot = 0.0
        self._furthest_events: list = []
        self._furthest_block = -1
        self._store = StateStore.user() if saved_states else None
        self._key = session_key(self.session.header) if saved_states else ""
        self._states = [b for b in self._store.blocks(self._key) if self._position_hash(b)] if saved_states else []
        """Blocks with a state in the cache (checked only when one is restored)."""
        self._since_state = 0.0
        self._restored_state = False
        """Whether a cached state was restored (the checks before it were not run by this replay)."""
        # At block 0 (from its cached state if there is one); ``from_latest_state``: at the latest
        # cached state instead, without building the world (resume, which only goes forward).
        starts = self._states[::-1] if from_latest_state else [b for b in self._states[:1] if b == 0]
        if not any(self._restore_state(b, check_header=True) for b in list(starts) if b in self._states):
            self.world = rebuild_world(self.session.header)
            self._arrive()
        self._take_snapshot()

    # ------------------------------------------------------------------ actions and checks
    def _checked_actions(self) -> list[tuple[int, Any]]:
        """Turn recorded actions into Action objects; an unreadable one ends the intact part there."""
        import taosandbox.world  # noqa: F401  # registers every action kind the world handles (governance)
        from taosandbox.world.actions import action_from_dict

        out = []
        session = self.session
        for k, (block, data) in enumerate(session.actions):
            try:
                out.append((block, action_from_dict(data)))
            except (ValueError, TypeError) as exc:
                line = session.action_lines[k] if k < len(session.action_lines) else "?"
                self.damage = f"line {line}: {exc}"
                # Only what comes before the bad action can be trusted.
                session.actions = session.actions[:k]
                session.checkpoints = [(b, h) for b, h in session.checkpoints if b <= block]
                session.end = None
                break
        return out

    def _arrive(self) -> list:
        """At a new block: check the checkpoint, apply that block's actions, check the end."""
        world, block = self.world, self.world.block
        start = len(world.events)
        if block % self.every == 0 or block in self._expected:
            got = world.state_hash()
            self.checked[block] = got
            expected = self._expected.get(block)
            if expected is not None and expected != got:
                self._diverged(Divergence(block, expected, got))
        for k, action in enumerate(self._actions.get(block, ())):
            outcome = world.apply(action)
            if not outcome.ok:
                self.refused[(block, k)] = f"{action.kind}: {outcome.reason}"
        end = self.session.end
        if end is not None and block == end[0]:
            got = world.state_hash()
            self.end_matched = got == end[1]
            if not self.end_matched:
                self._diverged(Divergence(block, end[1], got))
        if block >= self._furthest_block:  # the longest history seen: the timeline's source
            self._furthest_block, self._furthest_events = block, world.events
        self._maybe_save_state()
        return world.events[start:]

    def _diverged(self, divergence: Divergence) -> None:
        divergence = replace(divergence, why=self.session.header.older_rules)
        if self.divergence is None:
            self.divergence = divergence
        if self.strict:
            raise SessionError(str(divergence))

    # ------------------------------------------------------------------ moving
    @property
    def block(self) -> int:
        return self.world.block

    @property
    def at_end(self) -> bool:
        return self.world.block >= self.end_block

    def step(self) -> list:
        """One block forward (nothing at the end); returns that block's events."""
        if self.at_end:
            return []
        t = time.thread_time()  # this thread's CPU time: the spacing of copies ignores a busy machine
        events = self.world.step()
        events = events + self._arrive()
        for fn in self.listeners:
            fn(self.world, events)
        spent = time.thread_time() - t
        self._since_snapshot += spent
        self._since_state += spent
        if self.block in self._snapshots:
            self._since_snapshot = 0.0
        elif self.snapshot_seconds is not None and self._since_snapshot >= self.snapshot_seconds:
            self._take_snapshot()
        return events

    def seek(self, block: int, progress: Callable[[int], None] | None = None) -> int:
        """Go to ``block`` (clamped to the session), from the nearest saved copy of the world or saved
        state; ``progress(block)`` is called every 100 blocks stepped."""
        block = max(0, min(int(block), self.end_block))
        while True:
            here = self.block if self.block <= block else -1
            k = bisect.bisect_right(self._snapshot_blocks, block) - 1
            copy_block = self._snapshot_blocks[k] if k >= 0 else -1
            k = bisect.bisect_right(self._states, block) - 1
            state_block = self._states[k] if k >= 0 else -1
            if max(copy_block, state_block) <= here:
                break  # stepping on from here is as short as any restore
            if copy_block >= state_block:
                self._restore(copy_block)
                break
            if self._restore_state(state_block):
                break
            # that state failed its checks and is gone: choose again
        while self.block < block:
            self.step()
            if progress is not None and self.block % 100 == 0:
                progress(self.block)
        return self.block

    def run_to_end(self, progress: Callable[[int], None] | None = None) -> None:
        self.seek(self.end_block, progress)

    # ------------------------------------------------------------------ states in the cache
    def _position_hash(self, block: int) -> str | None:
        """The hash the file gives for position ``block`` (after its actions), if it gives one: the end
        line's at the end block, a checkpoint's at a block without actions."""
        end = self.session.end
        if end is not None and block == end[0]:
            return end[1]
        if block in self._actions or block > self.end_block:
            return None
        return self._expected.get(block)

    def _maybe_save_state(self) -> None:
        """At a checked position, write a state if the last one is ``STATE_SECONDS`` of stepping ago
        (and always at block 0 and at the end)."""
        block = self.world.block
        if self._store is None or self.divergence is not None or block in self._states:
            return
        expected = self._position_hash(block)
        if expected is None or not (block == 0 or block == self.end_block or self._since_state >= STATE_SECONDS):
            return
        end = self.session.end
        matched = self.end_matched if end is not None and block == end[0] else self.checked.get(block) == expected
        if matched and self._store.save(self._key, block, self.world):
            bisect.insort(self._states, block)
            self._since_state = 0.0

    def _restore_state(self, block: int, check_header: bool = False) -> bool:
        """Continue from the cached state at ``block`` if it passes its checks (see ``sessions.states``);
        False (and the state dropped) otherwise."""
        if check_header:
            scenario_of(self.session.header)  # a changed level or rules refuse the file, as a rebuild would
        world = self._store.load(self._key, block, self._position_hash(block))
        if world is None:
            self._states.remove(block)
            return False
        self.world = world
        self._restored_state = True
        # What the file records up to here is what this state was checked against when it was written.
        for b, h in self._expected.items():
            if b <= block:
                self.checked.setdefault(b, h)
        end = self.session.end
        if end is not None and block == end[0]:
            self.end_matched = True
        if block >= self._furthest_block:
            self._furthest_block, self._furthest_events = block, world.events
        self._since_snapshot = self._since_state = 0.0
        return True

    # ------------------------------------------------------------------ saved copies
    def _take_snapshot(self) -> None:
        if self.snapshot_seconds is None:
            return
        world = self.world
        state: Any = None
        if self._pickle:
            try:
                state = _pickle_world(world)
            except (pickle.PicklingError, TypeError, AttributeError):
                self._pickle = False  # e.g. a rule attached as a closure: fall back to deepcopy
        if state is None:
            try:
                state = copy.deepcopy(world)
            except (TypeError, AttributeError, copy.Error):
                self.snapshot_seconds = None  # cannot copy this world: seeks replay from the start
                return
        self._snapshots[world.block] = state
        bisect.insort(self._snapshot_blocks, world.block)
        self._since_snapshot = 0.0
        if isinstance(state, bytes):
            self._snapshot_bytes += len(state)
        if len(self._snapshot_blocks) > MAX_SNAPSHOTS or self._snapshot_bytes > MAX_SNAPSHOT_BYTES:
            for b in self._snapshot_blocks[1::2]:  # thin out: keep block 0 and every other one
                dropped = self._snapshots.pop(b)
                self._snapshot_bytes -= len(dropped) if isinstance(dropped, bytes) else 0
            self._snapshot_blocks = sorted(self._snapshots)
            self.snapshot_seconds = (self.snapshot_seconds or 0.0) * 2  # and space new ones as widely

    def _restore(self, block: int) -> None:
        state = self._snapshots[block]
        self.world = pickle.loads(state) if isinstance(state, bytes) else copy.deepcopy(state)
        self._since_snapshot = 0.0

    @property
    def snapshot_blocks(self) -> list[int]:
        return list(self._snapshot_blocks)

    @property
    def snapshot_kind(self) -> str | None:
        """How copies are kept: "pickle" (fast), "deepcopy" (something did not pickle) or None (none)."""
        if self.snapshot_seconds is None and not self._snapshots:
            return None
        return "pickle" if self._pickle else "deepcopy"

    # ------------------------------------------------------------------ events
    def timeline(self, kinds: tuple[str, ...] | None = None) -> list[tuple[int, str]]:
        """(block, group) for every event seen so far whose kind is in a group (``EVENT_GROUPS``).

        After ``run_to_end`` (as the viewer does while loading) it covers the whole session."""
        return [(block, group) for block, group, _event in self.timeline_events(kinds)]

    def timeline_events(self, kinds: tuple[str, ...] | None = None) -> list[tuple[int, str, Any]]:
        """Like ``timeline`` with the ``Event`` itself (its text is what the viewer lists)."""
        wanted = kinds or TIMELINE_GROUPS
        by_kind = {k: g for g in wanted for k in EVENT_GROUPS[g]}
        out = []
        for event in self._furthest_events:
            group = by_kind.get(event.kind)
            if group is None or (group == "action" and not event.player):
                continue
            out.append((event.block, group, event))
        return out

    def next_event(self, group: str, after: int | None = None) -> int | None:
        """The block of the next event of ``group`` after ``after`` (default: the current block)."""
        if group not in EVENT_GROUPS:
            raise ValueError(f"unknown event kind {group!r}; choose one of {', '.join(EVENT_GROUPS)}")
        after = self.block if after is None else after
        while True:
            for block, _ in self.timeline((group,)):
                if block > after:
                    return block
            if self._furthest_block >= self.end_block:
                return None
            # Not seen that far yet: look further ahead, then come back.
            here = self.block
            self.seek(self.end_block)
            self.seek(here)

    # ------------------------------------------------------------------ results
    def verify(self) -> "VerifyResult":
        """Replay to the end and compare every checkpoint: from block 0 again if this replay restored
        a cached state (which skips the checks before it), and without cached states."""
        self._states, self._store = [], None
        if self._restored_state:
            self.checked, self.divergence, self.end_matched = {}, None, None
            self._furthest_block, self._furthest_events = -1, []
            self._snapshots, self._snapshot_blocks, self._snapshot_bytes = {}, [], 0
            self._restored_state = False
            self.world = rebuild_world(self.session.header)
            self._arrive()
        self.run_to_end()
        return VerifyResult(
            ok=self.divergence is None and self.damage is None and self.end_matched is not False,
            checkpoints=len(self._expected),
            matched=sum(1 for b, h in self._expected.items() if self.checked.get(b) == h),
            end_block=self.end_block, divergence=self.divergence, damage=self.damage,
            actions=sum(len(a) for a in self._actions.values()), refused=sorted(self.refused.items()),
        )


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checkpoints: int
    matched: int
    end_block: int
    divergence: Divergence | None
    damage: str | None
    actions: int = 0
    refused: list[tuple[tuple[int, int], str]] = ()
    """((block, index), reason) of every recorded action the world refused on this replay."""

    def message(self) -> str:
        parts = []
        if self.divergence is not None:
            parts.append(f"DIVERGED at {self.divergence}")
        else:
            parts.append(f"{self.matched}/{self.checkpoints} checkpoints matched up to block {self.end_block}")
        if self.damage:
            parts.append(f"the file is damaged ({self.damage}); replayed the intact part up to "
                         f"block {self.end_block}")
        if self.refused and not self.ok:  # a refusal recorded as such is part of the history; this may explain a divergence
            (block, _k), why = self.refused[0]
            parts.append(f"{len(self.refused)} of {self.actions} actions refused on replay (first at block "
                         f"{block}: {why})")
        return ("OK: " if self.ok else "FAILED: ") + "; ".join(parts)


def verify(path: str | Path) -> VerifyResult:
    """Replay a session headless from block 0 (no saved copies, no cached states) and check every
    checkpoint."""
    return Replay(path, snapshot_seconds=None, saved_states=False).verify()


def resume(path: str | Path, *, force: bool = False, autosave: bool = True,
           saved_states: bool = True) -> Any:
    """Rebuild the world of a session and replay it to its last block; returns the World.

    From the latest world state in the cache that checks against the file (``sessions.states``), if
    any and ``saved_states``; otherwise from block 0. A recorder continues the session (autosaving to
    a new file, never over ``path``): find it with ``SessionRecorder.of(world)``; its ``notice`` says
    when only the intact part was replayed. A replay that diverges from the recording raises
    SessionError unless ``force``."""
    from taosandbox.sessions.recorder import SessionRecorder

    session = load(path)
    level = session.header.level
    # A level's rules live in objects registered by world (LevelSession.of): those worlds are rebuilt.
    replay = Replay(session, strict=not force, snapshot_seconds=None,
                    saved_states=saved_states and (level is None or not level.get("rules", True)),
                    from_latest_state=True)
    replay.run_to_end()
    world = replay.world
    session = replay.session
    recorder = SessionRecorder(world, header=session.header, autosave=autosave,
                               checkpoints=sorted(replay.checked.items()))
    notes = []
    if replay.damage:
        notes.append(f"{replay.damage}: resumed from block {replay.end_block}, where the intact part ends")
    if replay.divergence:
        notes.append(str(replay.divergence))
    recorder.notice = "; ".join(notes) or None
    return world


def export(path: str | Path, *, csv_dir: str | None, json_path: str | None, stdout: Any) -> VerifyResult:
    """The same JSON summary and CSV series as ``taosandbox run``, from a replay of the session."""
    from taosandbox.world.headless import Recorder, summary, write_outputs

    replay = Replay(path, snapshot_seconds=None, saved_states=False)  # the series need every block
    recorder = Recorder() if csv_dir else None
    if recorder is not None:
        replay.listeners.append(recorder)
    result = replay.verify()
    write_outputs(summary(replay.world, replay.end_block), recorder, json_path=json_path, csv_dir=csv_dir,
                  stdout=stdout)
    return result
