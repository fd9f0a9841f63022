"""TUI benchmarks: time to the first screen, and UI cost with 256 neurons at top speed.

    /work/venv/bin/python benchmarks/bench_tui.py [--seconds 5] [--skip-first-screen]

1. First screen: ``python -m taosandbox`` in a pseudo-terminal with TAOSANDBOX_EXIT_AFTER_FIRST_SCREEN=1;
   the app prints the wall-clock time of its first paint and exits.
2. Frame cost: a 256-neuron world runs at MAX in the sim thread for a few seconds (run_test, headless);
   reports blocks/s, snapshot refreshes/s, time spent showing each snapshot, and process CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pty
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def first_screen_seconds(runs: int = 3) -> list[float]:
    results = []
    for _ in range(runs):
        master, slave = pty.openpty()
        env = dict(os.environ, TAOSANDBOX_EXIT_AFTER_FIRST_SCREEN="1", TAOSANDBOX_HOME=tempfile.mkdtemp(),
                   PYTHONPATH=str(ROOT), TERM="xterm-256color", COLUMNS="120", LINES="40")
        started = time.time()
        proc = subprocess.Popen([sys.executable, "-m", "taosandbox"], stdin=slave, stdout=slave, stderr=slave,
                                env=env, cwd=ROOT)
        os.close(slave)
        output = b""
        while True:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                output += chunk
            elif proc.poll() is not None:
                break
        proc.wait(timeout=30)
        os.close(master)
        line = next((ln for ln in output.decode(errors="replace").splitlines() if "first-screen" in ln), None)
        if line is None:
            raise SystemExit(f"no first-screen line in the app's output:\n{output[-2000:]!r}")
        painted_at = float(line.split("first-screen", 1)[1].split()[0])
        results.append(painted_at - started)
    return results


def world_256():
    from taosandbox.world import World

    neurons = [{"role": "validator", "strategy": "honest", "stake_tao": 1000.0 - 50 * i,
                "registered_block": -10_000, "hotkey": f"v{i}"} for i in range(16)]
    neurons.append({"role": "miner", "strategy": "honest", "count": 240, "budget": 40, "model": "logistic",
                    "registered_block": -10_000, "hotkey": "m"})
    return World({"name": "bench", "neurons": neurons, "player": {"role": "miner", "register": False}})


async def frame_cost(seconds: float) -> dict[str, float]:
    from taosandbox.tui.app import TaoApp
    from taosandbox.tui.screens.game import GameScreen

    world = world_256()
    app = TaoApp(world=world)
    timings: list[float] = []
    original = GameScreen.show_snapshot

    def timed(self, snapshot):
        t0 = time.perf_counter()
        original(self, snapshot)
        timings.append(time.perf_counter() - t0)

    GameScreen.show_snapshot = timed  # type: ignore[method-assign]
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("1")
            screen = app.screen
            screen.sim.speed_index = len(__import__("taosandbox.tui.sim", fromlist=["SPEEDS"]).SPEEDS) - 1
            timings.clear()
            block0, cpu0, wall0 = world.block, time.process_time(), time.perf_counter()
            screen.resume()
            await asyncio.sleep(seconds)
            screen.pause()
            wall = time.perf_counter() - wall0
            cpu = time.process_time() - cpu0
            blocks = world.block - block0
            await asyncio.sleep(0.2)  # the cancelled sim worker finishes its last step
    finally:
        GameScreen.show_snapshot = original  # type: ignore[method-assign]
    return {
        "neurons": len(world.snapshot().neurons),
        "blocks_per_s": blocks / wall,
        "refreshes_per_s": len(timings) / wall,
        "show_ms_mean": 1000 * statistics.mean(timings) if timings else 0.0,
        "show_ms_max": 1000 * max(timings) if timings else 0.0,
        "cpu_percent_of_one_core": 100 * cpu / wall,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--skip-first-screen", action="store_true")
    args = parser.parse_args()
    if not args.skip_first_screen:
        times = first_screen_seconds()
        print(f"first screen: {', '.join(f'{t:.3f}' for t in times)} s (median {statistics.median(times):.3f} s)")
    result = asyncio.run(frame_cost(args.seconds))
    print("256 neurons at MAX: " + ", ".join(f"{k} {v:.1f}" for k, v in result.items()))


if __name__ == "__main__":
    main()
