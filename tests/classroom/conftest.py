"""Classes for tests: a small world, a server on a free port of 127.0.0.1, clients that connect to it."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "world"))

from world_scenarios import small_scenario  # noqa: E402

from taosandbox.classroom.classroom import Classroom  # noqa: E402
from taosandbox.classroom.server import ClassServer  # noqa: E402

CODE = "TEST42"


def class_scenario(seed: int = 2) -> dict:
    data = small_scenario(seed)
    data["hyperparameters"] = {**data["hyperparameters"], "max_regs_per_block": 8}
    return data


@pytest.fixture
def room(tmp_path):
    return Classroom.new(tmp_path / "class", scenario=class_scenario(), code=CODE, seats=4)


@pytest.fixture
async def server(room):
    srv = ClassServer(room, port=0)
    await srv.start()
    srv.address = f"127.0.0.1:{srv.port}"
    yield srv
    if not srv.stopped.is_set():
        await srv.stop()
