"""Fixtures: the real service (real parts, TinyDB) over HTTP, a roster-aware mock connector, a clock
the tests move."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from trust_helpers import ADA, BOB, GINA, RosterConnector

from bot.app import create_app
from bot.config import Settings
from bot.services import Services, build_services


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 3, 10, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def edit_rights() -> str:
    return "owners"


@pytest.fixture
def services(tmp_path: Path, clock: Clock, edit_rights: str) -> Services:
    settings = Settings(data_dir=tmp_path / "data", port=3978, edit_rights=edit_rights)
    return build_services(settings, clock=clock)


@pytest.fixture
async def connector() -> AsyncIterator[RosterConnector]:
    mock = RosterConnector([ADA, BOB, GINA])
    await mock.start()
    yield mock
    await mock.close()


@pytest.fixture
async def client(services: Services) -> AsyncIterator[Any]:
    app = create_app(services, scheduler=False)
    async with TestClient(TestServer(app, host="127.0.0.1")) as test_client:
        yield test_client
    await services.close()
