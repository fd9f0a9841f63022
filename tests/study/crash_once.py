"""A task function that kills its worker process the first time it runs (a worker dying mid-run)."""

from __future__ import annotations

import os
from pathlib import Path

from taosandbox.study.runner import RunTask, run_task

MARKER_ENV = "TAOSANDBOX_TEST_CRASH_MARKER"


def crash_once(task: RunTask) -> list:
    marker = Path(os.environ[MARKER_ENV])
    if task.point == 1 and task.seed == 2 and not marker.exists():
        marker.write_text("died once")
        os._exit(1)
    return run_task(task)
