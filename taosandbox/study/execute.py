"""Running a study: every (grid point, seed) as one Dask task, on a LocalCluster of processes or on a
running scheduler, with the table rewritten as results arrive.

Dask distributed (``LocalCluster`` / ``Client``, ``as_completed``) does the scheduling; a worker that dies
mid-run has its task rerun elsewhere by the scheduler (``distributed.scheduler.allowed-failures``), and a
task that still cannot finish becomes a failed row. ``workers=0`` runs the same tasks in this process,
one after another (the benchmark's baseline; also handy in a debugger).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from taosandbox.study import table
from taosandbox.study.runner import RunTask, failed_row, run_task
from taosandbox.study.spec import Study

WRITE_EVERY_SECONDS = 2.0
"""While runs arrive, the table on disk is brought up to date at most this often (and at the end)."""


@dataclass
class Outcome:
    """What ``run_study`` did."""

    total: int
    skipped: int
    done: int
    failed: int
    interrupted: bool = False
    seconds: float = 0.0


def tasks_of(study: Study, skip: set[tuple[int, int]] = frozenset()) -> list[RunTask]:
    """One task per (grid point, seed), in table order, leaving out ``skip``."""
    return [RunTask(study.source, study.level_text, study.file, point, seed)
            for point in range(len(study.points)) for seed in study.seeds if (point, seed) not in skip]


def run_study(study: Study, out: Path, *, workers: int = 2, scheduler: str | None = None,
              resume: bool = False, progress: Any = None, task_fn: Callable[[RunTask], list] = run_task,
              ) -> Outcome:
    """Run every task not already in ``out`` (with ``resume``) and write the table there."""
    out = Path(out)
    rows = _previous_rows(study, out) if resume else []
    done = {(r["point"], r["seed"]) for r in rows}
    todo = tasks_of(study, done)
    total = len(study.points) * len(study.seeds)
    outcome = Outcome(total=total, skipped=len(done), done=0, failed=0)
    table.write(out, study, rows, total_runs=total)
    if progress is not None:
        progress.start(len(todo))
    start = last_write = time.perf_counter()

    def arrived(new_rows: list[dict[str, Any]]) -> None:
        nonlocal last_write
        rows.extend(new_rows)
        outcome.done += 1
        outcome.failed += any(r["status"] == "failed" for r in new_rows)
        if progress is not None:
            progress.update(outcome.done)
        if time.perf_counter() - last_write >= WRITE_EVERY_SECONDS:
            table.write(out, study, rows, total_runs=total)
            last_write = time.perf_counter()

    try:
        if todo and workers == 0 and scheduler is None:
            for task in todo:
                arrived(task_fn(task))
        elif todo:
            _run_on_dask(todo, workers, scheduler, task_fn, arrived)
    except KeyboardInterrupt:
        outcome.interrupted = True
    finally:
        table.write(out, study, rows, total_runs=total)
        if progress is not None:
            progress.close()
        outcome.seconds = time.perf_counter() - start
    return outcome


def _previous_rows(study: Study, out: Path) -> list[dict[str, Any]]:
    """Rows of an earlier run of the same study in ``out``; ValueError if ``out`` holds another study."""
    if not (out / table.META).is_file():
        return []
    meta = table.read_meta(out)
    if meta.get("source_sha256") != study.source_hash:
        raise ValueError(f"{out} holds the results of a different study file ({meta.get('study')!r}); "
                         f"--resume needs the same file, or use another --out")
    return table.read_rows(out)


CLUSTER_CONFIG = {
    # Sampling the running task's stack every 10 ms took ~30% more CPU per run.
    "distributed.worker.profile.enabled": False,
    # Dask starts workers with glibc's MALLOC_TRIM_THRESHOLD_=65536, which hands freed memory back to the
    # system at once, and page-faults it back on the next allocation: a run took 7-15% more CPU than
    # the same run outside Dask. None leaves glibc's own (adaptive) threshold, as in any other process.
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    # The scheduler, the nannies and the client share the machine's cores with the workers; their
    # housekeeping (event-loop ticks every 20 ms, memory checks every 100 ms, system monitor every
    # 500 ms) needs nothing near that often for tasks of seconds.
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "1s",
}
"""Dask settings for the study's LocalCluster (its scheduler, nannies and workers)."""


def local_cluster(workers: int) -> Any:
    """A LocalCluster of ``workers`` single-threaded worker processes, as ``taosandbox study`` runs one.

    On 127.0.0.1, without a dashboard; the scheduler's HTTP endpoint takes any free port. With
    ``CLUSTER_CONFIG`` (benchmarks/bench_study.py measured each setting), set while the cluster starts:
    the scheduler and the nannies run in this process and read it then, and each worker gets it through
    its nanny. (Workers added later by ``scale`` get the worker settings but Dask's malloc threshold;
    the study never scales.)"""
    import logging

    import dask
    from distributed import LocalCluster

    with dask.config.set(CLUSTER_CONFIG):
        return LocalCluster(n_workers=max(workers, 1), threads_per_worker=1, processes=True,
                            host="127.0.0.1", dashboard_address=None,
                            scheduler_kwargs={"dashboard_address": ":0"}, silence_logs=logging.ERROR,
                            config=CLUSTER_CONFIG)


def _run_on_dask(todo: list[RunTask], workers: int, scheduler: str | None,
                 task_fn: Callable[[RunTask], list], arrived: Callable[[list], None]) -> None:
    from distributed import Client, as_completed

    cluster = None
    if scheduler:
        client = Client(scheduler, timeout="10s")
    else:
        cluster = local_cluster(workers)
        client = Client(cluster)
    try:
        futures = {client.submit(task_fn, task, key=_key(task), retries=1, pure=False): task for task in todo}
        for future in as_completed(futures):
            task = futures.pop(future)
            try:
                result = future.result()
            except Exception as exc:  # noqa: BLE001 - e.g. KilledWorker: the task's workers kept dying
                result = [failed_row(task.point, task.seed, _params(task), f"{type(exc).__name__}: {exc}")]
            future.release()
            arrived(result)
    except BaseException:
        client.cancel(list(futures))
        raise
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _key(task: RunTask) -> str:
    import hashlib

    digest = hashlib.sha256(task.study_text.encode()).hexdigest()[:12]
    return f"taosandbox-run-{digest}-{task.point}-{task.seed}"


def _params(task: RunTask) -> dict[str, Any]:
    from taosandbox.study.runner import _study

    return _study(task).points[task.point]


class Progress:
    """runs done, runs/s and time left on one line of a terminal; silent when the stream is not one."""

    def __init__(self, stream: IO[str]):
        self.stream = stream
        self.enabled = stream.isatty()
        self.total = 0
        self.begun = self.last = 0.0

    def start(self, total: int) -> None:
        self.total, self.begun = total, time.perf_counter()
        self.update(0, force=True)

    def update(self, done: int, force: bool = False) -> None:
        now = time.perf_counter()
        if not self.enabled or (not force and now - self.last < 0.2 and done < self.total):
            return
        self.last = now
        frac = done / self.total if self.total else 1.0
        rate = done / max(now - self.begun, 1e-9)
        left = (self.total - done) / rate if rate > 0 else None
        eta = f"{int(left) // 60}:{int(left) % 60:02d} left" if left is not None else "--:-- left"
        self.stream.write(f"\r[{'#' * int(frac * 30):<30}] {done}/{self.total} runs  {rate:.2f} runs/s  {eta}  ")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
