"""Form fields that check what the person types as they type it, and say what is wrong.

The parsers are plain functions (ValueError with a one-line reason) so tests and the validators share them.
"""

from __future__ import annotations

import math
from typing import Any, Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Label, Static

from taosandbox.chain.units import format_tao, tao_to_rao


def parse_tao(text: str, *, available_rao: int | None = None) -> int:
    """'12.5' -> 12_500_000_000 rao; refuses nonsense, zero, negatives and more than is available."""
    text = text.strip().replace(",", "").replace("τ", "").strip()
    if not text:
        raise ValueError("enter an amount of TAO, e.g. 10 or 2.5")
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise ValueError("the amount must be more than 0")
    rao = tao_to_rao(value)
    if rao == 0:
        raise ValueError("less than 1 rao (10^-9 τ)")
    if available_rao is not None and rao > available_rao:
        raise ValueError(f"you only have {format_tao(available_rao)}")
    return rao


def parse_weights(text: str, *, known_uids: set[int] | None = None) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """'3:1, 7:0.5' -> ((3, 7), (1.0, 0.5)); relative weights, at least one above zero."""
    uids: list[int] = []
    values: list[float] = []
    parts = [p for p in text.replace(";", ",").split(",") if p.strip()]
    if not parts:
        raise ValueError("enter uid:weight pairs, e.g. 3:1, 7:0.5")
    for part in parts:
        uid_text, sep, weight_text = part.partition(":")
        if not sep:
            raise ValueError(f"{part.strip()!r}: write uid:weight")
        try:
            uid = int(uid_text.strip())
        except ValueError:
            raise ValueError(f"{uid_text.strip()!r} is not a uid (a whole number)") from None
        try:
            weight = float(weight_text.strip())
        except ValueError:
            raise ValueError(f"{weight_text.strip()!r} is not a weight (a number)") from None
        if uid < 0 or (known_uids is not None and uid not in known_uids):
            raise ValueError(f"uid {uid} is not in the metagraph")
        if not math.isfinite(weight) or weight < 0:
            raise ValueError(f"uid {uid}: a weight must be 0 or more")
        if uid in uids:
            raise ValueError(f"uid {uid} appears twice")
        uids.append(uid)
        values.append(weight)
    if not any(values):
        raise ValueError("at least one weight must be above 0")
    return tuple(uids), tuple(values)


def parse_params(text: str, allowed: dict[str, Any] | None) -> dict[str, Any]:
    """'C=1.0, max_iter=200' -> {'C': 1.0, 'max_iter': 200}; names must be allowed for the model."""
    params: dict[str, Any] = {}
    for part in (p for p in text.split(",") if p.strip()):
        name, sep, raw = part.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ValueError(f"{part.strip()!r}: write name=value")
        if allowed is not None and name not in allowed:
            names = ", ".join(sorted(allowed)) or "none"
            raise ValueError(f"{name!r} is not a setting of this model (settings: {names})")
        raw = raw.strip()
        value: Any
        try:
            value = int(raw)
        except ValueError:
            try:
                value = float(raw)
            except ValueError:
                value = raw
        params[name] = value
    return params


def parse_number(text: str, low: float, high: float, *, whole: bool = False) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not a number (expected {low:g} to {high:g})") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise ValueError(f"must be between {low:g} and {high:g}")
    if whole and not value.is_integer():
        raise ValueError(f"must be a whole number between {low:g} and {high:g}")
    return value


class ParseValidator(Validator):
    """Adapts one of the parsers above: valid when it parses, otherwise its reason is the failure."""

    def __init__(self, parse: Callable[[str], Any]) -> None:
        super().__init__()
        self.parse = parse

    def validate(self, value: str) -> ValidationResult:
        try:
            self.parse(value)
        except ValueError as exc:  # the parsers' one way to say no; anything else is a bug and shows as one
            return self.failure(str(exc))
        return self.success()


class Field(Vertical):
    """A labelled Input whose problems are written under it as the person types."""

    DEFAULT_CSS = """
    Field {
        height: auto;
        width: 1fr;
        /* A label wider than its field ends in an ellipsis, and a gap keeps it off the next one. */
        & > Label { color: $text-muted; width: 100%; padding-right: 1; text-wrap: nowrap; text-overflow: ellipsis; }
        & > .field-error { color: $text-error; height: auto; }
        & > Input { width: 1fr; }
    }
    """

    def __init__(self, label: str, parse: Callable[[str], Any], *, value: str = "",
                 placeholder: str = "", id: str | None = None) -> None:
        super().__init__(id=id)
        self.label = label
        self.parse = parse
        self._value = value
        self._placeholder = placeholder

    def compose(self) -> ComposeResult:
        yield Label(self.label)
        yield Input(value=self._value, placeholder=self._placeholder,
                    validators=[ParseValidator(self.parse)], validate_on=["changed", "submitted"])
        yield Static("", classes="field-error")

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @on(Input.Changed)
    def _show_problem(self, event: Input.Changed) -> None:
        result = event.validation_result
        text = "" if result is None or result.is_valid or not event.value else "; ".join(
            result.failure_descriptions)
        self.query_one(".field-error", Static).update(text)

    def parsed(self) -> Any:
        """The parsed value; ValueError (with the reason, also shown under the field) if invalid."""
        try:
            value = self.parse(self.input.value)
        except ValueError as exc:
            self.query_one(".field-error", Static).update(str(exc))
            raise
        self.query_one(".field-error", Static).update("")
        return value
