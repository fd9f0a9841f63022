"""Defects found by the last newcomer pass (issue 15), each pinned by a test."""

from __future__ import annotations

from textual.widgets import Static

from taosandbox.tui.app import TaoApp
from taosandbox.tui.screens.game_tabs import metagraph_title
from tests.tui.conftest import advance


def test_metagraph_title_fits_its_line_by_dropping_what_the_header_shows(make_world):
    """With the free sandbox's 6M τ of stake the title ran past 80 columns and lost the burn."""
    snapshot = make_world("miner").snapshot()
    full = metagraph_title(snapshot)
    assert "block 0" in full and "issuance" in full and "burn 1.0000 τ" in full
    narrow = metagraph_title(snapshot, width=60)
    assert len(narrow) <= 60 and "burn 1.0000 τ" in narrow and "stake" in narrow
    assert "issuance" not in narrow and "block" not in narrow


async def test_metagraph_title_on_an_80_column_screen(make_world):
    app = TaoApp(world=make_world("miner"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await advance(pilot, 3)
        title = app.screen.query_one("#metagraph-title", Static)
        text = str(title.render())
        assert "burn" in text and len(text) <= title.content_size.width


def test_a_new_validator_is_told_the_next_epoch_gives_it_a_permit_not_that_it_needs_stake(make_world):
    """Registered at block 0, before any epoch: 9 uids and 64 permits, so it will get one."""
    from taosandbox.tui.widgets.validator_panel import permit_text
    from taosandbox.world.actions import Register

    world = make_world("validator")
    assert world.apply(Register(role="validator")).ok
    snap = world.snapshot()
    (mine,) = [r for r in snap.neurons if r.is_player]
    assert not mine.validator_permit
    assert "the next epoch gives it one" in permit_text(snap, mine)
    world.advance(1)
    snap = world.snapshot()
    (mine,) = [r for r in snap.neurons if r.is_player]
    assert mine.validator_permit and "yes" in permit_text(snap, mine)


def test_only_a_validator_outside_the_top_k_is_told_it_needs_more_stake(make_world):
    from taosandbox.tui.widgets.validator_panel import permit_text
    from taosandbox.world.actions import Register

    world = make_world("validator", hyperparameters__max_allowed_validators=2)
    assert world.apply(Register(role="validator")).ok
    world.advance(1)
    snap = world.snapshot()
    (mine,) = [r for r in snap.neurons if r.is_player]
    assert not mine.validator_permit
    assert "needs more stake: only the top 2 by stake" in permit_text(snap, mine)


def test_tiny_bonds_are_not_shown_as_zero():
    from types import SimpleNamespace

    from taosandbox.tui.widgets.validator_panel import bonds_text

    epoch = SimpleNamespace(n=4, row=lambda name, uid: [0.0, 0.25, 1.5e-5, 0.0])
    text = bonds_text(SimpleNamespace(last_epoch=epoch, extra={}), 0)
    assert text == "bonds (top): uid 1: 0.2500  uid 2: 1.5e-05"


async def test_delegate_table_fits_80_columns_and_stars_the_players_delegates(make_world):
    """With the APR column the table grew past 80 columns and hid VTRUST and VAL; YOURS τ went (the
    amounts are listed above the table) and ★ marks where the player has stake."""
    from textual.widgets import DataTable, Input

    from tests.tui.conftest import settle

    app = TaoApp(world=make_world("delegator"))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.screen.query_one("#delegates", DataTable)
        assert table.virtual_size.width <= table.size.width
        assert [c.label.plain for c in table.columns.values()][-2:] == ["VTRUST", "VAL"]
        app.screen.query_one("#delegator-amount Input", Input).value = "50"
        await pilot.click("#delegator-add")
        await settle(pilot)
        await advance(pilot, 1)
        assert table.get_cell("val-a", "UID") == "★0" and table.get_cell("val-b", "UID") == "1"


async def test_no_return_is_shown_before_the_first_epoch(make_world):
    from textual.widgets import DataTable

    app = TaoApp(world=make_world("delegator"))
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.screen.query_one("#delegates", DataTable)
        assert table.get_cell("val-a", "APR") == "-" and table.get_cell("val-a", "τ/τ/DAY") == "-"
        await advance(pilot, 2)
        assert table.get_cell("val-a", "APR") not in ("-", "0.0%")


def test_class_leaderboard_tells_real_network_returns_apart():
    from taosandbox.tui.classroom.console import leaderboard_text

    board = {"delegator": [{"name": "ada", "return_per_tao": 0.000123}, {"name": "bo", "return_per_tao": 0.000118}]}
    text = leaderboard_text(board)
    assert "1. ada: 0.000123" in text and "2. bo: 0.000118" in text
