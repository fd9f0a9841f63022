"""The teacher's console: the roster, the class clock, broadcasts, lock, remove, the leaderboard and
end class. A client of the class server like the students' games, so closing it leaves the class
running; ``taosandbox teach ADDRESS --secret S`` opens it again."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.markup import escape
from textual.widgets import DataTable, Footer, Header, Input, Markdown, Static

from taosandbox.classroom.client import ClassClient, ClassError

ROSTER_COLUMNS = (("name", "Name", 16), ("role", "Role", 10), ("group", "Group", 10),
                  ("objectives", "Objectives", 14), ("connected", "Online", 7),
                  ("free_tao", "Free τ", 10), ("staked_tao", "Staked τ", 10), ("earned_tao", "Earned τ", 10),
                  ("uids", "UIDs", 8), ("last_action", "Last action", 22))


def roster_cells(row: dict[str, Any]) -> list[str]:
    cells = []
    for key, _title, _width in ROSTER_COLUMNS:
        value = row.get(key)
        if key == "connected":
            value = "removed" if row.get("removed") else ("yes" if value else "no")
        elif isinstance(value, float):
            value = f"{value:,.4f}"
        cells.append(str(value if value is not None else ""))
    return cells


def leaderboard_text(board: dict[str, list[dict[str, Any]]]) -> str:
    lines = []
    # Six decimals for delegators: at the free sandbox's real-network rates (~0.0004 τ per τ a day) a
    # class's returns differ in the fifth decimal.
    titles = {"miner": ("Miners", "earned_tao", "τ earned", 4),
              "validator": ("Validators", "validator_trust", "validator trust", 4),
              "delegator": ("Delegators", "return_per_tao", "τ earned per τ staked", 6)}
    for role, (title, key, unit, places) in titles.items():
        rows = board.get(role, [])[:5]
        lines.append(f"[b]{title}[/b] ({unit})")
        lines += [f"  {i + 1}. {r['name']}: {r[key]:.{places}f}" for i, r in enumerate(rows)] or ["  nobody yet"]
    return "\n".join(lines)


def objectives_text(row: dict[str, Any]) -> str:
    """The selected student's objectives in a class activity: mark, id and the value each one read."""
    if not row.get("group"):
        return ""
    marks = {"True": "[$success]✓[/]", "False": "[$warning]…[/]"}
    lines = [f"[b]{escape(str(row.get('name')))}[/b] ({escape(str(row['group']))}): "
             f"{escape(str(row.get('objectives', '')))}"]
    for key, value in row.items():
        if key.endswith("_passed") and value != "":
            ident = key.removesuffix("_passed")
            lines.append(f"{marks[str(value)]} {escape(ident)}: {escape(str(row.get(ident + '_detail', '')))}")
    return "\n".join(lines)


def clock_text(roster: dict[str, Any]) -> str:
    clock = roster.get("clock", {})
    state = "ENDED" if roster.get("ended") else "paused" if clock.get("paused") else (
        f"running at {clock.get('blocks_per_second', 0):g} blocks/s")
    lock = "  ·  actions LOCKED" if roster.get("locked") else ""
    online = sum(1 for r in roster.get("rows", []) if r.get("connected"))
    return (f"Block {roster.get('block', 0):,}  ·  clock {state}{lock}  ·  code [b]{roster.get('code', '')}[/b]"
            f"  ·  {online}/{len(roster.get('rows', []))} students online")


class DebriefScreen(ModalScreen):
    """The debrief to project at the end: the lesson, then what this class's subnet did."""

    DEFAULT_CSS = """
    DebriefScreen { align: center middle; }
    DebriefScreen > VerticalScroll { width: 90%; height: 90%; border: round $primary; background: $surface; }
    """
    BINDINGS = [Binding("escape,q,D", "dismiss", "Close")]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown(self.text)
        yield Footer()


