"""A small study (the weight-copier level, 2 mechanisms x 2 seeds x 40 blocks) and an isolated cache."""

from __future__ import annotations

import textwrap

import pytest

SMALL = textwrap.dedent("""\
    title: Small
    question: Does the copier earn less?
    base:
      level: 08-weight-copier
    grid:
      hyperparameters.mechanism: [yuma_2024, yuma3_2026]
    seeds: [1, 2]
    blocks: 40
    measures: [copier_dividends_ratio, dividends_per_tao, incentive_share, level_passed, objectives]
    """)


@pytest.fixture
def small_file(tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text(SMALL)
    return path


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("TAOSANDBOX_HOME", str(tmp_path_factory.getbasetemp() / "home"))
