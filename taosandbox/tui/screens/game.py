"""The game: the chain at a glance, the metagraph, role panels and the event log, for one running world.

The screen is put together from small mixins, one concern each:
``game_time`` (pause/run/step/skip and the thread worker that steps the world, STYLE §5),
``game_tabs`` (feeding the visible tab, tab keys, metagraph sorting),
``game_actions`` (player actions through the sim lock) and
``game_level`` (a level's intro, objectives and result).
This module lays the screen out, shows each snapshot, and opens the explain screen.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Static, TabbedContent, TabPane

from taosandbox.world.history import History
from taosandbox.tui.messages import WorldUpdated
from taosandbox.tui.screens.explain import ExplainScreen
from taosandbox.tui.screens.game_actions import PlayerActions
from taosandbox.tui.screens.game_level import LevelFlow, level_session
from taosandbox.tui.screens.game_tabs import TABS, TabFeeding, differences_line
from taosandbox.tui.screens.game_time import TimeControls
from taosandbox.tui.sim import SimController
from taosandbox.tui.widgets.chain_panel import ChainPanel
from taosandbox.tui.widgets.charts import ChartsPanel
from taosandbox.tui.widgets.delegator_panel import DelegatorPanel
from taosandbox.tui.widgets.event_log import EventLog
from taosandbox.tui.widgets.governance import GovernancePanel
from taosandbox.tui.widgets.miner_panel import MinerPanel
from taosandbox.tui.widgets.neuron_table import LEGEND, NeuronTable
from taosandbox.tui.widgets.validator_panel import ValidatorPanel


SHORT_ROWS = 30
"""Below this many rows the screen is "-short" (TaoApp.VERTICAL_BREAKPOINTS): compact forms."""


class GameScreen(TimeControls, TabFeeding, PlayerActions, LevelFlow, Screen):
    """One running world, shown live."""

    BINDINGS = [
        Binding("space", "toggle_pause", "Pause/Run"),
        Binding("n", "step", "Step"),
        Binding("plus,equals_sign", "speed(1)", "Faster"),
        Binding("minus", "speed(-1)", "Slower"),
        Binding("N", "next_epoch", "Next epoch"),
        Binding("h", "next_halving", "To halving"),
        Binding("e", "explain", "Explain"),
        Binding("f", "filter_log", "Log: yours/all", show=False),
        Binding("1", "tab_key('metagraph')", "Metagraph", show=False),
        Binding("2", "tab_key('miner')", "Miner", show=False),
        Binding("3", "tab_key('validator')", "Validator", show=False),
        Binding("4", "tab_key('delegator')", "Delegator", show=False),
        Binding("5", "tab_key('charts')", "Charts", show=False),
        Binding("6", "tab_key('governance')", "Governance", show=False),
        Binding("i", "level_hint", "Hint", show=False),
        Binding("a", "level_answer", "Answer", show=False),
        Binding("escape", "leave_field", "Leave field", show=False),
        # The legend under the metagraph promises s/S/r: they must work without first tabbing into the table.
        Binding("s", "sort_table(1)", "Sort", show=False),
        Binding("S", "sort_table(-1)", "Sort back", show=False),
        Binding("r", "reverse_table", "Reverse", show=False),
    ]

    def __init__(self, sim: SimController, *, role: str | None = None) -> None:
        super().__init__()
        self.sim = sim
        self.role = role
        self.snapshot: Any = None
        self.running = False
        """True while the worker runs continuously (space); skips run with ``running`` False."""
        self.resume_after_banner = False
        self.session = level_session(sim.world)
        """The LevelSession when this world plays a level (objectives panel, intro, result)."""
        self.history = History()
        """Per-block series for the charts tab (``taosandbox.world.history.History``), fed from snapshots."""
        self._pending_result: Any = None
        """A level result waiting for the halving banner to close."""

    # ---- layout ----
    def compose(self) -> ComposeResult:
        yield ChainPanel(id="chain-panel")
        yield Static("", id="differences")
        with Horizontal(id="play-area"):
            with TabbedContent(id="tabs", initial="metagraph"):
                with TabPane("1 Metagraph", id="metagraph"):
                    yield Static("", id="metagraph-title")
                    yield NeuronTable(id="neurons")
                    yield Static(LEGEND, id="legend")
                with TabPane("2 Miner", id="miner"):
                    yield MinerPanel(id="miner-panel")
                with TabPane("3 Validator", id="validator"):
                    yield ValidatorPanel(id="validator-panel")
                with TabPane("4 Delegator", id="delegator"):
                    yield DelegatorPanel(id="delegator-panel")
                with TabPane("5 Charts", id="charts"):
                    yield ChartsPanel(id="charts-panel")
                with TabPane("6 Governance", id="governance"):
                    yield GovernancePanel(apply=self._apply_now, id="governance-panel")
            if self.session is not None:
                yield self._objectives_panel()
        yield EventLog(id="events")
        yield Footer()

    def on_resize(self) -> None:
        """On a short terminal, inputs and buttons drop their borders (one row each instead of three)."""
        short = self.size.height < SHORT_ROWS
        for widget in self.query("RolePanel Input, RolePanel Button, GovernancePanel Input, GovernancePanel Button"):
            widget.compact = short  # type: ignore[attr-defined]

    def on_mount(self) -> None:
        role = self.role
        snapshot = self.sim.snapshot()
        if role is None:
            role = snapshot.player.role
        if role in TABS:
            self.query_one(TabbedContent).active = role
        self.query_one(EventLog).note(
            f"#{snapshot.block:,} World ready. You play a {snapshot.player.role}. "
            "space runs/pauses time, n steps one block, ctrl+p lists every action.", mine=True)
        self.show_snapshot(snapshot)
        if self.session is not None:
            self._show_level_intro()

    # ---- showing snapshots (UI thread only) ----
    def show_snapshot(self, snapshot: Any) -> None:
        self.snapshot = snapshot
        self.query_one(ChainPanel).show(snapshot, paused=not self.running, speed=self.sim.speed_label)
        self.query_one("#differences", Static).update(differences_line(snapshot))
        self._feed_active_tab()
        events, dropped = self.sim.take_events()
        if events or dropped:
            self.query_one(EventLog).add_events(events, dropped)
        self.history.append(snapshot)
        halving = self.sim.take_halving()
        if halving is not None:
            self._show_halving(halving)
        prune = self.sim.take_prune()
        if prune is not None:
            self._show_prune(prune)
        if self.session is not None:
            self._update_level(snapshot)

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        self._feed_active_tab()

    def on_world_updated(self, message: WorldUpdated) -> None:
        self.show_snapshot(message.snapshot)

    def action_tab_key(self, tab: str) -> None:
        """A digit key: switch tabs (and, in a level with an open question, say how to answer)."""
        self.action_tab(tab)
        self.warn_if_answering()

    def action_filter_log(self) -> None:
        """Show only your own lines in the event log, or every line again."""
        self.query_one(EventLog).toggle_mine_only()

    def action_leave_field(self) -> None:
        """Escape in a form field gives the keys back to the game (space, n, +/-, i...)."""
        self.set_focus(None)

    # ---- explain ----
    def action_explain(self) -> None:
        """Open the explain-epoch screen for the selected neuron (``screens/explain.py``)."""
        uid = self.query_one(NeuronTable).cursor_uid
        own = self.snapshot.player.uids if self.snapshot is not None else ()
        if own and self.query_one(TabbedContent).active != "metagraph":
            uid = own[0]  # from a role tab, e explains your own neuron, not a row you cannot see
        if uid is None or self.snapshot is None:
            self.app.notify("Select a neuron in the metagraph (1) first, or register one.", severity="warning")
            return
        if self.snapshot.last_epoch is None:
            self.app.notify("No epoch has run yet: step a block first (n).", severity="warning")
            return
        self.pause()
        self.app.push_screen(ExplainScreen(self.snapshot, uid))

    @on(NeuronTable.Selected)
    def _neuron_selected(self, message: NeuronTable.Selected) -> None:
        self.action_explain()

    def on_unmount(self) -> None:
        self.workers.cancel_group(self, "sim")
