"""Where sessions live, and writing them so that a crash at any moment leaves the last good save.

Named saves are ``<sessions dir>/<name>.jsonl``; autosaves are ``<sessions dir>/autosave/*.jsonl``
(the newest ``AUTOSAVE_KEEP`` are kept). Every write goes to a temporary file in the same folder,
is flushed to disk, then renamed over the old file (``os.replace`` is atomic).
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from taosandbox import __version__
from taosandbox.files import atomic_write
from taosandbox.sessions.format import Session, SessionError, parse_session

SUFFIX = ".jsonl"
AUTOSAVE_KEEP = 10
"""Autosaves kept; older ones are deleted when a new game starts saving."""
_NAME = re.compile(r"^[\w][\w .-]{0,63}$")


def sessions_dir() -> Path:
    from taosandbox.paths import sessions_dir as base

    return base()


def autosave_dir() -> Path:
    path = sessions_dir() / "autosave"
    path.mkdir(parents=True, exist_ok=True)
    return path




# ------------------------------------------------------------------ reading
def load(path: str | Path) -> Session:
    """Read and check a session file (see ``parse_session`` for what a damaged one gives)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SessionError(f"{path}: no such file") from None
    except OSError as exc:
        raise SessionError(f"{path}: cannot read it ({exc.strerror})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise SessionError(f"line {line}: not UTF-8 text (the file is damaged or not a session)") from None
    return parse_session(text, __version__, str(path))


# ------------------------------------------------------------------ names
def check_name(name: str) -> str:
    name = name.strip()
    if name.endswith(SUFFIX):
        name = name[: -len(SUFFIX)]
    if not _NAME.match(name):
        raise SessionError(f"bad save name {name!r}: use up to 64 letters, digits, spaces, '.', '-' or '_'")
    return name


def save_path(name: str) -> Path:
    return sessions_dir() / f"{check_name(name)}{SUFFIX}"


def resolve(name_or_path: str | Path) -> Path:
    """A file path as given, else a named save, else an autosave of that name."""
    candidate = Path(name_or_path)
    if candidate.is_file():
        return candidate
    text = str(name_or_path)
    if "/" not in text and os.sep not in text:
        for folder in (sessions_dir(), autosave_dir()):
            for path in (folder / text, folder / f"{text}{SUFFIX}"):
                if path.is_file():
                    return path
    raise SessionError(f"{text}: no such session file or save (see `taosandbox sessions list`)")


def new_autosave_path(label: str = "sandbox") -> Path:
    """A fresh autosave file name: time of the start of the game and what is played."""
    slug = re.sub(r"[^\w-]+", "-", label.lower()).strip("-")[:40] or "game"
    stamp = time.strftime("%Y%m%d-%H%M%S")
    folder = autosave_dir()
    path = folder / f"{stamp}-{slug}{SUFFIX}"
    k = 1
    while path.exists():
        k += 1
        path = folder / f"{stamp}-{slug}-{k}{SUFFIX}"
    _prune_autosaves(keep=AUTOSAVE_KEEP - 1)
    return path


def _prune_autosaves(keep: int) -> None:
    saves = sorted(autosave_dir().glob(f"*{SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in saves[keep:]:
        try:
            old.unlink()
        except OSError:
            pass


def latest_autosave() -> Path | None:
    """The most recently written autosave, or None."""
    saves = list(autosave_dir().glob(f"*{SUFFIX}"))
    return max(saves, key=lambda p: p.stat().st_mtime) if saves else None


# ------------------------------------------------------------------ list, save as, delete
@dataclass(frozen=True)
class SaveInfo:
    """One saved session as the list shows it."""

    name: str
    path: Path
    kind: str
    """"named" or "autosave"."""
    modified: float
    block: int
    actions: int
    what: str
    """The level's name, or the scenario's."""
    problem: str | None
    """Why it cannot be replayed in full (damage, newer version), or None."""


def info(path: Path, kind: str) -> SaveInfo:
    name = path.name[: -len(SUFFIX)] if path.name.endswith(SUFFIX) else path.name
    modified = path.stat().st_mtime
    try:
        session = load(path)
    except SessionError as exc:
        return SaveInfo(name, path, kind, modified, 0, 0, "?", str(exc))
    header = session.header
    what = header.level["name"] if header.level else str((header.scenario or {}).get("name", "sandbox"))
    return SaveInfo(name, path, kind, modified, session.last_block, len(session.actions), what,
                    session.damage)


def list_saves() -> list[SaveInfo]:
    """Named saves (by name), then autosaves (newest first)."""
    named = sorted(sessions_dir().glob(f"*{SUFFIX}"))
    autos = sorted(autosave_dir().glob(f"*{SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True)
    return [info(p, "named") for p in named] + [info(p, "autosave") for p in autos]


def save_as(name: str, source: str | Path | None = None, *, force: bool = False) -> Path:
    """Keep a session under a name: ``source`` (default: the latest autosave) is checked, then copied.

    An existing save is replaced only with ``force``, and never when it cannot be read (it may be
    someone's only copy of a damaged game: rename or delete it first)."""
    target = save_path(name)
    if source is None:
        source = latest_autosave()
        if source is None:
            raise SessionError("there is no autosave yet: play a game first, or give --from FILE")
    src = resolve(source)
    session = load(src)
    if session.damage:
        raise SessionError(f"{src}: {session.damage}; not saved (replay what is intact and save again)")
    if target.resolve() != src.resolve():
        check_replaceable(target, force)
    atomic_write(target, session.to_text())
    return target


def check_replaceable(target: Path, force: bool) -> None:
    """SessionError unless ``target`` is free, or readable and ``force`` is given."""
    if not target.exists():
        return
    if not force:
        raise SessionError(f"a save named {target.stem!r} exists; use --force to replace it")
    try:
        load(target)
    except SessionError as exc:
        raise SessionError(f"the save {target.stem!r} cannot be read ({exc}); not replacing it") from None


def delete_save(name_or_path: str | Path) -> Path:
    """Delete a named save or autosave; returns the path deleted."""
    path = resolve(name_or_path)
    if path.suffix != SUFFIX:
        raise SessionError(f"{path}: not a session file ({SUFFIX}); not deleting it")
    path.unlink()
    return path
