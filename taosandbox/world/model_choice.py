"""The miner model fields that scenarios and actions share: which model, its settings, its budget."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, kw_only=True)
class ModelChoice:
    """A miner's model: mixed into every scenario entry and action that trains one.

    Keyword-only, so a class that mixes it in keeps its own fields' positional order; the saved form
    stays flat (``model: knn`` beside the entry's other fields), as level files and sessions write it.
    """

    model: str = "logistic"
    """A name from ``taosandbox.market.MODEL_KINDS``."""
    params: dict = field(default_factory=dict)
    """Settings of that model (``{"C": 2}``), checked against its allowed ranges when it is trained."""
    budget: int = 200
    """How many training examples the miner may use."""
