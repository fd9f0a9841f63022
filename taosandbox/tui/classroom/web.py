"""Browsers: textual-serve runs ``taosandbox join`` once per tab, each tab a client of the one world.

The page is textual-serve's own with one change: no Google Fonts link. It bundles DejaVu Sans Mono
(``web/fonts``, the DejaVu fonts licence allows shipping it) under the name textual.js asks for, so the
page works offline and draws every glyph the game uses (tests/classroom/test_web.py checks them).
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Any

from aiohttp import web

WEB_DIR = Path(__file__).parent / "web"


def join_command(class_port: int) -> str:
    """What each browser tab runs: a student's game against the class on this machine."""
    return shlex.join([sys.executable, "-m", "taosandbox", "join", f"127.0.0.1:{class_port}"])


async def start_web(class_port: int, host: str, port: int, title: str) -> tuple[web.AppRunner, Any]:
    """textual-serve's server for the class, in the running loop; (runner, the Server)."""
    from textual_serve.server import Server

    public_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    server = Server(join_command(class_port), host=public_host, port=port, title=title,
                    templates_path=str(WEB_DIR / "templates"))
    app = await server._make_app()  # its routes (index, per-tab websocket, statics) in our loop
    app.router.add_static("/class-static", WEB_DIR / "static", name="class_static")
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    return runner, server
