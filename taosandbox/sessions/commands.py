"""``taosandbox sessions list|save|delete|show`` and ``taosandbox replay --verify|--csv|--json``."""

from __future__ import annotations

import datetime as _dt
import re
import sys
from typing import IO, Any

from taosandbox.sessions.format import SessionError
from taosandbox.sessions import store


def located(path: Any, exc: SessionError) -> str:
    """A session file's problem as ``FILE:LINE: what`` (``FILE: what`` without a line), as every other
    checker reports bad input."""
    found = re.match(r"line (\d+): (.*)", str(exc), re.S)
    return f"{path}:{found[1]}: {found[2]}" if found else f"{path}: {exc}"


def _when(timestamp: float) -> str:
    return _dt.datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M")


def sessions_command(args: Any, stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    what = args.sessions_command or "list"
    try:
        if what == "list":
            return _list(stdout)
        if what == "show":
            return _show(args.name, stdout)
        if what == "save":
            path = store.save_as(args.name, args.source, force=args.force)
            stdout.write(f"saved {path}\n")
            return 0
        if what == "delete":
            for name in args.names:
                stdout.write(f"deleted {store.delete_save(name)}\n")
            return 0
    except SessionError as exc:
        stderr.write(f"taosandbox sessions {what}: {exc}\n")
        return 1
    except OSError as exc:
        stderr.write(f"taosandbox sessions {what}: {exc.strerror}: {exc.filename}\n")
        return 1
    raise AssertionError(what)


def _list(stdout: IO[str]) -> int:
    saves = store.list_saves()
    if not saves:
        stdout.write(f"no saved sessions in {store.sessions_dir()}\n")
        return 0
    width = max(len(s.name) for s in saves)
    stdout.write(f"{'NAME':<{width}}  {'KIND':<8}  {'SAVED':<16}  {'BLOCK':>7}  {'ACTIONS':>7}  WORLD\n")
    for s in saves:
        line = (f"{s.name:<{width}}  {s.kind:<8}  {_when(s.modified):<16}  {s.block:>7}  {s.actions:>7}  "
                f"{s.what}")
        if s.problem:
            line += f"  [damaged: {s.problem}]"
        stdout.write(line + "\n")
    return 0


def _show(name: str, stdout: IO[str]) -> int:
    path = store.resolve(name)
    try:
        session = store.load(path)
    except SessionError as exc:
        raise SessionError(located(path, exc)) from None
    h = session.header
    world = f"level {h.level['name']} ({h.level.get('hash', '?')})" if h.level else \
        f"scenario {str((h.scenario or {}).get('name', 'sandbox'))!r} (inline)"
    rows = [
        ("file", str(path)),
        ("saved by", f"taosandbox {h.engine} (session format {h.format}) at {h.created or '?'}"),
        ("world", world),
        ("rules", f"{h.mechanism}, hyperparameters {h.hyperparameters_hash}"),
        ("seed", str(h.seed)),
        ("overrides", ", ".join(f"{k}={v}" for k, v in h.overrides.items()) or "none"),
        ("blocks", f"0 to {session.last_block}"),
        ("actions", str(len(session.actions))),
        ("checkpoints", f"{len(session.checkpoints)} (every {h.checkpoint_every} blocks)"),
        ("state", "intact" if session.damage is None else f"DAMAGED: {session.damage}"),
    ]
    if h.title:
        rows.insert(1, ("title", h.title))
    for key, value in rows:
        stdout.write(f"{key + ':':<13}{value}\n")
    kinds: dict[str, int] = {}
    for _block, action in session.actions:
        kinds[str(action.get("kind"))] = kinds.get(str(action.get("kind")), 0) + 1
    if kinds:
        stdout.write(f"{'':13}" + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) + "\n")
    return 0


def replay_command(args: Any, stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    """Headless: ``--verify`` / ``--csv`` / ``--json``. Exit 0 if every checkpoint matched, else 1."""
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    from taosandbox.sessions.replay import export, verify
    from taosandbox.world.headless import output_problems

    if problems := output_problems(args.json, args.csv):  # before the replay, not after it
        stderr.write(f"taosandbox replay: {'; '.join(problems)}\n")
        return 2
    path = None
    try:
        path = store.resolve(args.file)
        if args.csv or args.json:
            result = export(path, csv_dir=args.csv, json_path=args.json, stdout=stdout)
        else:
            result = verify(path)
    except SessionError as exc:
        stderr.write(f"taosandbox replay: {exc if path is None else located(path, exc)}\n")
        return 1
    out = stderr if args.json == "-" else stdout
    out.write(result.message() + "\n")
    return 0 if result.ok else 1
