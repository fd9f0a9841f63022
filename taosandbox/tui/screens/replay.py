"""The replay viewer: a saved session, read-only, with play, pause, speed, step, seek and a timeline.

It shows the game's own chain panel and metagraph (``ChainPanel``, ``NeuronTable``), fed from the
replayed world's snapshots.

``ReplayScreen(path)`` loads the session in a thread worker (building the world imports
scikit-learn and replaying to the end fills the timeline and the saved copies that make seeking
fast), then shows the world at block 0. Nothing here applies an action: the replay is the record.
"""

from __future__ import annotations

import bisect
import time
from pathlib import Path

from rich.markup import escape as escape_markup
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from taosandbox.tui.widgets.chain_panel import ChainPanel
from taosandbox.tui.widgets.neuron_table import NeuronTable

SPEEDS = (1, 2, 5, 10, 25, 50, 100, 250, 1000)
"""Blocks per second when playing."""
TICK = 0.1
"""Seconds between play ticks."""
TABLE_EVERY = 0.25
"""The chain panel and metagraph repaint at most this often while playing (STYLE §8: ~4 Hz)."""
QUIET_KINDS = ("epoch", "weights_set", "drained")
"""Events too frequent for the recent-events box."""
MARKS = {"action": "A", "halving": "H", "prune": "P", "register": "r", "drift": "D"}


def block_number(text: str) -> int | None:
    """``"12,000"`` / ``" 1200 "`` / ``"1_200"`` -> the block; None for anything that is not one."""
    digits = text.strip().replace(",", "").replace("_", "")
    return int(digits) if digits.isdigit() else None


