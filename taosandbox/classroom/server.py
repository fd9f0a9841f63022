"""The class's world server: one Classroom, stepped on the class clock, behind a WebSocket (aiohttp).

The world lives in one thread (``_pool``, a single worker): joins, actions, steps, snapshots and saves
run there one after another, so the order actions are applied in is the order they are recorded in.
The asyncio loop only moves messages: it reads each client's frames, refuses bad ones at the door,
and sends every client its own snapshot at most ~4 times a second (the newest replaces the unsent).
"""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from taosandbox.classroom import codec, protocol
from taosandbox.classroom.classroom import SPEEDS, Classroom
from taosandbox.classroom.seats import JoinRefused

log = logging.getLogger("taosandbox.classroom")

QUIET_KINDS = frozenset({"epoch"})
"""Events not sent to students unless they are theirs (an epoch runs every block in the sandbox)."""
MAX_EVENTS = 60
"""At most this many events per message; older ones of a burst are dropped (the count is sent)."""


@dataclass
class Client:
    """One connection: a student's seat (``coldkey``) or a teacher's console."""

    ws: web.WebSocketResponse
    coldkey: str | None = None
    teacher: bool = False
    last_id: int = 0
    limit: protocol.RateLimit = field(default_factory=protocol.RateLimit)
    sent_version: int = -1
    sent_at: float = 0.0
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    events: list = field(default_factory=list)
    dropped: int = 0
    refused: int = 0
    bytes_sent: int = 0