class TeacherApp(App):
    """The console; every key sends one teacher command and the server's answer shows as a note."""

    TITLE = "taosandbox classroom: teacher"
    CSS = """
    #clock { height: 1; padding: 0 1; background: $boost; }
    #banner { height: auto; padding: 0 1; color: $text-muted; }
    #body { height: 1fr; }
    #roster { width: 3fr; }
    #board { width: 1fr; padding: 0 1; border-left: solid $primary; }
    #student-objectives { margin-top: 1; }
    #broadcast { dock: bottom; }
    """
    BINDINGS = [
        Binding("space", "toggle_clock", "Pause/Run"),
        Binding("n", "step", "Step"),
        Binding("plus,equals_sign", "speed(1)", "Faster"),
        Binding("minus", "speed(-1)", "Slower"),
        Binding("N", "skip('epoch')", "Next epoch"),
        Binding("h", "skip('halving')", "To halving"),
        Binding("l", "toggle_lock", "Lock/Unlock"),
        Binding("b", "broadcast", "Broadcast"),
        Binding("x", "remove", "Remove student"),
        Binding("E", "end_class", "End class"),
        Binding("D", "debrief", "Debrief"),
        Binding("q", "quit", "Close console"),
    ]

    def __init__(self, address: str, secret: str, banner: str = "") -> None:
        super().__init__()
        self.address, self.secret = address, secret
        self.banner = banner or f"Students join with: taosandbox join {address} --name NAME --code CODE"
        """Where students join (the classroom command passes its addresses)."""
        self.client: ClassClient | None = None
        self.roster: dict[str, Any] = {}
        self._confirm_end = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Connecting…", id="clock")
        yield Static(self.banner, id="banner")
        with Horizontal(id="body"):
            yield DataTable(id="roster", cursor_type="row", zebra_stripes=True)
            with Vertical(id="board"):
                yield Static("", id="leaderboard")
                yield Static("", id="student-objectives")
                yield Static("", id="note")
        yield Input(placeholder="broadcast to every student (b), enter sends", id="broadcast")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#roster", DataTable)
        for key, title, width in ROSTER_COLUMNS:
            table.add_column(title, key=key, width=width)
        table.focus()  # the keys are the console's; the broadcast box takes them only after b
        self.connect()
        self.set_interval(0.5, self._refresh)

    @work(exclusive=True, group="connect")
    async def connect(self) -> None:
        try:
            self.client = await ClassClient.teacher(self.address, self.secret)
        except ClassError as exc:
            self.query_one("#clock", Static).update(f"[red]{exc}[/red]")
            return
        welcome = self.client.welcome
        self.query_one("#clock", Static).update(f"Connected to the class {welcome.get('class')}")
        if welcome.get("groups"):  # a class activity: say so, with its groups (D shows the debrief)
            groups = ", ".join(f"{g['title']} ({g['role']})" for g in welcome["groups"])
            self.query_one("#banner", Static).update(f"{self.banner}\nActivity: {welcome.get('activity')} · "
                                                     f"groups: {groups} · D: the debrief")

    def _refresh(self) -> None:
        client = self.client
        if client is None or not self.query("#clock"):
            # Not connected yet, or the console's widgets are covered (the debrief) or gone (closing):
            # the next tick after they are back shows the newest roster.
            return
        if client.closed_reason and (client.ws is None or client.ws.closed):
            self.query_one("#clock", Static).update(f"[red]{client.closed_reason}[/red]")
            return
        roster = client.snapshot
        if not roster or roster is self.roster:
            return
        self.roster = roster
        self.query_one("#clock", Static).update(clock_text(roster))
        self.query_one("#leaderboard", Static).update(leaderboard_text(roster.get("leaderboard", {})))
        self._show_rows(roster.get("rows", []))
        self._show_selected()

    @on(DataTable.RowHighlighted, "#roster")
    def _show_selected(self) -> None:
        """Under the leaderboard: the objectives of the student the cursor is on."""
        table = self.query_one("#roster", DataTable)
        rows = {r["coldkey"]: r for r in self.roster.get("rows", [])}
        if not table.row_count or not rows:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key in rows:
            self.query_one("#student-objectives", Static).update(objectives_text(rows[key]))

    def _show_rows(self, rows: list[dict[str, Any]]) -> None:
        table = self.query_one("#roster", DataTable)
        keys = {str(k.value) for k in table.rows}
        with self.batch_update():
            for row in rows:
                cells = roster_cells(row)
                key = row["coldkey"]
                if key not in keys:
                    table.add_row(*cells, key=key)
                    continue
                for (column, _t, _w), cell in zip(ROSTER_COLUMNS, cells):
                    if table.get_cell(key, column) != cell:
                        table.update_cell(key, column, cell)

    # ---- commands ----
    @work(group="commands")
    async def send(self, command: str, **args: Any) -> None:
        if self.client is None:
            self.notify("Not connected to the class yet.", severity="warning")
            return
        try:
            reply = await self.client.command(command, **args)
        except (ClassError, TimeoutError) as exc:
            self.notify(str(exc), title=command, severity="error")
            return
        if not reply.get("ok"):
            self.notify(reply.get("reason") or "refused", title=command, severity="error")
        elif command == "end":
            text = f"Class ended. Results: {reply.get('csv')}\nSession: {reply.get('session')}"
            if reply.get("debrief"):
                text += f"\nDebrief: {reply.get('debrief')} (D shows it)"
            self.query_one("#note", Static).update(text)
            self.notify(text, title="End class", timeout=30)
            if reply.get("debrief"):
                self.send("debrief")
        elif command == "debrief":
            self.push_screen(DebriefScreen(reply.get("text", "")))
        else:
            self.notify(command.replace("_", " ") + ": done", timeout=2)

    def action_toggle_clock(self) -> None:
        paused = self.roster.get("clock", {}).get("paused", True)
        self.send("resume" if paused else "pause")

    def action_step(self) -> None:
        self.send("step", blocks=1)

    def action_speed(self, delta: int) -> None:
        self.send("speed", delta=delta)

    def action_skip(self, to: str) -> None:
        self.send("skip", to=to)

    def action_toggle_lock(self) -> None:
        self.send("unlock" if self.roster.get("locked") else "lock")

    def action_broadcast(self) -> None:
        self.query_one("#broadcast", Input).focus()

    @on(Input.Submitted, "#broadcast")
    def _broadcast(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.send("broadcast", text=event.value.strip())
        event.input.value = ""
        self.query_one("#roster", DataTable).focus()

    def action_remove(self) -> None:
        table = self.query_one("#roster", DataTable)
        if not table.row_count:
            self.notify("No student to remove.", severity="warning")
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        self.send("remove", coldkey=key)

    def action_end_class(self) -> None:
        if not self._confirm_end:
            self._confirm_end = True
            self.notify("Press E again to end the class: results are written and actions stop.",
                        title="End class?", severity="warning", timeout=6)
            self.set_timer(6, lambda: setattr(self, "_confirm_end", False))
            return
        self._confirm_end = False
        self.send("end")

    def action_debrief(self) -> None:
        """The class activity's debrief with the class's numbers so far (at the end: the final one)."""
        if not self.client or not self.client.welcome.get("groups"):
            self.notify("This class plays no class activity, so there is no debrief: start one with "
                        "taosandbox classroom --level class-01-miners-race (docs/classroom.md).", timeout=6)
            return
        self.send("debrief")

    async def action_quit(self) -> None:
        if self.client is not None:
            await self.client.close()
        self.exit(0)
