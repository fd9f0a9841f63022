"""The session file: JSON lines, one record per line, each line with its own checksum.

Line 1 is the header (what world to build); then, in block order, ``checkpoint`` lines (the world's
state hash at a block, before that block's actions), ``action`` lines (a player action and the block
it was applied at) and a closing ``end`` line (the block and state hash when the file was saved).
Every record carries ``n`` (its line number, so a deleted or swapped line shows) and ``crc``
(CRC-32 of the record's canonical form, so damage is found line by line). ``docs/sessions.md``
documents every field.

This module is plain data and text: it imports neither the world nor numpy.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass, field, fields
from typing import Any

FORMAT = 1
"""Version of the file layout; a file with a larger one is refused."""

RECORD_TYPES = ("header", "checkpoint", "action", "end")

RULES_SINCE = "0.2.0"
"""The engine version whose chain rules this engine runs. 0.2.0 made the money around the epoch follow
the chain (drains count the net stake change since the last drain, genesis stake counts at the first
drain, the 2024 epoch schedule, the staking rules: docs/differences.md), so a file written by an older
engine replays its actions under these rules, and its checkpoints, taken under the old ones, cannot
match."""


class SessionError(ValueError):
    """A session file that cannot be used, with a one-line reason naming the line."""


# ------------------------------------------------------------------ hashing helpers
def _plain(obj: Any) -> Any:
    """numpy numbers and arrays (an action built from engine values) as plain JSON values."""
    if hasattr(obj, "tolist"):
        return obj.tolist()
    raise TypeError(f"cannot write {type(obj).__name__} in a session file")


def canonical(obj: Any) -> str:
    """Compact JSON with sorted keys: the form checksums and hashes are taken over."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain)


def crc_of(record: dict[str, Any]) -> str:
    body = {k: v for k, v in record.items() if k != "crc"}
    return f"{zlib.crc32(canonical(body).encode('utf-8')):08x}"


def short_hash(obj: Any) -> str:
    """A 16-hex-digit digest of plain data (hyperparameters, scenarios, level sources)."""
    return hashlib.blake2b(canonical(obj).encode("utf-8"), digest_size=8).hexdigest()


def hyperparameters_hash(hp: Any) -> str:
    return short_hash({f.name: getattr(hp, f.name) for f in fields(hp)})


def version_tuple(text: str) -> tuple[int, ...]:
    parts = []
    for piece in str(text).split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


# ------------------------------------------------------------------ records
def encode_record(record: dict[str, Any], n: int) -> str:
    """One line of text (without newline): the record with ``n`` and ``crc`` added, keys in order."""
    body = {"type": record["type"], "n": n}
    body.update((k, v) for k, v in record.items() if k not in ("type", "n", "crc"))
    body["crc"] = crc_of(body)
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False, default=_plain)


@dataclass
class Header:
    """What the first line says: how to rebuild the world, and with which engine and rules."""

    engine: str
    mechanism: str
    hyperparameters_hash: str
    scenario_hash: str
    """Hash of the scenario the world was built from (after overrides and seed; its compact form, so a
    field a newer engine adds with a default does not change it)."""
    seed: int
    overrides: dict[str, Any]
    checkpoint_every: int
    level: dict[str, Any] | None = None
    """``{"name", "hash"}`` for a packaged level, plus ``"inline"`` for one from outside the package."""
    scenario: dict[str, Any] | None = None
    """The scenario inline (only the fields that differ from the defaults) when there is no level."""
    created: str = ""
    title: str = ""
    format: int = FORMAT
    hyperparameters: dict[str, Any] = field(default_factory=dict)
    """Every hyperparameter's value: a changed rule is named in the error, a rule added later is not one."""

    @property
    def older_rules(self) -> str | None:
        """Why this file's checkpoints cannot match (recorded under an older engine's chain rules), or None."""
        if version_tuple(self.engine) >= version_tuple(RULES_SINCE):
            return None
        return (f"recorded by taosandbox {self.engine}, before the chain rules of {RULES_SINCE}: its actions "
                f"replay under today's rules, but its checkpoints were taken under the old ones and cannot match")

    def to_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {"type": "header", "format": self.format, "engine": self.engine,
                                  "mechanism": self.mechanism,
                                  "hyperparameters_hash": self.hyperparameters_hash,
                                  "hyperparameters": self.hyperparameters,
                                  "scenario_hash": self.scenario_hash, "seed": self.seed,
                                  "overrides": self.overrides, "checkpoint_every": self.checkpoint_every,
                                  "level": self.level, "scenario": self.scenario,
                                  "created": self.created, "title": self.title}
        return record


