"""The game's links to the other screens: levels (intro, objectives), explain, help, the palette."""

from __future__ import annotations

from taosandbox.tui.app import TaoApp
from taosandbox.tui.screens.game import GameScreen
from tests.tui.conftest import advance, wait_for_workers


async def wait_for_screen(pilot, name: str) -> None:
    for _ in range(300):
        if type(pilot.app.screen).__name__ == name:
            return
        await pilot.pause(0.05)
    raise AssertionError(f"{name} never showed; stack: {[type(s).__name__ for s in pilot.app.screen_stack]}")


async def test_level_starts_with_its_intro_then_shows_objectives():
    app = TaoApp(level="buy-a-seat")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_screen(pilot, "LevelIntroModal")
        await pilot.press("enter")
        await wait_for_screen(pilot, "GameScreen")
        game = app.screen
        assert game.session is not None and game.session.level.name == "buy-a-seat"
        assert game.query_one("#objectives").display
        assert game.query_one("#tabs").active == "miner"  # the level's role


async def test_level_keys_answer_and_hint_from_the_game():
    from textual.widgets import Input

    app = TaoApp(level="buy-a-seat")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_screen(pilot, "LevelIntroModal")
        await pilot.press("enter")
        await wait_for_screen(pilot, "GameScreen")
        game = app.screen
        assert isinstance(app.focused, Input) and app.focused.id == "answer-0"  # the intro closes into it
        await pilot.press("escape", "a")  # away from the box, and a brings the cursor back
        assert isinstance(app.focused, Input) and app.focused.id == "answer-0"
        await pilot.press("1", "enter")
        await pilot.pause()
        question = next(iter(game.session.level.questions))
        assert game.session.run.answers[question][-1][1] == 1.0
        await pilot.press("escape")
        await pilot.press("i")
        await pilot.pause()
        assert game.session.run.hints_shown == 1


async def test_back_from_a_level_intro_goes_to_the_title():
    app = TaoApp(level="buy-a-seat")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_screen(pilot, "LevelIntroModal")
        await pilot.press("escape")
        await wait_for_screen(pilot, "TitleScreen")
        assert not any(isinstance(s, GameScreen) for s in app.screen_stack)


async def test_title_start_builds_the_sandbox_in_a_worker(monkeypatch):
    import taosandbox.tui.launch as launch
    from tests.tui.conftest import small_scenario

    monkeypatch.setattr(launch, "sandbox_scenario", lambda role, seed: small_scenario(role))
    app = TaoApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_screen(pilot, "TitleScreen")
        await pilot.press("v")  # validator
        await pilot.click("#title-start")
        await wait_for_screen(pilot, "GameScreen")
        for _ in range(300):  # the screen is pushed before its world's first snapshot is shown
            if app.screen.snapshot is not None:
                break
            await pilot.pause(0.05)
        assert app.screen.snapshot.player.role == "validator"
        assert app.screen.query_one("#tabs").active == "validator"


async def test_explain_opens_for_the_selected_neuron(make_world):
    app = TaoApp(world=make_world("miner"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1")
        await advance(pilot, 2)
        table = app.screen.query_one("#neurons")
        table.focus()
        await pilot.press("down", "down", "e")
        await wait_for_screen(pilot, "ExplainScreen")
        assert app.screen.uid == 2


async def test_palette_lists_every_game_action(make_world):
    app = TaoApp(world=make_world("miner"))
    async with app.run_test(size=(120, 40)) as pilot:
        titles = {c.title for c in app.get_system_commands(app.screen)}
        for wanted in ("Pause / run", "Step one block", "Next epoch", "Skip to next halving", "Speed MAX",
                       "Explain selected neuron", "Register a miner", "Register a validator", "Retrain my miner",
                       "Stake on my validator", "Set weights by hand", "Set my take", "Delegate / undelegate",
                       "Where the sandbox differs from the chain", "Toggle light/dark theme", "Help", "Glossary"):
            assert wanted in titles, wanted
        await pilot.press("t")
        assert not app.current_theme.dark
        await pilot.press("question_mark")
        await wait_for_screen(pilot, "HelpScreen")
        await wait_for_workers(app)


async def test_governance_and_charts_tabs_show_the_world(make_world):
    app = TaoApp(world=make_world("miner"))
    async with app.run_test(size=(120, 40)) as pilot:
        await advance(pilot, 3)
        await pilot.press("6")
        await pilot.pause()
        panel = app.screen.query_one("#governance-panel")
        assert "waiting for the first block" not in str(panel.query_one("#gov-senate").render())
        await pilot.press("5")
        await advance(pilot, 3)
        assert len(app.screen.history) >= 2
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"differences", "enter")
        await wait_for_screen(pilot, "DifferencesModal")

