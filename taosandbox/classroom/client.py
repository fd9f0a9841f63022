"""A client of a class: join (or open the teacher's console), send, and keep the newest state.

Used by the remote game (``tui/classroom``), the teacher's console, the tests and the benchmark. It
keeps the newest snapshot, queues events and broadcasts, and matches each ``result`` to its request.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp

from taosandbox.classroom import protocol


class ClassError(Exception):
    """The class refused us (wrong code, full, removed...) or the connection ended; the text says why."""


def ws_url(address: str) -> str:
    """``host:port``, ``http://host:port`` or ``ws://host:port/ws`` as the server's WebSocket URL."""
    address = address.strip().rstrip("/")
    if "://" not in address:
        address = "ws://" + address
    scheme, rest = address.split("://", 1)
    scheme = {"http": "ws", "https": "wss"}.get(scheme, scheme)
    host = rest.split("/", 1)[0]
    return f"{scheme}://{host}/ws"


class ClassClient:
    """One connection. ``await ClassClient.join(address, name, code, role)`` or ``.teacher(address, secret)``."""

    def __init__(self) -> None:
        self.session: aiohttp.ClientSession | None = None
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.welcome: dict[str, Any] = {}
        self.snapshot: dict[str, Any] | None = None
        """The newest ``snapshot`` (student) or ``roster`` (teacher) message."""
        self.updated = asyncio.Event()
        self.inbox: list[dict[str, Any]] = []
        """events, broadcast, ended, taken_over, removed, error messages, oldest first."""
        self.closed_reason: str | None = None
        self._next_id = 0
        self._waiting: dict[int, asyncio.Future] = {}
        self._reader: asyncio.Task | None = None
        self.received_bytes = 0
        self.on_message: Any = None
        """Called with every message as it arrives (in the client's loop), e.g. by the remote game."""

    # ---------------------------------------------------------------- opening
    @classmethod
    async def join(cls, address: str, name: str, code: str, role: str = "miner") -> "ClassClient":
        return await cls()._open(address, {"type": "join", "v": protocol.VERSION, "name": name, "code": code,
                                           "role": role})

    @classmethod
    async def teacher(cls, address: str, secret: str) -> "ClassClient":
        return await cls()._open(address, {"type": "teacher", "v": protocol.VERSION, "secret": secret})

    async def _open(self, address: str, hello: dict[str, Any]) -> "ClassClient":
        self.session = aiohttp.ClientSession()
        try:
            self.ws = await self.session.ws_connect(ws_url(address), max_msg_size=0, heartbeat=20)
        except (aiohttp.ClientError, OSError) as exc:
            await self.session.close()
            raise ClassError(f"cannot reach the class at {address}: {exc}") from None
        await self.ws.send_str(json.dumps(hello))
        frame = await self.ws.receive(timeout=30)
        reply = json.loads(frame.data) if frame.type == aiohttp.WSMsgType.TEXT else {}
        if reply.get("type") != "welcome":
            await self.close()
            raise ClassError(reply.get("reason") or "the class closed the connection")
        self.welcome = reply
        self._reader = asyncio.create_task(self._read())
        return self

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
        if self.ws is not None:
            await self.ws.close()
        if self.session is not None:
            await self.session.close()

    # ---------------------------------------------------------------- reading
    async def _read(self) -> None:
        assert self.ws is not None
        try:
            async for frame in self.ws:
                if frame.type != aiohttp.WSMsgType.TEXT:
                    continue
                self.received_bytes += len(frame.data)
                message = json.loads(frame.data)
                kind = message.get("type")
                if self.on_message is not None:
                    self.on_message(message)
                if kind in ("snapshot", "roster"):
                    self.snapshot = message
                    self.updated.set()
                elif kind in ("result", "pong") and message.get("id") in self._waiting:
                    future = self._waiting.pop(message["id"])
                    if not future.done():
                        future.set_result(message)
                else:
                    if kind == "error" and message.get("id") in self._waiting:
                        future = self._waiting.pop(message["id"])
                        if not future.done():
                            future.set_result({**message, "ok": False})
                    if kind in ("taken_over", "removed"):
                        self.closed_reason = message.get("reason")
                    self.inbox.append(message)
                    self.updated.set()
        finally:
            self.closed_reason = self.closed_reason or "the class closed the connection"
            if self.on_message is not None:
                self.on_message({"type": "closed", "reason": self.closed_reason})
            for future in self._waiting.values():
                if not future.done():
                    future.set_exception(ClassError(self.closed_reason))
            self.updated.set()

    def take(self, kind: str | None = None) -> list[dict[str, Any]]:
        """Inbox messages (of ``kind``), removed from the inbox."""
        taken = [m for m in self.inbox if kind is None or m.get("type") == kind]
        self.inbox = [m for m in self.inbox if m not in taken]
        return taken

    # ---------------------------------------------------------------- sending
    async def request(self, message: dict[str, Any], timeout: float = 30) -> dict[str, Any]:
        """Send with the next id; the server's answer (result, pong or error)."""
        if self.ws is None or self.ws.closed:
            raise ClassError(self.closed_reason or "not connected")
        self._next_id += 1
        future = asyncio.get_running_loop().create_future()
        self._waiting[self._next_id] = future
        await self.ws.send_str(json.dumps({**message, "id": self._next_id}))
        return await asyncio.wait_for(future, timeout)

    async def act(self, action: dict[str, Any]) -> dict[str, Any]:
        return await self.request({"type": "action", "action": action})

    async def command(self, command: str, **args: Any) -> dict[str, Any]:
        return await self.request({"type": "command", "command": command, **args})

    async def send_raw(self, text: str) -> None:
        """Send a frame as it is (tests of refusals)."""
        assert self.ws is not None
        await self.ws.send_str(text)

    async def next_snapshot(self, after_block: int = -1, timeout: float = 10) -> dict[str, Any]:
        """Wait for a snapshot/roster past ``after_block``."""
        async def wait() -> dict[str, Any]:
            while True:
                if self.snapshot is not None and self.snapshot.get("block", -1) > after_block:
                    return self.snapshot
                if self.ws is None or self.ws.closed:
                    raise ClassError(self.closed_reason or "disconnected")
                self.updated.clear()
                await self.updated.wait()

        return await asyncio.wait_for(wait(), timeout)
