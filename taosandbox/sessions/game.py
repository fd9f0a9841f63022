"""What the game calls: record a game from its start, autosave it, and continue the latest one.

``taosandbox.tui.launch`` calls them (``record``, ``autosave``, ``has_autosave``, ``load_autosave``) and
turns a ``SessionError`` or ``OSError`` into a note for the player.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from taosandbox.levels.session import LevelSession
from taosandbox.sessions.format import SessionError
from taosandbox.sessions.recorder import SessionRecorder
from taosandbox.sessions.store import latest_autosave, load


def _level_of(world: Any) -> Any:
    session = LevelSession.of(world)
    return session.level if session is not None else None


def record(world: Any) -> SessionRecorder:
    """The recorder of ``world``, attaching one (autosaving to a new file) if it has none yet.

    Call it when the game opens, so the file has every checkpoint from block 0; the level, if the
    world plays one, is found through ``LevelSession.of(world)``."""
    recorder = SessionRecorder.of(world)
    if recorder is None:
        recorder = SessionRecorder(world, level=_level_of(world), autosave=True)
    return recorder


def autosave(world: Any) -> Path | None:
    """Save ``world``'s game now (on quit, on leaving a game); returns the file written."""
    if not hasattr(world, "action_log") or not hasattr(world, "state_hash"):
        raise SessionError(f"not a game world ({type(world).__name__}): nothing saved")
    return record(world).autosave()


def has_autosave() -> bool:
    """True when there is an autosaved game whose file can be read (for "Continue")."""
    path = latest_autosave()
    if path is None:
        return False
    try:
        load(path)
    except SessionError:
        return False
    return True


def load_autosave() -> Any:
    """The latest autosaved game, replayed to where it stopped (slow: builds the world; use a worker).

    It goes on autosaving to a new file; ``SessionRecorder.of(world).notice`` says if the file was
    damaged and only its intact part could be replayed."""
    from taosandbox.sessions.replay import resume

    path = latest_autosave()
    if path is None:
        raise SessionError("there is no autosaved game to continue")
    return resume(path)
