"""Fixtures for the QA tests: the real service (real parts, real TinyDB) over HTTP on 127.0.0.1,
replies captured by the bot core's mock Bot Connector."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

# The mock connector and activity builder are the bot core's (one implementation, not a copy;
# tests/bot/core is on pytest's pythonpath).
from botcore_helpers import connector  # noqa: F401 (the bot core's mock Bot Connector fixture)

from bot.app import create_app
from bot.config import Settings
from bot.server import handler_args
from bot.services import Services, build_services


@pytest.fixture
def services(tmp_path: Path) -> Services:
    settings = Settings(data_dir=tmp_path / "data", port=3978)
    return build_services(settings, clock=lambda: dt.datetime(2026, 11, 3, 10, 0, tzinfo=dt.UTC))


@pytest.fixture
async def client(services: Services) -> AsyncIterator[Any]:
    app = create_app(services, scheduler=False)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server(**handler_args())  # the service's own connection settings
    async with TestClient(server) as test_client:
        yield test_client
