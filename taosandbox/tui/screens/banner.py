"""What the game's unmissable banners share: the event that raised them, and one way to dismiss them."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Button


class BannerModal(ModalScreen[None]):
    """A banner for one event; the simulation stays paused until the player dismisses it."""

    BINDINGS = [Binding("escape,enter,space", "dismiss_banner", "Continue")]

    def __init__(self, event: Any, snapshot: Any | None = None) -> None:
        super().__init__()
        self.event = event
        self.snapshot = snapshot

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_dismiss_banner(self) -> None:
        self.dismiss(None)