@dataclass
class Session:
    """A parsed session file: the header and the intact records after it.

    ``damage`` says why reading stopped early (None when the whole file was intact); everything
    before that line is in ``actions`` / ``checkpoints`` and can still be replayed."""

    header: Header
    actions: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    action_lines: list[int] = field(default_factory=list)
    """The line number of each action (for error messages)."""
    checkpoints: list[tuple[int, str]] = field(default_factory=list)
    end: tuple[int, str] | None = None
    """(block, state hash) when the file was saved; None if the end line is missing or damaged."""
    damage: str | None = None
    lines: int = 0
    """Intact lines read (header included)."""
    path: str | None = None

    @property
    def last_block(self) -> int:
        """The last block the intact part of the file reaches."""
        blocks = [0]
        if self.end:
            blocks.append(self.end[0])
        if self.actions:
            blocks.append(self.actions[-1][0])
        if self.checkpoints:
            blocks.append(self.checkpoints[-1][0])
        return max(blocks)

    def to_text(self) -> str:
        return session_text(self.header, self.actions, self.checkpoints, self.end)


def session_text(header: Header, actions: list[tuple[int, dict[str, Any]]],
                 checkpoints: list[tuple[int, str]], end: tuple[int, str] | None) -> str:
    """The whole file. At one block the checkpoint comes before the actions (it was taken first)."""
    merged: list[tuple[int, int, dict[str, Any]]] = []
    merged += [(b, 0, {"type": "checkpoint", "block": b, "hash": h}) for b, h in checkpoints]
    merged += [(b, 1, {"type": "action", "block": b, "action": a}) for b, a in actions]
    merged.sort(key=lambda item: (item[0], item[1]))  # stable: actions keep their order
    records = [header.to_record()] + [r for _, _, r in merged]
    if end is not None:
        records.append({"type": "end", "block": end[0], "hash": end[1], "actions": len(actions)})
    return "".join(encode_record(r, i + 1) + "\n" for i, r in enumerate(records))


# ------------------------------------------------------------------ reading
def parse_header(record: dict[str, Any], current_engine: str) -> Header:
    """Check the header's fields and versions; SessionError names the field."""
    def need(name: str, kind: type | tuple[type, ...]) -> Any:
        if name not in record:
            raise SessionError(f"line 1: the header has no {name!r}")
        value = record[name]
        if not isinstance(value, kind) or isinstance(value, bool) and kind is int:
            raise SessionError(f"line 1: header field {name!r} has the wrong type ({value!r})")
        return value

    fmt = need("format", int)
    engine = need("engine", str)
    if fmt > FORMAT:
        raise SessionError(f"line 1: written in session format {fmt} by taosandbox {engine}; this "
                           f"taosandbox ({current_engine}) reads format {FORMAT}: upgrade to open it")
    if version_tuple(engine) > version_tuple(current_engine):
        raise SessionError(f"line 1: written by a newer taosandbox ({engine} > {current_engine}); "
                           f"upgrade to replay it exactly")
    every = need("checkpoint_every", int)
    if every < 1:
        raise SessionError(f"line 1: checkpoint_every must be at least 1, got {every}")
    level = record.get("level")
    scenario = record.get("scenario")
    if level is None and not isinstance(scenario, dict):
        raise SessionError("line 1: the header names no level and has no scenario")
    if level is not None and (not isinstance(level, dict) or not isinstance(level.get("name"), str)):
        raise SessionError(f"line 1: header field 'level' must be a mapping with a name, got {level!r}")
    return Header(engine=engine, mechanism=need("mechanism", str),
                  hyperparameters_hash=need("hyperparameters_hash", str),
                  scenario_hash=need("scenario_hash", str), seed=need("seed", int),
                  overrides=need("overrides", dict), checkpoint_every=every, level=level,
                  scenario=scenario, created=str(record.get("created", "")),
                  title=str(record.get("title", "")), format=fmt,
                  hyperparameters=need("hyperparameters", dict) if "hyperparameters" in record else {})


