"""The subnet's market: tasks, miners (small scikit-learn models) and validators.

Importing this package imports numpy only; scikit-learn is imported when a ``Market`` is built.
"""

from taosandbox.market.market import (
    MINER_STRATEGIES,
    VALIDATOR_SETTINGS,
    VALIDATOR_STRATEGIES,
    Market,
)
from taosandbox.market.models import BUDGET_RANGE, MODEL_KINDS, ModelKind, Param, check_model
from taosandbox.market.tasks import REGRESSION_SCALE, TASK_KINDS, TaskKind, TaskSpec

__all__ = [
    "BUDGET_RANGE",
    "MINER_STRATEGIES",
    "MODEL_KINDS",
    "REGRESSION_SCALE",
    "TASK_KINDS",
    "VALIDATOR_SETTINGS",
    "VALIDATOR_STRATEGIES",
    "Market",
    "ModelKind",
    "Param",
    "TaskKind",
    "TaskSpec",
    "check_model",
]
