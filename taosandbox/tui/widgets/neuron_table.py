"""The metagraph: every neuron with btcli's columns, as a Line-API widget (fluid at 256 rows).

Rows are rendered on demand by ``render_line`` and cached by their (frozen, hashable) ``NeuronRow``,
so a repaint only formats the rows on screen that changed (toolong's ``log_lines.py`` does the same).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable

from rich.segment import Segment
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from taosandbox.tui.format import short_hotkey, tao_cell


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    cell: Callable[[Any], str]
    sort: Callable[[Any], Any]
    right: bool = True


def _f(value: float) -> str:
    return f"{value:.4f}"[:6] if value < 1 else "1.0000"[:6]


COLUMNS: tuple[Column, ...] = (
    Column("uid", "UID", 4, lambda r: str(r.uid), lambda r: r.uid),
    Column("stake", "STAKE τ", 11, lambda r: tao_cell(r.stake_rao, 11), lambda r: r.stake_rao),
    Column("rank", "RANK", 6, lambda r: _f(r.rank), lambda r: r.rank),
    Column("trust", "TRUST", 6, lambda r: _f(r.trust), lambda r: r.trust),
    Column("consensus", "CONSEN", 6, lambda r: _f(r.consensus), lambda r: r.consensus),
    Column("incentive", "INCENT", 6, lambda r: _f(r.incentive), lambda r: r.incentive),
    Column("dividends", "DIVIDE", 6, lambda r: _f(r.dividends), lambda r: r.dividends),
    Column("emission", "EMISSION ρ", 11, lambda r: f"{r.emission_rao:,}", lambda r: r.emission_rao),
    Column("vtrust", "VTRUST", 6, lambda r: _f(r.validator_trust), lambda r: r.validator_trust),
    Column("val", "VAL", 3, lambda r: "*" if r.validator_permit else "", lambda r: r.validator_permit),
    Column("updated", "UPDATED", 7, lambda r: str(r.updated), lambda r: r.updated),
    Column("active", "ACT", 3, lambda r: "1" if r.active else "0", lambda r: r.active),
    Column("hotkey", "HOTKEY", 14, lambda r: short_hotkey(r.hotkey), lambda r: r.hotkey, right=False),
    Column("role", "ROLE/STRATEGY", 18, lambda r: f"{r.role[:3]}/{r.strategy}"[:18],
           lambda r: (r.role, r.strategy), right=False),
)
MARK_WIDTH = 2

NARROW_KEYS = ("uid", "stake", "incentive", "dividends", "emission", "val", "hotkey", "role")
"""Columns kept when the full table does not fit (80 columns): who is who and what each earns."""
NARROW_COLUMNS: tuple[Column, ...] = tuple(
    replace(c, width=12, cell=lambda r: f"{r.role[:3]}/{r.strategy}"[:12]) if c.key == "role" else c
    for c in COLUMNS if c.key in NARROW_KEYS)


def columns_width(columns: tuple[Column, ...]) -> int:
    return MARK_WIDTH + sum(c.width + 1 for c in columns)


FULL_TABLE_MIN_WIDTH = columns_width(COLUMNS) - 8
"""Narrower than this, the table shows NARROW_COLUMNS (the last 8 columns of ROLE/STRATEGY may go)."""
LEGEND = "★ yours  ◆ immune  ✖ next to prune  VAL * = permit  s/S sort, r reverse"


def permit_note(snapshot) -> str:
    """Why VAL shows ``*`` on rows that are not validators: a permit goes to the top K UIDs by stake
    (YUMA_SPEC §4.3, ``max_allowed_validators``), whatever they do, so with at most K UIDs every UID,
    miners included, holds one. '' when the column needs no word."""
    k = snapshot.hyperparameters.max_allowed_validators
    neurons = snapshot.neurons
    if not neurons or not all(r.validator_permit for r in neurons) or all(r.role == "validator" for r in neurons):
        return ""
    return f"VAL *: the top {k} UIDs by stake get a permit; all {len(neurons)} here do, miners too."


def mark(row: Any) -> str:
    if row.is_player:
        return "★"
    if row.next_to_prune:
        return "✖"
    if row.immune:
        return "◆"
    return " "


class NeuronTable(ScrollView, can_focus=True):
    """Every neuron of the subnet; sortable by key or by clicking a header."""

    DEFAULT_CSS = """
    NeuronTable {
        height: 1fr;
        background: $surface;
        & > .neuron-table--header { background: $primary 30%; text-style: bold; }
        & > .neuron-table--sorted { background: $primary 60%; text-style: bold; }
        & > .neuron-table--cursor { background: $accent 40%; }
        & > .neuron-table--player { color: $text-accent; text-style: bold; }
        & > .neuron-table--prune { color: $text-error; }
        & > .neuron-table--immune { color: $text-success; }
        &:focus > .neuron-table--cursor { background: $accent 70%; }
    }
    """
    COMPONENT_CLASSES = {
        "neuron-table--header",
        "neuron-table--sorted",
        "neuron-table--cursor",
        "neuron-table--player",
        "neuron-table--prune",
        "neuron-table--immune",
    }
    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "cursor(-20)", "Page up", show=False),
        Binding("pagedown", "cursor(20)", "Page down", show=False),
        Binding("home", "cursor(-100000)", "Top", show=False),
        Binding("end", "cursor(100000)", "Bottom", show=False),
        Binding("s", "sort(1)", "Sort →"),
        Binding("S", "sort(-1)", "Sort ←", show=False),
        Binding("r", "reverse", "Reverse"),
        Binding("enter", "select", "Select", show=False),
    ]

    class Selected(Message):
        """The person chose a neuron (enter or click)."""

        def __init__(self, uid: int) -> None:
            self.uid = uid
            super().__init__()

    cursor = reactive(0)
    sort_index = reactive(0)
    sort_reverse = reactive(False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: tuple = ()
        self._line_cache: LRUCache[tuple, Strip] = LRUCache(1024)

    # ---- data ----
    def show(self, neurons: tuple) -> None:
        """Show a new snapshot's neurons (the cursor stays on the same UID)."""
        uid = self.cursor_uid
        col = COLUMNS[self.sort_index]
        self._rows = tuple(sorted(neurons, key=col.sort, reverse=self.sort_reverse))
        self.virtual_size = Size(columns_width(self.columns), len(self._rows) + 1)
        if uid is not None:
            self._move_cursor_to(uid)
        self.refresh()

    @property
    def rows(self) -> tuple:
        return self._rows

    @property
    def cursor_uid(self) -> int | None:
        if 0 <= self.cursor < len(self._rows):
            return self._rows[self.cursor].uid
        return None

    def _move_cursor_to(self, uid: int) -> None:
        for i, row in enumerate(self._rows):
            if row.uid == uid:
                self.set_reactive(NeuronTable.cursor, i)
                return

    @property
    def columns(self) -> tuple[Column, ...]:
        """Every column when they fit, else the narrow set (sorting still goes by ``COLUMNS[sort_index]``)."""
        width = self.size.width
        return COLUMNS if not width or width >= FULL_TABLE_MIN_WIDTH else NARROW_COLUMNS

    def on_resize(self) -> None:
        if self.sort_key not in {c.key for c in self.columns}:
            self.sort_index = 0  # sorted by a column the narrow table does not show: back to UID
        self._line_cache.clear()
        self.virtual_size = Size(columns_width(self.columns), len(self._rows) + 1)
        self.refresh()

    @property
    def sort_key(self) -> str:
        return COLUMNS[self.sort_index].key

    # ---- actions ----
    def action_cursor(self, delta: int) -> None:
        if self._rows:
            self.cursor = max(0, min(len(self._rows) - 1, self.cursor + delta))

    def action_sort(self, delta: int) -> None:
        """The next (or previous) shown column: every column, or the narrow table's."""
        shown = [c.key for c in self.columns]
        keys = [c.key for c in COLUMNS]
        position = shown.index(self.sort_key) if self.sort_key in shown else 0
        self.sort_index = keys.index(shown[(position + delta) % len(shown)])

    def action_reverse(self) -> None:
        self.sort_reverse = not self.sort_reverse

    def action_select(self) -> None:
        if self.cursor_uid is not None:
            self.post_message(self.Selected(self.cursor_uid))

    def watch_cursor(self, _old: int, new: int) -> None:
        height = max(1, self.scrollable_content_region.height - 1)
        if new < self.scroll_y:
            self.scroll_to(y=new, animate=False)
        elif new >= self.scroll_y + height:
            self.scroll_to(y=new - height + 1, animate=False)
        self.refresh()

    def _resort(self) -> None:
        self.show(self._rows)

    def watch_sort_index(self) -> None:
        self._resort()

    def watch_sort_reverse(self) -> None:
        self._resort()

    def sort_by(self, key: str) -> None:
        for i, col in enumerate(COLUMNS):
            if col.key == key:
                if i == self.sort_index:
                    self.sort_reverse = not self.sort_reverse
                else:
                    self.sort_index = i
                return
        raise KeyError(key)

    async def _on_click(self, event: events.Click) -> None:
        x = event.x + int(self.scroll_x) - MARK_WIDTH
        if event.y == 0:  # header: sort by the clicked column
            for col in self.columns:
                if 0 <= x < col.width + 1:
                    self.sort_by(col.key)
                    return
                x -= col.width + 1
            return
        index = int(self.scroll_y) + event.y - 1
        if 0 <= index < len(self._rows):
            if index == self.cursor and event.chain > 1:
                self.action_select()
            self.cursor = index

    # ---- rendering ----
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._line_cache.clear()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        scroll_x = int(self.scroll_x)
        if y == 0:
            strip = self._header_strip()
        else:
            index = int(self.scroll_y) + y - 1
            if index >= len(self._rows):
                return Strip.blank(width, self.rich_style)
            strip = self._row_strip(index)
        return strip.crop_extend(scroll_x, scroll_x + width, self.rich_style)

    def _header_strip(self) -> Strip:
        columns = self.columns
        key = ("header", self.sort_index, self.sort_reverse, len(columns))
        cached = self._line_cache.get(key)
        if cached is not None:
            return cached
        base = self.get_component_rich_style("neuron-table--header")
        sorted_style = self.get_component_rich_style("neuron-table--sorted")
        segments = [Segment(" " * MARK_WIDTH, base)]
        for col in columns:
            sorted_here = col.key == self.sort_key
            title = col.header
            if sorted_here:
                title = (title + ("▼" if self.sort_reverse else "▲"))[: col.width + 1]
            text = title.rjust(col.width) if col.right else title.ljust(col.width)
            segments.append(Segment(text[: col.width + 1].ljust(col.width) + " ",
                                    sorted_style if sorted_here else base))
        strip = Strip(segments)
        self._line_cache[key] = strip
        return strip

    def _row_strip(self, index: int) -> Strip:
        row = self._rows[index]
        selected = index == self.cursor
        columns = self.columns
        key = (row, selected, self.has_focus, len(columns))
        cached = self._line_cache.get(key)
        if cached is not None:
            return cached
        style = self.rich_style
        if row.is_player:
            style += self.get_component_rich_style("neuron-table--player")
        elif row.next_to_prune:
            style += self.get_component_rich_style("neuron-table--prune")
        elif row.immune:
            style += self.get_component_rich_style("neuron-table--immune")
        if selected:
            style += self.get_component_rich_style("neuron-table--cursor")
        parts = [mark(row).ljust(MARK_WIDTH)]
        for col in columns:
            text = col.cell(row)[: col.width]
            parts.append((text.rjust(col.width) if col.right else text.ljust(col.width)) + " ")
        strip = Strip([Segment("".join(parts), style)])
        self._line_cache[key] = strip
        return strip

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()


def lowest_pruning_gap(neurons: tuple, uid: int) -> tuple[int, int] | None:
    """(this uid's pruning score, the lowest score among non-immune neurons), or None if unknown."""
    mine = next((r for r in neurons if r.uid == uid), None)
    candidates = [r.pruning_score for r in neurons if not r.immune]
    if mine is None or not candidates:
        return None
    return mine.pruning_score, min(candidates)


__all__ = ["COLUMNS", "LEGEND", "permit_note", "NeuronTable", "lowest_pruning_gap", "mark"]
