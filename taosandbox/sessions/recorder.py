"""Recording a game as it is played: checkpoints every N blocks, the world's action log, autosaves."""

from __future__ import annotations

import time
import weakref
from pathlib import Path
from typing import Any

from taosandbox.sessions.format import Header, session_text
from taosandbox.files import atomic_write
from taosandbox.sessions.store import check_replaceable, new_autosave_path, save_path
from taosandbox.sessions.worlds import make_header

STATE_SECONDS = 0.5
"""A world state goes to the cache at the first checkpoint after this much stepping (CPU time of the
stepping thread), and at each autosave. Writing one costs ~30-60 ms, so this is ~10 % of a game run at
full speed, and a seek in the viewer never has more than this much stepping to redo."""

_RECORDERS: "weakref.WeakKeyDictionary[Any, SessionRecorder]" = weakref.WeakKeyDictionary()


class SessionRecorder:
    """Attach to a world at its start; ``save(path)`` writes the session so far at any moment.

    With ``autosave=True`` it writes ``autosave_path`` (a new file in the autosave folder) every
    ``autosave_blocks`` blocks or ``autosave_seconds`` of play when something new happened, and on
    ``close()``. The player's actions come from ``world.action_log``, so nothing else has to call in.
    Autosaves happen in the thread that steps the world; call ``save``/``close`` from that thread too,
    or while the world is paused, so the file's last block and hash belong together.
    """

    def __init__(self, world: Any, *, level: Any = None, base_scenario: Any = None,
                 overrides: dict[str, Any] | None = None, checkpoint_every: int = 100,
                 autosave: bool = False, autosave_path: str | Path | None = None,
                 autosave_blocks: int = 1000, autosave_seconds: float = 30.0, title: str = "",
                 header: Header | None = None, checkpoints: list[tuple[int, str]] | None = None,
                 level_rules: bool = True):
        self.world = world
        self.header = header or make_header(world, level=level, base_scenario=base_scenario,
                                            overrides=overrides, checkpoint_every=checkpoint_every,
                                            title=title, level_rules=level_rules)
        self.every = self.header.checkpoint_every
        self.checkpoints: list[tuple[int, str]] = list(checkpoints or [])
        if not self.checkpoints and world.block == 0 and not world.action_log:
            self.checkpoints.append((0, world.state_hash()))  # the world as built
        self.autosave_path: Path | None = None
        if autosave or autosave_path:
            label = (self.header.level or {}).get("name") or (self.header.scenario or {}).get("name", "sandbox")
            self.autosave_path = Path(autosave_path) if autosave_path else new_autosave_path(str(label))
        self.autosave_blocks = autosave_blocks
        self.autosave_seconds = autosave_seconds
        self._saved_at = (world.block, len(world.action_log), time.monotonic())
        self.notice: str | None = None
        """Set by ``resume`` when only part of the file could be replayed."""
        self._state_block: int | None = None
        """Block of the last autosave state this recorder kept in the cache."""
        self._state_clock = time.thread_time()
        world.add_observer(self._on_block)
        _RECORDERS[world] = self

    @staticmethod
    def of(world: Any) -> "SessionRecorder | None":
        """The recorder attached to ``world``, if any (the app finds a resumed game's recorder here)."""
        return _RECORDERS.get(world)

    def _on_block(self, world: Any, _events: list) -> None:
        block = world.block
        if block % self.every == 0:
            self.checkpoints.append((block, world.state_hash()))
            now = time.thread_time()
            if now < self._state_clock:  # stepped by another thread now: count from here
                self._state_clock = now
            elif now - self._state_clock >= STATE_SECONDS:
                # Taken before the player acts in this block: usable only if no action follows in it
                # (sessions.states checks that against the file).
                self._store_state(block, keep=True)
                self._state_clock = time.thread_time()
        if self.autosave_path is not None:
            saved_block, saved_actions, saved_time = self._saved_at
            changed = len(world.action_log) != saved_actions
            if (block - saved_block >= self.autosave_blocks
                    or (changed or block != saved_block) and time.monotonic() - saved_time >= self.autosave_seconds):
                self.autosave()

    def text(self) -> str:
        world = self.world
        return session_text(self.header, list(world.action_log), self.checkpoints,
                            (world.block, world.state_hash()))

    def save(self, path: str | Path) -> Path:
        """Write the session so far to ``path`` (atomically)."""
        path = Path(path)
        atomic_write(path, self.text())
        return path

    def save_as(self, name: str, *, force: bool = False) -> Path:
        """Save the game so far under a name (``taosandbox sessions list`` shows it); an existing save
        is replaced only with ``force``, and never one that cannot be read."""
        target = save_path(name)
        check_replaceable(target, force)
        return self.save(target)

    def autosave(self) -> Path | None:
        if self.autosave_path is None:
            return None
        self.save(self.autosave_path)
        self._saved_at = (self.world.block, len(self.world.action_log), time.monotonic())
        self._save_state()
        return self.autosave_path

    def _save_state(self) -> None:
        """Keep the world as autosaved in the cache (``sessions.states``), so Continue restores it
        instead of replaying the game; the previous one goes unless the file can still check it (a
        checkpoint block without actions)."""
        self._store_state(self.world.block, keep=False)

    def _store_state(self, block: int, keep: bool) -> None:
        """Write the world's state at ``block``; ``keep``: a checkpoint state, left for the viewer's
        seeks. Level games with rules are not kept: they are rebuilt and replayed."""
        level = self.header.level
        if level is not None and level.get("rules", True):
            return
        from taosandbox.sessions.states import StateStore, session_key

        store, key = StateStore.user(), session_key(self.header)
        if not store.save(key, block, self.world) or keep:
            return
        previous, self._state_block = self._state_block, block
        acted = {b for b, _ in self.world.action_log}
        if previous is not None and previous != block and (previous % self.every or previous in acted):
            store.discard(key, previous)

    def close(self) -> Path | None:
        """Final autosave when the game ends (quit)."""
        return self.autosave()
