"""Import test fixtures: the real bot over TinyDB files, and the loopback file server."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import ChannelAccount, ConversationAccount, ConversationReference
from botcore_helpers import PROFILE, TENANT
from import_chat import FileServer

from bot.config import Settings
from bot.handler import ScoreBot, on_turn_error
from bot.services import Services, build_services
from scoring import load_profile


@pytest.fixture
async def files() -> AsyncIterator[FileServer]:
    server = FileServer()
    await server.start()
    yield server
    assert server.server is not None
    await server.server.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", import_allow_loopback_http=True)


@pytest.fixture
async def services(settings: Settings) -> AsyncIterator[Services]:
    built = build_services(settings, clock=lambda: dt.datetime(2026, 11, 3, 10, 0, tzinfo=dt.UTC))
    await built.profiles.put(TENANT, load_profile(PROFILE))
    yield built
    await built.close()


@pytest.fixture
def chat(services: Services) -> TestAdapter:
    bot = ScoreBot(services)
    reference = ConversationReference(
        channel_id="msteams",
        service_url="https://smba.trafficmanager.net/emea/",
        user=ChannelAccount(id="29:ada", name="Ada"),
        bot=ChannelAccount(id="28:bot", name="Partner Score"),
        conversation=ConversationAccount(id="a:conv-1", conversation_type="personal", tenant_id=TENANT),
    )
    adapter = TestAdapter(bot.on_turn, reference)
    adapter.on_turn_error = on_turn_error
    return adapter


