"""From a world to a header, and from a header back to the same world.

A header names the world either by level (name + hash of the level's source; the whole level inline
when it comes from outside the package) or by an inline scenario (only the fields that differ from
the defaults, so the file stays small and readable), plus the seed and every ``--set`` override.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import asdict, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

from taosandbox import __version__
from taosandbox.world.scenario import Scenario, ScenarioError
from taosandbox.sessions.format import Header, SessionError, hyperparameters_hash, short_hash


def scenario_hash(scenario: Scenario) -> str:
    """Hash of the compact form plus the seed: fields a newer engine adds with defaults leave it alone
    (a changed default shows at the block-0 checkpoint instead)."""
    return short_hash({"seed": scenario.seed, **compact_scenario(scenario)})


def hyperparameter_values(hp: Any) -> dict[str, Any]:
    return {f.name: getattr(hp, f.name) for f in fields(hp)}


# ------------------------------------------------------------------ compact scenarios
def _compact(value: Any, default: Any) -> Any:
    """The parts of a dataclass value that differ from ``default`` (plain data)."""
    if is_dataclass(value) and type(value) is type(default):
        out = {}
        for f in fields(value):
            v, d = getattr(value, f.name), getattr(default, f.name)
            if v != d:
                out[f.name] = _compact(v, d)
        return out
    if isinstance(value, tuple) and value and all(is_dataclass(v) for v in value):
        return [_compact(v, type(v)()) for v in value]
    if is_dataclass(value):
        return asdict(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def compact_scenario(scenario: Scenario) -> dict[str, Any]:
    """Scenario data without the seed (the header has it) and without default values."""
    from taosandbox.chain.hyperparams import SANDBOX

    data = _compact(replace(scenario, hyperparameters=SANDBOX), Scenario())
    data.pop("seed", None)
    hp = _compact(scenario.hyperparameters, SANDBOX)
    if hp:
        data["hyperparameters"] = hp
    try:
        same = replace(Scenario.from_dict(data), seed=scenario.seed) == scenario
    except ScenarioError:
        same = False
    if not same:  # something the compact form cannot express: keep every field
        data = scenario.to_dict()
        data.pop("seed", None)
    return data


# ------------------------------------------------------------------ levels
def _is_packaged(level: Any) -> bool:
    from taosandbox.paths import levels_dir

    try:
        return level.path is not None and Path(level.path).resolve().parent == levels_dir().resolve()
    except OSError:
        return False


def level_reference(level: Any, rules: bool = True) -> tuple[dict[str, Any], Scenario]:
    """(the header's ``level`` entry, the level's scenario) for a ``Level`` or a level name/path.

    A shipped level is named (and hashed, so a changed level is noticed); a level from anywhere
    else is stored whole, so the session replays on another machine. ``rules``: whether the game
    attached the level's objectives and constraints (a headless ``run --level`` does not)."""
    from taosandbox.levels import LevelError, load_level

    if isinstance(level, (str, Path)):
        try:
            level = load_level(level)
        except LevelError as exc:
            raise SessionError(str(exc)) from None
    entry: dict[str, Any] = {"name": level.name, "hash": level.source_hash[:16], "rules": bool(rules)}
    if not _is_packaged(level):
        entry["inline"] = level.source
    return entry, level.scenario


def level_of(entry: dict[str, Any]) -> Any:
    """The ``Level`` a header names; SessionError if it is missing or has changed since."""
    from taosandbox.levels import LevelError, load_level, parse_level

    name = entry.get("name")
    try:
        if isinstance(entry.get("inline"), str):
            level = parse_level(entry["inline"], file=f"<level {name} stored in the session>")
        else:
            level = load_level(str(name))
    except LevelError as exc:
        raise SessionError(f"line 1: level {name!r}: {str(exc).splitlines()[0]}") from None
    if level.source_hash[:16] != entry.get("hash"):
        raise SessionError(f"line 1: level {name!r} changed since this session was saved (level hash "
                           f"{entry.get('hash')}, now {level.source_hash[:16]})")
    return level


def level_run_of(world: Any) -> Any:
    """The ``LevelRun`` a level world plays (score, objectives), or None for a sandbox world."""
    from taosandbox.levels.session import LevelSession

    session = LevelSession.of(world)
    return session.run if session is not None else None


