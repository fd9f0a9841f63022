"""Why the chain refused something. Every refusal leaves the state unchanged."""

from __future__ import annotations


class ChainError(ValueError):
    """A refused call; ``code`` is a stable name for tests and levels, the message is for people."""

    def __init__(self, code: str, message: str):
        self.code = code
        super().__init__(message)
