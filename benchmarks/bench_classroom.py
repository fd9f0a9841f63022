"""A class of scripted students against a real class server (a separate process, as in class).

    python benchmarks/bench_classroom.py                      # 40 clients, 64 neurons, 10 blocks/s, 30 s
    python benchmarks/bench_classroom.py --clients 10 --seconds 10

The server is ``taosandbox classroom --no-console --no-browser`` in its own process, on 127.0.0.1. The
world is the class sandbox grown to 64 neurons (the first students register miners). Then every client
acts about once every 2 seconds, at random: legal actions (stake and unstake on a validator, retrain its
miner) and illegal ones (another student's hotkey, unknown kinds, broken JSON). Reported:

- the server process's CPU (user + system, % of one core) and resident memory,
- the time from sending an action to the first snapshot that shows it (p50, p95; the goal is p95 < 250
  ms): the server marks every client behind after an action, so the next snapshot is built after it,
- bytes per second per client (what the server sent, as the clients received it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from taosandbox.classroom.client import ClassClient, ClassError  # noqa: E402


def proc_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def wait_for_server(address: str, directory: Path, timeout: float = 180) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            data = json.loads((directory / "class.json").read_text())
            teacher = await ClassClient.teacher(address, data["secret"])
            return {"secret": data["secret"], "code": data["code"], "teacher": teacher}
        except (FileNotFoundError, json.JSONDecodeError, ClassError, KeyError):
            await asyncio.sleep(0.5)
    raise SystemExit("the class server did not start")


async def student(i: int, address: str, code: str, seconds: float, latencies: list, counts: dict,
                  register: bool, rng: random.Random) -> int:
    client = await ClassClient.join(address, f"S{i:02d}", code, "miner" if register else "delegator")
    own_hotkey = f"s{i:02d}-hk1"
    if register:
        await client.act({"kind": "register", "role": "miner", "model": "logistic", "budget": 100})
    other = f"s{(i + 1) % 40:02d}-hk1"
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        await asyncio.sleep(rng.uniform(1.0, 3.0))
        roll = rng.random()
        if roll < 0.15:
            await client.send_raw("{not json")
            counts["illegal"] += 1
            continue
        if roll < 0.3:
            action = {"kind": "deregister", "hotkey": other}  # someone else's: refused
        elif roll < 0.4:
            action = {"kind": "launch", "hotkey": own_hotkey}  # unknown: refused at the door
        elif roll < 0.7:
            action = {"kind": "add_stake", "hotkey": "val-0", "amount_rao": 10**8}
        elif roll < 0.9:
            action = {"kind": "remove_stake", "hotkey": "val-0", "amount_rao": 10**8}
        else:
            action = {"kind": "retrain", "hotkey": own_hotkey}
        sent = time.monotonic()
        try:
            reply = await client.act(action)
        except (ClassError, asyncio.TimeoutError):
            counts["lost"] += 1
            continue
        counts["ok" if reply.get("ok") else "refused"] += 1
        before = client.snapshot
        client.updated.clear()
        while client.snapshot is before:
            await client.updated.wait()
            client.updated.clear()
        latencies.append(time.monotonic() - sent)
    received = client.received_bytes
    await client.close()
    return received


async def bench(args: argparse.Namespace) -> None:
    directory = Path(tempfile.mkdtemp(prefix="bench-class-"))
    port = args.port
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TAOSANDBOX_HOME": str(directory / "home")}
    started = time.monotonic()
    server = subprocess.Popen([sys.executable, "-m", "taosandbox", "classroom", "--no-console", "--no-browser",
                               "--dir", str(directory / "class"), "--port", str(port), "--code", "BENCH1",
                               "--seats", str(max(40, args.clients))], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.STDOUT)
    try:
        address = f"127.0.0.1:{port}"
        info = await wait_for_server(address, directory / "class")
        print(f"server up in {time.monotonic() - started:.1f} s (world built, miners trained)")
        teacher: ClassClient = info["teacher"]
        for _ in range(5):  # 10 blocks/s
            await teacher.command("speed", delta=1)
        await teacher.command("resume")
        latencies: list[float] = []
        counts = {"ok": 0, "refused": 0, "illegal": 0, "lost": 0}
        rng = random.Random(7)
        register = 64 - 30  # the sandbox has 30 neurons: the first students fill it to 64
        cpu0, t0 = proc_cpu_seconds(server.pid), time.monotonic()
        received = await asyncio.gather(*[
            student(i, address, info["code"], args.seconds, latencies, counts, i < register,
                    random.Random(rng.random())) for i in range(args.clients)])
        elapsed = time.monotonic() - t0
        cpu = proc_cpu_seconds(server.pid) - cpu0
        roster = teacher.snapshot or {}
        print(f"{args.clients} clients for {elapsed:.1f} s, class at block {roster.get('block')}, "
              f"neurons 64 max; actions ok {counts['ok']}, refused {counts['refused']}, "
              f"malformed frames {counts['illegal']}, unanswered {counts['lost']}")
        print(f"server CPU {100 * cpu / elapsed:.0f}% of one core; memory {proc_rss_mb(server.pid):.0f} MB RSS")
        if latencies:
            q = statistics.quantiles(latencies, n=20)
            print(f"action -> next snapshot: p50 {1000 * statistics.median(latencies):.0f} ms, "
                  f"p95 {1000 * q[18]:.0f} ms, max {1000 * max(latencies):.0f} ms (n={len(latencies)})")
        print(f"bytes per second per client: {statistics.mean(received) / elapsed / 1024:.1f} KiB/s")
        await teacher.close()
    finally:
        server.terminate()
        server.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--port", type=int, default=18765)
    asyncio.run(bench(parser.parse_args()))


if __name__ == "__main__":
    main()
