"""The shipped studies read cleanly and run, reduced to one seed and a few blocks, without a failed run."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from taosandbox.study import execute, table
from taosandbox.study.spec import load_study, parse_study

STUDIES = sorted((Path(__file__).parents[2] / "studies").glob("*.yaml"))
EXPECTED_GROUPS = {
    "weight-copier": {"validator:copier", "validator:honest"},
    "kappa-cabal": {"validator:colluding", "validator:honest"},
    "take-vs-return": {"delegate:steady", "delegate:greedy"},
}


def test_at_least_three_studies_ship():
    assert {p.stem for p in STUDIES} >= set(EXPECTED_GROUPS)


def reduced(path: Path, blocks: int = 45) -> str:
    """The same study with its first seed only and a few blocks (two or more epochs)."""
    data = yaml.safe_load(path.read_text())
    data["seeds"] = [load_study(path).seeds[0]]
    data["blocks"] = blocks
    return yaml.safe_dump(data, sort_keys=False)


@pytest.mark.parametrize("path", STUDIES, ids=lambda p: p.stem)
def test_a_shipped_study_runs_in_reduced_form(path, tmp_path):
    full = load_study(path)
    assert full.title and full.question and len(full.seeds) >= 10 and len(full.points) >= 2
    study = parse_study(reduced(path), file=str(path))
    outcome = execute.run_study(study, tmp_path / "out", workers=0)
    assert outcome.done == len(full.points) and outcome.failed == 0
    df = pd.read_parquet(tmp_path / "out" / table.TABLE)
    assert set(df["status"]) == {"ok"}
    assert EXPECTED_GROUPS[path.stem] <= set(df["group"])
    for measure in study.measures:
        assert measure in df.columns and df[measure].notna().any(), measure


def test_the_free_sandbox_with_newcomers_runs_without_a_failed_run(tmp_path):
    """Newcomers register in the block of an epoch: the epoch's arrays are one uid shorter than the subnet."""
    study = parse_study("title: Sandbox\nquestion: Q\nseeds: [1]\nblocks: 100\n", file="sandbox.yaml")
    outcome = execute.run_study(study, tmp_path / "out", workers=0)
    assert outcome.failed == 0, pd.read_parquet(tmp_path / "out" / table.TABLE)["error"].tolist()
