"""App-wide messages. Posted from the simulation thread (``post_message`` is thread-safe)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message


@dataclass
class WorldUpdated(Message):
    """A fresh snapshot to show. A queued older one is dropped when a newer one arrives."""

    snapshot: Any

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, WorldUpdated)


@dataclass
class SimStopped(Message):
    """The simulation worker stopped by itself (halving reached, skip finished, cap hit)."""

    reason: str


@dataclass
class ActionFinished(Message):
    """A player action came back from the world: applied, or refused with the engine's reason."""

    action: Any
    ok: bool
    reason: str | None


@dataclass
class WorldBuilt(Message):
    """The world finished building in its worker (or failed: ``error`` says why)."""

    world: Any
    error: str | None = None


@dataclass
class RequestAction(Message):
    """A panel wants the world to apply ``action`` (the game screen sends it through the sim lock)."""

    action: Any
