"""Importing the study package, and reading a study file, import none of the study extra's libraries."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_study_modules_import_nothing_heavy() -> None:
    code = (
        "import sys\n"
        "import taosandbox.study.spec, taosandbox.study.runner, taosandbox.study.execute, taosandbox.study.table\n"
        "import taosandbox.study.summary, taosandbox.study.plot, taosandbox.study.commands\n"
        "taosandbox.study.spec.parse_study('title: T\\nquestion: Q\\nseeds: [1]\\nblocks: 3\\n')\n"
        "heavy = ('dask', 'distributed', 'pandas', 'pyarrow', 'matplotlib', 'plotext', 'textual', 'rich', 'sklearn')\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in heavy)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
