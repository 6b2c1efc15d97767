"""Fixtures for the bot core tests (helpers live in botcore_helpers.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from azurite import azurite, blob_container  # noqa: F401 (fixtures the blob backend asks for)
from backends import backend, backend_fields, storage_settings  # noqa: F401 (fixtures)
from botbuilder.core import MemoryStorage, Storage
from botcore_helpers import FakeParts, connector  # noqa: F401 (connector: a shared fixture)

from bot.app import create_app
from bot.config import Settings
from bot.server import handler_args
from bot.services import Services, build_services
from bot.storage.blob import BlobStorage
from bot.storage.tinydb_storage import TinyDBStorage


@pytest.fixture
def settings(storage_settings: dict[str, Any]) -> Settings:  # noqa: F811
    return Settings(**storage_settings, port=3978)


@pytest.fixture
def clock() -> Any:
    return lambda: dt.datetime(2026, 11, 3, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
async def services(settings: Settings, clock: Any) -> AsyncIterator[Services]:
    built = build_services(settings, clock=clock)
    yield built
    await built.close()


@pytest.fixture
def fake_parts() -> FakeParts:
    return FakeParts()


@pytest.fixture
async def client(services: Services, fake_parts: FakeParts) -> AsyncIterator[TestClient]:
    app = create_app(services, fake_parts.parts(), scheduler=False)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server(**handler_args())  # the service's own connection settings
    async with TestClient(server) as test_client:
        yield test_client


@pytest.fixture(params=["tinydb", "memory", "blob"])
async def any_storage(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Storage]:
    """Each botbuilder Storage the domain stores run over in these tests: TinyDB files, memory, and
    Azure Blob Storage on Azurite (a fresh container per test)."""
    if request.param == "memory":
        yield MemoryStorage()
        return
    if request.param == "blob":
        blob = BlobStorage.from_settings(Settings(**backend_fields(request, "blob", tmp_path)))
        yield blob
        await blob.close()
        return
    store = TinyDBStorage(tmp_path)
    yield store
    store.close_sync()
