"""Shared fixtures: an isolated home, small worlds, and a helper to drive time from the test."""

from __future__ import annotations

from typing import Any

import pytest

from taosandbox.tui.messages import WorldUpdated


def small_scenario(role: str = "miner", **player: Any) -> dict[str, Any]:
    """Two validators and six miners: builds in well under a second."""
    data = {
        "name": "test",
        "seed": 7,
        "neurons": [
            {"role": "validator", "strategy": "honest", "stake_tao": 1000.0, "hotkey": "val-a",
             "registered_block": -10_000},
            {"role": "validator", "strategy": "honest", "stake_tao": 500.0, "hotkey": "val-b",
             "registered_block": -10_000},
            {"role": "miner", "strategy": "honest", "count": 5, "budget": 60, "hotkey": "m",
             "registered_block": -10_000},
            {"role": "miner", "strategy": "idle", "hotkey": "lazy", "registered_block": -10_000},
        ],
        "player": {"role": role, "balance_tao": 500.0, **player},
    }
    return data


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("TAOSANDBOX_HOME", str(tmp_path))
    return tmp_path


@pytest.fixture
def make_world():
    from taosandbox.world import World

    def make(role: str = "miner", **overrides: Any) -> World:
        data = small_scenario(role)
        for key, value in overrides.items():
            section, _, name = key.partition("__")
            data.setdefault(section, {})[name] = value
        return World(data)

    return make


async def advance(pilot, blocks: int) -> Any:
    """Advance the world directly (as the sim worker would) and post the update to the game screen."""
    app = pilot.app
    screen = app.screen
    with screen.sim.lock:
        app.world.advance(blocks)
    screen.post_message(WorldUpdated(screen.sim.snapshot()))
    await pilot.pause()
    await pilot.pause()
    return screen.snapshot


async def wait_for_workers(app, timeout: float = 30.0) -> None:
    """Wait until no worker is pending or running (cancelled ones count as done, unlike wait_for_complete)."""
    import asyncio
    import time

    from textual.worker import WorkerState

    deadline = time.monotonic() + timeout
    while any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in app.workers):
        if time.monotonic() > deadline:
            raise TimeoutError("workers still running")
        await asyncio.sleep(0.02)


async def settle(pilot) -> None:
    """Let action workers finish and their messages be handled."""
    await wait_for_workers(pilot.app)
    await pilot.pause()
    await pilot.pause()


RUN_CHUNK = 5
"""Blocks one unbounded run (space) advances under ``manual_time``: a fixed amount, not 'whatever ran'."""


@pytest.fixture
def manual_time(monkeypatch):
    """The game's time, driven by the test: the sim worker becomes an inline step of a fixed number of
    blocks (``limit``, or RUN_CHUNK for an unbounded run) that posts its snapshot, so what a key did is
    an exact block count instead of however far a real thread got in some wall-clock time."""
    from taosandbox.tui.messages import SimStopped
    from taosandbox.tui.screens.game import GameScreen
    from taosandbox.tui.sim import is_prune_alert

    def run_sim(self, limit: int | None = None, fast: bool = False) -> None:
        reason = "done" if limit is not None else None
        for _ in range(RUN_CHUNK if limit is None else limit):
            events = self.sim.step()
            if any(e.kind == "halving" for e in events):
                reason = "halving"
                break
            if any(is_prune_alert(e) for e in events):
                reason = "prune"
                break
        if reason is not None:
            self.post_message(SimStopped(reason))
        self.post_message(WorldUpdated(self.sim.snapshot()))

    monkeypatch.setattr(GameScreen, "run_sim", run_sim)
    return RUN_CHUNK
