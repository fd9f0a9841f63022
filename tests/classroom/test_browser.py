"""A real browser (headless Chromium through Playwright, the system's /usr/bin/chromium) opens the class
page, joins with the code, registers a miner, and sees the block advance and its name in the metagraph,
while a second student joins from a terminal client.

xterm draws on a canvas, so the page's text is read from what the page receives: an init script records
the terminal output arriving on the page's WebSocket."""

import os
import shutil
import socket

import pytest

from taosandbox.classroom.client import ClassClient
from taosandbox.tui.classroom.web import start_web

from browser_page import RECORD_OUTPUT
from class_worlds import CODE

CHROMIUM = os.environ.get("TAOSANDBOX_CHROMIUM", "/usr/bin/chromium")
playwright_api = pytest.importorskip("playwright.async_api")
pytestmark = pytest.mark.skipif(not shutil.which(CHROMIUM), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")



async def _shows(page, text: str) -> None:
    """Wait until ``text`` has been drawn on the page's terminal; on a timeout, say what was drawn."""
    try:
        await page.wait_for_function(f"window.__screen.includes({text!r})", timeout=60_000)
    except playwright_api.TimeoutError:
        drawn = await page.evaluate("window.__screen")
        await page.screenshot(path="/tmp/browser-failure.png")
        raise AssertionError(f"{text!r} never appeared; the page last drew {drawn[-1500:]!r}") from None


async def _press_and_redraw(page, key: str) -> None:
    """Press ``key`` and wait for the terminal to draw again (its effect, e.g. the focus moving)."""
    frames = await page.evaluate("window.__frames")
    await page.keyboard.press(key)
    await page.wait_for_function(f"window.__frames > {frames}", timeout=30_000)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_a_browser_student_joins_registers_and_sees_the_class(server, room, tmp_path):
    runner, _ = await start_web(server.port, "127.0.0.1", _free_port(), "class")
    port = runner.addresses[0][1]
    teacher = await ClassClient.teacher(server.address, room.secret)
    async with playwright_api.async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = await browser.new_page(viewport={"width": 1400, "height": 900})
            await page.add_init_script(RECORD_OUTPUT)
            await page.goto(f"http://127.0.0.1:{port}/")
            await _shows(page, "Join the class")
            await page.focus(".xterm-helper-textarea")  # xterm's keyboard input, as a click would give it
            await page.keyboard.type("Bea")
            await _shows(page, "Bea")  # typed keys are drawn before the next key moves the focus
            await _press_and_redraw(page, "Tab")
            await page.keyboard.type(CODE)
            await _shows(page, CODE)
            await page.keyboard.press("Enter")
            await _shows(page, "coldkey bea")
            assert room.seats["bea"].connected
            terminal = await ClassClient.join(server.address, "Cy", CODE, "delegator")  # a second student
            await _press_and_redraw(page, "2")  # the miner tab, then its Register button
            for _ in range(5):
                await _press_and_redraw(page, "Tab")
            await page.keyboard.press("Enter")
            await _shows(page, "bea-hk1")
            assert room.world.subnet.uid("bea-hk1") is not None
            await page.keyboard.press("1")  # the metagraph: bea's neuron among the others
            await teacher.command("step", blocks=5)
            block = room.world.block
            await _shows(page, f"block {block}")
            await page.screenshot(path=str(tmp_path / "browser-class.png"))
            assert set(room.seats) == {"bea", "cy"}
            await terminal.close()
        finally:
            await browser.close()
    await teacher.close()
    await runner.cleanup()