# ------------------------------------------------------------------ header <-> world
def make_header(world: Any, *, level: Any = None, base_scenario: Scenario | dict | None = None,
                overrides: dict[str, Any] | None = None, checkpoint_every: int = 100,
                title: str = "", level_rules: bool = True) -> Header:
    """The header for a session of ``world``.

    ``level`` or ``base_scenario`` plus ``overrides`` say how the world was made; when they do not
    rebuild exactly ``world.scenario`` (or are not given) the scenario is stored inline instead."""
    scenario: Scenario = world.scenario
    overrides = dict(overrides or {})
    entry = None
    base = None
    if level is not None:
        try:
            entry, base = level_reference(level, level_rules)
        except SessionError:  # a level that cannot be read again: keep the world's scenario inline
            entry, base = None, None
    elif base_scenario is not None:
        base = base_scenario if isinstance(base_scenario, Scenario) else Scenario.from_dict(base_scenario)
    if base is not None:
        try:
            rebuilt = _apply(base, overrides, world.seed)
        except ScenarioError:
            rebuilt = None
        if rebuilt != scenario:  # the caller's recipe is not what this world runs: store the world's
            entry, base, overrides = None, None, {}
    if base is None:
        base, overrides = scenario, {}
    hp = scenario.hyperparameters
    return Header(
        engine=__version__, mechanism=hp.mechanism, hyperparameters_hash=hyperparameters_hash(hp),
        hyperparameters=hyperparameter_values(hp),
        scenario_hash=scenario_hash(scenario), seed=int(world.seed), overrides=overrides,
        checkpoint_every=int(checkpoint_every), level=entry,
        scenario=None if entry else compact_scenario(base),
        created=_dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), title=title,
    )


def _apply(base: Scenario, overrides: dict[str, Any], seed: int) -> Scenario:
    scenario = base.with_overrides(overrides) if overrides else base
    return replace(scenario, seed=seed)


def scenario_of(header: Header, level: Any = None) -> Scenario:
    """Rebuild the scenario a header describes, checking it is the one that was played."""
    if header.level is not None:
        base = (level or level_of(header.level)).scenario
    else:
        try:
            base = Scenario.from_dict(header.scenario)
        except ScenarioError as exc:
            raise SessionError(f"line 1: the stored scenario is not valid here: {exc.problems[0]}") from None
    try:
        scenario = _apply(base, header.overrides, header.seed)
    except ScenarioError as exc:
        raise SessionError(f"line 1: override {exc.problems[0]}") from None
    hp = scenario.hyperparameters
    if hp.mechanism != header.mechanism or hyperparameters_hash(hp) != header.hyperparameters_hash:
        # Only values that were recorded count: a hyperparameter added since (with a default that
        # keeps the old behaviour) is not a change of rules; the checkpoints check the rest.
        now = hyperparameter_values(hp)
        changed = [f"{name} {value!r} -> {now[name]!r}" if name in now else f"{name} no longer exists"
                   for name, value in header.hyperparameters.items() if now.get(name, ...) != value]
        if hp.mechanism != header.mechanism:
            changed.insert(0, f"mechanism {header.mechanism} -> {hp.mechanism}")
        if changed or not header.hyperparameters:
            raise SessionError("line 1: the rules changed since this session was saved: "
                               + (", ".join(changed) or f"hyperparameters {header.hyperparameters_hash} -> "
                                                        f"{hyperparameters_hash(hp)}"))
    if scenario_hash(scenario) != header.scenario_hash:
        what = f"level {header.level['name']!r}" if header.level else "the stored scenario"
        raise SessionError(f"line 1: {what} no longer builds the world that was played (scenario "
                           f"{header.scenario_hash} -> {scenario_hash(scenario)})")
    return scenario


def rebuild_world(header: Header) -> Any:
    """A fresh world at block 0, exactly as the recorded game started (with the level's rules, if it had them)."""
    from taosandbox.levels.session import build_world

    level = level_of(header.level) if header.level is not None else None
    scenario = scenario_of(header, level)
    rules = level if level is not None and header.level.get("rules", True) else None
    try:
        return build_world(rules, scenario=scenario)
    except ValueError as exc:
        raise SessionError(f"line 1: cannot build the world: {exc}") from None
