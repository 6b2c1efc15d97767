"""Intake test fixtures (the harness itself is in intake_harness.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from azurite import azurite, blob_container  # noqa: F401 (fixtures the blob backend asks for)
from backends import backend, storage_settings  # noqa: F401 (fixtures)
from intake_harness import TENANT, FakeServices, Harness, contoso_profile_data

from bot.config import Settings
from bot.storage.factory import open_storage

OpenServices = Callable[[], FakeServices]


@pytest.fixture
async def open_services(storage_settings: dict[str, Any]) -> AsyncIterator[OpenServices]:  # noqa: F811
    """Opens services over ONE store, as the process after a restart does; all closed at the end."""
    opened: list[FakeServices] = []

    def opener() -> FakeServices:
        opened.append(FakeServices.over(open_storage(Settings(**storage_settings))))
        return opened[-1]

    yield opener
    for services in opened:
        await services.storage.close()


@pytest.fixture
def services(open_services: OpenServices) -> FakeServices:
    return open_services()


@pytest.fixture
def harness(services: FakeServices) -> Harness:
    return Harness(services)


@pytest.fixture
async def saved(services: FakeServices) -> Any:
    """A tenant that already has a saved profile."""
    from scoring import load_profile

    profile = load_profile(contoso_profile_data())
    await services.profiles.put(TENANT, profile)
    return profile
