"""A student's game: the same game screen, against the class's world, and the form to join a class."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Select, Static

from taosandbox.classroom.client import ClassClient, ClassError, ws_url
from taosandbox.classroom.seats import ROLES
from taosandbox.tui import app as tui_app
from taosandbox.tui.app import TaoApp
from taosandbox.tui.classroom.briefing import BriefingPanel, paragraphs
from taosandbox.tui.classroom.remote import RemoteSim
from taosandbox.tui.screens.game import GameScreen
from taosandbox.tui.widgets.chain_panel import ChainPanel
from taosandbox.tui.widgets.event_log import EventLog

CLOCK_IS_THE_TEACHERS = "In class, the teacher runs the clock for everyone."


class ClassGameScreen(GameScreen):
    """The game screen on a class world: it follows the class clock, shows broadcasts, and leaves the
    clock keys to the teacher."""

    def on_mount(self, event: events.Mount) -> None:
        event.prevent_default()  # Textual would call GameScreen.on_mount after this one: call it first here
        GameScreen.on_mount(self)
        self.query_one(EventLog).note(
            f"You are in class as {self.snapshot.player.coldkey}: your neurons are marked as yours; the "
            "others are your classmates'. " + CLOCK_IS_THE_TEACHERS, mine=True)
        self.set_interval(0.25, self._show_notices)
        briefing = self.sim.client.welcome.get("briefing")
        if isinstance(briefing, dict):  # a class activity: the group's briefing and objectives beside the game
            self.query_one("#play-area").mount(BriefingPanel(briefing, id="briefing"))
            self.query_one(EventLog).note(f"Your group: {briefing.get('title')}. "
                                          f"{paragraphs(briefing.get('briefing', ''))}", mine=True)
        self.resume()  # follow the class's blocks

    def show_snapshot(self, snapshot: Any) -> None:
        if snapshot is None:
            return
        super().show_snapshot(snapshot)
        self.query_one(ChainPanel).show(snapshot, paused=self.sim.paused, speed=self.sim.speed_label)
        for panel in self.query(BriefingPanel):
            panel.update_from(snapshot)

    def _show_clock(self) -> None:
        if self.snapshot is not None:
            self.query_one(ChainPanel).show(self.snapshot, paused=self.sim.paused, speed=self.sim.speed_label)

    def _show_notices(self) -> None:
        for title, text in self.sim.take_notices():
            severity = "error" if title in ("Disconnected", "Refused") else "information"
            self.app.notify(text, title=title, severity=severity, timeout=15)
            block = self.snapshot.block if self.snapshot is not None else 0
            self.query_one(EventLog).note(f"#{block:,} {title}: {text}", mine=True, error=severity == "error")

    def on_sim_stopped(self, message: Any) -> None:
        message.prevent_default()
        super().on_sim_stopped(message)
        if self.sim.closed_reason is None:
            self.resume()

    # the class clock is the teacher's
    def action_toggle_pause(self) -> None:
        self.app.notify(CLOCK_IS_THE_TEACHERS, timeout=3)

    def action_step(self) -> None:
        self.app.notify(CLOCK_IS_THE_TEACHERS, timeout=3)

    def action_speed(self, delta: int) -> None:
        self.app.notify(CLOCK_IS_THE_TEACHERS, timeout=3)

    def action_next_epoch(self) -> None:
        self.app.notify(CLOCK_IS_THE_TEACHERS, timeout=3)

    def action_next_halving(self) -> None:
        self.app.notify(CLOCK_IS_THE_TEACHERS, timeout=3)

    def action_explain(self) -> None:
        self.app.notify("The worked numbers of an epoch stay on the class's computer: try e in a game of "
                        "your own (taosandbox) after class.", severity="warning", timeout=6)


class JoinScreen(Screen):
    """Name, class code and role; the class's answer (wrong code, full...) shows under the form."""

    DEFAULT_CSS = """
    JoinScreen { align: center middle; }
    JoinScreen #join-form { width: 60; height: auto; border: round $primary; padding: 1 2; }
    JoinScreen #join-error { color: $error; height: auto; }
    JoinScreen Input, JoinScreen Select { margin-bottom: 1; }
    """

    def __init__(self, address: str, name: str = "", code: str = "", role: str = "miner") -> None:
        super().__init__()
        self.address, self.name_, self.code, self.role = address, name, code, role

    def compose(self) -> ComposeResult:
        with Vertical(id="join-form"):
            yield Label(f"Join the class at {self.address}", id="join-title")
            yield Input(self.name_, placeholder="your name", id="join-name")
            yield Input(self.code, placeholder="class code (on the teacher's screen)", id="join-code")
            yield Select([(r, r) for r in ROLES], value=self.role if self.role in ROLES else "miner",
                         allow_blank=False, id="join-role")
            yield Button("Join", variant="primary", id="join-button")
            yield Static("", id="join-error")

    def on_mount(self) -> None:
        self._focus_first_empty()
        self._offer_groups()

    @work(exclusive=True, group="groups")
    async def _offer_groups(self) -> None:
        """A class activity seats students in groups: offer its groups (when students pick) instead of roles."""
        info = await class_info(self.address)
        if not info.get("groups"):
            return
        title = self.query_one("#join-title", Label)
        select = self.query_one("#join-role", Select)
        if info.get("assign") == "pick":
            title.update(f"Join {info.get('activity')} at {self.address}: pick your group")
            select.set_options([(f"{g['title']} ({g['role']})", g["name"]) for g in info["groups"]])
            if self.role in {g["name"] for g in info["groups"]}:  # join --group NAME
                select.value = self.role
        else:
            title.update(f"Join {info.get('activity')} at {self.address}: the class puts you in a group")
            select.display = False

    def _focus_first_empty(self) -> bool:
        """Focus the first empty field; False when both are filled."""
        for field_id in ("#join-name", "#join-code"):
            field = self.query_one(field_id, Input)
            if not field.value.strip():
                field.focus()
                return True
        return False

    @on(Input.Submitted)
    def _next_field(self) -> None:
        if not self._focus_first_empty():
            self._submit()

    @on(Button.Pressed, "#join-button")
    def _submit(self) -> None:
        name = self.query_one("#join-name", Input).value
        code = self.query_one("#join-code", Input).value
        role = str(self.query_one("#join-role", Select).value)
        self.query_one("#join-error", Static).update("Joining…")
        self.app.join_class(name, code, role)  # type: ignore[attr-defined]

    def show_error(self, text: str) -> None:
        self.query_one("#join-error", Static).update(text)


