"""Regressions found by playing the game as a person would (QA pass)."""

from __future__ import annotations

from taosandbox.world.actions import AddStake, Register
from taosandbox.tui.app import TaoApp
from taosandbox.tui.widgets.neuron_table import NeuronTable
from tests.tui.conftest import advance


async def test_sort_keys_work_without_tabbing_into_the_table(make_world):
    # The legend says "s/S sort, r reverse", but the game starts with focus on the tab bar.
    app = TaoApp(world=make_world("miner"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1")
        table = app.screen.query_one(NeuronTable)
        app.screen.set_focus(None)  # as after escape from a form field
        await pilot.pause()
        before = table.sort_index
        await pilot.press("s")
        assert table.sort_index == before + 1
        await pilot.press("S")
        assert table.sort_index == before
        await pilot.press("r")
        assert table.sort_reverse
        assert app.focused is table


async def test_metagraph_key_focuses_the_table(make_world):
    app = TaoApp(world=make_world("miner"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1")
        assert isinstance(app.focused, NeuronTable)


async def test_sort_keys_do_nothing_on_other_tabs(make_world):
    app = TaoApp(world=make_world("miner"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        table = app.screen.query_one(NeuronTable)
        await pilot.press("s", "r")
        assert table.sort_index == 0 and not table.sort_reverse


async def test_digit_keys_switch_tabs_after_pressing_a_button(make_world):
    # After clicking e.g. "Set take", the focused button dragged its pane back: 1-6 seemed dead.
    app = TaoApp(world=make_world("validator"))
    async with app.run_test(size=(120, 40)) as pilot:
        tabs = app.screen.query_one("TabbedContent")
        assert tabs.active == "validator"
        app.screen.query_one("#validator-set-take").focus()
        await pilot.pause()
        await pilot.press("5")
        await pilot.pause()
        assert tabs.active == "charts"
        await pilot.press("1")
        await pilot.pause()
        assert tabs.active == "metagraph"


async def test_validator_earned_says_what_is_still_pending(make_world):
    # The header said "earned 609 τ (+16.7 τ pending payout)", the validator panel "earned 626 τ": explain it.
    world = make_world("validator")
    app = TaoApp(world=world)
    async with app.run_test(size=(120, 40)) as pilot:
        assert world.apply(Register(role="validator", hotkey="me")).ok
        assert world.apply(AddStake(hotkey="me", amount_rao=400 * 10**9)).ok
        snapshot = await advance(pilot, 5)
        row = next(r for r in snapshot.neurons if r.is_player)
        assert row.accrued_rao > 0
        text = str(app.screen.query_one("#validator-status").render())
        assert "pending, paid in" in text  # issue 15 item 10: the header's wording, the same definition


async def test_undelegating_more_than_staked_is_refused_in_tao(make_world):
    # The engine's refusal read "not enough stake: 200900000000000 rao asked, 300000000000 rao staked".
    world = make_world("delegator")
    app = TaoApp(world=world)
    async with app.run_test(size=(120, 40)) as pilot:
        assert world.apply(AddStake(hotkey="val-a", amount_rao=300 * 10**9)).ok
        await advance(pilot, 1)
        app.screen.query_one("#delegator-amount").input.value = "900"
        await pilot.click("#delegator-remove")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert "you have only 300.0000 τ staked on val-a" in messages
        assert world.events[-1].kind != "refused"  # never reached the engine


async def test_unstaking_a_validator_with_no_stake_says_so(make_world):
    world = make_world("validator")
    app = TaoApp(world=world)
    async with app.run_test(size=(120, 40)) as pilot:
        assert world.apply(Register(role="validator", hotkey="me")).ok
        await advance(pilot, 1)
        await pilot.click("#validator-unstake")
        await pilot.pause()
        assert "you have nothing staked on me" in [n.message for n in app._notifications]


def test_help_pages_do_not_cite_internal_documents():
    # "the 2024 chain used (YUMA_SPEC)": a player has no idea what YUMA_SPEC is.
    from taosandbox.tui.help_assets import load_help_pages

    for page in load_help_pages():
        assert "YUMA_SPEC" not in page.text and "STYLE.md" not in page.text, page.slug


async def test_header_lines_wrap_on_a_narrow_terminal(make_world):
    # At 100 columns "~10,488,271 blocks (1,456.7 days)" and "(ctrl+p → differences for why)" were cut off.
    app = TaoApp(world=make_world("miner"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        halving = screen.query_one("#halving-line")
        assert "days)" in str(halving.render())
        assert halving.size.height >= 2 and halving.region.right <= 100
        differences = screen.query_one("#differences")
        text = differences.render()
        length = len(getattr(text, "plain", str(text)))
        assert length <= differences.size.width * differences.size.height


async def test_title_box_fits_a_100_column_terminal():
    # It was 100 wide exactly: with the screen's scrollbar its right border fell off the edge.
    from taosandbox.tui.screens.title import TitleScreen

    app = TaoApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)
        box = app.screen.query_one("#title-box")
        assert box.region.right <= app.screen.scrollable_content_region.right


async def test_hint_updates_the_score_line_at_once():
    # Revealing a hint said "Hint (i): 2 left" but "hints used 0 · a pass scores 100" until the next block.
    from taosandbox.levels.session import LevelSession
    from taosandbox.tui.widgets.objectives import ObjectivesPanel
    from tests.tui.test_level_ui import PanelApp, _text

    session = LevelSession.start("halving-day")
    app = PanelApp(session)
    async with app.run_test(size=(60, 40)) as pilot:
        app.query_one(ObjectivesPanel).focus()
        await pilot.press("i")
        await pilot.pause()
        header = _text(app, "#objectives-header")
        assert "hints used 1" in header and "a pass scores 90" in header


async def test_title_shows_every_level_without_scrolling_on_a_42_row_terminal():
    # 14 choices in a 10-row list: Halving Day, The Cabal and The Senate were hidden below the fold.
    from textual.widgets import OptionList

    app = TaoApp()
    async with app.run_test(size=(130, 42)) as pilot:
        await pilot.pause()
        levels = app.screen.query_one("#title-levels", OptionList)
        assert levels.option_count <= levels.scrollable_content_region.height
        assert app.screen.query_one("#title-quit").region.bottom <= 41


async def test_delegate_table_shows_vtrust_beside_the_level_panel():
    # In "Choose Your Delegate" at 130 columns the VTRUST and VAL columns were scrolled out of view.
    from taosandbox.levels import LevelSession

    session = LevelSession.start("choose-a-delegate")
    app = TaoApp(world=session.world)
    async with app.run_test(size=(130, 42)) as pilot:
        await pilot.press("enter")  # past the level's intro
        await pilot.pause()
        table = app.screen.query_one("#delegates")
        assert table.region.width > 0
        assert table.virtual_size.width <= table.scrollable_content_region.width


async def test_running_at_max_speed_stops_on_the_block_the_level_is_decided():
    # At MAX the level result came up ~600 blocks after "The level ends at block 400".
    from taosandbox.levels import LevelSession
    from taosandbox.tui.screens.level_result import LevelResultModal
    from tests.tui.conftest import wait_for_workers

    session = LevelSession.start("buy-a-seat")  # decided at its deadline if the player does nothing
    deadline = session.level.deadline
    app = TaoApp(world=session.world)
    async with app.run_test(size=(130, 42)) as pilot:
        await pilot.press("enter")  # past the intro
        game = app.screen
        game.run_sim(limit=deadline + 2000, fast=True)
        await wait_for_workers(app)
        await pilot.pause()
        await pilot.pause()
        assert session.run.finished
        assert session.world.block <= deadline + 1
        assert isinstance(app.screen, LevelResultModal)


def test_senate_objective_says_the_take_limit_as_a_percentage():
    # "Get max_take at most 6553" means nothing to a player who has not met u16 fractions.
    from taosandbox.levels import load_level

    (objective,) = load_level("the-senate").objectives.children
    assert "10%" in objective.description


async def test_empty_proposal_field_does_not_look_filled_in(make_world):
    # The placeholder was a bare "max_take=6553, default_take=6553": it read as a prefilled value, and
    # Propose then said "write at least one name=value".
    app = TaoApp(world=make_world("validator"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("6")
        field = app.screen.query_one("#gov-changes")
        assert field.value == ""
        assert field.placeholder.startswith("name=value") and "e.g." in field.placeholder


async def test_a_proposal_shows_up_at_once_while_paused():
    # Propose said "done" but the panel kept "No proposals yet." until time moved.
    from taosandbox.levels import LevelSession

    session = LevelSession.start("the-senate")
    app = TaoApp(world=session.world)
    async with app.run_test(size=(130, 42)) as pilot:
        await pilot.press("enter")  # past the intro
        await pilot.press("6")
        block = session.world.block
        app.screen.query_one("#gov-changes").value = "max_take=6553, default_take=6553"
        await pilot.click("#gov-propose-button")
        await pilot.pause()
        await pilot.pause()
        assert session.world.block == block
        text = " ".join(str(w.render()) for w in app.screen.query("GovernancePanel Static"))
        assert "No proposals yet" not in text


async def test_open_replay_lists_the_kind_of_each_save(tmp_path):
    # "[autosave]" was read as markup and vanished; "1 actions" read badly.
    from pathlib import Path

    from textual.app import App
    from textual.content import Content
    from textual.widgets import OptionList

    from taosandbox.sessions.store import SaveInfo
    from taosandbox.tui.screens.open_replay import OpenReplayModal

    save = SaveInfo(name="20261124-170050-halving-day", path=Path(tmp_path / "x.jsonl"), kind="autosave",
                    modified=0.0, block=604, actions=1, what="halving-day", problem=None)
    app = App()
    async with app.run_test(size=(120, 30)) as pilot:
        app.push_screen(OpenReplayModal([save]))
        await pilot.pause()
        option = app.screen.query_one(OptionList).get_option_at_index(0)
        shown = Content.from_markup(option.prompt).plain if isinstance(option.prompt, str) else option.prompt.plain
        assert "(autosave)" in shown and "1 action," in shown


async def test_deregister_needs_a_second_press(make_world):
    # One stray click on the red button gave up the UID and its burn, with no warning.
    from tests.tui.conftest import settle

    world = make_world("miner")
    app = TaoApp(world=world)
    async with app.run_test(size=(120, 40)) as pilot:
        assert world.apply(Register(role="miner", hotkey="me")).ok
        await advance(pilot, 1)
        await pilot.click("#miner-deregister")
        await settle(pilot)
        assert world.snapshot().player.uids  # still registered
        assert any("Press Deregister again" in n.message for n in app._notifications)
        await pilot.pause(0.3)  # a Button ignores presses during its 0.2 s "active" flash
        await pilot.click("#miner-deregister")
        await settle(pilot)
        assert not world.snapshot().player.uids, [e.text for e in world.events[-3:]]


async def test_explain_from_the_miner_tab_explains_your_own_miner(make_world):
    # On the miner tab "e" said "Select a neuron in the metagraph first" (or explained an unseen row).
    from taosandbox.tui.screens.explain import ExplainScreen

    world = make_world("miner")
    app = TaoApp(world=world)
    async with app.run_test(size=(120, 40)) as pilot:
        assert world.apply(Register(role="miner", hotkey="me")).ok
        await advance(pilot, 2)
        mine = world.snapshot().player.uids[0]
        await pilot.press("2", "e")
        await pilot.pause()
        assert isinstance(app.screen, ExplainScreen)
        assert app.screen.uid == mine


async def test_charts_never_show_negative_earnings_axis(make_world):
    # After one block every earnings value is 0 and plotext drew a -1.00 .. 1.00 axis: "negative earnings?"
    from textual_plotext import PlotextPlot

    app = TaoApp(world=make_world("miner"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5")
        await advance(pilot, 1)
        for plot_id in ("#chart-earnings", "#chart-incentive"):
            plot = app.screen.query_one(plot_id, PlotextPlot)
            plot.plt.plotsize(80, 12)
            canvas = plot.plt.build()
            assert "-1.00" not in canvas and "-0." not in canvas, plot_id


async def test_hint_and_answer_keys_say_why_they_do_nothing_outside_a_level(make_world):
    from taosandbox.tui.app import TaoApp

    app = TaoApp(world=make_world("miner"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("i")
        await pilot.press("a")
        await pilot.pause()
        shown = [n.message for n in app._notifications]
        assert any("Hints come with levels" in m for m in shown)
        assert any("no question to answer" in m for m in shown)
