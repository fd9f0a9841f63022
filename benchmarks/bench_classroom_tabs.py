"""The browser side of a class: real headless-Chromium tabs joining through textual-serve.

    python benchmarks/bench_classroom_tabs.py                   # 8 tabs, the free sandbox class
    python benchmarks/bench_classroom_tabs.py --tabs 4 --level class-03-cabal --screenshot /tmp/tab.png

The server is ``taosandbox classroom --no-console`` in its own process, serving the page on 127.0.0.1.
Each tab is a page of one headless Chromium (the system's /usr/bin/chromium, driven by Playwright): it
opens the class address, types a name and the code, and joins. textual-serve runs one ``taosandbox join``
app process per tab on the teacher's computer: that is the cost measured here (the browser itself runs
on each student's computer). Reported:

- the time from opening a tab to its game screen (median, max),
- each tab's app process: resident memory (median, max) and CPU while the class clock runs at 1 block/s,
- how many tabs this machine holds: its available memory over the memory per tab, and its cores over
  the CPU per tab (the smaller of the two is the answer).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "tests" / "classroom"))

from bench_classroom import proc_cpu_seconds, proc_rss_mb, wait_for_server  # noqa: E402
from browser_page import RECORD_OUTPUT  # noqa: E402  (the browser test's page recorder)

CHROMIUM = os.environ.get("TAOSANDBOX_CHROMIUM", "/usr/bin/chromium")
CODE = "TABS01"


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (textual-serve starts each tab's app through a shell)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def tab_processes(server_pid: int) -> list[int]:
    """The ``taosandbox join`` app processes (one per open tab)."""
    found = []
    for pid in descendants(server_pid):
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"join" in argv and any(b"python" in a for a in argv[:1]):
            found.append(pid)
    return found


def available_mb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def open_tab(browser, url: str, name: str) -> tuple[object, float]:
    started = time.monotonic()
    page = await browser.new_page(viewport={"width": 1400, "height": 900})
    await page.add_init_script(RECORD_OUTPUT)
    await page.goto(url)
    await page.wait_for_function("window.__screen.includes('Join the class')", timeout=120_000)
    await page.focus(".xterm-helper-textarea")
    await page.keyboard.type(name)
    await page.wait_for_function(f"window.__screen.includes({name!r})", timeout=60_000)
    await page.keyboard.press("Tab")
    await page.keyboard.type(CODE)
    await page.wait_for_function(f"window.__screen.includes({CODE!r})", timeout=60_000)
    await page.keyboard.press("Enter")
    await page.wait_for_function(f"window.__screen.includes('coldkey {name.lower()}')", timeout=120_000)
    return page, time.monotonic() - started


async def bench(args: argparse.Namespace) -> None:
    from playwright.async_api import async_playwright

    directory = Path(tempfile.mkdtemp(prefix="bench-tabs-"))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TAOSANDBOX_HOME": str(directory / "home")}
    command = [sys.executable, "-m", "taosandbox", "classroom", "--no-console", "--dir", str(directory / "class"),
               "--port", str(args.port), "--web-port", str(args.web_port), "--code", CODE]
    if args.level:
        command += ["--level", args.level]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        info = await wait_for_server(f"127.0.0.1:{args.port}", directory / "class")
        teacher = info["teacher"]
        print(f"class server up (pid {server.pid}); page http://127.0.0.1:{args.web_port}/; "
              f"{available_mb():,.0f} MB available before the tabs")
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            try:
                pages, joins = [], []
                for k in range(args.tabs):  # one after another, as students arrive
                    page, seconds = await open_tab(browser, f"http://127.0.0.1:{args.web_port}/", f"Tab{k:02d}")
                    pages.append(page)
                    joins.append(seconds)
                apps = tab_processes(server.pid)
                await teacher.command("resume")  # 1 block/s, the starting speed
                cpu0 = {pid: proc_cpu_seconds(pid) for pid in apps}
                t0 = time.monotonic()
                await asyncio.sleep(args.seconds)
                elapsed = time.monotonic() - t0
                cpu = [100 * (proc_cpu_seconds(pid) - cpu0[pid]) / elapsed for pid in apps]
                rss = [proc_rss_mb(pid) for pid in apps]
                if args.screenshot:
                    await pages[0].keyboard.press("1")  # the metagraph
                    await asyncio.sleep(2)
                    await pages[0].screenshot(path=args.screenshot)
                    print(f"screenshot of the first tab: {args.screenshot}")
            finally:
                await browser.close()
        await teacher.close()
    finally:
        server.terminate()
        server.wait(30)
    print(f"{args.tabs} tabs joined; {len(apps)} app processes; open to game screen: median "
          f"{statistics.median(joins):.1f} s, max {max(joins):.1f} s")
    print(f"per tab (app process): memory median {statistics.median(rss):.0f} MB, max {max(rss):.0f} MB RSS; "
          f"CPU median {statistics.median(cpu):.1f}%, max {max(cpu):.1f}% of one core over {elapsed:.0f} s "
          f"at 1 block/s")
    memory_tabs = available_mb() / max(rss)
    cpu_tabs = (os.cpu_count() or 1) * 100 / max(statistics.mean(cpu), 0.1)
    print(f"this machine ({os.cpu_count()} cores, {available_mb():,.0f} MB available after): about "
          f"{int(min(memory_tabs, cpu_tabs))} tabs (memory allows {int(memory_tabs)}, CPU {int(cpu_tabs)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tabs", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0, help="how long to watch the joined tabs")
    parser.add_argument("--level", help="a class activity instead of the free sandbox")
    parser.add_argument("--screenshot", help="save a screenshot of the first tab here")
    parser.add_argument("--port", type=int, default=18775)
    parser.add_argument("--web-port", type=int, default=18776)
    asyncio.run(bench(parser.parse_args()))


if __name__ == "__main__":
    main()
