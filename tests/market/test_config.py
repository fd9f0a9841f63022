"""Configuration checks: specs, models, hyperparameters and validator settings."""

import numpy as np
import pytest

from taosandbox.market import (
    BUDGET_RANGE,
    MINER_STRATEGIES,
    MODEL_KINDS,
    TASK_KINDS,
    VALIDATOR_STRATEGIES,
    TaskSpec,
    check_model,
)


def test_public_tables() -> None:
    assert MINER_STRATEGIES == ("honest", "idle", "random", "copycat", "sybil")
    assert VALIDATOR_STRATEGIES == ("honest", "copier", "colluding", "noisy", "offline")
    assert set(MODEL_KINDS) == {"logistic", "knn", "tree", "forest", "naive_bayes", "mlp"}
    assert {TASK_KINDS[d].kind for d in TASK_KINDS} == {"classification", "regression"}
    for kind in MODEL_KINDS.values():
        assert kind.description
        for p in kind.params.values():
            assert p.choices or p.low <= p.default <= p.high


def test_unknown_model_lists_allowed() -> None:
    with pytest.raises(ValueError) as e:
        check_model("svm", None, 200, "classification")
    assert str(e.value) == (
        "unknown model 'svm'; choose one of: logistic, knn, tree, forest, naive_bayes, mlp"
    )


def test_unknown_param_lists_allowed() -> None:
    with pytest.raises(ValueError, match=r"unknown parameter 'k' for model 'knn'; "
                       r"choose from: n_neighbors, weights"):
        check_model("knn", {"k": 3}, 200, "classification")


@pytest.mark.parametrize(
    ("model", "params", "fragment"),
    [
        ("knn", {"n_neighbors": 0}, "between 1 and 50"),
        ("knn", {"n_neighbors": 2.5}, "an integer between 1 and 50"),
        ("knn", {"weights": "cosine"}, "one of: uniform, distance"),
        ("forest", {"n_estimators": 500}, "between 1 and 50"),
        ("logistic", {"C": -1.0}, "between 0.001 and 1000"),
        ("mlp", {"hidden": True}, "an integer between 2 and 128"),
    ],
)
def test_out_of_range_param(model: str, params: dict, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        check_model(model, params, 200, "classification")


def test_budget_range_and_defaults() -> None:
    lo, hi = BUDGET_RANGE
    with pytest.raises(ValueError, match=f"between {lo} and {hi}"):
        check_model("tree", None, hi + 1, "classification")
    with pytest.raises(ValueError, match="budget"):
        check_model("tree", None, 5, "classification")
    assert check_model("tree", {"max_depth": 3}, 100, "classification") == {
        "max_depth": 3,
        "min_samples_leaf": 1,
    }
    assert check_model("knn", {"n_neighbors": np.int64(7)}, 100, "regression")["n_neighbors"] == 7


def test_naive_bayes_refused_for_regression() -> None:
    with pytest.raises(ValueError, match="does not support regression; choose one of: "
                       "logistic, knn, tree, forest, mlp"):
        check_model("naive_bayes", None, 100, "regression")


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"dataset": "mnist"}, "unknown dataset 'mnist'; choose one of: digits, wine"),
        ({"pool_size": 3}, "pool_size must be between 16 and 4096"),
        ({"drift_block": 0}, "drift_block must be >= 1"),
        ({"noise": -0.5}, "noise must be between 0.0 and 3.0"),
    ],
)
def test_task_spec_validation(kwargs: dict, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        TaskSpec(**kwargs)


def test_task_spec_kind() -> None:
    assert TaskSpec().kind == "classification"
    assert TaskSpec("diabetes").kind == "regression"
