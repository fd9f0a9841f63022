"""A SimController for a world that runs elsewhere: the class server's.

The game screens call ``step``/``apply``/``snapshot``/``take_events`` from their threads as they would
on a local world; here ``step`` waits for the class's next block, ``apply`` sends the action and waits
for the server's answer, and ``snapshot`` is the newest one the server sent. The connection (a
``ClassClient``) lives on the app's asyncio loop.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from typing import Any

from taosandbox.chain.events import Event
from taosandbox.classroom import codec
from taosandbox.classroom.classroom import SPEEDS
from taosandbox.classroom.client import ClassClient, ClassError

STEP_WAIT_SECONDS = 0.5
"""``step`` returns (with no events) after this long without a new block, so the worker can stop."""


class RemoteWorld:
    """Stands in for ``sim.world`` (a class world plays no single-player level)."""


class RemoteSim:
    """The game's view of the class world, through ``client``; thread-safe like SimController."""

    def __init__(self, client: ClassClient, loop: asyncio.AbstractEventLoop):
        self.client, self.loop = client, loop
        self.world = RemoteWorld()
        self.lock = threading.RLock()
        self._changed = threading.Condition(self.lock)
        self._snapshot: Any = None
        self.block = -1
        self.clock: dict[str, Any] = {"paused": True, "speed": 0, "blocks_per_second": SPEEDS[0]}
        self.locked = False
        self.ended = False
        self.closed_reason: str | None = None
        self.events: deque = deque(maxlen=2000)
        self.dropped_events = 0
        self.notices: deque = deque()
        """(title, text) for the screen: broadcasts, the class ending, the seat taken over."""
        client.on_message = self._on_message
        if client.snapshot is not None:
            self._on_message(client.snapshot)

    # ---- from the connection (the app's loop) ----
    def _on_message(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        with self._changed:
            if kind == "snapshot":
                try:
                    self._snapshot = codec.snapshot_from(message["world"], message["own"])
                except (KeyError, ValueError) as exc:
                    self.notices.append(("Class", f"could not read the class's snapshot: {exc}"))
                    return
                self.block = self._snapshot.block
                self.clock = message.get("clock", self.clock)
                self.locked = bool(message.get("locked"))
                self.ended = bool(message.get("ended"))
            elif kind == "events":
                self.dropped_events += int(message.get("dropped", 0))
                for e in message.get("events", []):
                    self.events.append(Event(e["block"], e["kind"], e["text"], dict(e.get("data") or {}),
                                             player=bool(e.get("mine"))))
            elif kind == "broadcast":
                self.notices.append(("From your teacher", message.get("text", "")))
            elif kind == "ended":
                self.ended = True
                self.notices.append(("Class over", "The teacher ended the class: look up to the board."))
            elif kind in ("taken_over", "removed", "closed"):
                if self.closed_reason is None:
                    self.closed_reason = message.get("reason") or "disconnected"
                    self.notices.append(("Disconnected", self.closed_reason))
            elif kind == "error":
                self.notices.append(("Refused", message.get("reason", "")))
            self._changed.notify_all()

    # ---- what the game calls (any thread but the loop's) ----
    def step(self) -> list:
        """Wait for the class's next block; that block's events are in ``take_events``."""
        with self._changed:
            seen = self.block
            self._changed.wait_for(lambda: self.block != seen or self.closed_reason is not None,
                                   STEP_WAIT_SECONDS)
        return []

    def apply(self, action: Any) -> tuple[bool, str | None]:
        future = asyncio.run_coroutine_threadsafe(self.client.act(action.to_dict()), self.loop)
        try:
            reply = future.result(60)
        except (ClassError, TimeoutError, asyncio.TimeoutError) as exc:
            return False, f"the class did not answer: {exc}"
        if reply.get("ok"):
            self._wait_for_snapshot_after(reply.get("block", self.block))
        return bool(reply.get("ok")), reply.get("reason")

    def _wait_for_snapshot_after(self, block: int) -> None:
        """After an action, the next snapshot shows its effect; wait for it briefly."""
        with self._changed:
            version = self._snapshot
            self._changed.wait_for(lambda: self._snapshot is not version, 1.0)

    def snapshot(self) -> Any:
        with self.lock:
            return self._snapshot

    def wait_first_snapshot(self, timeout: float = 30) -> Any:
        with self._changed:
            self._changed.wait_for(lambda: self._snapshot is not None or self.closed_reason is not None, timeout)
            return self._snapshot

    def take_events(self) -> tuple[list, int]:
        with self.lock:
            events = list(self.events)
            self.events.clear()
            dropped, self.dropped_events = self.dropped_events, 0
        return events, dropped

    def take_halving(self) -> Any | None:
        return None  # the class's halving shows as an event line; the teacher explains it to everyone

    def take_prune(self) -> Any | None:
        return None

    def take_notices(self) -> list[tuple[str, str]]:
        with self.lock:
            notices = list(self.notices)
            self.notices.clear()
        return notices

    # ---- the clock is the teacher's ----
    @property
    def speed_label(self) -> str:
        rate = self.clock.get("blocks_per_second", 0)
        state = "paused by the teacher" if self.clock.get("paused") else f"{rate:g} blocks/s"
        return f"class clock: {state}" + (" · actions locked" if self.locked else "")

    @property
    def paused(self) -> bool:
        return bool(self.clock.get("paused")) or self.ended

    blocks_per_second = None
    """The game's worker calls ``step`` back to back: each call waits for the class's next block."""

    def change_speed(self, delta: int) -> None:
        """The teacher sets the class's speed; nothing to change here."""
