"""Small class worlds for the classroom tests."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "world"))

from world_scenarios import small_scenario  # noqa: E402

CODE = "TEST42"


async def until(pilot, predicate, what, tries=400):
    """Let the app run until ``predicate()`` holds (at most ``tries`` short pauses)."""
    for _ in range(tries):
        if predicate():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"never happened: {what}")


def class_scenario(seed: int = 2) -> dict:
    data = small_scenario(seed)
    data["hyperparameters"] = {**data["hyperparameters"], "max_regs_per_block": 8}
    return data
