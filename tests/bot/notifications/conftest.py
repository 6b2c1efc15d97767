"""Fixtures for the notification tests: fake time, a mock connector, services over TinyDB."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from notify_helpers import FakeTime, MockConnector

from bot.config import Settings
from bot.notifications.config import NotifyConfig
from bot.services import Services, build_services

# 2026-11-21 09:00 UTC: the default scheduled time of November 2026.
START = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime(START)


@pytest.fixture
async def connector() -> AsyncIterator[MockConnector]:
    mock = await MockConnector().start()
    yield mock
    await mock.close()


@pytest.fixture
def notify_config() -> NotifyConfig:
    # Fast, deterministic: 1000 sends/s per tenant; fake sleeps make backoff free.
    return NotifyConfig(rate_per_second=1000, max_tries=4, lease_seconds=600, poll_seconds=1)


@pytest.fixture
async def services(
    tmp_path: Path, fake_time: FakeTime, notify_config: NotifyConfig
) -> AsyncIterator[Services]:
    built = build_services(Settings(data_dir=tmp_path / "data"), clock=fake_time.now)
    built.extras["notify_config"] = notify_config
    yield built
    await built.close()
