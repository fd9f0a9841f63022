"""Writing files so that a crash at any moment leaves either the old file or the new one, never half."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _write_all(f, data: bytes) -> None:
    """Write everything (a seam: tests make it fail part-way to simulate a crash)."""
    f.write(data)


def _replace_by_rename(path: Path, data: bytes, *, durable: bool) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it over ``path``; ``durable``: fsync
    the file before the rename and the folder after it, so the new file survives a power cut too."""
    path = Path(path)
    if path.exists() and not path.is_file() and not path.is_dir():
        # A device or a pipe (``--json /dev/null``, ``/dev/stdout``): write into it; a rename would
        # put a regular file in its place.
        with open(path, "wb") as f:
            _write_all(f, data)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            _write_all(f, data)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    if not durable:
        return
    try:  # make the rename itself durable (POSIX); harmless where directories cannot be opened
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def atomic_write(path: Path, text: str | bytes) -> None:
    """Replace ``path`` with ``text`` (or bytes) all at once: readers see the old file or the new one, never half."""
    _replace_by_rename(path, text if isinstance(text, bytes) else text.encode("utf-8"), durable=True)


def replace_bytes(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` by a rename, without fsync: for caches, whose readers check what
    they read and rebuild it when it is missing or damaged."""
    _replace_by_rename(path, data, durable=False)


def unwritable_reason(path: Path | str, *, directory: bool = False) -> str | None:
    """Why ``path`` cannot be written (as a file, or as a directory to fill with files), or None.

    Checked before a long run so that a bad output path fails at once, not after the work: the path
    must not be the wrong kind of thing, and its nearest existing folder must take a new file (tried
    for real with a throw-away file, since permission bits do not tell, e.g. for root or in /proc).
    """
    path = Path(path)
    if path.exists():
        if directory and not path.is_dir():
            return f"{path} is a file, not a folder"
        if not directory and path.is_dir():
            return f"{path} is a folder, not a file"
        if not directory and not path.is_file():  # a device or a pipe: written into, not replaced
            return None if os.access(path, os.W_OK) else f"cannot write to {path}"
    folder = path if directory and path.is_dir() else path.parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir():
        return f"{folder} is a file, not a folder"
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".taosandbox-probe.")
    except OSError as exc:
        return f"cannot write in {folder}: {exc.strerror or exc}"
    os.close(fd)
    os.unlink(probe)
    return None
