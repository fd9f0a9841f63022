"""What the market can rebuild, kept in the user cache: datasets and trained miners' predictions.

Each entry is keyed by a digest of everything that determines it, so a hit gives the same bytes a
rebuild would:

* a dataset by its name, the seed it was generated with, and the scikit-learn and numpy versions;
* a fit by the model, its parameters, the task kind, the random state (stochastic models), the
  training rows and the rows it predicts, and the same versions. The market keeps only what a fit
  predicts (one row of answers per data phase), never the estimator, so a cached entry replaces the
  fit exactly.

Each file carries a digest of its payload; a missing, damaged or mismatched file is ignored and the
entry is rebuilt. ``TAOSANDBOX_FIT_CACHE=off`` turns the cache off (benchmarks compare both ways).
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
from pathlib import Path

import numpy as np

DIGEST_BYTES = 32
FORMAT = b"taosandbox-market-cache-1"
"""Part of every key: bump it when the meaning of a cached entry changes."""


def enabled() -> bool:
    """False when ``TAOSANDBOX_FIT_CACHE`` is off, 0 or no."""
    return os.environ.get("TAOSANDBOX_FIT_CACHE", "on").lower() not in ("off", "0", "no")


@functools.cache
def _library_versions() -> tuple[str, str]:
    from importlib.metadata import version  # cheap: importing sklearn itself takes ~0.8 s

    return version("scikit-learn"), np.__version__


def cache_key(parts: tuple, *data: bytes) -> str:
    """A file name for an entry: a digest of ``parts`` (a repr-able tuple), data digests and the
    library versions."""
    h = hashlib.blake2b(digest_size=DIGEST_BYTES)
    h.update(FORMAT)
    h.update(repr((parts, _library_versions())).encode())
    for d in data:
        h.update(d)
    return h.hexdigest()


def array_digest(*arrays: np.ndarray) -> bytes:
    """A digest of arrays' dtypes, shapes and bytes."""
    h = hashlib.blake2b(digest_size=DIGEST_BYTES)
    for a in arrays:
        h.update(repr((a.dtype.str, a.shape)).encode())
        h.update(np.ascontiguousarray(a).tobytes())
    return h.digest()


class MarketCache:
    """A directory of named arrays: ``load`` returns what ``store`` wrote, or None."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    @classmethod
    def user(cls) -> MarketCache | None:
        """The cache in the user cache directory, or None when turned off."""
        if not enabled():
            return None
        from taosandbox.paths import cache_dir

        return cls(cache_dir() / "market")

    def _path(self, key: str) -> Path:
        return self.directory / f"{key}.npz"

    def load(self, key: str) -> dict[str, np.ndarray] | None:
        """The arrays stored under ``key``; None if absent or damaged (callers check shapes)."""
        try:
            raw = self._path(key).read_bytes()
        except OSError:
            return None
        digest, payload = raw[:DIGEST_BYTES], raw[DIGEST_BYTES:]
        if hashlib.blake2b(payload, digest_size=DIGEST_BYTES).digest() != digest:
            return None
        try:
            with np.load(io.BytesIO(payload), allow_pickle=False) as npz:
                return {name: npz[name] for name in npz.files}
        except (ValueError, OSError, EOFError, KeyError):
            return None

    def store(self, key: str, **arrays: np.ndarray) -> None:
        """Keep ``arrays`` under ``key``; a cache that cannot be written is simply not used."""
        from taosandbox.files import replace_bytes

        buffer = io.BytesIO()
        np.savez(buffer, **{name: np.ascontiguousarray(a) for name, a in arrays.items()})
        payload = buffer.getvalue()
        digest = hashlib.blake2b(payload, digest_size=DIGEST_BYTES).digest()
        try:
            replace_bytes(self._path(key), digest + payload)
        except OSError:
            pass
