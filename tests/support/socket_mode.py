"""The WebSocket side of Slack's Socket Mode, for tests and the Socket Mode benchmark: says
hello to each connection, sends envelopes down the newest one and notes when each is
acknowledged, and can ask the client to reconnect as Slack does ("disconnect")."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from types import TracebackType
from typing import Any, Self

import websockets
from websockets.asyncio.server import ServerConnection

HELLO = {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0DIPSAMPLE"}}


class SocketModeServer:
    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._connections: list[ServerConnection] = []
        self._acks: dict[str, float] = {}
        self._changed = threading.Condition()
        self._stop: asyncio.Future[None] | None = None
        self._port: int | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self._port}/link"

    @property
    def connections(self) -> int:
        with self._changed:
            return len(self._connections)

    def __enter__(self) -> Self:
        self._thread.start()
        self._wait(lambda: self._port is not None, 10)
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set_result, None)
        self._thread.join(10)

    def wait_for_connections(self, count: int, timeout: float = 10) -> None:
        self._wait(lambda: len(self._connections) >= count, timeout)

    def envelope(self, envelope_type: str, payload: dict[str, Any]) -> tuple[str, float]:
        """Send an envelope down the newest connection: its id and when it was sent."""
        envelope_id = str(uuid.uuid4())
        sent = time.perf_counter()
        self._send({"envelope_id": envelope_id, "type": envelope_type, "payload": payload})
        return envelope_id, sent

    def acknowledged_after(self, envelope_id: str, sent: float, timeout: float = 10) -> float:
        """Seconds from sending the envelope to its acknowledgement."""
        self._wait(lambda: envelope_id in self._acks, timeout)
        return self._acks[envelope_id] - sent

    def ask_to_reconnect(self) -> None:
        self._send({"type": "disconnect", "reason": "refresh_requested", "debug_info": {}})

    def _send(self, message: dict[str, Any]) -> None:
        with self._changed:
            connection = self._connections[-1]
        asyncio.run_coroutine_threadsafe(connection.send(json.dumps(message)), self._loop).result(
            10
        )

    def _wait(self, condition: Any, timeout: float) -> None:
        with self._changed:
            if not self._changed.wait_for(condition, timeout):
                raise TimeoutError("the Socket Mode client did not get there in time")

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._serve())
        finally:
            self._loop.close()

    async def _serve(self) -> None:
        self._stop = self._loop.create_future()
        async with websockets.serve(self._handle, "127.0.0.1", 0) as server:
            with self._changed:
                self._port = next(iter(server.sockets)).getsockname()[1]
                self._changed.notify_all()
            await self._stop

    async def _handle(self, connection: ServerConnection) -> None:
        with self._changed:
            self._connections.append(connection)
            self._changed.notify_all()
        await connection.send(json.dumps(HELLO))
        try:
            async for message in connection:
                acked = json.loads(message).get("envelope_id")
                if acked:
                    with self._changed:
                        self._acks[str(acked)] = time.perf_counter()
                        self._changed.notify_all()
        except websockets.ConnectionClosed:
            pass
