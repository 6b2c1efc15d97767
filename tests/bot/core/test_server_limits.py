"""The running server bounds how long a client may take to send a request and how many connections
it may hold: half-open connections on 127.0.0.1 against the real server settings (bot/server.py)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
from botcore_helpers import FakeParts, MockConnector, activity

from bot.app import create_app
from bot.server import ServerLimits, start
from bot.services import Services, build_adapter

LIMITS = ServerLimits(head_timeout_s=0.5, body_timeout_s=0.5, max_connections=8)


@pytest.fixture
async def port(services: Services, fake_parts: FakeParts) -> AsyncIterator[int]:
    assert services.pool is not None
    services.adapter = build_adapter(services.settings, services.pool, body_timeout_s=LIMITS.body_timeout_s)
    runner, site = await start(create_app(services, fake_parts.parts(), scheduler=False), "127.0.0.1", 0,
                               LIMITS)
    yield site.port
    await runner.cleanup()


async def _open(port: int, sent: bytes) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(sent)
    await writer.drain()
    return reader, writer


async def _closed_within(reader: asyncio.StreamReader, seconds: float) -> bytes:
    """Everything the server sent before closing; fails if it is still open after `seconds`."""
    return await asyncio.wait_for(reader.read(), seconds)


async def _post(port: int, body: bytes) -> bytes:
    head = (f"POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    reader, writer = await _open(port, head + body)
    answer = await _closed_within(reader, 5)
    writer.close()
    return answer


async def test_a_connection_that_never_finishes_its_headers_is_closed_after_the_head_timeout(port) -> None:
    reader, writer = await _open(port, b"POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    assert await _closed_within(reader, LIMITS.head_timeout_s + 2) == b""
    writer.close()


async def test_a_body_that_stops_arriving_gets_408_and_the_connection_closes(port, fake_parts) -> None:
    head = (b"POST /api/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 1000\r\n\r\n{\"type\": ")
    reader, writer = await _open(port, head)
    answer = await _closed_within(reader, LIMITS.body_timeout_s + 2)
    writer.close()
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert answer.endswith(b'{"error": "the body did not arrive in time"}')
    assert fake_parts.calls == []


async def test_connections_beyond_the_limit_are_closed_at_once_and_service_resumes(port,
                                                                                     connector: MockConnector,
                                                                                     fake_parts) -> None:
    half_open = [await _open(port, b"POST /api/messages HTTP/1.1\r\n") for _ in range(LIMITS.max_connections)]
    await asyncio.sleep(0.05)
    extra_reader, extra_writer = await _open(port, b"")
    assert await _closed_within(extra_reader, 0.3) == b""  # refused long before any timeout
    extra_writer.close()
    for reader, _ in half_open:  # the head timeout frees every slot
        assert await _closed_within(reader, LIMITS.head_timeout_s + 2) == b""
    for _, writer in half_open:
        writer.close()
    answer = await _post(port, json.dumps(activity(connector.url, "help")).encode())
    assert answer.startswith(b"HTTP/1.1 201 ")
    assert fake_parts.names() == ["on_activity", "run_intake_turn", "answer"]


async def test_a_thousand_half_open_connections_are_all_closed_by_the_head_timeout(services,
                                                                                   fake_parts) -> None:
    limits = ServerLimits(head_timeout_s=0.5, body_timeout_s=0.5, max_connections=1000)
    runner, site = await start(create_app(services, fake_parts.parts(), scheduler=False), "127.0.0.1", 0,
                               limits)
    try:
        opened = [await _open(site.port, b"GET /healthz HTTP/1.1\r\n") for _ in range(1000)]
        closed = await asyncio.gather(*(_closed_within(reader, 5) for reader, _ in opened))
        assert closed == [b""] * 1000
        assert runner.server is not None and runner.server.connections == []
        for _, writer in opened:
            writer.close()
    finally:
        await runner.cleanup()
