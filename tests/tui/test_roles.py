"""Each role's main loop, driven through the UI: act, advance the world, see the earnings change."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from taosandbox.tui.app import TaoApp
from taosandbox.tui.screens.game import GameScreen
from tests.tui.conftest import advance, settle


def status_text(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_miner_registers_and_earns(make_world):
    world = make_world("miner")
    app = TaoApp(world=world)
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, GameScreen)
        assert app.screen.query_one("#tabs").active == "miner"
        assert "no miner on the subnet" in status_text(app, "#miner-status")
        await pilot.click("#miner-register")
        await settle(pilot)
        snapshot = app.screen.snapshot
        assert len(snapshot.player.uids) == 1
        uid = snapshot.player.uids[0]
        assert snapshot.player.free_rao < 500 * 10**9  # the burn was paid
        assert f"UID {uid}" in status_text(app, "#miner-status")
        before = snapshot.neuron(uid).emission_total_rao
        snapshot = await advance(pilot, 30)
        assert snapshot.neuron(uid).emission_total_rao > before
        assert "immune for" in status_text(app, "#miner-status")


async def test_validator_stakes_and_earns_dividends(make_world):
    world = make_world("validator")
    app = TaoApp(world=world)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.click("#validator-register")
        await settle(pilot)
        hotkey = app.screen.snapshot.player.hotkeys[0]
        field = app.screen.query_one("#validator-amount Input", Input)
        field.value = "200"
        await pilot.click("#validator-stake")
        await settle(pilot)
        snapshot = app.screen.snapshot
        assert snapshot.player.staked_rao == 200 * 10**9
        uid = snapshot.player.uids[0]
        assert hotkey in status_text(app, "#validator-status")
        snapshot = await advance(pilot, 120)
        row = snapshot.neuron(uid)
        assert row.validator_permit
        assert row.dividends > 0
        assert row.emission_total_rao > 0
        assert "permit" in status_text(app, "#validator-status")


async def test_delegator_delegates_and_is_paid(make_world):
    world = make_world("delegator")
    app = TaoApp(world=world)
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.screen.query_one("#tabs").active == "delegator"
        table = app.screen.query_one("#delegates", DataTable)
        assert table.row_count == 2
        app.screen.query_one("#delegator-amount Input", Input).value = "100"
        await pilot.click("#delegator-add")
        await settle(pilot)
        snapshot = app.screen.snapshot
        assert snapshot.player.staked_rao == 100 * 10**9
        assert "Your stakes" in status_text(app, "#delegator-status")
        # Each hotkey pays its stakers every 361 blocks; stake added mid-interval waits for the next one.
        snapshot = await advance(pilot, 722)
        assert snapshot.player.earned_rao > 0
        assert snapshot.player.stakes[0].earned_rao > 0


async def test_enter_in_a_field_presses_its_button_and_escape_leaves_the_form(make_world):
    """Keyboard first: type an amount, enter stakes it; escape gives space/n back to the game."""
    world = make_world("validator")
    app = TaoApp(world=world)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.click("#validator-register")
        await settle(pilot)
        field = app.screen.query_one("#validator-amount Input", Input)
        field.focus()
        field.value = "25"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.snapshot.player.staked_rao == 25 * 10**9
        await pilot.press("escape")
        assert not isinstance(app.focused, Input)
        block = app.screen.snapshot.block
        await pilot.press("n")  # the game's "step one block" works again
        await settle(pilot)
        assert app.screen.snapshot.block == block + 1


async def test_delegate_table_quotes_a_yearly_rate_and_says_when_a_world_pays_absurdly(make_world):
    """Issue 15 item 13: beside τ/τ/DAY the table shows APR (one formula, chain.returns), and a world whose
    small stakes pay far beyond the real network's rates says so on screen."""
    from taosandbox.chain.returns import apr, format_rate

    world = make_world("delegator")  # 1,500 τ of validator stake beside 7,200 τ a day
    app = TaoApp(world=world)
    async with app.run_test(size=(120, 40)) as pilot:
        snapshot = await advance(pilot, 40)
        table = app.screen.query_one("#delegates", DataTable)
        row = next(d for d in snapshot.delegates if d.hotkey == "val-a")
        assert table.get_cell("val-a", "APR") == format_rate(apr(row.return_per_tao_day)) == ">1000%"
        text = status_text(app, "#delegator-status")
        assert "APR = × 365" in text
        assert "Returns here are not the real network's" in text and "1,500 τ" in text
        await pilot.click("#delegator-add")  # 10 τ, the default amount
        await settle(pilot)
        assert "paying >1000%/yr now" in status_text(app, "#delegator-status")


def test_the_free_sandbox_needs_no_such_note():
    from taosandbox.tui.widgets.delegator_panel import returns_note
    from taosandbox.world import World
    from taosandbox.world.scenario import Scenario, sandbox_scenario

    world = World(Scenario.from_dict(sandbox_scenario("delegator")))
    world.advance(40)
    note = returns_note(world.snapshot())
    assert "APR" in note and "not the real network's" not in note
