"""Saved sessions: record a game, save it atomically, resume it, replay and verify it.

A session file is JSON lines (``docs/sessions.md``): a header that says how to rebuild the world
(engine version, ruleset, level or inline scenario, seed, overrides), then the player's actions with
their blocks and the world's state hash every N blocks, each line with its own checksum.
"""

from taosandbox.sessions.format import FORMAT, Header, Session, SessionError
from taosandbox.sessions.game import autosave, has_autosave, load_autosave, record
from taosandbox.sessions.recorder import SessionRecorder
from taosandbox.sessions.replay import EVENT_GROUPS, Divergence, Replay, VerifyResult, export, resume, verify
from taosandbox.sessions.store import (SaveInfo, autosave_dir, delete_save, latest_autosave, list_saves, load,
                                       new_autosave_path, resolve, save_as, save_path, sessions_dir)
from taosandbox.sessions.worlds import level_run_of, make_header, rebuild_world

__all__ = [
    "FORMAT", "Header", "Session", "SessionError", "SessionRecorder", "EVENT_GROUPS", "Divergence",
    "Replay", "VerifyResult", "export", "resume", "verify", "SaveInfo", "autosave_dir", "delete_save",
    "latest_autosave", "list_saves", "load", "new_autosave_path", "resolve", "save_as", "save_path",
    "sessions_dir", "rebuild_world", "level_run_of", "make_header", "autosave", "has_autosave",
    "load_autosave", "record",
]
