"""The HTTP server's limits against clients that hold connections open (slowloris, half-open).

aiohttp bounds neither how long a request body may take nor how many connections are open; its
keep-alive timer closes a connection that has not sent a whole request head in time. `serve()` sets
the three bounds: the head (keep-alive timer), the body (the adapter's read timeout, answered 408)
and the number of open connections (refused beyond it by closing the new one at once).
"""

from __future__ import annotations

import asyncio
import signal
from dataclasses import dataclass
from typing import Any

from aiohttp import web


@dataclass(frozen=True)
class ServerLimits:
    head_timeout_s: float = 15.0  # request line and headers; also how long an idle keep-alive lasts
    body_timeout_s: float = 15.0  # Teams bodies are a few KB: 15 s is generous on any link
    max_connections: int = 1000


LIMITS = ServerLimits()


class _Refused(asyncio.Protocol):
    """The protocol of a connection over the limit: closed as soon as it is made."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if isinstance(transport, asyncio.Transport):
            transport.abort()
        else:
            transport.close()


class LimitedTCPSite(web.TCPSite):
    """A TCP site that accepts at most `max_connections` open connections at a time."""

    def __init__(self, runner: web.AppRunner, host: str | None, port: int, *, max_connections: int) -> None:
        super().__init__(runner, host, port)
        self._max_connections = max_connections

    async def start(self) -> None:
        await web.BaseSite.start(self)
        server = self._runner.server
        assert server is not None
        limit = self._max_connections

        def protocol() -> asyncio.Protocol:
            return server() if len(server.connections) < limit else _Refused()

        self._server = await asyncio.get_running_loop().create_server(
            protocol, self._host, self._port, backlog=self._backlog)
        self._bound_port = self._server.sockets[0].getsockname()[1]


def handler_args(limits: ServerLimits = LIMITS) -> dict[str, Any]:
    """aiohttp's per-connection settings: the head timeout, and no lingering read of a body the
    service refused (413, 400, 408): the connection is closed instead."""
    return {"keepalive_timeout": limits.head_timeout_s, "lingering_time": 0.0}


async def start(app: web.Application, host: str, port: int,
                limits: ServerLimits = LIMITS) -> tuple[web.AppRunner, LimitedTCPSite]:
    """Start `app` on host:port with `limits` (the caller cleans the runner up)."""
    runner = web.AppRunner(app, **handler_args(limits))
    await runner.setup()
    site = LimitedTCPSite(runner, host, port, max_connections=limits.max_connections)
    await site.start()
    return runner, site


def serve(app: web.Application, host: str, port: int, limits: ServerLimits = LIMITS) -> None:
    """Run `app` until SIGINT or SIGTERM, then clean it up (turns in flight finish first)."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signal_number, stop.set)
        runner, _ = await start(app, host, port, limits)
        try:
            await stop.wait()
        finally:
            await runner.cleanup()

    asyncio.run(main())
