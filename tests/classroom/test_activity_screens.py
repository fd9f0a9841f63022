"""A class activity on screen (Pilot): the student sees their group's briefing and objectives beside
the game; the teacher's console shows each student's group and objective progress, and the debrief."""

import pytest

from taosandbox.classroom.classroom import Classroom
from taosandbox.classroom.client import ClassClient
from taosandbox.classroom.server import ClassServer
from taosandbox.tui.classroom.briefing import BriefingPanel
from taosandbox.tui.classroom.console import DebriefScreen, TeacherApp
from taosandbox.tui.classroom.student import ClassApp, ClassGameScreen, JoinScreen

from class_worlds import CODE, until


@pytest.fixture
async def cabal(tmp_path, monkeypatch):
    monkeypatch.setenv("TAOSANDBOX_HOME", str(tmp_path / "home"))
    room = Classroom.new(tmp_path / "class", level="class-03-cabal", code=CODE)
    server = ClassServer(room, port=0)
    await server.start()
    server.address = f"127.0.0.1:{server.port}"
    yield room, server
    await server.stop()


async def test_the_student_sees_the_groups_briefing_and_objectives(cabal):
    room, server = cabal
    teacher = await ClassClient.teacher(server.address, room.secret)
    app = ClassApp(server.address, name="Ada", code=CODE)
    async with app.run_test(size=(150, 44)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ClassGameScreen) and app.screen.query(BriefingPanel),
                     "the briefing beside the game")
        panel = app.screen.query_one(BriefingPanel)
        header = str(panel.query_one("#briefing-header").render())
        assert "The Class Cabal" in header and "The cabal" in header and "validator" in header
        assert "uid 8" in str(panel.query_one("#briefing-text").render())
        await teacher.command("step", blocks=20)
        await until(pilot, lambda: "Hold a validator permit" in str(panel.query_one("#briefing-objectives").render()),
                     "the student's objectives")
        await until(pilot, lambda: (panel.progress or {}).get("objectives", {}).get("permit", {}).get("status")
                     == "passed", "the permit objective passed")
    await teacher.close()


async def test_picked_groups_are_offered_on_the_join_form(tmp_path, monkeypatch):
    monkeypatch.setenv("TAOSANDBOX_HOME", str(tmp_path / "home"))
    level = tmp_path / "pick.yaml"
    level.write_text(open("levels/class-03-cabal.yaml", encoding="utf-8").read().replace("assign: alternate",
                                                                                          "assign: pick"))
    room = Classroom.new(tmp_path / "class", level=str(level), code=CODE)
    server = ClassServer(room, port=0)
    await server.start()
    try:
        app = ClassApp(f"127.0.0.1:{server.port}")
        async with app.run_test(size=(100, 30)) as pilot:
            screen = app.screen
            assert isinstance(screen, JoinScreen)
            select = screen.query_one("#join-role")
            await until(pilot, lambda: select.value == "cabal", "the groups in the join form")
            assert "pick your group" in str(screen.query_one("#join-title").render())
    finally:
        await server.stop()


async def test_the_console_shows_objectives_and_the_debrief(cabal):
    room, server = cabal
    ada = await ClassClient.join(server.address, "Ada", CODE)
    app = TeacherApp(server.address, room.secret)
    async with app.run_test(size=(160, 40)) as pilot:
        table = app.query_one("#roster")
        await until(pilot, lambda: table.row_count == 1, "Ada in the roster")
        assert table.get_cell("ada", "group") == "cabal"
        assert table.get_cell("ada", "objectives").startswith("0/2")
        await until(pilot, lambda: "favourite-incentive" in str(app.query_one("#student-objectives").render()),
                    "the selected student's objectives")
        await pilot.press("D")
        await until(pilot, lambda: isinstance(app.screen, DebriefScreen), "the debrief")
        assert "# Debrief: The Class Cabal" in app.screen.text and "| Ada | cabal |" in app.screen.text
        # The class goes on under the debrief: new rosters wait for the console (they once crashed it).
        await app.client.command("step", blocks=3)
        seen = app.client.snapshot
        await until(pilot, lambda: app.client.snapshot is not seen, "a roster while the debrief is open")
        await pilot.pause(0.6)  # a console refresh tick
        assert isinstance(app.screen, DebriefScreen)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, DebriefScreen), "the console again")
        await until(pilot, lambda: f"{room.world.block}" in str(app.query_one("#clock").render()),
                    "the clock caught up")
        await app.client.close()
    await ada.close()
