"""TaoApp: title screen, building the world in a worker, the game screen, themes and the palette."""

from __future__ import annotations

import os
import time
from typing import Any, Iterable

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from taosandbox.tui.launch import (autosave, autosave_available, available_levels, available_saves,
                                   level_ruleset, new_game_world, start_recording)
from taosandbox.tui.messages import WorldBuilt

EXIT_AFTER_FIRST_SCREEN = "TAOSANDBOX_EXIT_AFTER_FIRST_SCREEN"
"""When set, the app exits as soon as its first screen has been painted (benchmarks/bench_tui.py)."""


class TaoApp(App):
    """The taosandbox game."""

    CSS_PATH = "app.tcss"
    TITLE = "taosandbox"
    # Screen classes for small terminals (app.tcss): 80×24, the default size, must stay playable.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("t", "toggle_theme", "Theme"),
        Binding("question_mark", "help", "Help"),
        Binding("g", "glossary", "Glossary", show=False),
    ]

    def __init__(self, world: Any = None, *, level: str | None = None, seed: int | None = None,
                 role: str = "miner") -> None:
        super().__init__()
        self.world = world
        self.level = level
        self.seed = seed
        self.role = role
        self.first_screen_at: float | None = None
        self.autosave_note: str | None = None
        self.building = False
        """True while a world builds (a second Start is ignored)."""

    def on_mount(self) -> None:
        self.theme = "textual-dark"
        if self.world is not None:
            self._open_game(self.world, None)
        elif self.level:
            self.start_game(self.role, self.level)
        else:
            from taosandbox.tui.screens.title import TitleScreen

            self.push_screen(TitleScreen(available_levels(), can_continue=autosave_available(), role=self.role,
                                         saves=available_saves()))
        self.call_after_refresh(self._first_paint)

    def _first_paint(self) -> None:
        self.first_screen_at = time.time()
        if os.environ.get(EXIT_AFTER_FIRST_SCREEN):
            self.exit(0)

    # ---- starting a game ----
    def start_game(self, role: str, level: str | None) -> None:
        from taosandbox.tui.screens.loading import LoadingScreen

        if self.building:
            return
        self.building = True
        what = f"level {level}" if level else f"the free sandbox as a {role}"
        how = "root and its subnets with their pools" if level and level_ruleset(level) == "dtao" \
            else "training the miners' models"
        self.push_screen(LoadingScreen(f"Building {what}: {how}…"))
        self._build_world(role, level, self.seed)

    @work(thread=True, exclusive=True, group="build")
    def _build_world(self, role: str, level: str | None, seed: int | None) -> None:
        try:
            world = new_game_world(role, level, seed)
        except (ValueError, OSError) as exc:  # a bad level or scenario, an unreadable file: say so
            self.post_message(WorldBuilt(None, f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(WorldBuilt(world))

    def on_world_built(self, message: WorldBuilt) -> None:
        from taosandbox.tui.screens.loading import LoadingScreen

        self.building = False
        if isinstance(self.screen, LoadingScreen):
            self.pop_screen()
        if message.error:
            self.notify(message.error, title="Could not start the game", severity="error", timeout=10)
            if len(self.screen_stack) <= 1:
                self.exit(1, message=message.error)
            return
        self._open_game(message.world, None)

    def _open_game(self, world: Any, role: str | None) -> None:
        from taosandbox.tui.screens.game import GameScreen
        from taosandbox.tui.sim import SimController
        from taosandbox.world.dtao_world import DtaoWorld

        if isinstance(world, DtaoWorld):  # a dTAO level: the Subnets screen (no saved sessions for dTAO)
            from taosandbox.levels.session import LevelSession
            from taosandbox.tui.dtao.subnets import SubnetsScreen

            self.push_screen(SubnetsScreen(world, session=LevelSession.of(world)))
            return
        self.world = world
        notice = start_recording(world)  # autosaves as it goes, from block 0
        if notice:  # a continued game whose file was damaged: say how far it got
            self.notify(notice, title="Continued", severity="warning", timeout=10)
        self.push_screen(GameScreen(SimController(world), role=role))

    def leave_game(self) -> None:
        """Back to the title screen (quitting a level, or after its result)."""
        from taosandbox.tui.screens.game import GameScreen
        from taosandbox.tui.screens.title import TitleScreen

        self.autosave()
        while len(self.screen_stack) > 1 and not isinstance(self.screen, TitleScreen):
            screen = self.screen
            self.pop_screen()
            if isinstance(screen, GameScreen):
                break
        if not any(isinstance(s, TitleScreen) for s in self.screen_stack):
            self.push_screen(TitleScreen(available_levels(), can_continue=autosave_available(), role=self.role,
                                         saves=available_saves()))
        self.world = None

    def restart_level(self, name: str) -> None:
        """Leave the current game and start level ``name`` (retry, or the next one)."""
        self.leave_game()
        self.start_game(self.role, name)

    def continue_game(self) -> None:
        """Continue the latest autosaved game: replayed in a worker (it builds the world)."""
        from taosandbox.tui.screens.loading import LoadingScreen

        if self.building:
            return
        self.building = True
        self.push_screen(LoadingScreen("Replaying your last game up to where you left it…"))
        self._continue_world()

    @work(thread=True, exclusive=True, group="build")
    def _continue_world(self) -> None:
        from taosandbox import sessions

        try:
            world = sessions.load_autosave()
        except (sessions.SessionError, OSError) as exc:  # no save, or a file that cannot be replayed
            self.post_message(WorldBuilt(None, f"Cannot continue: {exc}"))
            return
        self.post_message(WorldBuilt(world))

    # ---- app-wide actions ----
    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    def action_help(self) -> None:
        self._push_optional("help", "HelpScreen")

    def action_glossary(self) -> None:
        self._push_optional("help", "GlossaryScreen")

    def _push_optional(self, module: str, name: str) -> None:
        """Hook: help and glossary screens are built in parallel; until then, point at the footer."""
        try:
            screen_cls = getattr(__import__(f"taosandbox.tui.screens.{module}", fromlist=[name]), name)
        except (ImportError, AttributeError):
            self.notify("Help is not installed in this build. The footer lists the keys; ctrl+p lists "
                        "every action.", title=name.replace("Screen", ""), timeout=6)
            return
        if any(type(screen) is screen_cls for screen in self.screen_stack):
            return  # already open (under the other one, perhaps): never stack up copies
        self.push_screen(screen_cls())

    def action_differences(self) -> None:
        from taosandbox.tui.screens.differences import DifferencesModal

        snapshot = getattr(self.screen, "snapshot", None)
        lines = tuple(snapshot.differences) if snapshot is not None else ()
        self.push_screen(DifferencesModal(lines))

    def autosave(self) -> None:
        """Save the running game for "continue" (a no-op until ``taosandbox.sessions`` exists)."""
        from taosandbox.tui.screens.game import GameScreen

        world = self.world
        for screen in self.screen_stack:
            if isinstance(screen, GameScreen):
                screen.pause()
                with screen.sim.lock:
                    self.autosave_note = autosave(world)
                return

    async def action_quit(self) -> None:
        self.autosave()
        self.exit(0)

    # ---- command palette ----
    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Toggle light/dark theme", "Readable on a projector either way",
                            self.action_toggle_theme)
        yield SystemCommand("Help", "How to play", self.action_help)
        yield SystemCommand("Glossary", "Bittensor words explained", self.action_glossary)
        from taosandbox.tui.screens.game import GameScreen

        if isinstance(screen, GameScreen):
            yield from game_commands(self, screen)


def game_commands(app: TaoApp, screen: Any) -> Iterable[SystemCommand]:
    """Every game action, for the command palette."""
    from taosandbox.world.actions import Register, Retrain
    from taosandbox.tui.sim import SPEEDS

    yield SystemCommand("Pause / run", "Stop or start simulated time (space)", screen.action_toggle_pause)
    yield SystemCommand("Step one block", "Advance 12 simulated seconds (n)", screen.action_step)
    yield SystemCommand("Next epoch", "Run until Yuma runs again (N)", screen.action_next_epoch)
    yield SystemCommand("Skip to next halving", "Run fast until emission halves (h)", screen.action_next_halving)
    for index, (label, _rate) in enumerate(SPEEDS):
        def set_speed(index: int = index) -> None:
            screen.sim.speed_index = index
            screen.action_speed(0)

        yield SystemCommand(f"Speed {label}", "How fast simulated time runs", set_speed)
    yield SystemCommand("Explain selected neuron", "How the last epoch computed its pay (e)", screen.action_explain)
    yield SystemCommand("Where the sandbox differs from the chain", "Parameters changed to make it playable",
                        app.action_differences)
    for tab in ("metagraph", "miner", "validator", "delegator", "charts", "governance"):
        yield SystemCommand(f"Show {tab}", f"Open the {tab} tab", lambda tab=tab: screen.action_tab(tab))
    yield SystemCommand("Register a miner", "Burn TAO for a UID with the default model",
                        lambda: screen.request(Register(role="miner")))
    yield SystemCommand("Register a validator", "Burn TAO for a UID as a validator",
                        lambda: screen.request(Register(role="validator")))

    def retrain() -> None:
        mine = [r for r in (screen.snapshot.neurons if screen.snapshot else ()) if r.is_player and r.role == "miner"]
        if mine:
            screen.request(Retrain(hotkey=mine[0].hotkey))
        else:
            app.notify("Register a miner first.", severity="warning")

    yield SystemCommand("Retrain my miner", "Train again on the current data", retrain)
    forms = (("Train a model", "miner", "#miner-params"), ("Stake on my validator", "validator", "#validator-amount"),
             ("Set weights by hand", "validator", "#validator-weights"), ("Set my take", "validator", "#validator-take"),
             ("Scoring settings", "validator", "#validator-sample"), ("Delegate / undelegate", "delegator", "#delegator-amount"))
    for title, tab, field in forms:
        def open_form(tab: str = tab, field: str = field) -> None:
            screen.action_tab(tab)
            screen.call_after_refresh(lambda: screen.query_one(f"{field} Input").focus())

        yield SystemCommand(title, f"Open the {tab} form", open_form)


def run_app(level: str | None = None, seed: int | None = None) -> int:
    """Entry point for ``taosandbox`` (cli.py). Returns the process exit code."""
    app = TaoApp(level=level, seed=seed)
    started = time.time()
    result = app.run()
    if os.environ.get(EXIT_AFTER_FIRST_SCREEN) and app.first_screen_at is not None:
        print(f"first-screen {app.first_screen_at:.6f} {app.first_screen_at - started:.6f}")
    if app.autosave_note:
        print(app.autosave_note)
    return result if isinstance(result, int) else (app.return_code or 0)
