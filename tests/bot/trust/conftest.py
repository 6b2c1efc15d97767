"""Fixtures: the real service (real parts; TinyDB, or Azure Blob Storage on Azurite) over HTTP, a
roster-aware mock connector, a clock the tests move."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from azurite import azurite, blob_container  # noqa: F401 (fixtures the blob backend asks for)
from backends import backend, storage_settings  # noqa: F401 (fixtures)
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
async def services(storage_settings: dict[str, Any], clock: Clock, edit_rights: str  # noqa: F811
                   ) -> AsyncIterator[Services]:
    built = build_services(Settings(**storage_settings, port=3978, edit_rights=edit_rights), clock=clock)
    yield built
    await built.close()


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
