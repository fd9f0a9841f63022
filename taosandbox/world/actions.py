"""Player actions: the only way the game changes the world.

An action is plain data. The world applies it (``World.apply``) or refuses it with a reason; either way
it goes into the session log with its block, so replay = seed + actions. ``to_dict``/``action_from_dict``
give the saved form (``{"kind": "add_stake", "hotkey": "...", "amount_rao": 5000000000}``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, ClassVar

from taosandbox.world.model_choice import ModelChoice


@dataclass(frozen=True)
class Action:
    """Base class; ``kind`` names the action in saved sessions."""

    kind: ClassVar[str] = ""

    def to_dict(self) -> dict[str, Any]:
        data = {"kind": self.kind}
        data.update(asdict(self))
        return data


@dataclass(frozen=True)
class Register(Action, ModelChoice):
    """Pay the burn and take a UID with a new hotkey of the player's coldkey."""

    kind: ClassVar[str] = "register"
    role: str = "miner"
    """"miner" or "validator": what the player's agent on this hotkey does."""
    hotkey: str | None = None
    """Name of the new hotkey; the world picks one if None."""


@dataclass(frozen=True)
class Deregister(Action):
    """Leave the subnet: the player's hotkey gives up its UID (a sandbox shortcut; see docs)."""

    kind: ClassVar[str] = "deregister"
    hotkey: str = ""


@dataclass(frozen=True)
class SetModel(Action, ModelChoice):
    """Choose the player's miner model and train it now."""

    kind: ClassVar[str] = "set_model"
    hotkey: str = ""


@dataclass(frozen=True)
class Retrain(Action):
    """Retrain the player's miner on the currently available data (after drift, say)."""

    kind: ClassVar[str] = "retrain"
    hotkey: str = ""


@dataclass(frozen=True)
class SetWeights(Action):
    """Hand-set the player validator's weights (uids and u16-scaled or relative values)."""

    kind: ClassVar[str] = "set_weights"
    hotkey: str = ""
    uids: tuple[int, ...] = ()
    values: tuple[float, ...] = ()


@dataclass(frozen=True)
class SetScoring(Action):
    """Let the player's validator score miners itself (auto weights) with these settings.

    ``auto=False`` stops automatic weight setting (hand-set weights only)."""

    kind: ClassVar[str] = "set_scoring"
    hotkey: str = ""
    auto: bool = True
    sample_size: int = 8
    ema_alpha: float = 0.1
    power: float = 2.0


@dataclass(frozen=True)
class AddStake(Action):
    """Stake free TAO from the player's coldkey on a hotkey (own, or a delegate's: delegation)."""

    kind: ClassVar[str] = "add_stake"
    hotkey: str = ""
    amount_rao: int = 0


@dataclass(frozen=True)
class RemoveStake(Action):
    """Unstake back to the player's free balance."""

    kind: ClassVar[str] = "remove_stake"
    hotkey: str = ""
    amount_rao: int = 0


@dataclass(frozen=True)
class SetTake(Action):
    """Set the take (u16 fraction of 65535) of one of the player's hotkeys as a delegate."""

    kind: ClassVar[str] = "set_take"
    hotkey: str = ""
    take: int = 11796


@dataclass(frozen=True)
class Answer(Action):
    """The player answers a level's question (an objective id) with a number; levels check it."""

    kind: ClassVar[str] = "answer"
    question_id: str = ""
    value: float = 0.0


ACTION_TYPES: dict[str, type[Action]] = {
    cls.kind: cls
    for cls in (Register, Deregister, SetModel, Retrain, SetWeights, SetScoring, AddStake, RemoveStake,
                SetTake, Answer)
}


def register_action(cls: type[Action]) -> type[Action]:
    """Add an action type defined elsewhere (governance) to the registry."""
    ACTION_TYPES[cls.kind] = cls
    return cls


# Governance (docs/governance.md)

@register_action
@dataclass(frozen=True)
class Propose(Action):
    """As a triumvirate member, propose new values for subnet hyperparameters (or a mechanism toggle)."""

    kind: ClassVar[str] = "propose"
    changes: dict = field(default_factory=dict)
    """hyperparameter -> new value, e.g. {"max_take": 6553} or {"mechanism": "yuma3_2026"}."""
    title: str = ""


@register_action
@dataclass(frozen=True)
class Vote(Action):
    """As a senator, vote aye or nay on an open proposal (once)."""

    kind: ClassVar[str] = "vote"
    proposal: int = 0
    aye: bool = True
    hotkey: str = ""
    """The player's senator hotkey that votes; empty = the first one in the senate."""


def action_from_dict(data: dict[str, Any]) -> Action:
    """The inverse of ``Action.to_dict``; ValueError names the bad field."""
    if not isinstance(data, dict):
        raise ValueError(f"an action must be a mapping, got {type(data).__name__}")
    kind = data.get("kind")
    cls = ACTION_TYPES.get(kind)  # type: ignore[arg-type]
    if cls is None:
        raise ValueError(f"kind: unknown action {kind!r}; expected one of {', '.join(sorted(ACTION_TYPES))}")
    allowed = {f.name for f in fields(cls)}
    unknown = set(data) - allowed - {"kind"}
    if unknown:
        raise ValueError(f"{sorted(unknown)[0]}: not a field of {kind} (fields: {', '.join(sorted(allowed))})")
    values = {k: v for k, v in data.items() if k != "kind"}
    for name in ("uids", "values"):
        if name in values and isinstance(values[name], list):
            values[name] = tuple(values[name])
    return cls(**values)
