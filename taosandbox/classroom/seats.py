"""Who sits in the class: names, join codes and coldkeys."""

from __future__ import annotations

import re
import secrets
from dataclasses import asdict, dataclass

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""Join codes avoid look-alikes (0/O, 1/I/L) so they can be read off a projector."""

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,23}$")
ROLES = ("miner", "validator", "delegator")


class JoinRefused(ValueError):
    """A join that cannot be accepted; the message is shown on the student's screen."""


def new_code(length: int = 6) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def new_secret() -> str:
    return secrets.token_urlsafe(18)


def coldkey_for(name: str) -> str:
    """The coldkey of a student: the name in lower case, spaces as dashes ("Ada L" -> "ada-l")."""
    return re.sub(r"[ _.]+", "-", name.strip().lower())


def check_name(name: object) -> str:
    if not isinstance(name, str) or not NAME_PATTERN.match(name.strip()):
        raise JoinRefused("a name is 1 to 24 letters, digits, spaces, '-', '_' or '.', starting with a "
                          "letter or digit")
    return name.strip()


@dataclass
class Seat:
    """One student's place in the class; it outlives their connection."""

    name: str
    coldkey: str
    role: str
    joined_block: int = 0
    removed: bool = False
    last_action: str = ""
    actions: int = 0
    refused: int = 0
    group: str = ""
    """The activity group (a class level's ``class.groups``); empty in the free sandbox."""
    connected: bool = False
    """Not saved: nobody is connected to a class that has just been resumed."""

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("connected")
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Seat":
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__ and k != "connected"})
