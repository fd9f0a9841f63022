"""Did-you-mean hints for misspelt names (fields, kinds, hyperparameters, levels), in one wording."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(name: str, choices: Iterable[str]) -> str | None:
    """The choice most like ``name`` (difflib ratio >= 0.6), or None when nothing is close."""
    close = difflib.get_close_matches(str(name), list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """``"; did you mean 'kappa'?"`` to append to an error message, or ``""`` when nothing is close."""
    match = closest(name, choices)
    return f"; did you mean {match!r}?" if match is not None else ""
