"""The bridge between the engine and the UI threads: one lock around the World, and a queue of events.

No Textual here. The game screen's thread worker calls ``step`` in a loop; the UI thread calls ``apply``
(from an action worker) and ``take_events``. Every mutation of the World happens while holding
``lock``, so the world is only ever touched by one thread at a time.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Any

SPEEDS: tuple[tuple[str, float | None], ...] = (
    ("1×", 1 / 12),
    ("10×", 10 / 12),
    ("100×", 100 / 12),
    ("1000×", 1000 / 12),
    ("MAX", None),
)
"""(label, blocks per real second); real time is one block per 12 s, MAX is as fast as the engine goes."""

HALVING_SKIP_CAP = 200_000
"""Blocks "skip to next halving" will run at most (≈ 28 simulated days)."""

EVENT_BACKLOG = 5000
"""Events kept for the UI between two refreshes; older ones are dropped (the log throttles anyway)."""


ENGINE_ERROR = "engine error: "
"""Prefix of a refusal that came from an exception, not from the world (which logs its own refusals)."""


def is_prune_alert(event: Any) -> bool:
    """The player's neuron was pruned, or is next to be for the first time: time stops, a banner says why."""
    if not event.player:
        return False
    if event.kind == "pruned":
        return True
    data = event.data or {}
    return event.kind == "prune_risk" and data.get("stage") == "next" and not data.get("again")


class SimController:
    """Owns the World for the UI; every call that touches it takes ``lock``."""

    def __init__(self, world: Any):
        self.world = world
        self.lock = threading.RLock()
        self.speed_index = 2
        """Index into SPEEDS."""
        self.events: deque = deque(maxlen=EVENT_BACKLOG)
        self.dropped_events = 0
        self.halvings: deque = deque()
        """Halving events not yet shown; never dropped."""
        self.prunes: deque = deque()
        """The player's prune events (pruned, first "next to prune") not yet shown; never dropped."""
        self._event_index = 0

    # ---- engine calls (any thread) ----
    def step(self) -> list:
        """Advance one block; returns that block's events."""
        with self.lock:
            events = self.world.step()
            self._collect()
        return events

    def apply(self, action: Any) -> tuple[bool, str | None]:
        """Apply a player action; (ok, reason). An engine exception becomes a refusal, not a crash."""
        with self.lock:
            try:
                outcome = self.world.apply(action)
            except Exception as exc:  # the UI must survive any engine bug or odd input
                self._collect()
                return False, f"{ENGINE_ERROR}{type(exc).__name__}: {exc}"
            self._collect()
        return bool(outcome.ok), outcome.reason

    def snapshot(self) -> Any:
        with self.lock:
            self._collect()
            return self.world.snapshot()

    # ---- events ----
    def _collect(self) -> None:
        """Queue the world's new events (the world's list is append-only; we keep our own index)."""
        new = self.world.events[self._event_index :]
        self._event_index += len(new)
        overflow = len(self.events) + len(new) - EVENT_BACKLOG
        if overflow > 0:
            self.dropped_events += overflow
        self.events.extend(new)
        self.halvings.extend(e for e in new if e.kind == "halving")
        self.prunes.extend(e for e in new if is_prune_alert(e))

    def take_events(self) -> tuple[list, int]:
        """(events since the last call, how many were dropped for lack of room)."""
        with self.lock:
            self._collect()
            events = list(self.events)
            self.events.clear()
            dropped, self.dropped_events = self.dropped_events, 0
        return events, dropped

    def take_halving(self) -> Any | None:
        with self.lock:
            return self.halvings.popleft() if self.halvings else None

    def take_prune(self) -> Any | None:
        """The oldest player prune alert not yet shown (``is_prune_alert``), or None."""
        with self.lock:
            return self.prunes.popleft() if self.prunes else None

    # ---- speed ----
    @property
    def speed_label(self) -> str:
        return SPEEDS[self.speed_index][0]

    @property
    def blocks_per_second(self) -> float | None:
        return SPEEDS[self.speed_index][1]

    def change_speed(self, delta: int) -> None:
        self.speed_index = max(0, min(len(SPEEDS) - 1, self.speed_index + delta))
