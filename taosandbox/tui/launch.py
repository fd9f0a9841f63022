"""Starting a game without Textual: which levels and saves exist, how to build a World, saving.

Nothing here imports scikit-learn at import time: the title screen must show within a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from taosandbox.world.scenario import sandbox_scenario


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
    ruleset: str = "2024"
    """``2024`` or ``dtao`` (docs/dtao.md)."""


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
                       passed=bool(_get(item, "passed", False)), problem=_get(item, "problem", None),
                       ruleset=str(_get(item, "ruleset", "2024") or "2024"))


def available_levels() -> list[LevelChoice]:
    """Levels from ``taosandbox.levels.list_levels()`` (a broken level file is listed with its problem);
    empty when the levels folder cannot be read."""
    from taosandbox.levels import list_levels  # imported here: the title screen comes up before it

    try:
        return [as_choice(item) for item in list_levels()]
    except OSError:
        return []


def level_ruleset(level: str) -> str:
    """``"dtao"`` or ``"2024"`` for a level name or file (a file that cannot be read: ``"2024"``, and
    building its world will say why)."""
    from taosandbox.levels import LevelError, load_level

    try:
        return load_level(level).ruleset
    except (LevelError, OSError):
        return "2024"


def new_game_world(role: str, level: str | None, seed: int | None) -> Any:
    """The level's world, or else the free sandbox for ``role`` (slow: call it from a worker thread)."""
    from taosandbox.levels import build_world

    if level:
        return build_world(level, seed=seed)
    return build_world(scenario=sandbox_scenario(role, seed), seed=seed)


def autosave_available() -> bool:
    """True when there is an autosaved game to continue (an unreadable save directory means no)."""
    from taosandbox import sessions

    try:
        return sessions.has_autosave()
    except OSError:
        return False


def available_saves() -> list[Any]:
    """Saved sessions for the replay viewer, named first, then autosaves (newest first)."""
    from taosandbox import sessions

    try:
        return sessions.list_saves()
    except OSError:
        return []


def start_recording(world: Any) -> str | None:
    """Record the game from its start; returns a notice for the player (a continued game whose file
    was only partly intact), or None. A game that cannot be recorded (disk, damaged file) goes on unsaved."""
    from taosandbox import sessions

    try:
        return sessions.record(world).notice
    except (sessions.SessionError, OSError) as exc:  # saving must never take the game down
        return f"this game cannot be saved: {exc}"


def autosave(world: Any) -> str | None:
    """Save ``world`` for "continue"; returns a note for the player if it could not be written."""
    if world is None:
        return None
    from taosandbox import sessions

    try:
        sessions.autosave(world)
    except (sessions.SessionError, OSError) as exc:  # quitting must never crash on a full disk
        return f"autosave failed: {exc}"
    return None