def _decode_line(text: str, n: int) -> dict[str, Any]:
    """One line -> its record; SessionError('line n: ...') if it is damaged."""
    if not text.strip():
        raise SessionError(f"line {n}: empty line")
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SessionError(f"line {n}: not JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(record, dict):
        raise SessionError(f"line {n}: expected a JSON object, got {type(record).__name__}")
    crc = record.get("crc")
    if not isinstance(crc, str):
        raise SessionError(f"line {n}: no checksum ('crc')")
    if crc != crc_of(record):
        raise SessionError(f"line {n}: checksum mismatch (the line was edited or damaged)")
    if record.get("n") != n:
        raise SessionError(f"line {n}: numbered {record.get('n')!r} (a line was removed, added or moved)")
    if record.get("type") not in RECORD_TYPES:
        raise SessionError(f"line {n}: unknown record type {record.get('type')!r}")
    return record


def parse_session(text: str, current_engine: str, path: str | None = None) -> Session:
    """Read a session file's text.

    A missing or damaged header raises SessionError. Damage after the header stops reading there:
    the session keeps the records before it and ``damage`` says which line and what is wrong."""
    if not text.strip():
        raise SessionError("the file is empty")
    lines = text.split("\n")
    complete = text.endswith("\n")
    if complete:
        lines.pop()  # the empty string after the final newline
    try:
        first = json.loads(lines[0])
    except json.JSONDecodeError:
        first = None
    if not isinstance(first, dict) or first.get("type") != "header":
        raise SessionError("line 1: not a session header (is this a taosandbox session file?)")
    head = _decode_line(lines[0], 1)
    session = Session(parse_header(head, current_engine), lines=1, path=path)
    last_block = 0
    for i, line in enumerate(lines[1:], start=2):
        try:
            try:
                record = _decode_line(line, i)
            except SessionError:
                if i == len(lines) and not complete:  # the writer ends every line with a newline
                    raise SessionError(f"line {i}: the file ends mid-line (cut short)") from None
                raise
            kind = record["type"]
            if session.end is not None:
                raise SessionError(f"line {i}: a {kind} record after the end record")
            if kind == "header":
                raise SessionError(f"line {i}: a second header")
            block = record.get("block")
            if not isinstance(block, int) or isinstance(block, bool) or block < 0:
                raise SessionError(f"line {i}: bad block {block!r}")
            if block < last_block:
                raise SessionError(f"line {i}: block {block} comes after block {last_block} (out of order)")
            if kind == "action":
                if not isinstance(record.get("action"), dict) or "kind" not in record["action"]:
                    raise SessionError(f"line {i}: the action is not a mapping with a kind")
                session.actions.append((block, record["action"]))
                session.action_lines.append(i)
            else:
                if not isinstance(record.get("hash"), str):
                    raise SessionError(f"line {i}: the {kind} record has no state hash")
                if kind == "checkpoint":
                    session.checkpoints.append((block, record["hash"]))
                else:
                    if record.get("actions") != len(session.actions):
                        raise SessionError(f"line {i}: the end record counts {record.get('actions')!r} "
                                           f"actions but the file has {len(session.actions)}")
                    session.end = (block, record["hash"])
        except SessionError as exc:
            session.damage = str(exc)
            break
        last_block = block
        session.lines = i
    if session.damage is None and session.end is None:
        session.damage = f"line {session.lines + 1}: the end record is missing (the file was cut short)"
    return session
