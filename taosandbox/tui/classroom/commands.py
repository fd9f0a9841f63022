"""``taosandbox classroom``, ``taosandbox join`` and ``taosandbox teach``.

The classroom command runs one asyncio loop in a background thread: the class's world server and the
textual-serve server for browsers. The teacher's console, when this terminal has one, runs in the main
thread as a client like any other: closing it leaves the class running until Ctrl+C.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import Any

OPEN_NETWORK_WARNING = ("warning: --host {host} serves the class to every computer that can reach this one "
                        "(the school network); anyone with the code can join")


def lan_address() -> str:
    """This computer's address on the local network (what students type), or 127.0.0.1.

    Connecting a UDP socket sends nothing; it only asks the system which interface it would use."""
    import socket

    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))
            return probe.getsockname()[0]
    except OSError:
        return "127.0.0.1"


def _class_dir(args: Any) -> Path:
    from taosandbox.paths import classroom_dir

    return Path(args.dir) if args.dir else classroom_dir() / "current"


def _open_room(args: Any) -> Any:
    from taosandbox.classroom.classroom import CLASS_FILE, Classroom

    directory = _class_dir(args)
    if args.resume:
        return Classroom.resume(directory)
    if (directory / CLASS_FILE).exists():
        import shutil
        import time

        finished = directory.parent / f"class-{time.strftime('%Y%m%d-%H%M%S')}"
        shutil.move(str(directory), finished)  # the last class is kept, under its date
        print(f"The previous class was moved to {finished} (resume a class with --resume).")
    return Classroom.new(directory, level=args.level, seats=args.seats, code=args.code, seed=args.seed)


def classroom_command(args: Any) -> int:
    from taosandbox.classroom.server import ClassServer
    from taosandbox.tui.classroom.web import start_web

    log_dir = _class_dir(args)
    log_dir.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(filename=log_dir / "server.log", level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(message)s")
    print("Building the class world (training the miners' models)…", flush=True)
    try:
        room = _open_room(args)
    except (ValueError, OSError) as exc:
        print(f"taosandbox classroom: {exc}", file=sys.stderr)
        return 2
    loop = asyncio.new_event_loop()
    server = ClassServer(room, host=args.host, port=args.port)
    web_runner: list[Any] = []

    async def start() -> None:
        await server.start()
        if not args.no_browser:
            runner, _ = await start_web(server.port, args.host, args.web_port, f"taosandbox class {room.title}")
            web_runner.append(runner)

    def run_loop() -> None:
        asyncio.set_event_loop(loop)
        loop.run_forever()

    thread = threading.Thread(target=run_loop, name="class-server", daemon=True)
    thread.start()
    try:
        asyncio.run_coroutine_threadsafe(start(), loop).result(60)
    except Exception as exc:  # a port in use, most often
        print(f"taosandbox classroom: cannot start the class: {exc}", file=sys.stderr)
        return 2
    shown = lan_address() if args.host in ("0.0.0.0", "::") else args.host
    local = f"127.0.0.1:{server.port}"
    if args.host in ("0.0.0.0", "::"):
        print(OPEN_NETWORK_WARNING.format(host=args.host))
    banner = []
    if not args.no_browser:
        banner.append(f"Browser: http://{shown}:{args.web_port}")
    banner.append(f"Terminal: taosandbox join {shown}:{server.port} --name NAME --code {room.code}")
    print(f"Class {room.title!r}: {room.seats_max} seats, block {room.world.block:,}"
          + (", resumed" if args.resume else ""))
    if not args.no_browser:
        print(f"  Students, in a browser:   http://{shown}:{args.web_port}")
    print(f"  Students, in a terminal:  taosandbox join {shown}:{server.port} --name NAME --code {room.code}")
    print(f"  Class code:               {room.code}")
    print(f"  Teacher's console:        taosandbox teach {local} --secret {room.secret}")
    print("                            (keep the secret to yourself: it runs the class)")
    print(f"  Saved as it goes in:      {room.directory}   (after a crash: taosandbox classroom --resume)",
          flush=True)
    stop = threading.Event()
    try:
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    except ValueError:
        pass
    try:
        if not args.no_console and sys.stdin.isatty() and sys.stdout.isatty():
            from taosandbox.tui.classroom.console import TeacherApp

            TeacherApp(local, room.secret, banner="   ·   ".join(banner)).run()
            print("The console is closed; the class goes on. Reopen it with the teach command above; "
                  "Ctrl+C stops the class (it is saved; --resume continues it).", flush=True)
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    print("Stopping the class (saving)…", flush=True)

    async def shutdown() -> None:
        for runner in web_runner:
            await runner.cleanup()
        await server.stop()

    asyncio.run_coroutine_threadsafe(shutdown(), loop).result(60)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    print(f"Saved: {room.directory}")
    return 0


def join_command(args: Any) -> int:
    from taosandbox.tui.classroom.student import ClassApp

    ClassApp(args.address, name=args.name or "", code=args.code or "", role=args.group or args.role).run()
    return 0


def teach_command(args: Any) -> int:
    from taosandbox.tui.classroom.console import TeacherApp

    TeacherApp(args.address, args.secret).run()
    return 0
