"""The class protocol: small JSON messages over one WebSocket per client (docs/classroom.md).

Every message is a JSON object with ``type``; a client's first message is ``join`` (a student) or
``teacher`` (the console, with the secret) and names the protocol version ``v``. Requests that want an
answer carry an ``id`` that grows with every message of the connection; the answer (``result``) repeats
it. ``check`` turns a text frame into a message or raises ProtocolError with the reason sent back.
"""

from __future__ import annotations

import json
from typing import Any

VERSION = 1
MAX_MESSAGE_BYTES = 8 * 1024
"""A student's action fits in a few hundred bytes; anything longer is refused unread."""
RATE_PER_SECOND = 8.0
BURST = 16
"""Per connection: a token bucket of BURST messages refilled at RATE_PER_SECOND; beyond it, refused."""
SNAPSHOT_SECONDS = 0.25
"""At most ~4 snapshots a second per client; newer ones replace the unsent."""
ROSTER_SECONDS = 1.0
"""The teacher's roster and leaderboard are sent at most this often."""

CLIENT_TYPES = {
    "join": {"name": str, "code": str, "role": str},
    "teacher": {"secret": str},
    "action": {"id": int, "action": dict},
    "command": {"id": int, "command": str},
    "ping": {"id": int},
}
"""Message types a client may send and their required fields."""
COMMANDS = ("pause", "resume", "speed", "step", "skip", "broadcast", "lock", "unlock", "remove", "end",
            "debrief")
"""Teacher commands: ``speed`` takes ``delta`` (+1/-1), ``step`` ``blocks``, ``skip`` ``to`` ("epoch" or
"halving"), ``broadcast`` ``text``, ``remove`` ``coldkey``."""


class ProtocolError(ValueError):
    """A message refused as it stands (malformed, oversized, unknown, out of order)."""


def check(text: Any, last_id: int) -> dict[str, Any]:
    """The message in a text frame, checked; ``last_id`` is the connection's last id (ids must grow)."""
    if not isinstance(text, str):
        raise ProtocolError("send text frames of JSON")
    if len(text.encode("utf-8")) > MAX_MESSAGE_BYTES:
        raise ProtocolError(f"message too large (over {MAX_MESSAGE_BYTES} bytes)")
    try:
        message = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProtocolError(f"not JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(message, dict):
        raise ProtocolError("a message is a JSON object")
    kind = message.get("type")
    spec = CLIENT_TYPES.get(kind)  # type: ignore[arg-type]
    if spec is None:
        raise ProtocolError(f"unknown message type {kind!r}; expected one of {', '.join(CLIENT_TYPES)}")
    for name, typ in spec.items():
        value = message.get(name)
        if not isinstance(value, typ) or isinstance(value, bool):
            raise ProtocolError(f"{kind}: field {name!r} must be {typ.__name__}")
    if kind in ("join", "teacher") and message.get("v") != VERSION:
        raise ProtocolError(f"protocol version {message.get('v')!r} is not spoken here (this class speaks "
                            f"{VERSION}): update taosandbox")
    if "id" in spec and message["id"] <= last_id:
        raise ProtocolError(f"message id {message['id']} is out of order (last was {last_id})")
    return message


class RateLimit:
    """A token bucket; ``allow(now)`` is False when the client sends faster than it may."""

    def __init__(self, rate: float = RATE_PER_SECOND, burst: int = BURST):
        self.rate, self.burst = rate, burst
        self.tokens = float(burst)
        self.at: float | None = None

    def allow(self, now: float) -> bool:
        if self.at is not None:
            self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False
