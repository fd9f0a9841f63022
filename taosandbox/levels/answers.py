"""A player's answer to a level's question: an action, so it lands in the session log and replays."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from taosandbox.actions import ACTION_TYPES, Action, register_action


@dataclass(frozen=True)
class Answer(Action):
    """The player answers question ``question_id`` (an objective id) with a number."""

    kind: ClassVar[str] = "answer"
    question_id: str = ""
    value: float = 0.0


if "answer" not in ACTION_TYPES:
    register_action(Answer)
