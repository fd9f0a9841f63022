"""The first screen comes up without scikit-learn or the engine's heavy parts (subprocess checks)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(code: str, tmp_path) -> str:
    env = {"TAOSANDBOX_HOME": str(tmp_path), "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_title_screen_shows_before_sklearn_is_imported(tmp_path):
    out = run("""
        import asyncio, sys
        from taosandbox.tui.app import TaoApp
        from taosandbox.tui.screens.title import TitleScreen

        async def main():
            app = TaoApp()
            async with app.run_test(size=(120, 40)) as pilot:
                await pilot.pause()
                print(type(app.screen).__name__, "sklearn" in sys.modules)

        asyncio.run(main())
    """, tmp_path)
    assert out == "TitleScreen False"