class ReplayScreen(Screen):
    """A saved session played back: the block clock, the metagraph, the timeline of what happened."""

    CSS_PATH = "replay.tcss"
    BINDINGS = [
        Binding("space", "toggle_play", "Play/pause"),
        Binding("right", "step(1)", "Step", priority=True),
        Binding("left", "step(-1)", "Back", priority=True),
        Binding("plus,equals_sign", "speed(1)", "Faster"),
        Binding("minus", "speed(-1)", "Slower"),
        Binding("g", "goto", "Go to block"),
        Binding("n", "next('action')", "Next action"),
        Binding("h", "next('halving')", "Next halving"),
        Binding("p", "next('prune')", "Next prune"),
        Binding("r", "next('register')", "Next reg.", show=False),
        Binding("home", "seek(0)", "Start", show=False, priority=True),
        Binding("end", "seek(-1)", "End", show=False, priority=True),
        Binding("escape", "close", "Close"),
        Binding("q", "close", "Close", show=False),
    ]

    class Loaded(Message):
        """The session is replayed to the end once: the viewer is ready."""

    class Progress(Message):
        def __init__(self, block: int, end: int) -> None:
            super().__init__()
            self.block, self.end = block, end

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, ReplayScreen.Progress)

    def __init__(self, path: str | Path, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.path = Path(path)
        self.replay = None
        """The engine's ``Replay`` once loaded (only the worker touches it before that)."""
        self.error: str | None = None
        self.playing = False
        self.speed_index = 3
        self.snapshot = None
        self._carry = 0.0
        self._table_at = 0.0
        self._timeline: list[tuple[int, str, object]] = []
        self._timeline_blocks: list[int] = []

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Static(f"Loading {escape_markup(self.path.name)}…", id="replay-status")
        yield Static("", id="replay-notice")
        yield ChainPanel(id="replay-chain")
        yield Static("", id="replay-bar")
        with Horizontal(id="replay-body"):
            yield NeuronTable(id="replay-neurons")
            with Vertical(id="replay-side"):
                yield OptionList(id="replay-timeline")
                yield Static("", id="replay-events")
        # Plain text, not type="integer": that one silently drops what is not a digit, so a typo
        # came back as "Not a block number: ''". What you typed stays in the box, with the reason.
        yield Input(placeholder="block number, then Enter (Escape to cancel)", id="replay-goto")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#replay-timeline", OptionList).border_title = "Timeline"
        self.query_one("#replay-events", Static).border_title = "Recent events"
        self.timer = self.set_interval(TICK, self._tick, pause=True)
        self.load()

    # ------------------------------------------------------------------ loading
    @work(thread=True, exclusive=True, group="replay-load")
    def load(self) -> None:
        from taosandbox.sessions import Replay, SessionError

        try:
            replay = Replay(self.path)
            end = replay.end_block
            while not replay.at_end:
                replay.step()
                if replay.block % 100 == 0:
                    self.post_message(self.Progress(replay.block, end))
            replay.seek(0)
        except SessionError as exc:
            self.error = str(exc)
        else:
            self.replay = replay
        self.post_message(self.Loaded())

    def on_replay_screen_progress(self, message: Progress) -> None:
        if self.replay is None:
            self.query_one("#replay-status", Static).update(
                f"Loading {escape_markup(self.path.name)}: replaying block {message.block:,} of "
                f"{message.end:,}…")

    def on_replay_screen_loaded(self, _message: Loaded) -> None:
        status = self.query_one("#replay-status", Static)
        if self.replay is None:
            status.update(f"Cannot replay {escape_markup(self.path.name)}: {escape_markup(self.error or '?')}")
            status.add_class("-error")
            self.query_one("#replay-chain", ChainPanel).display = False
            return
        replay = self.replay
        notes = []
        if replay.damage:
            notes.append(f"Damaged file: {replay.damage}. Showing the intact part, up to block "
                         f"{replay.end_block:,}.")
        if replay.divergence:
            notes.append(f"This replay does not match the recording: {replay.divergence}.")
        notice = self.query_one("#replay-notice", Static)
        notice.update(escape_markup(" ".join(notes)))
        notice.set_class(bool(notes), "-warning")
        self._timeline = replay.timeline_events()
        self._timeline_blocks = [block for block, _group, _event in self._timeline]
        timeline = self.query_one("#replay-timeline", OptionList)
        timeline.add_options([
            Option(f"{block:>7,}  {group:<8} {escape_markup(event.text)}", id=f"t{k}")
            for k, (block, group, event) in enumerate(self._timeline)
        ])
        self.refresh_view(force=True)

    # ------------------------------------------------------------------ showing
    def refresh_view(self, force: bool = False) -> None:
        replay = self.replay
        if replay is None:
            return
        block = replay.block
        state = "▶ playing" if self.playing else "⏸ paused"
        self.query_one("#replay-status", Static).update(
            f"[b]REPLAY[/b] {escape_markup(self.path.name)}  block {block:,} / {replay.end_block:,}  "
            f"{state} ×{SPEEDS[self.speed_index]} blocks/s  (read-only)")
        self.query_one("#replay-bar", Static).update(self._bar(block, replay.end_block))
        recent = [e for e in replay.world.events if e.kind not in QUIET_KINDS][-8:]
        self.query_one("#replay-events", Static).update(
            "\n".join(f"{e.block:>7,} {escape_markup(e.text)}" for e in recent) or "nothing yet")
        k = bisect.bisect_right(self._timeline_blocks, block) - 1
        timeline = self.query_one("#replay-timeline", OptionList)
        if k >= 0 and timeline.highlighted is not None and timeline.highlighted < len(self._timeline) \
                and self._timeline_blocks[timeline.highlighted] == block:
            pass  # an entry of this block is highlighted already (the one the player chose)
        elif k >= 0:
            timeline.highlighted = k  # the timeline follows the replay
        now = time.monotonic()
        if force or now - self._table_at >= TABLE_EVERY:
            self._table_at = now
            snap = replay.world.snapshot()
            self.snapshot = snap  # the app's "differences" palette entry reads screen.snapshot
            self.query_one("#replay-chain", ChainPanel).show(
                snap, paused=not self.playing, speed=f"×{SPEEDS[self.speed_index]} blocks/s")
            self.query_one("#replay-neurons", NeuronTable).show(snap.neurons)

    def _bar(self, block: int, end: int) -> str:
        width = max(10, self.size.width - 2)
        cells = ["─"] * width

        def at(b: int) -> int:
            return min(width - 1, int(b / end * (width - 1))) if end else 0

        for b, group, _event in self._timeline:
            cells[at(b)] = MARKS.get(group, "·")
        cells[at(block)] = "●"
        return "".join(cells)

    # ------------------------------------------------------------------ time
    def _tick(self) -> None:
        replay = self.replay
        if replay is None or not self.playing:
            return
        self._carry += SPEEDS[self.speed_index] * TICK
        steps, self._carry = int(self._carry), self._carry - int(self._carry)
        for _ in range(steps):
            if replay.at_end:
                break
            replay.step()
        if replay.at_end:
            self.playing = False
            self.timer.pause()
        self.refresh_view()

    def action_toggle_play(self) -> None:
        if self.replay is None:
            return
        if not self.playing and self.replay.at_end:
            self.replay.seek(0)
        self.playing = not self.playing
        self._carry = 0.0
        (self.timer.resume if self.playing else self.timer.pause)()
        self.refresh_view(force=True)

    def action_speed(self, delta: int) -> None:
        self.speed_index = max(0, min(len(SPEEDS) - 1, self.speed_index + delta))
        self.refresh_view()

    def action_step(self, delta: int) -> None:
        if self.replay is None:
            return
        if delta > 0:
            self.replay.step()
        else:
            self.replay.seek(self.replay.block + delta)
        self.refresh_view(force=True)

    def action_seek(self, block: int) -> None:
        if self.replay is None:
            return
        self.replay.seek(self.replay.end_block if block < 0 else block)
        self.refresh_view(force=True)

    def action_next(self, group: str) -> None:
        if self.replay is None:
            return
        block = self.replay.next_event(group)
        if block is None:
            self.notify(f"No {group} after block {self.replay.block:,}", timeout=3)
            return
        self.action_seek(block)

    def action_goto(self) -> None:
        box = self.query_one("#replay-goto", Input)
        box.add_class("-open")
        box.value = ""
        box.focus()

    @on(Input.Submitted, "#replay-goto")
    def _goto_submitted(self, event: Input.Submitted) -> None:
        box = event.input
        block = block_number(event.value)
        if block is None:  # keep the box open with what was typed, so it can be corrected
            self.notify(f"Not a block number: {event.value!r} (digits, e.g. 1200)", severity="warning",
                        timeout=4)
            return
        box.remove_class("-open")
        self.query_one("#replay-timeline", OptionList).focus()
        self.action_seek(block)

    @on(OptionList.OptionSelected, "#replay-timeline")
    def _timeline_selected(self, event: OptionList.OptionSelected) -> None:
        block = self._timeline[int(event.option.id[1:])][0]
        self.action_seek(block)

    def action_close(self) -> None:
        box = self.query_one("#replay-goto", Input)
        if box.has_class("-open"):
            box.remove_class("-open")
            self.query_one("#replay-timeline", OptionList).focus()
            return
        self.timer.pause()
        if len(self.app.screen_stack) > 2:
            self.dismiss()
        else:
            self.app.exit()
