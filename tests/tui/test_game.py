"""The game screen: halving banner, refusals, time controls, the metagraph, forms."""

from __future__ import annotations

from textual.widgets import Input, Static

from taosandbox.tui.app import TaoApp
from taosandbox.tui.screens.game import GameScreen
from taosandbox.tui.screens.halving import HalvingModal
from taosandbox.tui.widgets.event_log import EventLog
from taosandbox.tui.widgets.neuron_table import NeuronTable
from tests.tui.conftest import advance, settle


def log_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen.query_one(EventLog).lines)


async def test_halving_banner_pauses_and_explains(make_world):
    world = make_world("miner", chain__total_issuance_tao=10_499_990.0)
    app = TaoApp(world=world)
    async with app.run_test(size=(120, 40)) as pilot:
        game = app.screen
        assert game.snapshot.blocks_to_next_halving is not None
        await pilot.press("h")  # skip to the next halving, in the sim worker
        await settle(pilot)
        await pilot.pause()
        assert isinstance(app.screen, HalvingModal)
        text = str(app.screen.query_one("#halving-text", Static).render())
        assert "1.0000 τ per block" in text and "0.5000 τ per block" in text
        assert "10,500,000 τ" in text and "recycled" in text
        assert not game.running
        halted_at = world.block
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, GameScreen)
        assert world.block == halted_at  # still paused: a skip does not resume after the banner
        assert game.snapshot.block_emission_rao == 500_000_000


async def test_halving_banner_from_a_posted_update(make_world):
    world = make_world("miner", chain__total_issuance_tao=10_499_990.0)
    app = TaoApp(world=world)
    async with app.run_test(size=(120, 40)) as pilot:
        await advance(pilot, 40)
        assert isinstance(app.screen, HalvingModal)


async def test_refused_action_shows_the_engines_reason(make_world):
    world = make_world("miner", player__balance_tao=0.25)  # less than the 1 τ burn
    app = TaoApp(world=world)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.click("#miner-register")
        await settle(pilot)
        assert app.screen.snapshot.player.uids == ()
        reason = world.events[-1].data["reason"]
        assert world.events[-1].kind == "refused"
        messages = [n.message for n in app._notifications]
        assert any(reason in m for m in messages)
        assert reason in log_text(app)


async def test_time_controls_step_and_run(make_world, manual_time):
    world = make_world("miner")
    app = TaoApp(world=world)
    async with app.run_test(size=(120, 40)) as pilot:
        game = app.screen
        await pilot.press("n")
        await settle(pilot)
        assert world.block == 1
        assert "block 1 " in str(game.query_one("#time-line", Static).render())
        assert "day 0 00:00:12" in str(game.query_one("#time-line", Static).render())
        await pilot.press("plus", "plus")  # 100x -> MAX
        assert game.sim.speed_label == "MAX"
        await pilot.press("space")
        await settle(pilot)
        assert game.running and world.block == 1 + manual_time  # one run of the test's clock
        await pilot.press("space")
        await settle(pilot)
        assert not game.running
        stopped = world.block
        await settle(pilot)
        assert world.block == stopped
        await pilot.press("N")  # next epoch (tempo 1: one block)
        await settle(pilot)
        assert world.block == stopped + 1


async def test_metagraph_sorts_and_marks_the_players_neuron(make_world):
    world = make_world("miner", player__register=True)
    app = TaoApp(world=world)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1")
        await advance(pilot, 5)
        table = app.screen.query_one(NeuronTable)
        table.focus()
        assert [r.uid for r in table.rows] == sorted(r.uid for r in table.rows)
        await pilot.press("s")  # sort by stake
        stakes = [r.stake_rao for r in table.rows]
        assert stakes == sorted(stakes)
        await pilot.press("r")
        assert [r.stake_rao for r in table.rows] == sorted(stakes, reverse=True)
        await pilot.click(NeuronTable, offset=(4, 0))  # the header's UID column
        assert table.sort_index == 0
        mine = [r for r in table.rows if r.is_player]
        assert len(mine) == 1
        line = table.render_line(1 + table.rows.index(mine[0])).text
        assert line.startswith("★")


async def test_stake_field_says_what_is_wrong_as_you_type(make_world):
    world = make_world("validator")
    app = TaoApp(world=world)
    async with app.run_test(size=(120, 40)) as pilot:
        field = app.screen.query_one("#validator-amount Input", Input)
        field.focus()
        field.value = ""
        await pilot.press(*"abc")
        await pilot.pause()
        assert "'abc' is not a number" in str(app.screen.query_one("#validator-amount .field-error").render())
        field.value = ""
        await pilot.press(*"99999")
        await pilot.pause()
        assert "you only have" in str(app.screen.query_one("#validator-amount .field-error").render())
        await pilot.press("space", "n")  # typed into the field, not time controls
        assert world.block == 0


async def test_quit_autosaves_the_game(make_world):
    from taosandbox.sessions import latest_autosave, load

    world = make_world("miner")
    app = TaoApp(world=world)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("q")
        await pilot.pause()
    assert app.autosave_note is None
    session = load(latest_autosave())
    assert session.damage is None and session.end == (world.block, world.state_hash())


async def test_model_settings_field_checks_ranges_as_you_type(make_world):
    app = TaoApp(world=make_world("miner"))
    async with app.run_test(size=(120, 40)) as pilot:
        field = app.screen.query_one("#miner-params Input", Input)
        field.focus()
        await pilot.press(*"C=1e9")
        await pilot.pause()
        assert "between" in str(app.screen.query_one("#miner-params .field-error").render())
        await pilot.press("backspace", "backspace", "backspace", "5")  # C=5
        await pilot.pause()
        assert str(app.screen.query_one("#miner-params .field-error").render()) == ""
