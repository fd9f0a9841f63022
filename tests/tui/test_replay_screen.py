"""The replay viewer: loads a recorded game, steps, seeks, jumps to events, plays, stays read-only."""

from __future__ import annotations

import sys
from pathlib import Path

from textual.widgets import OptionList, Static

from taosandbox.sessions import Replay
from taosandbox.tui.replay_app import ReplayApp
from taosandbox.tui.screens.replay import ReplayScreen
from taosandbox.tui.widgets.neuron_table import NeuronTable

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sessions"))
from session_helpers import record_game  # noqa: E402


def _status(screen: ReplayScreen) -> str:
    return str(screen.query_one("#replay-status", Static).render())


def straight(path: Path, block: int) -> str:
    replay = Replay(path, snapshot_seconds=None)
    while replay.block < block:
        replay.step()
    return replay.world.state_hash()


async def test_replay_viewer_controls(tmp_path):
    path = tmp_path / "game.jsonl"
    facts = record_game(path, blocks=300)
    app = ReplayApp(path)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReplayScreen)
        await app.workers.wait_for_complete()
        await screen.workers.wait_for_complete()
        await pilot.pause()
        replay = screen.replay
        assert replay is not None and replay.block == 0 and replay.end_block == 300
        assert "block 0 / 300" in _status(screen)
        table = screen.query_one("#replay-neurons", NeuronTable)
        assert {r.uid for r in table.rows} == {n.uid for n in replay.world.snapshot().neurons}
        assert "block 0 " in str(screen.query_one("#replay-chain #time-line", Static).render())
        timeline = screen.query_one("#replay-timeline", OptionList)
        assert timeline.option_count == len(replay.timeline()) > 0

        await pilot.press("right", "right")
        assert replay.block == 2 and "block 2 / 300" in _status(screen)
        await pilot.press("left")
        assert replay.block == 1

        await pilot.press("n")  # the first player action: register at block 7
        assert replay.block == facts["actions"][0][0] == 7
        assert replay.world.state_hash() == straight(path, 7)

        await pilot.press("g")
        await pilot.press(*"250", "enter")
        await pilot.pause()
        assert replay.block == 250 and replay.world.state_hash() == straight(path, 250)
        await pilot.press("home")
        assert replay.block == 0
        await pilot.press("p")  # the first prune
        prunes = [b for b, g in replay.timeline() if g == "prune"]
        assert replay.block == prunes[0]

        await pilot.press("end")
        assert replay.block == 300 and replay.world.state_hash() == facts["final_hash"]
        # Read-only: whatever was pressed, the world holds the recorded actions and no others.
        assert replay.world.action_log == facts["actions"]

        await pilot.press("home", "plus", "plus", "plus", "space")  # 100 blocks/s
        assert screen.playing and "▶ playing ×100" in _status(screen)
        screen.timer.pause()  # the test is the clock: five ticks of 0.1 s at 100 blocks/s
        block = replay.block
        for _ in range(5):
            screen._tick()
        assert replay.block == block + 50
        await pilot.press("space")
        assert not screen.playing

        timeline.focus()
        timeline.highlighted = 0
        await pilot.press("enter")
        assert replay.block == replay.timeline()[0][0]


async def test_replay_viewer_says_why_a_file_cannot_be_replayed(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text("this is not a session\n")
    app = ReplayApp(path)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = app.screen
        await screen.workers.wait_for_complete()
        await pilot.pause()
        assert screen.replay is None
        status = _status(screen)
        assert "Cannot replay bad.jsonl: line 1: not a session header" in status
        await pilot.press("space", "right", "n")  # nothing to do, nothing breaks
        assert screen.replay is None


async def test_replay_viewer_shows_the_intact_part_of_a_damaged_file(tmp_path):
    path = tmp_path / "game.jsonl"
    record_game(path, blocks=120)
    lines = path.read_text().splitlines(keepends=True)
    cut = next(i for i, line in enumerate(lines) if '"block":100' in line)  # the actions at block 100
    path.write_text("".join(lines[:cut + 1]) + lines[cut + 1][:25])
    app = ReplayApp(path)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = app.screen
        await screen.workers.wait_for_complete()
        await pilot.pause()
        assert screen.replay.end_block == 100
        notice = str(screen.query_one("#replay-notice", Static).render())
        assert notice.startswith(f"Damaged file: line {cut + 2}: the file ends mid-line (cut short).")
        assert "Showing the intact part, up to block 100." in notice
        await pilot.press("end")
        assert screen.replay.block == 100


def test_block_number_reads_what_people_type():
    from taosandbox.tui.screens.replay import block_number

    assert block_number(" 1200 ") == 1200 and block_number("12,000") == 12000 and block_number("1_200") == 1200
    assert block_number("abc") is None and block_number("") is None and block_number("-5") is None


async def test_go_to_block_keeps_what_you_typed(tmp_path):
    from textual.widgets import Input

    path = tmp_path / "game.jsonl"
    record_game(path, blocks=60)
    app = ReplayApp(path)
    notes: list[str] = []
    async with app.run_test(size=(140, 40)) as pilot:
        screen = app.screen
        await screen.workers.wait_for_complete()
        await pilot.pause()
        app.notify = lambda message, **_kw: notes.append(str(message))  # type: ignore[method-assign]
        await pilot.press("g", *"abc", "enter")
        box = screen.query_one("#replay-goto", Input)
        assert box.value == "abc" and box.has_class("-open") and box.has_focus
        assert notes and "Not a block number: 'abc'" in notes[-1]
        box.value = ""
        await pilot.press(*"40", "enter")
        await pilot.pause()
        assert screen.replay.block == 40 and not box.has_class("-open")


async def test_replay_viewer_at_80x24_gives_the_metagraph_the_width(tmp_path):
    """`taosandbox replay FILE` at 80x24: the header collapses as in the game (the app has the game's
    sheet and breakpoints), the timeline goes under the metagraph, which keeps the full width."""
    path = tmp_path / "game.jsonl"
    record_game(path, blocks=60)
    app = ReplayApp(path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await app.workers.wait_for_complete()
        await screen.workers.wait_for_complete()
        await pilot.pause()
        assert screen.has_class("-narrow") and screen.has_class("-short")
        table = screen.query_one("#replay-neurons", NeuronTable)
        side = screen.query_one("#replay-side")
        assert table.region.width >= 78 and side.region.y >= table.region.bottom
        assert not screen.query_one("#replay-chain #issuance-line").display
        assert not screen.query_one("#replay-events").display
