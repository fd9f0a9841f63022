"""subtensor's own swap and coinbase test values (``data/dtao_cases.json``) through the dynamic-TAO engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from taosandbox.chain.dtao import SOURCE_COMMIT
from taosandbox.chain.dtao.reference import check_case

DOC = json.loads((Path(__file__).parent / "data/dtao_cases.json").read_text())


def test_cases_come_from_the_pinned_commit() -> None:
    assert DOC["source"]["commit"] == SOURCE_COMMIT
    assert len(DOC["cases"]) > 100
    assert {c["kind"] for c in DOC["cases"]} >= {"swap", "convert_deltas", "coinbase", "moving_price", "exp_scaled"}


@pytest.mark.parametrize("case", DOC["cases"], ids=[c["id"] for c in DOC["cases"]])
def test_case_matches_subtensor(case: dict) -> None:
    assert check_case(case) == []


def test_a_wrong_expectation_is_reported() -> None:
    case = next(c for c in DOC["cases"] if c["id"] == "coinbase_alpha_issuance_base")
    broken = json.loads(json.dumps(case))
    broken["expected"]["alpha_reserve"]["1"] += 1
    assert check_case(broken) == ["alpha_reserve[1]: got 1500000, want 1500001 (± 0)"]
