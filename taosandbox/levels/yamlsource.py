"""Read YAML into plain data while remembering the line of every field, by dotted path.

Paths use the scenario's spelling: ``world.neurons[2].stake_tao``, ``objectives.all[0].by_block``.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode


class YamlProblem(Exception):
    """Bad YAML; ``line`` is 1-based (0 when unknown), ``path`` the field if known."""

    def __init__(self, line: int, message: str, path: str = "yaml"):
        super().__init__(message)
        self.line = line
        self.message = message
        self.path = path


class LineMap:
    """Dotted path -> 1-based line; unknown paths fall back to their nearest known parent."""

    def __init__(self) -> None:
        self._lines: dict[str, int] = {}

    def add(self, path: str, line: int) -> None:
        self._lines.setdefault(path, line)

    def line(self, path: str) -> int:
        while True:
            if path in self._lines:
                return self._lines[path]
            if not path:
                return 1
            path = _parent(path)

    def __contains__(self, path: str) -> bool:
        return path in self._lines


def _parent(path: str) -> str:
    cut = max(path.rfind("."), path.rfind("["))
    return path[:cut] if cut > 0 else ""


def join(prefix: str, key: Any) -> str:
    if isinstance(key, int):
        return f"{prefix}[{key}]"
    return f"{prefix}.{key}" if prefix else str(key)


def load(text: str) -> tuple[Any, LineMap]:
    """Parse one YAML document into plain data and its line map; YamlProblem on bad YAML."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        what = exc.problem or str(exc)
        if exc.context:
            what = f"{what} ({exc.context})"
        raise YamlProblem(line, f"not valid YAML: {what}") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(0, f"not valid YAML: {exc}") from None
    lines = LineMap()
    if node is None:
        return None, lines
    return _convert(node, "", lines, SafeConstructor(), 0), lines


_MAX_DEPTH = 60


def _convert(node: Node, path: str, lines: LineMap, ctor: SafeConstructor, depth: int) -> Any:
    lines.add(path, node.start_mark.line + 1)
    if depth > _MAX_DEPTH:
        raise YamlProblem(node.start_mark.line + 1, "nested too deeply (or a recursive alias)", path)
    if isinstance(node, MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node, path, ctor)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise YamlProblem(key_node.start_mark.line + 1, "a field name must be plain text", path)
            if isinstance(key, bool):
                key = key_node.value  # YAML 1.1 reads `on:` / `yes:` as booleans; keep the name as written
            key_path = join(path, str(key))
            if key in result:
                raise YamlProblem(key_node.start_mark.line + 1, f"{key!s} appears twice", key_path)
            lines.add(key_path, key_node.start_mark.line + 1)
            result[key] = _convert(value_node, key_path, lines, ctor, depth + 1)
        return result
    if isinstance(node, SequenceNode):
        return [_convert(item, join(path, i), lines, ctor, depth + 1) for i, item in enumerate(node.value)]
    return _scalar(node, path, ctor)


def _scalar(node: Node, path: str, ctor: SafeConstructor) -> Any:
    if not isinstance(node, ScalarNode):
        raise YamlProblem(node.start_mark.line + 1, "a field name must be plain text", path)
    try:
        value = ctor.construct_object(node, deep=True)
    except (ConstructorError, ValueError) as exc:
        raise YamlProblem(node.start_mark.line + 1, f"cannot read this value: {exc}", path) from None
    if not isinstance(value, (str, int, float, bool)) and value is not None:
        # timestamps, binary: nothing in a level uses them; keep the text so type checks explain.
        return node.value
    return value
