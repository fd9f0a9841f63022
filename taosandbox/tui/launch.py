"""Starting a game without Textual: which levels exist, how to build their World, autosave hooks.

The level loader (``taosandbox.levels``) and sessions (``taosandbox.sessions``) are written elsewhere;
everything here degrades gracefully when they are missing, so the title screen always works.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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


PLAYER_BALANCE_TAO = {"miner": 100.0, "validator": 3000.0, "delegator": 1000.0}
"""What the player starts with: a validator needs enough to stake its way to a permit."""


def sandbox_scenario(role: str, seed: int | None) -> dict[str, Any]:
    """The free sandbox: 8 validators, 32 miners of mixed skill, newcomers every 200 blocks."""
    validators = [
        {"role": "validator", "strategy": "honest", "stake_tao": stake, "registered_block": -10_000,
         "hotkey": f"val-{i}"}
        for i, stake in enumerate((2000.0, 1500.0, 1000.0, 800.0, 500.0, 300.0))
    ]
    validators += [
        {"role": "validator", "strategy": "copier", "stake_tao": 400.0, "registered_block": -10_000,
         "hotkey": "val-copier"},
        {"role": "validator", "strategy": "noisy", "stake_tao": 200.0, "registered_block": -10_000,
         "hotkey": "val-noisy"},
    ]
    models = ("logistic", "knn", "tree", "forest")
    miners = [
        {"role": "miner", "strategy": "honest", "model": models[i % len(models)], "budget": 60 + 40 * (i % 6),
         "registered_block": -10_000, "hotkey": f"miner-{i}"}
        for i in range(24)
    ]
    miners += [{"role": "miner", "strategy": "idle", "count": 4, "registered_block": -10_000, "hotkey": "idle"},
               {"role": "miner", "strategy": "random", "count": 3, "registered_block": -10_000,
                "hotkey": "random"},
               {"role": "miner", "strategy": "copycat", "copy_of": len(validators), "registered_block": -10_000,
                "hotkey": "copycat"}]
    data: dict[str, Any] = {
        "name": "sandbox",
        "hyperparameters": {"max_allowed_uids": 48},
        "neurons": validators + miners,
        "arrivals": [{"every": 200, "start": 50, "balance_tao": 20.0, "limit": 200}],
        "player": {"role": role, "balance_tao": PLAYER_BALANCE_TAO.get(role, 100.0)},
    }
    if seed is not None:
        data["seed"] = seed
    return data


def build_world(role: str, level: str | None, seed: int | None) -> Any:
    """Build the World (slow: trains models, imports scikit-learn). Call it from a worker thread."""
    from taosandbox.world import World  # type: ignore[import-not-found]

    if level:
        return _level_world(World, level, seed)
    return World(sandbox_scenario(role, seed), seed=seed)


def _level_world(world_cls: Any, level: str, seed: int | None) -> Any:
    import taosandbox.levels as levels  # type: ignore[import-not-found]

    for name in ("build_world", "start_level", "make_world"):
        fn = getattr(levels, name, None)
        if callable(fn):
            return fn(level, seed=seed)
    loaded = levels.load_level(level)
    scenario = _get(loaded, "scenario", loaded)
    return world_cls(scenario, seed=seed)


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
