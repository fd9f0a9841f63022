"""Small class worlds for the classroom tests."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "world"))

from world_scenarios import small_scenario  # noqa: E402

CODE = "TEST42"


def class_scenario(seed: int = 2) -> dict:
    data = small_scenario(seed)
    data["hyperparameters"] = {**data["hyperparameters"], "max_regs_per_block": 8}
    return data
