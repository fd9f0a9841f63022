"""The always-visible top of the game screen: time, issuance, emission, the next halving, the player."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import ProgressBar, Static

from taosandbox.chain.emission import halving_progress
from taosandbox.chain.units import TOTAL_SUPPLY_RAO, format_tao
from taosandbox.tui.earnings import earned_text
from taosandbox.tui.format import blocks_as_time, per_day, sim_clock, spending_text


def time_line(snapshot: Any, paused: bool, speed: str) -> str:
    state = f"[b reverse] ⏸ PAUSED [/] (speed {speed})" if paused else f"[b reverse] ▶ {speed} [/]"
    epoch = snapshot.blocks_to_next_epoch
    return (f"{state}  block [b]{snapshot.block:,}[/]  [b]{sim_clock(snapshot.seconds)}[/]"
            f"  next epoch in {epoch} block{'s' if epoch != 1 else ''}")


def issuance_line(snapshot: Any) -> str:
    share = snapshot.total_issuance_rao / TOTAL_SUPPLY_RAO
    return (f"issued [b]{format_tao(snapshot.total_issuance_rao, 2)}[/] of 21,000,000 τ ({share:.3%})   "
            f"emission [b]{format_tao(snapshot.block_emission_rao, 3)}[/]/block = "
            f"{format_tao(per_day(snapshot.block_emission_rao), 0)}/day")


HIDDEN_ESTIMATE = "when? your question (estimate hidden)"
"""Said instead of "~N blocks" while a level asks the player to predict the halving."""


def halving_estimate_hidden(snapshot: Any) -> bool:
    """True while a level's ``predict_halving`` question is open: the header's estimate (what is left
    divided by the block emission, blind to recycling) would be the answer to copy, not to reason out."""
    level = (getattr(snapshot, "extra", None) or {}).get("level") or {}
    return any(o.get("kind") == "predict_halving" and o.get("status") == "pending"
               for o in (level.get("objectives") or {}).values())


def halving_line(snapshot: Any) -> str:
    last, nxt, done = halving_progress(snapshot.total_issuance_rao)
    left = max(0, nxt - snapshot.total_issuance_rao)
    blocks = snapshot.blocks_to_next_halving
    when = f"~{blocks:,} blocks ({blocks_as_time(blocks)})" if blocks is not None else "never"
    if blocks is not None and halving_estimate_hidden(snapshot):
        when = HIDDEN_ESTIMATE
    return f"halving #{done + 1} at {format_tao(nxt, 0)}: {format_tao(left, 2)} to go, {when}"


def player_drain(snapshot: Any) -> int | None:
    """Blocks until the first of the player's own hotkeys is drained (None without a UID)."""
    own = [r.blocks_to_drain for r in snapshot.neurons if r.is_player and r.accrued_rao]
    return min(own) if own else None


def pack(items: list[str], width: int, gap: str = "  ") -> str:
    """Items (markup) joined by ``gap``, breaking lines only between items, so an amount never wraps
    away from its label (``spent: burned`` / ``6.2924 τ``). ``width`` 0: one line."""
    lines: list[str] = []
    line, used = "", 0
    for item in items:
        size = Content.from_markup(item).cell_length
        if line and width and used + len(gap) + size > width:
            lines.append(line)
            line, used = "", 0
        line, used = (line + gap + item, used + len(gap) + size) if line else (item, size)
    return "\n".join(lines + [line])


def player_line(snapshot: Any, width: int = 0) -> str:
    p = snapshot.player
    uids = ", ".join(map(str, p.uids)) or "none"
    items = [f"[b]you[/] ({p.role}, coldkey {p.coldkey})", f"free [b]{format_tao(p.free_rao)}[/]",
             f"staked [b]{format_tao(p.staked_rao)}[/]", earned_text(p.earned_rao, p.pending_rao, player_drain(snapshot))]
    spent = spending_text(p).strip()
    if spent:
        items.append(spent)
    items.append(f"uids: {uids}")
    return pack(items, width)


def compact_line(snapshot: Any, width: int = 0) -> str:
    """Issuance, emission and the halving in one line, for a short terminal (the header collapses)."""
    blocks = snapshot.blocks_to_next_halving
    halving = f"halving in ~{blocks:,} blocks" if blocks is not None else "no further halving"
    if blocks is not None and halving_estimate_hidden(snapshot):
        left = max(0, (snapshot.next_halving_issuance_rao or 0) - snapshot.total_issuance_rao)
        halving = f"halving: {format_tao(left, 2)} to go, {HIDDEN_ESTIMATE}"
    return pack([f"issued [b]{format_tao(snapshot.total_issuance_rao, 0)}[/]",
                 f"emission [b]{format_tao(snapshot.block_emission_rao, 3)}[/]/block", halving], width)


class ChainPanel(Vertical):
    """Block, simulated clock, issuance against the cap, emission, halving countdown, player money."""

    DEFAULT_CSS = """
    ChainPanel {
        height: auto;
        background: $boost;
        padding: 0 1;
        & #time-line { height: 1; }
        & #halving-row { height: auto; }  /* wraps on a narrow terminal rather than cutting the days off */
        & #halving-line { width: 1fr; }
        & #halving-bar { width: 24; margin-right: 1; }
        & #halving-bar Bar { width: 22; }
        & #halving-bar #percentage { display: none; }
        & #halving-bar #eta { display: none; }
        &.-paused #time-line { color: $text-warning; }
        & #compact-line { display: none; }
    }
    """

    _last: tuple[Any, bool, str] | None = None
    """The last (snapshot, paused, speed) shown, to lay the lines out again on resize."""

    def compose(self) -> ComposeResult:
        yield Static("Building the world…", id="time-line", markup=True)
        yield Static("", id="issuance-line")
        with Horizontal(id="halving-row"):
            yield ProgressBar(total=100, show_eta=False, id="halving-bar")
            yield Static("", id="halving-line")
        yield Static("", id="compact-line")
        yield Static("", id="player-line")

    def show(self, snapshot: Any, *, paused: bool, speed: str) -> None:
        self.set_class(paused, "-paused")
        self.query_one("#time-line", Static).update(time_line(snapshot, paused, speed))
        self.query_one("#issuance-line", Static).update(issuance_line(snapshot))
        last, nxt, _done = halving_progress(snapshot.total_issuance_rao)
        span = max(1, nxt - last)
        self.query_one("#halving-bar", ProgressBar).update(
            total=100, progress=100 * (snapshot.total_issuance_rao - last) / span)
        self.query_one("#halving-line", Static).update(halving_line(snapshot))
        self._last = (snapshot, paused, speed)
        width = self.content_region.width
        self.query_one("#compact-line", Static).update(compact_line(snapshot, width))
        self.query_one("#player-line", Static).update(player_line(snapshot, width))

    def on_resize(self) -> None:
        if self._last is not None:  # lines are packed for a width: pack them again
            snapshot, paused, speed = self._last
            self.show(snapshot, paused=paused, speed=speed)
