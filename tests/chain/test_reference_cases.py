"""Every case and epoch of the Yuma reference file, through ``run_case_epoch``, within the file's tolerances."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest

from taosandbox.chain.reference import _tolerance, check_case, run_case_epoch
from taosandbox.paths import yuma_reference_cases

REFERENCE = yuma_reference_cases()  # the shipped copy of shared/reference/yuma_cases.json
SHARED = Path(__file__).parents[3] / "shared/reference/yuma_cases.json"

DOC = json.loads(REFERENCE.read_text())
EPOCHS = [(case, k) for case in DOC["cases"] for k in range(len(case["epochs"]))]


@pytest.mark.parametrize("case,k", EPOCHS, ids=[f"{c['id']}-{k}" for c, k in EPOCHS])
def test_epoch_matches_reference(case: dict, k: int) -> None:
    ok, line = check_case(case, _tolerance(DOC))
    assert ok, line
    got = run_case_epoch(case, k)
    expected = case["epochs"][k]["expected"]
    assert list(got) == list(expected)
    for key, want in expected.items():
        if want is None or isinstance(want, (str, bool)) or key in ("active", "new_validator_permit"):
            assert got[key] == want, key
        elif key == "pruning_score_u16":
            assert got[key] == want, key
        else:
            scale = 1.0 if not key.endswith("_rao") else max(1.0, float(np.max(np.abs(want))))
            assert np.allclose(got[key], want, rtol=0, atol=1e-9 * scale), key


@pytest.mark.parametrize("case,k", EPOCHS[:1], ids=[f"{c['id']}-{k}" for c, k in EPOCHS[:1]])
def test_numpy_inputs_give_the_same_plain_output(case: dict, k: int) -> None:
    as_numpy = json.loads(json.dumps(case))
    inputs = as_numpy["epochs"][k]["inputs"]
    for key in ("stake", "validator_permit", "weights", "bonds", "last_update", "block_at_registration"):
        inputs[key] = np.asarray(inputs[key])
    inputs["weights"] = inputs["weights"].astype(np.uint16)
    got = run_case_epoch(as_numpy, k)
    assert got == run_case_epoch(case, k)
    assert all(not isinstance(v, np.ndarray) for v in got.values())
    json.dumps(got)  # plain data


def test_unknown_hyperparameter_is_a_clear_error() -> None:
    case = json.loads(json.dumps(DOC["cases"][0]))
    case["hyperparameters"]["kapa"] = 1
    with pytest.raises(ValueError, match="unknown hyperparameter.*kapa"):
        run_case_epoch(case, 0)
    out = io.StringIO()
    ok, line = check_case(case, _tolerance(DOC))
    assert not ok and "kapa" in line and case["id"] in line


@pytest.mark.skipif(not SHARED.exists(), reason="the shared reference folder is not beside this checkout")
def test_the_shipped_cases_are_the_shared_reference() -> None:
    assert json.loads(SHARED.read_text()) == DOC
