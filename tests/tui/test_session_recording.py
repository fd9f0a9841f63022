"""A game played through the app is recorded as it goes, replays in the viewer, and continues."""

from __future__ import annotations

from taosandbox.sessions import Replay, SessionRecorder, latest_autosave, load, verify
from taosandbox.tui.app import TaoApp
from taosandbox.tui.replay_app import ReplayApp
from taosandbox.tui.screens.game import GameScreen
from taosandbox.tui.screens.replay import ReplayScreen
from tests.tui.conftest import advance, settle


async def test_a_game_through_the_app_records_replays_and_continues(make_world):
    world = make_world("miner")
    app = TaoApp(world=world)
    async with app.run_test(size=(120, 40)) as pilot:
        assert SessionRecorder.of(world) is not None  # recording from block 0
        await advance(pilot, 5)
        await pilot.click("#miner-register")
        await settle(pilot)
        await advance(pilot, 40)
        await pilot.press("q")
        await pilot.pause()
    played = (world.block, world.state_hash(), list(world.action_log))
    path = latest_autosave()
    session = load(path)
    assert [a["kind"] for _b, a in session.actions] == ["register"]
    assert session.actions[0][0] == 5 and session.end == played[:2]
    assert verify(path).ok

    viewer = ReplayApp(path)
    async with viewer.run_test(size=(140, 40)) as pilot:
        screen = viewer.screen
        assert isinstance(screen, ReplayScreen)
        await screen.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("n")
        assert screen.replay.block == 5
        await pilot.press("end")
        assert screen.replay.world.state_hash() == played[1]
        assert screen.replay.world.action_log == played[2]

    again = TaoApp()
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        again.continue_game()
        await again.workers.wait_for_complete()
        await settle(pilot)
        assert isinstance(again.screen, GameScreen)
        resumed = again.world
        assert (resumed.block, resumed.state_hash(), resumed.action_log) == played
        assert SessionRecorder.of(resumed).autosave_path != path  # a new file: the old one is kept


async def test_the_title_screen_opens_a_saved_session_in_the_viewer(make_world):
    from taosandbox.tui.screens.open_replay import OpenReplayModal
    from taosandbox.tui.screens.title import TitleScreen

    world = make_world("miner")
    app = TaoApp(world=world)
    async with app.run_test(size=(120, 40)) as pilot:
        await advance(pilot, 12)
        await pilot.press("q")
        await pilot.pause()
    saved = latest_autosave()

    title = TaoApp()
    async with title.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(title.screen, TitleScreen)
        assert not title.screen.query_one("#title-replay").disabled
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(title.screen, OpenReplayModal)
        await pilot.press("enter")
        await pilot.pause()
        screen = title.screen
        assert isinstance(screen, ReplayScreen)
        await screen.workers.wait_for_complete()
        assert screen.replay.end_block == 12 and screen.path == saved
