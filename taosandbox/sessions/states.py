"""Saved world states beside a session, in the user cache: resume and open long games without
replaying them from block 0.

A state is the pickled world at one position of a session (block ``b`` after the actions recorded at
``b``, as the viewer defines a position), compressed, with a digest of its bytes. Files are named by the
session key (a digest of the session's header, which holds the seed, the scenario, the rules and the
time the game started, plus the engine and library versions) and the block:
``<cache dir>/states/<key>-<block>.state``.

Nothing in a state is believed on its name: a state is used only when its bytes match their digest,
it unpickles, and the world's ``state_hash()`` equals the hash the session file itself records for
that position: the end line's hash at the end block, or the checkpoint's at a checkpoint block with no
actions. Anything else (damaged, stale, from another history) is deleted and the replay goes on from
an earlier state or from the start. ``replay --verify`` never reads states; it replays from scratch.

The files are the user's own cache (pickles, like any cache of Python objects: only this user writes
there). ``MAX_CACHE_BYTES`` caps the folder; the least recently written files go first.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import platform
import re
import zlib
from pathlib import Path
from typing import Any

from taosandbox.sessions.format import Header, canonical

DIGEST_BYTES = 32
FORMAT = "taosandbox-state-1"
MAX_CACHE_BYTES = 1 << 30
"""The states folder is kept under this size (1 GiB)."""
_UNUSABLE = (pickle.UnpicklingError, zlib.error, AttributeError, ImportError, TypeError, ValueError,
             EOFError, IndexError, KeyError)
"""What unpickling a state can raise when its classes changed since it was written."""
_NAME = re.compile(r"^(?P<key>[0-9a-f]{32})-(?P<block>\d{10})\.state$")


@functools.cache
def _versions() -> tuple[str, ...]:
    from importlib.metadata import version

    import numpy as np

    from taosandbox import __version__

    return FORMAT, __version__, platform.python_version(), np.__version__, version("scikit-learn")


def session_key(header: Header) -> str:
    """32 hex digits naming one recorded game and the engine that reads it (see the module docstring)."""
    h = hashlib.blake2b(digest_size=16)
    h.update(canonical({"header": header.to_record(), "versions": list(_versions())}).encode())
    return h.hexdigest()


def world_bytes(world: Any) -> bytes:
    """The world pickled as the replay viewer keeps its copies, without the observers attached to it
    (a recorder, the app): they are not part of its state."""
    from taosandbox.sessions.replay import _pickle_world

    observers = getattr(world, "_observers", None)
    if observers is None:
        return _pickle_world(world)
    world._observers = []
    try:
        return _pickle_world(world)
    finally:
        world._observers = observers


class StateStore:
    """The folder of saved states: ``blocks``, ``save``, ``load`` (checked), ``discard``."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    @classmethod
    def user(cls) -> StateStore:
        from taosandbox.paths import cache_dir

        return cls(cache_dir() / "states")

    def _path(self, key: str, block: int) -> Path:
        return self.directory / f"{key}-{block:010d}.state"

    def blocks(self, key: str) -> list[int]:
        """Blocks with a state file for ``key``, ascending (not yet checked)."""
        try:
            names = os.listdir(self.directory)
        except OSError:
            return []
        out = []
        for name in names:
            match = _NAME.match(name)
            if match and match["key"] == key:
                out.append(int(match["block"]))
        return sorted(out)

    def save(self, key: str, block: int, world: Any) -> bool:
        """Write the state of ``world`` (at ``block``); False if it cannot be pickled or written."""
        from taosandbox.files import replace_bytes

        try:
            payload = zlib.compress(world_bytes(world), 1)
        except (pickle.PicklingError, TypeError, AttributeError):
            return False  # e.g. a rule attached as a closure: this game resumes by replaying
        digest = hashlib.blake2b(payload, digest_size=DIGEST_BYTES).digest()
        try:
            replace_bytes(self._path(key, block), digest + payload)
        except OSError:
            return False
        self._keep_under(MAX_CACHE_BYTES)
        return True

    def load(self, key: str, block: int, expected_hash: str) -> Any | None:
        """The world saved at ``block`` if it is sound and its state hash is ``expected_hash``;
        otherwise None, and a file that failed a check is deleted."""
        path = self._path(key, block)
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        world = None
        digest, payload = raw[:DIGEST_BYTES], raw[DIGEST_BYTES:]
        if hashlib.blake2b(payload, digest_size=DIGEST_BYTES).digest() == digest:
            try:
                world = pickle.loads(zlib.decompress(payload))
            except _UNUSABLE:  # e.g. written by another version of a class: replay instead
                world = None
        if world is not None:
            try:
                same = world.state_hash() == expected_hash
            except (AttributeError, TypeError, ValueError, KeyError):  # not a world of this engine
                same = False
            if same:
                return world
        self.discard(key, block)
        return None

    def discard(self, key: str, block: int) -> None:
        try:
            self._path(key, block).unlink()
        except OSError:
            pass

    def _keep_under(self, limit: int) -> None:
        try:
            entries = [(e.stat().st_mtime, e.stat().st_size, e.path) for e in os.scandir(self.directory)
                       if e.name.endswith(".state")]
        except OSError:
            return
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= limit:
                break
            try:
                os.unlink(path)
            except OSError:
                continue
            total -= size
