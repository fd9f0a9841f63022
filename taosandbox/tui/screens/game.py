"""The game: time controls, the chain at a glance, the metagraph, role panels and the event log.

A thread worker steps the world (STYLE §5); the UI only ever reads snapshots it posts, at most ~4 Hz.
"""

from __future__ import annotations

import time
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Static, TabbedContent, TabPane
from textual.worker import get_current_worker

from taosandbox.tui.messages import ActionFinished, RequestAction, SimStopped, WorldUpdated
from taosandbox.tui.screens.halving import HalvingModal
from taosandbox.tui.sim import ENGINE_ERROR, HALVING_SKIP_CAP, SimController
from taosandbox.tui.format import blocks_as_time, tao
from taosandbox.tui.widgets.chain_panel import ChainPanel
from taosandbox.tui.widgets.delegator_panel import DelegatorPanel
from taosandbox.tui.widgets.event_log import EventLog
from taosandbox.tui.widgets.miner_panel import MinerPanel
from taosandbox.tui.widgets.neuron_table import LEGEND, NeuronTable
from taosandbox.tui.widgets.validator_panel import ValidatorPanel

REFRESH_SECONDS = 0.25
"""The screen repaints from a new snapshot at most this often while the world runs (~4 Hz)."""

BURST_SECONDS = 0.02
"""At full speed the sim thread sleeps briefly after this much work, so the UI thread gets the GIL
(without it, key presses wait behind the interpreter's 5 ms switch interval, many times over)."""

TABS = ("metagraph", "miner", "validator", "delegator", "charts", "governance")


def level_session(world: Any) -> Any:
    """The LevelSession playing on ``world``, or None (free sandbox, or the levels package missing)."""
    try:
        from taosandbox.levels.session import LevelSession
    except ImportError:
        return None
    return LevelSession.of(world)


def metagraph_title(snapshot: Any) -> str:
    """btcli's title line: block, active/total neurons, total stake, issuance."""
    neurons = snapshot.neurons
    active = sum(1 for r in neurons if r.active)
    stake = sum(r.stake_rao for r in neurons)
    return (f"Metagraph: block {snapshot.block:,}, N: {active}/{len(neurons)} "
            f"(max {snapshot.hyperparameters.max_allowed_uids}), stake {tao(stake, 2)}, "
            f"issuance {tao(snapshot.total_issuance_rao, 2)}, burn {tao(snapshot.burn_rao)}")


def differences_line(snapshot: Any) -> str:
    names = [line.split(" (chain", 1)[0] for line in snapshot.differences]
    if not names:
        return "This world uses the 2024 chain's parameters."
    return "Sandbox ≠ chain: " + "; ".join(names) + "  (ctrl+p → “differences” for why)"


