"""The level briefing shown before play: what it teaches, your role, the objectives and the rules.

``LevelIntroModal(level)`` dismisses with True (Start: enter or s) or False (Back: escape or b).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Markdown, Static

from taosandbox.levels import Level
from taosandbox.levels.run import HINT_PENALTY
from taosandbox.levels.session import objective_lines

ROLE_WORDS = {"miner": "a miner", "validator": "a validator", "delegator": "a delegator (nominator)",
              "staker": "a staker under dynamic TAO (root and subnets with pools)"}


def objectives_text(level: Level) -> str:
    return "\n".join(f"{'  ' * (depth + 1)}• {text}" for depth, text in objective_lines(level))


def rules_text(level: Level) -> str:
    """Constraints and hints in plain words (the level's own limits, then what hints cost)."""
    lines = [f"  • {line}" for line in level.constraints.describe()]
    if level.hints:
        count = len(level.hints)
        lines.append(f"  • {count} hint{'s' if count != 1 else ''} available (press i in the game); "
                     f"each costs {HINT_PENALTY} points")
    lines.append(f"  • The level ends at block {level.deadline:,}")
    return "\n".join(lines)


class LevelIntroModal(ModalScreen[bool]):
    """Title, concept, role, the intro, objectives with deadlines, constraints; Start or Back."""

    CSS_PATH = "level_intro.tcss"
    BINDINGS = [
        Binding("enter,s", "start", "Start"),
        Binding("escape,b", "back", "Back"),
    ]

    def __init__(self, level: Level) -> None:
        super().__init__()
        self.level = level

    def compose(self) -> ComposeResult:
        level = self.level
        with Vertical(id="intro-box"):
            yield Static(level.title, id="intro-title")
            yield Static(f"{level.concept}\nYou play {ROLE_WORDS.get(level.role, level.role)}",
                         id="intro-concept", markup=False)
            with VerticalScroll(id="intro-body"):
                yield Markdown(level.intro, id="intro-text")
                yield Static("Objectives", classes="intro-heading")
                yield Static(objectives_text(level), id="intro-objectives", markup=False)
                yield Static("Rules", classes="intro-heading")
                yield Static(rules_text(level), id="intro-rules", markup=False)
            with Horizontal(id="intro-buttons"):
                yield Button("Start (enter)", variant="success", id="intro-start")
                yield Button("Back (esc)", variant="default", id="intro-back")

    def on_mount(self) -> None:
        self.query_one("#intro-start", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "intro-start")

    def action_start(self) -> None:
        self.dismiss(True)

    def action_back(self) -> None:
        self.dismiss(False)
