"""A study of the free sandbox on 2 local Dask workers against the same runs in one process, in one go.

    python benchmarks/bench_study.py                 # 200 runs x 1000 blocks (the issue's figure; long)
    python benchmarks/bench_study.py --runs 20       # a quick look

Prints: the one-process loop's time, the 2-worker time (cluster start separately), the speed-up (goal
>= 1.8x), the per-task overhead (a no-op task's round trip on the same cluster, and the 2-worker time
beyond half the loop's, per run), the time to the first result, and the peak memory of each worker and
of this process. Both runs must write the same table, byte for byte (checked). The machine's load
average is printed before and after: other work on the cores skews every wall-clock figure, so the CPU
seconds each side used are printed too (what the speed-up would be on idle cores).
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path


class FirstResult:
    """A progress sink that notes when the first run arrived."""

    enabled = False

    def start(self, total: int) -> None:
        self.began, self.first = time.perf_counter(), None

    def update(self, done: int, force: bool = False) -> None:
        if self.first is None and done:
            self.first = time.perf_counter() - self.began

    def close(self) -> None:
        pass


def study_text(runs: int, blocks: int) -> str:
    return (f"title: Benchmark\nquestion: How fast?\nseeds: {{from: 1, count: {runs}}}\nblocks: {blocks}\n")


def _noop(x: int) -> int:
    return x


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    """CPU seconds this process has used (user + system): a figure other work on the cores does not skew."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--blocks", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--fit-cache", choices=("off", "on"), default="off",
                        help="the market's fit cache (off: every run trains its models, as a first study does; "
                             "on: both phases share a fresh cache, so the second phase finds the first's fits)")
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="bench-study-home-")
    os.environ["TAOSANDBOX_HOME"] = home  # workers inherit both: the user's own cache is left alone
    if args.fit_cache == "off":
        os.environ["TAOSANDBOX_FIT_CACHE"] = "off"
    from distributed import Client

    from taosandbox.study.execute import local_cluster, run_study
    from taosandbox.study.spec import parse_study

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    folder = Path(tempfile.mkdtemp(prefix="bench-study-"))
    (folder / "bench.yaml").write_text(study_text(args.runs, args.blocks))
    study = parse_study((folder / "bench.yaml").read_text(), file=str(folder / "bench.yaml"))

    start = time.perf_counter()
    cluster = local_cluster(args.workers)  # the one `taosandbox study` starts
    started = time.perf_counter() - start
    with Client(cluster) as client:
        client.submit(_noop, -1).result()  # warm the connection
        t = time.perf_counter()
        noops = 200
        client.gather([client.submit(_noop, i, pure=False) for i in range(noops)])
        noop_ms = (time.perf_counter() - t) / noops * 1000
        first = FirstResult()
        cpu_before = sum(client.run(_cpu_s).values())
        t = time.perf_counter()
        dask = run_study(study, folder / "dask", scheduler=cluster.scheduler_address, progress=first)
        dask_s = time.perf_counter() - t
        dask_cpu = sum(client.run(_cpu_s).values()) - cpu_before
        peaks = client.run(_peak_mb)
    cluster.close()

    serial_first = FirstResult()
    t, cpu_before = time.perf_counter(), _cpu_s()
    loop = run_study(study, folder / "loop", workers=0, progress=serial_first)
    loop_s, loop_cpu = time.perf_counter() - t, _cpu_s() - cpu_before
    same = all((folder / "dask" / n).read_bytes() == (folder / "loop" / n).read_bytes()
               for n in ("runs.parquet", "runs.csv"))
    assert dask.failed == loop.failed == 0 and same, "the two runs disagree"

    runs = args.runs
    print(f"{runs} runs x {args.blocks} blocks of the free sandbox (fit cache {args.fit_cache})")
    print(f"  one process, a loop: {loop_s:8.1f} s  ({loop_s / runs:.2f} s a run; first result after "
          f"{serial_first.first:.2f} s)")
    print(f"  {args.workers} Dask workers:      {dask_s:8.1f} s  (+ {started:.1f} s to start the cluster; first "
          f"result after {first.first:.2f} s)")
    print(f"  speed-up: {loop_s / dask_s:.2f}x (with the cluster start: {loop_s / (dask_s + started):.2f}x; "
          f"goal >= 1.8x)")
    extra = (dask_s - loop_s / args.workers) / runs * 1000
    print(f"  per-task overhead: {noop_ms:.1f} ms a no-op task's round trip; {extra:.0f} ms a run beyond "
          f"a perfect {args.workers}-way split")
    print(f"  CPU per run: loop {loop_cpu / runs:.2f} s, workers {dask_cpu / runs:.2f} s; on {args.workers} idle "
          f"cores the workers would take {dask_cpu / args.workers:.0f} s against the loop's {loop_cpu:.0f} s "
          f"({loop_cpu / (dask_cpu / args.workers):.2f}x, scheduling overhead aside)")
    print("  peak memory: " + ", ".join(f"worker {i} {mb:.0f} MB" for i, mb in enumerate(peaks.values()))
          + f"; this process (the loop) {_peak_mb():.0f} MB")
    print(f"  tables identical: {same}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
