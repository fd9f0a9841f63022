"""What each entry point may import: the UI stays out of the engine, scikit-learn and the study's
libraries load only when used (STYLE §1; pyproject's import-linter contracts are the static twin).

Each case runs in a fresh interpreter, imports (and lightly uses) an entry point, and lists the
forbidden modules that got loaded: a name forbids the module and everything under it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

STUDY_EXTRA = ("dask", "distributed", "pandas", "pyarrow", "matplotlib", "plotext")

CASES = {
    "cli --help": ("""
        from taosandbox.cli import build_parser
        build_parser().format_help()
    """, ("textual", "rich", "sklearn")),
    "engine and headless runs": ("""
        import taosandbox.world, taosandbox.world.headless, taosandbox.cli
    """, ("textual", "rich", "sklearn")),
    "sessions and their --help": ("""
        import contextlib, io
        from taosandbox.cli import main
        for argv in (["--help"], ["sessions", "--help"], ["replay", "--help"]):
            with contextlib.redirect_stdout(io.StringIO()):
                try:
                    main(argv)
                except SystemExit:
                    pass
        import taosandbox.sessions
    """, ("textual", "rich", "sklearn")),
    "market before training": ("""
        import taosandbox.market.market, taosandbox.market.models, taosandbox.market.tasks
        from taosandbox.market import Market, TaskSpec, MODEL_KINDS, TASK_KINDS
        TaskSpec("iris", drift_block=5)
    """, ("sklearn", "scipy")),
    "the app before a game starts": ("""
        import taosandbox.tui.app
    """, ("sklearn", "taosandbox.world.world", "taosandbox.market")),
    "study modules and a study file": ("""
        import taosandbox.study.spec, taosandbox.study.runner, taosandbox.study.execute, taosandbox.study.table
        import taosandbox.study.summary, taosandbox.study.plot, taosandbox.study.commands
        taosandbox.study.spec.parse_study("title: T\\nquestion: Q\\nseeds: [1]\\nblocks: 3\\n")
    """, STUDY_EXTRA + ("textual", "rich", "sklearn")),
}


@pytest.mark.parametrize("name", list(CASES))
def test_entry_point_imports_nothing_it_must_not(name, tmp_path):
    code, forbidden = CASES[name]
    probe = textwrap.dedent(code) + textwrap.dedent(f"""
        import sys
        forbidden = {forbidden!r}
        print(sorted(m for m in sys.modules if any(m == f or m.startswith(f + ".") for f in forbidden)))
    """)
    env = dict(os.environ, PYTHONPATH=str(ROOT), TAOSANDBOX_HOME=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", f"{name} imported {done.stdout.strip()}"
