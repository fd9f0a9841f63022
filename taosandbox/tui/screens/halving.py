"""The unmissable halving banner: what changed, and why it happened now."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, Static

from taosandbox.chain.emission import halving_threshold
from taosandbox.chain.units import format_tao
from taosandbox.tui.format import per_day
from taosandbox.tui.screens.banner import BannerModal


def halving_text(event: Any, snapshot: Any | None) -> str:
    """The banner's explanation, from the halving event's data (and the snapshot for recycling)."""
    data = event.data or {}
    index = int(data.get("index", 1) or 1)
    before = int(data.get("before_rao", 0))
    after = int(data.get("after_rao", 0))
    issuance = int(data.get("total_issuance_rao", 0))
    threshold = halving_threshold(index)
    lines = [
        f"At block {event.block:,} the block emission halved.",
        "",
        f"  before: {format_tao(before, 4)} per block = {format_tao(per_day(before), 0)} per day",
        f"  after:  {format_tao(after, 4)} per block = {format_tao(per_day(after), 0)} per day",
        "",
        f"Why now? Total issuance reached {format_tao(issuance, 2)}, crossing the threshold",
        f"21,000,000 × (1 − 2^−{index}) = {format_tao(threshold, 0)}. Halvings follow issuance, not the calendar.",
    ]
    recycled = getattr(snapshot, "recycled_rao", 0) if snapshot is not None else 0
    lines.append(
        "Registration burns are recycled: they are taken out of issuance, so every burn pushes "
        "the next halving a little later"
        + (f" (recycled so far here: {format_tao(recycled, 2)})." if recycled else ".")
    )
    lines.append("")
    lines.append("Every miner, validator and nominator now earns half as much TAO per block.")
    return "\n".join(lines)


class HalvingModal(BannerModal):
    """Shown when a ``halving`` event arrives; the simulation stays paused until it is dismissed."""

    DEFAULT_CSS = """
    HalvingModal {
        align: center middle;
        background: $background 70%;
        & #halving-box {
            width: 84; height: auto; padding: 1 2;
            border: heavy $warning; background: $panel;
        }
        & #halving-title { text-style: bold; color: $text-warning; content-align: center middle; width: 1fr; }
        & #halving-ok { margin-top: 1; width: 1fr; }
    }
    """
    def compose(self) -> ComposeResult:
        with Vertical(id="halving-box"):
            yield Static("⚡ HALVING ⚡", id="halving-title")
            yield Static(halving_text(self.event, self.snapshot), id="halving-text")
            yield Button("Continue (enter)", variant="warning", id="halving-ok")
