"""Starting a game without Textual: which levels exist, how to build their World, autosave hooks.

The level loader (``taosandbox.levels``) and sessions (``taosandbox.sessions``) are written elsewhere;
everything here degrades gracefully when they are missing, so the title screen always works.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from taosandbox.scenario import sandbox_scenario


@dataclass(frozen=True)
class LevelChoice:
    """One line of the level chooser."""

    name: str
    title: str
    role: str
    """"miner", "validator", "delegator" or "any"."""
    passed: bool = False
    problem: str | None = None
    """Why the level file cannot be played (listed, not startable)."""


def _get(item: Any, key: str, default: Any = None) -> Any:
    if isinstance(item, dict):
        return item.get(key, default)
    return getattr(item, key, default)


def as_choice(item: Any) -> LevelChoice:
    """A (name, title, role) tuple, dict or level object as a LevelChoice."""
    if isinstance(item, (tuple, list)):
        name, title, role = (list(item) + ["", "", "any"])[:3]
        return LevelChoice(str(name), str(title or name), str(role or "any"))
    name = str(_get(item, "name", "") or _get(item, "id", ""))
    role = _get(item, "role", None)
    if role is None:
        role = _get(_get(_get(item, "scenario", {}) or {}, "player", {}) or {}, "role", "any")
    return LevelChoice(name, str(_get(item, "title", name) or name), str(role or "any"),
                       passed=bool(_get(item, "passed", False)), problem=_get(item, "problem", None))


def available_levels() -> list[LevelChoice]:
    """Levels from ``taosandbox.levels.list_levels()``; empty when the loader is not installed."""
    try:
        from taosandbox.levels import list_levels  # type: ignore[import-not-found]
    except ImportError:
        return []
    try:
        return [as_choice(item) for item in list_levels()]
    except Exception:  # a broken level file must not stop the title screen
        return []


def build_world(role: str, level: str | None, seed: int | None) -> Any:
    """Build the World (slow: trains models, imports scikit-learn). Call it from a worker thread."""
    if level:
        from taosandbox.levels import build_world as build_level_world

        return build_level_world(level, seed=seed)
    from taosandbox.world import World

    return World(sandbox_scenario(role, seed), seed=seed)


def autosave_available() -> bool:
    """True when the sessions module exists and has an autosaved game to continue."""
    try:
        from taosandbox import sessions  # type: ignore[attr-defined]
    except ImportError:
        return False
    check = getattr(sessions, "has_autosave", None)
    try:
        return bool(check()) if callable(check) else False
    except Exception:
        return False


def start_recording(world: Any) -> str | None:
    """Hook: record the game from its start (``taosandbox.sessions.record``); never raises.

    Returns the recorder's notice (a continued game whose file was only partly intact), or None."""
    try:
        from taosandbox import sessions  # type: ignore[attr-defined]

        return sessions.record(world).notice
    except Exception:  # no sessions, or a world it cannot describe: the game goes on unsaved
        return None


def autosave(world: Any) -> str | None:
    """Hook: save ``world`` for "continue" if the sessions module exists; returns a note for the user.

    Without ``taosandbox.sessions`` this does nothing (and says so); it never raises."""
    if world is None:
        return None
    try:
        from taosandbox import sessions  # type: ignore[attr-defined]
    except ImportError:
        return "sessions are not installed: this game was not saved"
    save = getattr(sessions, "autosave", None)
    if not callable(save):
        return "sessions cannot autosave yet: this game was not saved"
    try:
        save(world)
    except Exception as exc:
        return f"autosave failed: {exc}"
    return None