class ClassServer:
    """Serve ``room`` on ``host:port`` (port 0 picks a free one; ``port`` tells which after ``start``)."""

    def __init__(self, room: Classroom, *, host: str = "127.0.0.1", port: int = 8765):
        self.room = room
        self.host, self.port = host, port
        self.clients: list[Client] = []
        self.version = 0
        """Grows whenever the world changes (a block, an action, a join): clients behind it get a snapshot."""
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="class-world")
        self._cache: tuple[int, Any, str] | None = None
        self._event_index = len(room.world.events)
        """World events before this index have been handed to the clients."""
        self._runner: web.AppRunner | None = None
        self._tasks: list[asyncio.Task] = []
        self._wake_clock = asyncio.Event()
        self.stopped = asyncio.Event()

    # ---------------------------------------------------------------- life
    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/ws", self._handle)
        app.router.add_get("/health", self._health)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._tasks.append(asyncio.create_task(self._clock()))
        log.info("class %s on ws://%s:%s/ws", self.room.title, self.host, self.port)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for client in list(self.clients):
            await client.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
        await self.call(self.room.save)
        self._pool.shutdown(wait=True)
        self.stopped.set()

    async def call(self, fn: Any, *args: Any) -> Any:
        """Run ``fn`` in the world's thread."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    # ---------------------------------------------------------------- the class clock
    async def _clock(self) -> None:
        room = self.room
        next_at = time.monotonic()
        while True:
            if room.clock.paused or room.ended:
                self._wake_clock.clear()
                await self.call(room.save_if_due)
                try:
                    await asyncio.wait_for(self._wake_clock.wait(), 0.5)
                except asyncio.TimeoutError:
                    pass
                next_at = time.monotonic()
                continue
            wait = next_at - time.monotonic()
            if wait > 0:
                self._wake_clock.clear()
                try:
                    await asyncio.wait_for(self._wake_clock.wait(), wait)
                except asyncio.TimeoutError:
                    pass
                continue
            next_at = max(next_at + 1.0 / room.clock.blocks_per_second, time.monotonic() - 1.0)
            await self.run_blocks(1)

    def _new_events(self) -> list:
        """The world's events since the last call (world thread): blocks', actions' and refusals'."""
        events = self.room.world.events
        new = events[self._event_index:]
        self._event_index = len(events)
        return new

    async def run_blocks(self, blocks: int) -> None:
        def work() -> list:
            self.room.step(blocks)
            self.room.save_if_due()
            return self._new_events()

        try:
            events = await self.call(work)
        except Exception:  # an engine bug stops the clock; the class and its saves stay
            log.exception("the world failed at block %s; the clock is paused", self.room.world.block)
            self.room.clock.paused = True
            events = []
        self._changed(events)

    def _changed(self, events: list = ()) -> None:  # type: ignore[assignment]
        self.version += 1
        for client in self.clients:
            if events and not client.teacher:
                client.events.extend(events)
                if len(client.events) > 5 * MAX_EVENTS:
                    client.dropped += len(client.events) - MAX_EVENTS
                    del client.events[:-MAX_EVENTS]
            client.wake.set()

    # ---------------------------------------------------------------- connections
    async def _health(self, _request: web.Request) -> web.Response:
        return web.json_response({"class": self.room.title, "block": self.room.world.block,
                                  "students": len(self.room.seats), "v": protocol.VERSION,
                                  **self._activity_info()})

    def _activity_info(self) -> dict[str, Any]:
        """A class activity's groups (the join form offers them when students pick their group)."""
        activity = self.room.activity
        if activity is None:
            return {}
        return {"activity": activity.level.title, "assign": activity.spec.assign,
                "groups": [{"name": g.name, "title": g.title, "role": g.role} for g in activity.spec.groups]}

    async def _handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=4 * protocol.MAX_MESSAGE_BYTES, heartbeat=20)
        await ws.prepare(request)
        client = Client(ws)
        sender = None
        try:
            if not await self._hello(client):
                return ws
            self.clients.append(client)
            client.wake.set()  # a first snapshot (or roster) at once
            sender = asyncio.create_task(self._sender(client))
            async for frame in ws:
                if frame.type != WSMsgType.TEXT:
                    if frame.type == WSMsgType.ERROR:
                        break
                    await self._refuse(client, "send text frames of JSON")
                    continue
                await self._message(client, frame.data)
        finally:
            if sender is not None:
                sender.cancel()
            if client in self.clients:
                self.clients.remove(client)
                seat = self.room.seats.get(client.coldkey or "")
                if seat is not None and not any(c.coldkey == seat.coldkey for c in self.clients):
                    seat.connected = False
        return ws

    async def _hello(self, client: Client) -> bool:
        """The first message: join a seat or open the teacher's console; False when refused."""
        ws = client.ws
        try:
            frame = await ws.receive(timeout=15)
        except asyncio.TimeoutError:
            await self._send(client, {"type": "refused", "reason": "say who you are (join) first"})
            await ws.close()
            return False
        try:
            if frame.type != WSMsgType.TEXT:
                raise protocol.ProtocolError("send a join message first")
            message = protocol.check(frame.data, 0)
            if message["type"] == "teacher":
                if message["secret"] != self.room.secret:
                    raise JoinRefused("wrong teacher secret")
                client.teacher = True
                await self._send(client, {"type": "welcome", "v": protocol.VERSION, "teacher": True,
                                          **self._class_info(), **self._activity_info()})
                log.info("teacher console connected")
                return True
            if message["type"] != "join":
                raise protocol.ProtocolError("send a join message first")
            seat = await self.call(self.room.join, message["name"], message["code"], message["role"])
        except (protocol.ProtocolError, JoinRefused) as exc:
            log.info("refused a connection: %s", exc)
            await self._send(client, {"type": "refused", "reason": str(exc)})
            await ws.close()
            return False
        for other in [c for c in self.clients if c.coldkey == seat.coldkey]:  # a second tab takes over
            await self._send(other, {"type": "taken_over",
                                     "reason": f"{seat.name} joined from another tab or computer"})
            self.clients.remove(other)
            self._close_later(other)
        client.coldkey = seat.coldkey
        seat.connected = True
        self._changed()
        briefing = self.room.activity.briefing(seat.coldkey) if self.room.activity is not None else None
        await self._send(client, {"type": "welcome", "v": protocol.VERSION, "coldkey": seat.coldkey,
                                  "name": seat.name, "role": seat.role, **self._class_info(),
                                  **({"briefing": briefing} if briefing else {})})
        for block, text in self.room.broadcasts[-3:]:
            await self._send(client, {"type": "broadcast", "block": block, "text": text})
        log.info("%s joined (seat %s)", seat.name, seat.coldkey)
        return True

    def _class_info(self) -> dict[str, Any]:
        room = self.room
        return {"class": room.title, "block": room.world.block, "speeds": list(SPEEDS),
                "seats": room.seats_max}

    async def _message(self, client: Client, text: str) -> None:
        if not client.limit.allow(time.monotonic()):
            client.refused += 1
            if client.refused % 50 == 1:
                log.warning("%s is flooding: message refused", client.coldkey or "teacher")
            await self._send(client, {"type": "error", "reason": "too many messages: slow down"})
            return
        try:
            message = protocol.check(text, client.last_id)
        except protocol.ProtocolError as exc:
            await self._refuse(client, str(exc))
            return
        kind = message["type"]
        if "id" in message:
            client.last_id = message["id"]
        if kind == "ping":
            await self._send(client, {"type": "pong", "id": message["id"], "block": self.room.world.block})
        elif kind == "action" and client.coldkey is not None:
            def act() -> tuple[Any, list]:
                return self.room.act(client.coldkey, message["action"]), self._new_events()

            result, events = await self.call(act)
            self._changed(events)
            await self._send(client, {"type": "result", "id": message["id"], "ok": result.ok,
                                      "reason": result.reason, "block": result.block})
        elif kind == "command" and client.teacher:
            ok, reason, extra = await self._command(message)
            await self._send(client, {"type": "result", "id": message["id"], "ok": ok, "reason": reason,
                                      **extra})
        else:
            await self._refuse(client, f"{kind} is not yours to send here", message.get("id"))

    async def _refuse(self, client: Client, reason: str, id_: int | None = None) -> None:
        client.refused += 1
        log.info("refused from %s: %s", client.coldkey or ("teacher" if client.teacher else "?"), reason)
        await self._send(client, {"type": "error", "reason": reason, "id": id_})

    # ---------------------------------------------------------------- teacher commands
    async def _command(self, message: dict[str, Any]) -> tuple[bool, str | None, dict[str, Any]]:
        room, command = self.room, message["command"]
        if command not in protocol.COMMANDS:
            return False, f"unknown command {command!r}; one of {', '.join(protocol.COMMANDS)}", {}
        if room.ended and command not in ("end", "debrief"):
            return False, "the class has ended", {}
        try:
            if command == "debrief":
                return True, None, {"text": await self.call(room.debrief)}
            if command in ("pause", "resume"):
                room.clock.paused = command == "pause"
            elif command == "speed":
                delta = int(message.get("delta", 1))
                room.clock.speed = max(0, min(len(SPEEDS) - 1, room.clock.speed + delta))
            elif command == "step":
                blocks = int(message.get("blocks", 1))
                if not 1 <= blocks <= 1000:
                    raise ValueError("step 1 to 1000 blocks")
                room.clock.paused = True
                await self.run_blocks(blocks)
            elif command == "skip":
                blocks = await self.call(room.blocks_to, message.get("to", "epoch"))
                room.clock.paused = True
                await self.run_blocks(blocks)
            elif command == "broadcast":
                text = str(message.get("text", "")).strip()[:280]
                if not text:
                    raise ValueError("a broadcast needs some text")
                block, text = await self.call(room.broadcast, text)
                await self._to_students({"type": "broadcast", "block": block, "text": text})
            elif command in ("lock", "unlock"):
                room.locked = command == "lock"
                await self.call(room.save)
            elif command == "remove":
                seat = await self.call(room.remove, str(message.get("coldkey", "")))
                for client in [c for c in self.clients if c.coldkey == seat.coldkey]:
                    await self._send(client, {"type": "removed", "reason": "the teacher removed you from the class"})
                    self.clients.remove(client)
                    seat.connected = False
                    self._close_later(client)
            elif command == "end":
                paths = await self.call(room.end)
                await self._to_students({"type": "ended", "block": room.world.block})
                self._changed()
                self._wake_clock.set()
                return True, None, {k: str(v) for k, v in paths.items()}
        except (ValueError, TypeError) as exc:
            return False, str(exc), {}
        self._changed()
        self._wake_clock.set()
        log.info("teacher: %s", command)
        return True, None, {}

    def _close_later(self, client: Client) -> None:
        """Close another connection without waiting here (its own handler is reading it)."""
        task = asyncio.create_task(client.ws.close())
        self._tasks.append(task)
        task.add_done_callback(lambda t: t in self._tasks and self._tasks.remove(t))

    async def _to_students(self, message: dict[str, Any]) -> None:
        for client in list(self.clients):
            if not client.teacher:
                await self._send(client, message)

    # ---------------------------------------------------------------- sending
    async def _send(self, client: Client, message: dict[str, Any] | str) -> None:
        text = message if isinstance(message, str) else codec.dumps(message)
        if client.ws.closed:
            return
        try:
            await client.ws.send_str(text)
            client.bytes_sent += len(text)
        except (ConnectionError, RuntimeError):
            pass

    async def _sender(self, client: Client) -> None:
        """This client's snapshots (students) or roster (teacher), coalesced to the newest."""
        interval = protocol.ROSTER_SECONDS if client.teacher else protocol.SNAPSHOT_SECONDS
        while not client.ws.closed:
            await client.wake.wait()
            wait = client.sent_at + interval - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            client.wake.clear()
            if client.sent_version == self.version:
                continue
            version = self.version
            client.sent_at = time.monotonic()
            try:
                text = await self.call(self._view_text, client)
            except Exception:
                log.exception("could not build the view of %s", client.coldkey or "teacher")
                continue
            client.sent_version = version
            if text:
                await self._send(client, text)
            if client.events or client.dropped:
                events, dropped = client.events, client.dropped
                client.events, client.dropped = [], 0
                message = await self.call(self._events_message, client, events, dropped)
                if message["events"] or message["dropped"]:
                    await self._send(client, message)

    def _base(self) -> tuple[Any, str]:
        """This version's shared snapshot and its JSON (built once for every client)."""
        if self._cache is None or self._cache[0] != self.version:
            base = self.room.world.snapshot()
            self._cache = (self.version, base, codec.dumps(codec.world_part(base)))
        return self._cache[1], self._cache[2]

    def _view_text(self, client: Client) -> str:
        room = self.room
        clock = {"paused": room.clock.paused, "speed": room.clock.speed,
                 "blocks_per_second": room.clock.blocks_per_second}
        if client.teacher:
            rows = room.standings()
            return codec.dumps({"type": "roster", "block": room.world.block, "clock": clock,
                                "locked": room.locked, "ended": room.ended, "code": room.code,
                                "rows": rows, "leaderboard": room.leaderboard(rows)})
        base, world_json = self._base()
        own = codec.own_part(room.snapshot_for(client.coldkey, base))
        if room.activity is not None and client.coldkey in room.activity.scores:
            own["level"] = room.activity.scores[client.coldkey].progress()  # their group's objectives
        head = codec.dumps({"type": "snapshot", "block": base.block, "clock": clock, "locked": room.locked,
                            "ended": room.ended, "own": own})
        return head[:-1] + ',"world":' + world_json + "}"

    def _events_message(self, client: Client, events: list, dropped: int) -> dict[str, Any]:
        seat_hotkeys: set[str] = set()
        info = self.room.world.students.get(client.coldkey or "")
        if info is not None:
            seat_hotkeys = {a.hotkey for a in self.room.world.agents.values() if a.coldkey == client.coldkey}
        out = []
        for event in events:
            d = event.data or {}
            mine = (d.get("coldkey") == client.coldkey or d.get("hotkey") in seat_hotkeys
                    or d.get("by") in seat_hotkeys or client.coldkey in (d.get("payouts") or ()))
            if event.kind in QUIET_KINDS and not mine:
                continue
            out.append({"block": event.block, "kind": event.kind, "text": event.text, "mine": bool(mine)})
        dropped += max(0, len(out) - MAX_EVENTS)
        return {"type": "events", "events": out[-MAX_EVENTS:], "dropped": dropped}