async def class_info(address: str) -> dict[str, Any]:
    """The class's ``/health`` answer (its activity and groups), or {} when it cannot be read."""
    import aiohttp

    url = ws_url(address).replace("ws://", "http://").replace("wss://", "https://").removesuffix("/ws") + "/health"
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(url, timeout=aiohttp.ClientTimeout(total=5)) as reply:
                data = await reply.json()
    except (aiohttp.ClientError, OSError, ValueError, asyncio.TimeoutError):
        return {}
    return data if isinstance(data, dict) else {}


class ClassApp(TaoApp):
    """``taosandbox join``: a student's game against a class world (in a terminal or a browser tab)."""

    TITLE = "taosandbox class"
    CSS_PATH = str(Path(tui_app.__file__).parent / "app.tcss")
    """TaoApp's sheet (a relative CSS_PATH would be looked up beside this module)."""

    def __init__(self, address: str, *, name: str = "", code: str = "", role: str = "miner") -> None:
        super().__init__()
        self.address, self.student, self.code, self.role = address, name, code, role
        self.client: ClassClient | None = None

    def on_mount(self, event: events.Mount) -> None:
        event.prevent_default()  # not TaoApp's title screen
        self.theme = "textual-dark"
        self.push_screen(JoinScreen(self.address, self.student, self.code, self.role))
        if self.student and self.code:
            self.join_class(self.student, self.code, self.role)

    @work(exclusive=True, group="join")
    async def join_class(self, name: str, code: str, role: str) -> None:
        try:
            client = await ClassClient.join(self.address, name, code, role)
        except ClassError as exc:
            if isinstance(self.screen, JoinScreen):
                self.screen.show_error(str(exc))
            return
        self.client = client
        sim = RemoteSim(client, asyncio.get_running_loop())
        try:
            await client.next_snapshot(timeout=30)
        except (ClassError, TimeoutError) as exc:
            if isinstance(self.screen, JoinScreen):
                self.screen.show_error(f"joined, but no snapshot came: {exc}")
            return
        sim._on_message(client.snapshot)
        self.world = sim.world
        self.switch_screen(ClassGameScreen(sim, role=client.welcome.get("role")))

    async def on_unmount(self) -> None:
        if self.client is not None:
            await self.client.close()

    def autosave(self) -> None:
        """Nothing to save here: the class's world saves itself on the teacher's computer."""

    def leave_game(self) -> None:
        self.exit(0)

    async def action_quit(self) -> None:
        if self.client is not None:
            await self.client.close()
        self.exit(0)
