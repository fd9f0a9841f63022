"""Checked reading of plain data: every mistake becomes (dotted path, message), none raises."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable

from taosandbox.levels.yamlsource import join
from taosandbox.spelling import closest, did_you_mean


def show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


@dataclass(frozen=True)
class Param:
    """One named parameter of an objective or a constraint, and what it accepts."""

    name: str
    type: str
    """int, number, text, bool, texts (list of text), selector, expected (number or quantity)."""
    default: Any = None
    required: bool = False
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    help: str = ""

    def expected(self) -> str:
        if self.choices:
            return "one of " + ", ".join(self.choices)
        base = {
            "int": "a whole number", "number": "a number", "text": "text", "bool": "true or false",
            "texts": "a list of text", "selector": "player, or a mapping with uid/strategy/role",
            "expected": "a number, or {quantity: NAME}",
        }[self.type]
        if self.low is not None and self.high is not None:
            return f"{base} in [{_num(self.low)}, {_num(self.high)}]"
        if self.low is not None:
            return f"{base} >= {_num(self.low)}"
        if self.high is not None:
            return f"{base} <= {_num(self.high)}"
        return base


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


class Reader:
    """Collects problems while reading; callers check ``problems`` at the end."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    def bad(self, path: str, message: str) -> None:
        self.problems.append((path, message))

    def mapping(self, data: Any, path: str, allowed: Iterable[str], required: Iterable[str] = (),
                what: str = "field") -> dict | None:
        """``data`` as a dict with only ``allowed`` keys and every ``required`` one; None if not a dict."""
        if not isinstance(data, dict):
            self.bad(path, f"expected a mapping (name: value lines), got {show(data)}")
            return None
        allowed = list(allowed)
        meant = set()  # a misspelt field is reported once, not also as a missing one
        for key in data:
            if key not in allowed:
                if (match := closest(str(key), allowed)) is not None:
                    meant.add(match)
                self.bad(join(path, str(key)), f"unknown {what}{did_you_mean(str(key), allowed)} "
                                               f"(expected one of {', '.join(allowed)})")
        for key in required:
            if key in meant:
                continue
            if key not in data or data[key] is None:
                self.bad(join(path, key), "missing (this field is required)")
        return data

    def value(self, data: dict, param: Param, path: str) -> Any:
        """Read ``param`` from ``data`` (default when absent), checking type and range."""
        where = join(path, param.name)
        if param.name not in data or data[param.name] is None:
            if param.required and param.name in data:
                self.bad(where, f"must not be empty (expected {param.expected()})")
            return param.default
        return self.check(data[param.name], param, where)

    def check(self, raw: Any, param: Param, where: str) -> Any:
        kind = param.type
        expected = f"(expected {param.expected()})"
        if kind == "bool":
            if not isinstance(raw, bool):
                self.bad(where, f"{show(raw)} is not true or false {expected}")
                return param.default
            return raw
        if kind in ("int", "number"):
            if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw):
                self.bad(where, f"{show(raw)} is not a number {expected}")
                return param.default
            if kind == "int" and not float(raw).is_integer():
                self.bad(where, f"{show(raw)} is not a whole number {expected}")
                return param.default
            value = int(raw) if kind == "int" else float(raw)
            if (param.low is not None and value < param.low) or (param.high is not None and value > param.high):
                self.bad(where, f"{_num(value)} is out of range {expected}")
                return param.default
            return value
        if kind == "text":
            if not isinstance(raw, str) or not raw.strip():
                self.bad(where, f"{show(raw)} is not text {expected}")
                return param.default
            if param.choices and raw not in param.choices:
                self.bad(where, f"{raw!r} is not allowed{did_you_mean(raw, param.choices)} {expected}")
                return param.default
            return raw
        if kind == "texts":
            if not isinstance(raw, list) or not all(isinstance(x, str) and x.strip() for x in raw):
                self.bad(where, f"{show(raw)} is not a list of text {expected}")
                return tuple(param.default or ())
            if param.choices:
                for i, item in enumerate(raw):
                    if item not in param.choices:
                        self.bad(join(where, i), f"{item!r} is not allowed{did_you_mean(item, param.choices)} "
                                                 f"{expected}")
            return tuple(raw)
        return raw  # selector / expected: checked by their owners
