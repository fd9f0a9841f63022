"""Player actions of governance, registered with the other actions so they replay from session logs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from taosandbox.actions import Action, register_action


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
