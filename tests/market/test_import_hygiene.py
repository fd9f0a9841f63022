"""Importing the market must not import scikit-learn (STYLE §1, §8)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_market_does_not_import_sklearn() -> None:
    code = (
        "import sys\n"
        "import taosandbox.market\n"
        "import taosandbox.market.market, taosandbox.market.models, taosandbox.market.tasks\n"
        "from taosandbox.market import Market, TaskSpec, MODEL_KINDS, TASK_KINDS\n"
        "TaskSpec('iris', drift_block=5)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'scipy'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""
