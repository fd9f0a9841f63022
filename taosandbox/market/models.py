"""Miner model kinds: allowed hyperparameters, validation and estimator construction.

The estimators are scikit-learn's; they are imported inside ``make_estimator`` only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from taosandbox.market.tasks import CLASSIFICATION, REGRESSION


@dataclass(frozen=True)
class Param:
    """One hyperparameter: its default and either a numeric range or a tuple of choices."""

    default: Any
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    description: str = ""

    @property
    def is_int(self) -> bool:
        return isinstance(self.default, int) and not self.choices

    def allowed(self) -> str:
        """The allowed values, for error messages and the UI."""
        if self.choices:
            return "one of: " + ", ".join(self.choices)
        kind = "an integer" if self.is_int else "a number"
        return f"{kind} between {self.low:g} and {self.high:g}"

    def check(self, model: str, name: str, value: Any) -> Any:
        """Return the value normalised (int or float or str), or raise ``ValueError``."""
        where = f"parameter {name!r} of model {model!r}"
        if self.choices:
            if value not in self.choices:
                raise ValueError(f"{where} must be {self.allowed()}; got {value!r}")
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise ValueError(f"{where} must be {self.allowed()}; got {value!r}")
        if self.is_int:
            if float(value) != int(value):
                raise ValueError(f"{where} must be {self.allowed()}; got {value!r}")
            value = int(value)
        else:
            value = float(value)
        if not (self.low <= value <= self.high):
            raise ValueError(f"{where} must be {self.allowed()}; got {value!r}")
        return value


@dataclass(frozen=True)
class ModelKind:
    """A miner model: description, hyperparameters, and the task kinds it supports."""

    description: str
    params: dict[str, Param] = field(default_factory=dict)
    tasks: tuple[str, ...] = (CLASSIFICATION, REGRESSION)
    stochastic: bool = False
    """Whether ``random_state`` changes the fit (if not, identical configs share one fit)."""

    def defaults(self) -> dict[str, Any]:
        return {k: p.default for k, p in self.params.items()}


MODEL_KINDS: dict[str, ModelKind] = {
    "logistic": ModelKind(
        "linear: logistic regression (classification) or ridge regression (regression)",
        {"C": Param(1.0, 1e-3, 1e3, description="inverse regularisation strength")},
    ),
    "knn": ModelKind(
        "k-nearest neighbours: vote (or average) of the k closest training samples",
        {
            "n_neighbors": Param(5, 1, 50, description="k"),
            "weights": Param("uniform", choices=("uniform", "distance"), description="vote weights"),
        },
    ),
    "tree": ModelKind(
        "decision tree",
        {
            "max_depth": Param(8, 1, 32, description="maximum depth"),
            "min_samples_leaf": Param(1, 1, 50, description="minimum samples per leaf"),
        },
        stochastic=True,
    ),
    "forest": ModelKind(
        "random forest (small)",
        {
            "n_estimators": Param(10, 1, 50, description="number of trees"),
            "max_depth": Param(8, 1, 32, description="maximum depth of each tree"),
        },
        stochastic=True,
    ),
    "naive_bayes": ModelKind(
        "Gaussian naive Bayes (classification only)",
        {"var_smoothing": Param(1e-9, 1e-12, 1.0, description="variance added for stability")},
        tasks=(CLASSIFICATION,),
    ),
    "mlp": ModelKind(
        "small neural network: one hidden layer trained with Adam",
        {
            "hidden": Param(32, 2, 128, description="hidden units"),
            "max_iter": Param(100, 10, 300, description="training epochs"),
            "alpha": Param(1e-4, 0.0, 1.0, description="L2 penalty"),
        },
        stochastic=True,
    ),
}
"""Model name -> description, hyperparameters (defaults and ranges), supported task kinds."""

BUDGET_RANGE = (10, 1000)
"""A miner's training budget: how many training samples it learns from (clipped to the dataset's
training rows, e.g. 90 for iris)."""


def check_model(
    model: str, params: dict[str, Any] | None, budget: int, kind: str
) -> dict[str, Any]:
    """Validate a miner configuration; return the full parameter dict (defaults filled in).

    Raises ``ValueError`` naming the allowed models, parameters or values.
    """
    if model not in MODEL_KINDS:
        raise ValueError(f"unknown model {model!r}; choose one of: {', '.join(MODEL_KINDS)}")
    spec = MODEL_KINDS[model]
    if kind not in spec.tasks:
        ok = [m for m, s in MODEL_KINDS.items() if kind in s.tasks]
        raise ValueError(
            f"model {model!r} does not support {kind}; choose one of: {', '.join(ok)}"
        )
    params = dict(params or {})
    unknown = sorted(set(params) - set(spec.params))
    if unknown:
        raise ValueError(
            f"unknown parameter {unknown[0]!r} for model {model!r}; "
            f"choose from: {', '.join(spec.params) or '(none)'}"
        )
    out = spec.defaults()
    for name, value in params.items():
        out[name] = spec.params[name].check(model, name, value)
    lo, hi = BUDGET_RANGE
    if (
        isinstance(budget, bool)
        or not isinstance(budget, (int, np.integer))
        or not lo <= budget <= hi
    ):
        raise ValueError(f"budget must be an integer between {lo} and {hi}; got {budget!r}")
    return out


def make_estimator(
    model: str, params: dict[str, Any], kind: str, random_state: int, n_train: int
) -> Any:
    """A fresh, unfitted scikit-learn estimator for a validated configuration."""
    classify = kind == CLASSIFICATION
    if model == "logistic":
        if classify:
            from sklearn.linear_model import LogisticRegression

            return LogisticRegression(C=params["C"], max_iter=200)
        from sklearn.linear_model import Ridge

        return Ridge(alpha=1.0 / params["C"])
    if model == "knn":
        from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor

        cls = KNeighborsClassifier if classify else KNeighborsRegressor
        return cls(n_neighbors=min(params["n_neighbors"], n_train), weights=params["weights"])
    if model == "tree":
        from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

        cls = DecisionTreeClassifier if classify else DecisionTreeRegressor
        return cls(
            max_depth=params["max_depth"],
            min_samples_leaf=params["min_samples_leaf"],
            random_state=random_state,
        )
    if model == "forest":
        from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor

        cls = RandomForestClassifier if classify else RandomForestRegressor
        return cls(
            n_estimators=params["n_estimators"],
            max_depth=params["max_depth"],
            random_state=random_state,
            n_jobs=1,
        )
    if model == "naive_bayes":
        from sklearn.naive_bayes import GaussianNB

        return GaussianNB(var_smoothing=params["var_smoothing"])
    if model == "mlp":
        from sklearn.neural_network import MLPClassifier, MLPRegressor

        cls = MLPClassifier if classify else MLPRegressor
        return cls(
            hidden_layer_sizes=(params["hidden"],),
            max_iter=params["max_iter"],
            alpha=params["alpha"],
            random_state=random_state,
        )
    raise ValueError(f"unknown model {model!r}; choose one of: {', '.join(MODEL_KINDS)}")


@contextmanager
def quiet_fitting() -> Iterator[None]:
    """Fit and predict on one BLAS/OpenMP thread with convergence warnings silenced.

    Small fits are faster on one thread: on 2 cores, OpenBLAS threading made a 1000-row logistic
    regression on digits take ~300 ms instead of ~9 ms.
    """
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    with warnings.catch_warnings(), threadpool_limits(limits=1):
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def fit_estimator(
    model: str,
    params: dict[str, Any],
    kind: str,
    random_state: int,
    X: np.ndarray,
    y: np.ndarray,
) -> Any:
    """A fitted estimator (call inside ``quiet_fitting()``)."""
    est = make_estimator(model, params, kind, random_state, len(X))
    est.fit(X, y)
    return est
