"""Classes for tests: a small world, a server on a free port of 127.0.0.1, clients that connect to it."""

import pytest

from class_worlds import CODE, class_scenario
from taosandbox.classroom.classroom import Classroom
from taosandbox.classroom.server import ClassServer


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
