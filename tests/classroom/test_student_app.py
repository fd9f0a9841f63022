"""A student's game in the terminal against a class server (Pilot): join, register, see the name."""

import asyncio

from taosandbox.classroom.client import ClassClient
from taosandbox.tui.classroom.student import ClassApp, ClassGameScreen, JoinScreen
from taosandbox.tui.widgets.neuron_table import NeuronTable
from taosandbox.world.actions import Register

from class_worlds import CODE, until


async def test_a_student_joins_registers_and_follows_the_class_clock(server, room):
    teacher = await ClassClient.teacher(server.address, room.secret)
    app = ClassApp(server.address, name="Ada", code=CODE, role="miner")
    async with app.run_test(size=(140, 44)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ClassGameScreen) and app.screen.snapshot is not None,
                     "the game screen")
        screen = app.screen
        assert screen.snapshot.player.coldkey == "ada"
        ok, reason = await asyncio.to_thread(screen.sim.apply, Register(role="miner"))
        assert ok, reason
        await teacher.command("step", blocks=3)
        await until(pilot, lambda: screen.snapshot.block >= 3, "block 3 on the student's screen")
        assert "ada-hk1" in [r.hotkey for r in screen.snapshot.neurons if r.is_player]
        screen.action_tab("metagraph")
        await pilot.pause()
        table = app.screen.query_one(NeuronTable)
        await until(pilot, lambda: any(r.hotkey == "ada-hk1" and r.is_player for r in table.rows),
                     "the student's own neuron in the metagraph table")
        await pilot.press("space")  # the clock is the teacher's: a student's key changes nothing
        assert room.clock.paused
        await teacher.command("broadcast", text="Well done")
        await until(pilot, lambda: any("Well done" in str(n.message) for n in app._notifications),
                     "the broadcast as a notification")
    await teacher.close()


async def test_a_wrong_code_shows_on_the_join_form(server):
    app = ClassApp(server.address, name="Ada", code="NOPE")
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: "wrong class code" in str(
            app.screen.query_one("#join-error").render()), "the refusal under the form")
        assert isinstance(app.screen, JoinScreen)