class GameScreen(Screen):
    """One running world, shown live."""

    BINDINGS = [
        Binding("space", "toggle_pause", "Pause/Run"),
        Binding("n", "step", "Step"),
        Binding("plus,equals_sign", "speed(1)", "Faster"),
        Binding("minus", "speed(-1)", "Slower"),
        Binding("N", "next_epoch", "Next epoch"),
        Binding("h", "next_halving", "To halving"),
        Binding("e", "explain", "Explain"),
        Binding("1", "tab('metagraph')", "Metagraph", show=False),
        Binding("2", "tab('miner')", "Miner", show=False),
        Binding("3", "tab('validator')", "Validator", show=False),
        Binding("4", "tab('delegator')", "Delegator", show=False),
        Binding("5", "tab('charts')", "Charts", show=False),
        Binding("6", "tab('governance')", "Governance", show=False),
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
        self.history: Any = None
        self._pending_result: Any = None
        """Per-block series for the charts tab (``taosandbox.world.history.History``), fed from snapshots."""

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
                    yield self._charts_widget()
                with TabPane("6 Governance", id="governance"):
                    yield self._governance_panel()
            if self.session is not None:
                yield self._objectives_panel()
        yield EventLog(id="events")
        yield Footer()

    def _charts_widget(self):
        """The charts tab (``widgets/charts.py``, plotext), fed with a History of the snapshots shown."""
        try:
            from taosandbox.world.history import History
            from taosandbox.tui.widgets.charts import ChartsPanel
        except ImportError:  # textual-plotext missing: the game goes on without charts
            return Static("Charts need textual-plotext, which is not installed.", id="charts-panel")
        self.history = History()
        return ChartsPanel(id="charts-panel")

    def _apply_now(self, action: Any) -> Any:
        """Apply an instant action (answer, vote) here, through the sim lock; an Outcome-like reply."""
        from types import SimpleNamespace

        ok, reason = self.sim.apply(action)
        # show the result now (a new proposal, a vote, an answer), even while time is paused
        self.post_message(WorldUpdated(self.sim.snapshot()))
        return SimpleNamespace(ok=ok, reason=reason)

    def _governance_panel(self):
        try:
            from taosandbox.tui.widgets.governance import GovernancePanel
        except ImportError:
            return Static("Governance is not installed in this build.", id="governance-panel")
        return GovernancePanel(apply=self._apply_now, id="governance-panel")

    def _objectives_panel(self):
        from taosandbox.tui.widgets.objectives import ObjectivesPanel

        def reveal_hint() -> str | None:
            with self.sim.lock:
                return self.session.reveal_hint()

        return ObjectivesPanel(self.session.level, apply=self._apply_now, reveal_hint=reveal_hint,
                               id="objectives")

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
        if self.history is not None:
            self.history.append(snapshot)
        halving = self.sim.take_halving()
        if halving is not None:
            self._show_halving(halving)
        if self.session is not None:
            self._update_level(snapshot)

    def _feed_active_tab(self) -> None:
        if self.snapshot is None:
            return
        active = self.query_one(TabbedContent).active
        if active == "metagraph":
            self.query_one("#metagraph-title", Static).update(metagraph_title(self.snapshot))
            self.query_one(NeuronTable).show(self.snapshot.neurons)
        elif active in ("miner", "validator", "delegator"):
            self.query_one(f"#{active}-panel").show(self.snapshot)  # type: ignore[attr-defined]
        elif active == "governance" and hasattr(self.query_one("#governance-panel"), "show"):
            self.query_one("#governance-panel").show(self.snapshot)  # type: ignore[attr-defined]
        elif active == "charts" and self.history is not None:
            self.query_one("#charts-panel").update_from(self.history)  # type: ignore[attr-defined]

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        self._feed_active_tab()

    def on_world_updated(self, message: WorldUpdated) -> None:
        self.show_snapshot(message.snapshot)

    # ---- time ----
    def action_toggle_pause(self) -> None:
        if self.running:
            self.pause()
        else:
            self.resume()

    def pause(self) -> None:
        self.running = False
        self.workers.cancel_group(self, "sim")
        if self.snapshot is not None:
            self.query_one(ChainPanel).show(self.snapshot, paused=True, speed=self.sim.speed_label)

    def resume(self) -> None:
        self.running = True
        self.run_sim()
        if self.snapshot is not None:
            self.query_one(ChainPanel).show(self.snapshot, paused=False, speed=self.sim.speed_label)

    def action_step(self) -> None:
        self.pause()
        self.run_sim(limit=1, fast=True)

    def action_speed(self, delta: int) -> None:
        self.sim.change_speed(delta)
        if self.snapshot is not None:
            self.query_one(ChainPanel).show(self.snapshot, paused=not self.running, speed=self.sim.speed_label)

    def action_next_epoch(self) -> None:
        self.pause()
        blocks = max(1, self.snapshot.blocks_to_next_epoch if self.snapshot is not None else 1)
        self.run_sim(limit=blocks, fast=True)

    def action_next_halving(self) -> None:
        snapshot = self.snapshot
        blocks = snapshot.blocks_to_next_halving if snapshot is not None else None
        if blocks is None:
            self.app.notify("No further halving: emission has reached its floor.", severity="warning")
            return
        if blocks > HALVING_SKIP_CAP:
            self.app.notify(
                f"The next halving is ~{blocks:,} blocks away ({blocks_as_time(blocks)}); this skip runs at "
                f"most {HALVING_SKIP_CAP:,}. Try the halving level, which starts near 10.5M τ.",
                title="Too far to skip", severity="warning", timeout=8)
            return
        self.pause()
        self.app.notify(f"Running ~{blocks:,} blocks to the halving…", timeout=3)
        # Recycling moves the halving later than the estimate: allow some slack, never past the cap.
        self.run_sim(limit=min(HALVING_SKIP_CAP, blocks * 2 + 1000), fast=True)

    @work(thread=True, exclusive=True, group="sim")
    def run_sim(self, limit: int | None = None, fast: bool = False) -> None:
        """Step the world in this thread; post a snapshot at most every REFRESH_SECONDS."""
        worker = get_current_worker()
        sim = self.sim
        steps = 0
        last_step = last_publish = 0.0
        burst_start = time.monotonic()
        reason = "cancelled"
        while not worker.is_cancelled:
            rate = None if fast else sim.blocks_per_second
            if rate is not None:
                wait = last_step + 1.0 / rate - time.monotonic()
                if wait > 0:
                    time.sleep(min(wait, 0.05))
                    continue
            last_step = time.monotonic()
            try:
                events = sim.step()
            except Exception as exc:  # an engine bug stops time, it does not close the game
                reason = f"the engine failed: {type(exc).__name__}: {exc}"
                break
            steps += 1
            if any(e.kind == "halving" for e in events):
                reason = "halving"
                break
            if self.session is not None and self.session.run.finished:
                reason = "level over"  # stop on the deciding block, not up to a refresh later (MAX ran on ~600)
                break
            if limit is not None and steps >= limit:
                reason = "done"
                break
            now = time.monotonic()
            if now - burst_start >= BURST_SECONDS:
                time.sleep(0.004)
                burst_start = time.monotonic()
            if now - last_publish >= REFRESH_SECONDS:
                last_publish = now
                self.post_message(WorldUpdated(sim.snapshot()))
        if reason != "cancelled":
            self.post_message(SimStopped(reason))
        self.post_message(WorldUpdated(sim.snapshot()))

    def on_sim_stopped(self, message: SimStopped) -> None:
        if message.reason == "halving":
            self.resume_after_banner = self.running
        self.running = False
        if message.reason.startswith("the engine failed"):
            self.query_one(EventLog).note(message.reason, error=True)
            self.app.notify(message.reason, title="Simulation stopped", severity="error", timeout=10)

    def _show_halving(self, event: Any) -> None:
        self.pause()

        def after(_result: Any) -> None:
            if self._pending_result is not None:
                result, self._pending_result = self._pending_result, None
                self._show_level_result(result)
                return
            if self.resume_after_banner:
                self.resume_after_banner = False
                self.resume()

        self.app.push_screen(HalvingModal(event, self.snapshot), after)

    # ---- actions from the panels ----
    @on(RequestAction)
    def _request_action(self, message: RequestAction) -> None:
        message.stop()
        self.apply_action(message.action)

    def request(self, action: Any) -> None:
        """Apply ``action`` through the sim lock (in a worker: training a model takes a moment)."""
        self.apply_action(action)

    @work(thread=True, group="actions")
    def apply_action(self, action: Any) -> None:
        ok, reason = self.sim.apply(action)
        self.post_message(ActionFinished(action, ok, reason))
        self.post_message(WorldUpdated(self.sim.snapshot()))

    def on_action_finished(self, message: ActionFinished) -> None:
        kind = getattr(message.action, "kind", "action")
        if message.ok:
            self.app.notify(f"{kind.replace('_', ' ')}: done", timeout=2)
            return
        reason = message.reason or "the world refused it"
        self.app.notify(reason, title=f"Refused: {kind.replace('_', ' ')}", severity="error", timeout=8)
        if reason.startswith(ENGINE_ERROR):  # the world logs its own refusals as events; this it could not
            block = self.snapshot.block if self.snapshot is not None else 0
            self.query_one(EventLog).note(f"#{block:,} {kind.replace('_', ' ')} failed: {reason}", error=True)

    # ---- other screens ----
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

    def action_leave_field(self) -> None:
        """Escape in a form field gives the keys back to the game (space, n, +/-, i...)."""
        self.set_focus(None)

    def action_level_hint(self) -> None:
        """In a level: reveal the next hint (it costs score points; the panel says how many)."""
        if self.session is None:
            self.app.notify("Hints come with levels: pick one on the title screen.", timeout=4)
            return
        self.query_one("#objectives").action_hint()  # type: ignore[attr-defined]

    def action_level_answer(self) -> None:
        """In a level with a question: put the cursor in the first answer field."""
        if self.session is None or not self.session.level.questions:
            self.app.notify("There is no question to answer here.", timeout=4)
            return
        self.query_one("#answer-0").focus()

    def action_explain(self) -> None:
        """Hook: open the explain-epoch screen for the selected neuron (``screens/explain.py``)."""
        uid = self.query_one(NeuronTable).cursor_uid
        own = self.snapshot.player.uids if self.snapshot is not None else ()
        if own and self.query_one(TabbedContent).active != "metagraph":
            uid = own[0]  # from a role tab, e explains your own neuron, not a row you cannot see
        if uid is None or self.snapshot is None:
            self.app.notify("Select a neuron in the metagraph (1) first, or register one.", severity="warning")
            return
        try:
            from taosandbox.tui.screens.explain import ExplainScreen  # type: ignore[import-not-found]
        except ImportError:
            self.app.notify("The explain screen is not installed in this build.", severity="warning")
            return
        if self.snapshot.last_epoch is None:
            self.app.notify("No epoch has run yet: step a block first (n).", severity="warning")
            return
        self.pause()
        self.app.push_screen(ExplainScreen(self.snapshot, uid))

    @on(NeuronTable.Selected)
    def _neuron_selected(self, message: NeuronTable.Selected) -> None:
        self.action_explain()

    # ---- levels ----
    def _show_level_intro(self) -> None:
        from taosandbox.tui.screens.level_intro import LevelIntroModal

        def after(start: bool | None) -> None:
            if not start:
                self.app.leave_game()  # type: ignore[attr-defined]

        self.app.push_screen(LevelIntroModal(self.session.level), after)

    def _update_level(self, snapshot: Any) -> None:
        self.query_one("#objectives").update_from(snapshot)  # type: ignore[attr-defined]
        with self.sim.lock:
            result = self.session.finished()
        if result is None:
            return
        self.pause()
        if any(isinstance(screen, HalvingModal) for screen in self.app.screen_stack):
            self._pending_result = result  # the halving banner first; the result when it is closed
            return
        self._show_level_result(result)

    def _show_level_result(self, result: Any) -> None:
        from taosandbox.tui.screens.level_result import NEXT, RETRY, LevelResultModal

        session = self.session

        def after(choice: str | None) -> None:
            if choice == RETRY:
                self.app.restart_level(session.level.name)  # type: ignore[attr-defined]
            elif choice == NEXT and session.next_level() is not None:
                self.app.restart_level(session.next_level().name)  # type: ignore[attr-defined]
            else:
                self.app.leave_game()  # type: ignore[attr-defined]

        self.app.push_screen(LevelResultModal(result, session.level, record=session.record), after)

    def on_unmount(self) -> None:
        self.workers.cancel_group(self, "sim")
