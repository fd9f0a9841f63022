"""The player's progress file: which levels they passed and their best scores (JSON, written atomically)."""

from __future__ import annotations

import json
from typing import Any

from taosandbox import paths
from taosandbox.files import atomic_write


def load_progress() -> dict[str, dict[str, Any]]:
    """Level name -> {passed, best_score, attempts}; an unreadable file counts as no progress."""
    try:
        data = json.loads(paths.progress_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    levels = data.get("levels") if isinstance(data, dict) else None
    return {k: v for k, v in levels.items() if isinstance(v, dict)} if isinstance(levels, dict) else {}


def record_result(level_name: str, passed: bool, score: int) -> dict[str, Any]:
    """Add one attempt; a pass stays a pass and the best score is kept. Returns the level's record."""
    levels = load_progress()
    record = dict(levels.get(level_name, {}))
    record["passed"] = bool(record.get("passed")) or bool(passed)
    best = record.get("best_score")
    record["best_score"] = max(int(score), best) if isinstance(best, int) else int(score)
    record["attempts"] = int(record.get("attempts", 0) or 0) + 1
    levels[level_name] = record
    _write_atomically({"version": 1, "levels": levels})
    return record


def _write_atomically(data: dict[str, Any]) -> None:
    atomic_write(paths.progress_file(), json.dumps(data, indent=2, sort_keys=True) + "\n")
