"""Where this sandbox departs from the real chain, and why (``snapshot.differences``)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class DifferencesModal(ModalScreen[None]):
    """The full list of differences from the 2024 chain."""

    DEFAULT_CSS = """
    DifferencesModal {
        align: center middle;
        & #differences-box { width: 90; height: auto; max-height: 80%; padding: 1 2;
                             border: round $primary; background: $panel; }
    }
    """
    BINDINGS = [Binding("escape,enter,q", "dismiss", "Close")]

    def __init__(self, lines: tuple[str, ...]) -> None:
        super().__init__()
        self.lines = lines

    def compose(self) -> ComposeResult:
        body = "\n".join(f"• {line}" for line in self.lines) or "None: this world uses the chain's values."
        with VerticalScroll(id="differences-box"):
            yield Static("[b]Where this sandbox differs from the 2024 chain[/]\n\n" + body, markup=True)
