"""The live event log. Epochs happen every block, so routine events are summarised, never flooded."""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable

from rich.text import Text
from textual.widgets import RichLog

ROUTINE = {"epoch", "weights_set", "drained", "fee", "burn_adjusted", "permit_changed", "model_trained"}
"""Kinds that happen constantly: shown only when they concern the player, otherwise counted."""

MAX_LINES_PER_REFRESH = 12
"""Other players' notable events written per refresh at most; the rest are counted in one line."""


def summarise(events: Iterable[Any], dropped: int = 0) -> list[tuple[str, str]]:
    """Lines to write for a batch of events: (text, "mine" | "error" | "other"). Pure, for tests."""
    lines: list[tuple[str, str]] = []
    routine: Counter[str] = Counter()
    others = 0
    last_block = None
    for event in events:
        last_block = event.block
        if event.kind == "refused":
            lines.append((f"#{event.block:,} {event.text}", "error"))
        elif event.player or event.kind == "halving":
            lines.append((f"#{event.block:,} {event.text}", "mine"))
        elif event.kind in ROUTINE:
            routine[event.kind] += 1
        elif others < MAX_LINES_PER_REFRESH:
            lines.append((f"#{event.block:,} {event.text}", "other"))
            others += 1
        else:
            routine[event.kind] += 1
    if routine or dropped:
        counts = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in routine.most_common())
        if dropped:
            counts += f"{', ' if counts else ''}{dropped} more not kept"
        lines.append((f"#{last_block:,} … {counts}" if last_block is not None else f"… {counts}", "other"))
    return lines


class EventLog(RichLog):
    """Registrations, prunes, epochs, weight sets and refusals; the player's own lines stand out."""

    DEFAULT_CSS = """
    EventLog {
        height: 8;
        border-top: solid $primary;
        background: $surface;
        scrollbar-size-vertical: 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(max_lines=500, wrap=True, markup=False, highlight=False, id=id)

    def add_events(self, events: list[Any], dropped: int = 0) -> None:
        for text, kind in summarise(events, dropped):
            self.note(text, mine=kind == "mine", error=kind == "error")

    def note(self, text: str, *, mine: bool = False, error: bool = False) -> None:
        theme = self.app.current_theme
        if error:
            style = f"bold {theme.error}"
        elif mine:
            style = f"bold {theme.accent or theme.primary}"
        else:
            style = ""
        self.write(Text(("★ " if mine else "  ") + text, style=style))


__all__ = ["EventLog", "summarise"]
