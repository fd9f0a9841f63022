"""The first screen: pick a role and a level (or the free sandbox), continue, help, quit."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Vertical
from taosandbox.tui.widgets.option_list import SafeOptionList
from textual.screen import Screen
from textual.widgets import Button, Footer, Label, OptionList, RadioButton, RadioSet, Static
from textual.widgets.option_list import Option

from taosandbox.tui.launch import LevelChoice, autosave_available, available_levels, available_saves

ROLES = ("miner", "validator", "delegator")
SANDBOX = "__sandbox__"
DTAO = "__dtao__"
"""The dynamic-TAO ruleset: root and several subnets with pools (docs/dtao.md)."""

BANNER = """\
 τ  t a o s a n d b o x
A live Bittensor subnet in your terminal: mine, validate or delegate, and watch Yuma consensus pay you."""


def level_label(level: LevelChoice) -> str:
    mark = "✓ " if level.passed else "  "
    if level.problem:
        return f"{mark}{level.title}  (broken: {level.problem})"
    if level.ruleset == "dtao":
        return f"{mark}{level.title}  (dynamic TAO, {level.role})"
    return f"{mark}{level.title}  ({level.role})"


class TitleScreen(Screen):
    """Role, level, start. Built from plain data so it shows before anything heavy is imported."""

    BINDINGS = [
        Binding("enter", "start", "Start", show=True),
        Binding("c", "continue_game", "Continue", show=False),
        Binding("o", "open_replay", "Open replay", show=False),
        Binding("m", "role('miner')", "Miner", show=False),
        Binding("v", "role('validator')", "Validator", show=False),
        Binding("d", "role('delegator')", "Delegator", show=False),
    ]

    def __init__(self, levels: list[LevelChoice], *, can_continue: bool = False, role: str = "miner",
                 saves: list | None = None) -> None:
        super().__init__()
        self.levels = levels
        self.can_continue = can_continue
        self.saves = saves or []
        """Saved sessions the replay viewer can open (``taosandbox.sessions.list_saves``)."""
        self.initial_role = role if role in ROLES else "miner"
        self._first_resume_done = False

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="title-box"):
            yield Static(BANNER, id="title-banner")
            yield Label("Your role", classes="title-label")
            with RadioSet(id="title-role"):
                for role in ROLES:
                    yield RadioButton(role.capitalize(), value=role == self.initial_role, id=f"role-{role}")
            yield Label("What to play", classes="title-label")
            yield SafeOptionList(*self._level_options(), id="title-levels")
            with Horizontal(id="title-buttons"):
                yield Button("Start", variant="primary", id="title-start")
                yield Button("Continue last game", id="title-continue", disabled=not self.can_continue)
                yield Button("Open replay…", id="title-replay", disabled=not self.saves)
                yield Button("Help", id="title-help")
                yield Button("Glossary", id="title-glossary")
                yield Button("Quit", variant="error", id="title-quit")
        yield Footer()

    def _level_options(self) -> list[Option]:
        options = [Option("Free sandbox: the default subnet, no goals", id=SANDBOX),
                   Option("Dynamic TAO sandbox: root and 4 subnets with pools (the 2025 rules)", id=DTAO)]
        options += [Option(level_label(lv), id=lv.name, disabled=lv.problem is not None) for lv in self.levels]
        if not self.levels:
            options.append(Option("(levels are not installed in this build)", disabled=True))
        return options

    def on_mount(self) -> None:
        self.query_one("#title-levels", OptionList).highlighted = 0
        self.query_one("#title-levels", OptionList).focus()

    def on_screen_resume(self) -> None:
        """Back from a game (or a replay): read progress and saves again, so ✓ marks and the replay
        list are those of now, not of when the game started."""
        if not self._first_resume_done:  # the first showing has just read them
            self._first_resume_done = True
            return
        if self.is_mounted:
            self.show_choices(available_levels(), can_continue=autosave_available(), saves=available_saves())

    def show_choices(self, levels: list[LevelChoice], *, can_continue: bool, saves: list) -> None:
        """Show these levels, saves and Continue state; the highlighted entry stays where it was."""
        self.levels, self.can_continue, self.saves = levels, can_continue, saves
        option_list = self.query_one("#title-levels", OptionList)
        index = option_list.highlighted
        current = option_list.get_option_at_index(index).id if index is not None else None
        option_list.clear_options()
        option_list.add_options(self._level_options())
        ids = [option.id for option in option_list.options]
        option_list.highlighted = ids.index(current) if current in ids else 0
        self.query_one("#title-continue", Button).disabled = not can_continue
        self.query_one("#title-replay", Button).disabled = not saves

    # ---- choices ----
    def selected_role(self) -> str:
        pressed = self.query_one("#title-role", RadioSet).pressed_button
        if pressed is None or pressed.id is None:
            return "miner"
        return pressed.id.removeprefix("role-")

    def selected_level(self) -> LevelChoice | None:
        option_list = self.query_one("#title-levels", OptionList)
        index = option_list.highlighted
        if index is None:
            return None
        option_id = option_list.get_option_at_index(index).id
        return next((lv for lv in self.levels if lv.name == option_id), None)

    def action_role(self, role: str) -> None:
        self.query_one(f"#role-{role}", RadioButton).value = True

    @on(OptionList.OptionHighlighted, "#title-levels")
    def _level_highlighted(self) -> None:
        level = self.selected_level()
        if level is not None and level.role in ROLES:
            self.action_role(level.role)

    # ---- buttons ----
    @on(OptionList.OptionSelected, "#title-levels")
    @on(Button.Pressed, "#title-start")
    def action_start(self) -> None:
        options = self.query_one("#title-levels", OptionList)
        if options.highlighted is not None and options.get_option_at_index(options.highlighted).id == DTAO:
            from taosandbox.tui.dtao.subnets import SubnetsScreen
            from taosandbox.world.dtao_world import DtaoWorld

            self.app.push_screen(SubnetsScreen(DtaoWorld()))
            return
        level = self.selected_level()
        self.app.start_game(self.selected_role(), level.name if level else None)  # type: ignore[attr-defined]

    @on(Button.Pressed, "#title-continue")
    def action_continue_game(self) -> None:
        if self.can_continue:
            self.app.continue_game()  # type: ignore[attr-defined]

    @on(Button.Pressed, "#title-replay")
    def action_open_replay(self) -> None:
        self.saves = available_saves()  # what is on disk now (`taosandbox sessions list` shows the same)
        if not self.saves:
            return
        from taosandbox.tui.screens.open_replay import OpenReplayModal
        from taosandbox.tui.screens.replay import ReplayScreen

        def opened(path) -> None:
            if path is not None:
                self.app.push_screen(ReplayScreen(path))

        self.app.push_screen(OpenReplayModal(self.saves), opened)

    @on(Button.Pressed, "#title-help")
    def _help(self) -> None:
        self.app.action_help()  # type: ignore[attr-defined]

    @on(Button.Pressed, "#title-glossary")
    def _glossary(self) -> None:
        self.app.action_glossary()  # type: ignore[attr-defined]

    @on(Button.Pressed, "#title-quit")
    def _quit(self) -> None:
        self.app.exit(0)
