"""Pictures of the title and game screens: fixed seed, paused, simulated clock only."""

from __future__ import annotations

import pytest

from taosandbox.tui.app import TaoApp
from tests.tui.conftest import advance, small_scenario


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("TAOSANDBOX_HOME", str(tmp_path))


def test_title_screen(snap_compare):
    assert snap_compare(TaoApp(), terminal_size=(120, 40))


def game_app(role: str) -> TaoApp:
    from taosandbox.world import World

    return TaoApp(world=World(small_scenario(role, register=role != "delegator")))


def test_game_screen_metagraph(snap_compare):
    async def run_before(pilot) -> None:
        await pilot.press("1")
        await advance(pilot, 20)

    assert snap_compare(game_app("miner"), terminal_size=(120, 40), run_before=run_before)


def test_game_screen_validator_panel(snap_compare):
    async def run_before(pilot) -> None:
        await advance(pilot, 20)

    assert snap_compare(game_app("validator"), terminal_size=(120, 40), run_before=run_before)


# 80x24, the default terminal (issue 15 item 4): banner and every button on the title, metagraph rows,
# the validator's fields (stacked, borderless, the panel scrolls) under a three-line header.
def test_title_screen_80x24(snap_compare):
    assert snap_compare(TaoApp(), terminal_size=(80, 24))


def test_game_screen_metagraph_80x24(snap_compare):
    async def run_before(pilot) -> None:
        await pilot.press("1")
        await advance(pilot, 20)

    assert snap_compare(game_app("miner"), terminal_size=(80, 24), run_before=run_before)


def test_game_screen_validator_panel_80x24(snap_compare):
    async def run_before(pilot) -> None:
        await advance(pilot, 20)

    assert snap_compare(game_app("validator"), terminal_size=(80, 24), run_before=run_before)
