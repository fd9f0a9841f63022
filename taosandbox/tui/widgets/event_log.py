"""The live event log. Epochs happen every block, so routine events are summarised, never flooded.

The player's own lines are starred and each action is logged once: when the chain already said what an
action did (``registered``, ``staked``...), the world's "You ..." line is left out and its fee joins the
chain's line. ``f`` on the game screen shows only your lines, so routine summaries at MAX speed cannot
bury them.
"""

from __future__ import annotations

from collections import Counter, deque
from typing import Any, Iterable

from rich.text import Text
from textual.widgets import RichLog

from taosandbox.chain.units import format_tao

ROUTINE = {"epoch", "weights_set", "drained", "fee", "burn_adjusted", "permit_changed", "model_trained"}
"""Kinds that happen constantly: shown only when they concern the player, otherwise counted."""

MAX_LINES_PER_REFRESH = 12
"""Other players' notable events written per refresh at most; the rest are counted in one line."""

KEPT_LINES = 500
"""Lines the log keeps (and re-shows when the filter changes)."""


def summarise(events: Iterable[Any], dropped: int = 0) -> list[tuple[str, str]]:
    """Lines to write for a batch of events: (text, "mine" | "error" | "other"). Pure, for tests."""
    lines: list[tuple[str, str]] = []
    routine: Counter[str] = Counter()
    others = 0
    last_block = None
    fee_rao = 0
    for event in events:
        last_block = event.block
        if event.kind == "refused":
            lines.append((f"#{event.block:,} {event.text}", "error"))
        elif event.player and event.kind == "fee":
            fee_rao += int(event.data.get("fee_rao", 0))  # told on the action's line, next
        elif event.player and event.kind == "action":
            fee = f" (fee {format_tao(fee_rao, 9)}, burned)" if fee_rao else ""
            fee_rao = 0
            echoed = int(event.data.get("echoes", 0))
            if echoed and lines and lines[-1][1] == "mine":
                text, kind = lines[-1]
                lines[-1] = (text + fee, kind)  # the chain's line said it: add the fee, not a second line
            else:
                lines.append((f"#{event.block:,} {event.text}{fee}", "mine"))
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
        border-title-align: right;
        background: $surface;
        scrollbar-size-vertical: 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(max_lines=KEPT_LINES, wrap=True, markup=False, highlight=False, id=id)
        self.lines_kept: deque[tuple[str, str]] = deque(maxlen=KEPT_LINES)
        """Every line written, (text, kind), so the filter can show them again."""
        self.mine_only = False
        """Show only the player's lines (and errors)."""
        self._width = 0
        """The width the lines were wrapped at (0 until the log has a size)."""

    def on_mount(self) -> None:
        self._show_title()

    def on_resize(self, event) -> None:
        """Wrap at the log's own width (not the console's 78), and again when it changes."""
        super().on_resize(event)
        width = self.scrollable_content_region.width
        if width and width != self._width:
            self._width = width
            self._show_kept()

    def _show_kept(self) -> None:
        self.clear()
        for text, kind in self.lines_kept:
            if self._shown(kind):
                self._write(text, kind)

    def _show_title(self) -> None:
        self.border_title = "your events only (f: all)" if self.mine_only else "events (f: only yours)"

    def add_events(self, events: list[Any], dropped: int = 0) -> None:
        for text, kind in summarise(events, dropped):
            self._add(text, kind)

    def note(self, text: str, *, mine: bool = False, error: bool = False) -> None:
        self._add(text, "error" if error else "mine" if mine else "other")

    def toggle_mine_only(self) -> None:
        """Switch between every line and the player's own (and errors); re-shows the kept lines."""
        self.mine_only = not self.mine_only
        self._show_title()
        self._show_kept()

    def _shown(self, kind: str) -> bool:
        return not self.mine_only or kind != "other"

    def _add(self, text: str, kind: str) -> None:
        self.lines_kept.append((text, kind))
        if self._shown(kind):
            self._write(text, kind)

    def _write(self, text: str, kind: str) -> None:
        theme = self.app.current_theme
        if kind == "error":
            style = f"bold {theme.error}"
        elif kind == "mine":
            style = f"bold {theme.accent or theme.primary}"
        else:
            style = ""
        self.write(Text(("★ " if kind == "mine" else "  ") + text, style=style), width=self._width or None)


__all__ = ["EventLog", "summarise"]
