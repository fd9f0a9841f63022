"""Thousands of seeded random key presses never crash the app (title screen included)."""

from __future__ import annotations

import asyncio
import os
import random

from textual import events

from taosandbox.tui.app import TaoApp
from taosandbox.tui.screens.game import GameScreen
from tests.tui.conftest import wait_for_workers

KEYS = list("abcdefghijklmnoprstuvwxyz0123456789NSE.:,-=?") + [
    "space", "enter", "escape", "tab", "shift+tab", "up", "down", "left", "right", "pageup",
    "pagedown", "home", "end", "backspace", "delete", "plus", "minus", "question_mark",
]
"""Everything but quitting (q, ctrl+q) and the command palette (it could run "quit")."""


CHARS = {"space": " ", "plus": "+", "minus": "-", "question_mark": "?", "full_stop": ".", "colon": ":",
         "comma": ",", "equals_sign": "="}
NAMES = {".": "full_stop", ":": "colon", ",": "comma", "=": "equals_sign", "-": "minus", "?": "question_mark"}


async def press_randomly(pilot, rng: random.Random, count: int, *, stay_in_game: bool = False) -> None:
    """Send key events straight to the driver (``pilot.press`` idles ~45 ms per key).

    ``stay_in_game``: stop once the keys have left the game for the title screen (its Quit button would
    end the app with keys still queued; the title screen has its own random-keys test)."""
    from taosandbox.tui.screens.title import TitleScreen

    driver = pilot.app._driver
    for i in range(count):
        if stay_in_game and any(isinstance(s, TitleScreen) for s in pilot.app.screen_stack):
            break
        key = rng.choice(KEYS)
        key = NAMES.get(key, key)
        char = CHARS.get(key, key if len(key) == 1 else None)
        driver.send_message(events.Key(key, char))
        await asyncio.sleep(0)
        if i % 25 == 24:  # let the app catch up (pilot.pause would wait for idle: never, at MAX speed)
            await asyncio.sleep(0.01)
    for screen in pilot.app.screen_stack:  # stop simulated time, so every worker can finish
        if isinstance(screen, GameScreen):
            screen.pause()


async def test_random_keys_in_the_game_never_crash(make_world, manual_time):
    world = make_world("miner")
    app = TaoApp(world=world)
    async with app.run_test(size=(120, 40)) as pilot:
        await press_randomly(pilot, random.Random(1234), int(os.environ.get('TUI_RANDOM_KEYS', 2000)),
                             stay_in_game=True)
        await wait_for_workers(app)
        await pilot.pause()
        assert app.is_running
        assert app.return_code is None


async def test_random_keys_on_the_title_screen_never_crash(monkeypatch):
    # Starting a game from the title builds the real sandbox; keep it small for the test.
    import taosandbox.tui.launch as launch
    from tests.tui.conftest import small_scenario

    monkeypatch.setattr(launch, "sandbox_scenario", lambda role, seed: small_scenario(role))
    app = TaoApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await press_randomly(pilot, random.Random(99), 600)
        while app.building:
            await pilot.pause(0.05)
        await pilot.pause()
        # A crash would re-raise here; the Quit button (tab, enter) is a clean exit with code 0.
        assert app.return_code in (None, 0)
