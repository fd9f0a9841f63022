"""Time on the game screen: pause/run, step, speed, skip to the next epoch or halving, and the thread
worker that steps the world (STYLE §5). The UI only ever reads the snapshots the worker posts, ~4 Hz.

A mixin for ``GameScreen`` (which lists the key bindings): it expects ``self.sim`` (a SimController),
``self.snapshot``, ``self.session`` and ``self._pending_result`` from the screen.
"""

from __future__ import annotations

import time
from typing import Any

from textual import work
from textual.worker import get_current_worker

from taosandbox.tui.format import blocks_as_time
from taosandbox.tui.messages import SimStopped, WorldUpdated
from taosandbox.tui.screens.halving import HalvingModal
from taosandbox.tui.screens.prune import PruneModal
from taosandbox.tui.sim import HALVING_SKIP_CAP, is_prune_alert
from taosandbox.tui.widgets.chain_panel import ChainPanel, halving_estimate_hidden
from taosandbox.tui.widgets.event_log import EventLog

REFRESH_SECONDS = 0.25
"""The screen repaints from a new snapshot at most this often while the world runs (~4 Hz)."""

BURST_SECONDS = 0.02
"""At full speed the sim thread sleeps briefly after this much work, so the UI thread gets the GIL
(without it, key presses wait behind the interpreter's 5 ms switch interval, many times over)."""


class TimeControls:
    """Pause, run, step and skip; the sim worker; the halving banner."""

    running: bool = False
    """True while the worker runs continuously (space); skips run with ``running`` False."""
    resume_after_banner: bool = False
    """True when a banner (halving) stopped a running world: closing it runs time again."""

    def _show_clock(self) -> None:
        if self.snapshot is not None:
            self.query_one(ChainPanel).show(self.snapshot, paused=not self.running, speed=self.sim.speed_label)

    def action_toggle_pause(self) -> None:
        if self.running:
            self.pause()
        else:
            self.resume()

    def pause(self) -> None:
        self.running = False
        self.workers.cancel_group(self, "sim")
        self._show_clock()

    def resume(self) -> None:
        self.running = True
        self.run_sim()
        self._show_clock()

    def action_step(self) -> None:
        self.pause()
        self.run_sim(limit=1, fast=True)

    def action_speed(self, delta: int) -> None:
        self.sim.change_speed(delta)
        self._show_clock()

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
        hidden = halving_estimate_hidden(snapshot)  # a level asks for it: do not give it away here
        self.app.notify("Running to the halving…" if hidden else f"Running ~{blocks:,} blocks to the halving…",
                        timeout=3)
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
            if any(is_prune_alert(e) for e in events):
                reason = "prune"  # the player's own neuron: stop on that block, the banner says why
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

    def _show_prune(self, event: Any) -> None:
        """The player's neuron was pruned or is next to be: stop time and explain (it stays paused)."""
        self.pause()
        self.resume_after_banner = False
        self.app.push_screen(PruneModal(event, self.snapshot))
