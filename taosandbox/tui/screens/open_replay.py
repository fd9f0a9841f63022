"""Pick a saved session to watch in the replay viewer (from the title screen)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option


def save_label(save: Any) -> str:
    """One line per save: name, what was played, how far, when; the problem if it is damaged."""
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(save.modified))
    actions = f"{save.actions} action{'' if save.actions == 1 else 's'}"
    # (kind), not [kind]: the option list reads square brackets as markup and swallowed "[autosave]"
    line = f"{save.name}  ({save.kind})  {save.what}, block {save.block:,}, {actions}, {when}"
    return f"{line}  ⚠ {save.problem}" if save.problem else line


class OpenReplayModal(ModalScreen[Path | None]):
    """Lists named saves and autosaves; enter opens one, escape goes back."""

    DEFAULT_CSS = """
    OpenReplayModal {
        align: center middle;
        & > Vertical { width: 100; max-width: 95%; height: auto; max-height: 80%;
                       border: thick $primary; background: $surface; padding: 1 2; }
        & OptionList { height: auto; max-height: 20; }
        & .hint { color: $text-muted; }
    }
    """
    BINDINGS = [Binding("escape", "cancel", "Back")]

    def __init__(self, saves: list[Any]) -> None:
        super().__init__()
        self.saves = saves

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("[b]Open a saved session[/b] (read-only replay)")
            yield OptionList(*[Option(save_label(s), id=str(i)) for i, s in enumerate(self.saves)],
                             id="replay-saves")
            yield Label("enter opens it · escape goes back · `taosandbox sessions list` shows the same",
                        classes="hint")

    @on(OptionList.OptionSelected, "#replay-saves")
    def _open(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.saves[int(event.option.id)].path)

    def action_cancel(self) -> None:
        self.dismiss(None)
