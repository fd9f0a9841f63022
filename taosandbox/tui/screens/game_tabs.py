"""The game screen's tabs: which tab shows what, feeding only the visible one (STYLE §6), switching
tabs by number, and the metagraph's sort keys.

A mixin for ``GameScreen``; it reads ``self.snapshot`` and ``self.history`` from the screen.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Static, TabbedContent, TabPane

from taosandbox.chain.units import format_tao
from taosandbox.tui.format import tao_text
from taosandbox.tui.widgets.neuron_table import LEGEND, NeuronTable, permit_note

TABS = ("metagraph", "miner", "validator", "delegator", "charts", "governance")


def metagraph_title(snapshot: Any, width: int | None = None) -> str:
    """btcli's title line: block, active/total neurons, total stake, issuance, burn. Where it does not fit
    in ``width`` it drops issuance, then the block: the header above shows both."""
    neurons = snapshot.neurons
    active = sum(1 for r in neurons if r.active)
    stake = sum(r.stake_rao for r in neurons)
    block = f"block {snapshot.block:,}"
    issuance = f"issuance {tao_text(snapshot.total_issuance_rao)}"
    parts = [block, f"N: {active}/{len(neurons)} (max {snapshot.hyperparameters.max_allowed_uids})",
             f"stake {tao_text(stake)}", issuance, f"burn {format_tao(snapshot.burn_rao)}"]
    for optional in (None, issuance, block):
        if optional is not None:
            parts.remove(optional)
        text = "Metagraph: " + ", ".join(parts)
        if width is None or len(text) <= width:
            break
    return text


def differences_line(snapshot: Any) -> str:
    names = [line.split(" (chain", 1)[0] for line in snapshot.differences]
    if not names:
        return "This world uses the 2024 chain's parameters."
    return "Sandbox ≠ chain: " + "; ".join(names) + "  (ctrl+p → “differences” for why)"


class TabFeeding:
    """Feed the active tab from the latest snapshot; switch tabs; sort the metagraph."""

    def _feed_active_tab(self) -> None:
        if self.snapshot is None:
            return
        active = self.query_one(TabbedContent).active
        if active == "metagraph":
            title = self.query_one("#metagraph-title", Static)
            title.update(metagraph_title(self.snapshot, title.content_size.width or None))
            note = permit_note(self.snapshot)
            self.query_one("#legend", Static).update(f"{LEGEND}\n{note}" if note else LEGEND)
            self.query_one(NeuronTable).show(self.snapshot.neurons)
        elif active in ("miner", "validator", "delegator", "governance"):
            self.query_one(f"#{active}-panel").show(self.snapshot)  # type: ignore[attr-defined]
        elif active == "charts" and self.history is not None:
            self.query_one("#charts-panel").update_from(self.history)  # type: ignore[attr-defined]

    def action_tab(self, tab: str) -> None:
        tabs = self.query_one(TabbedContent)
        pane = tabs.get_pane(tab)
        old_pane = next((w for w in self.focused.ancestors if isinstance(w, TabPane)), None) if self.focused else None
        if old_pane is not None and old_pane is not pane:
            # A focused button left behind in the old pane pulls its pane back to the front.
            self.set_focus(None)
        tabs.active = tab
        if tab == "metagraph":  # so the arrows move the row cursor and e explains the row under it
            self.query_one(NeuronTable).focus()

    def _metagraph_table(self) -> NeuronTable | None:
        if self.query_one(TabbedContent).active != "metagraph":
            return None
        table = self.query_one(NeuronTable)
        table.focus()
        return table

    def action_sort_table(self, delta: int) -> None:
        if (table := self._metagraph_table()) is not None:
            table.action_sort(delta)

    def action_reverse_table(self) -> None:
        if (table := self._metagraph_table()) is not None:
            table.action_reverse()
