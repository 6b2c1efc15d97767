"""Import tests: the real bot over TinyDB files, and a file server on 127.0.0.1 standing in for the
pre-authorised downloadUrl Teams puts in a file attachment."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity, Attachment, ChannelAccount, ConversationAccount, ConversationReference
from botcore_helpers import PROFILE, TENANT

from bot.config import Settings
from bot.handler import ScoreBot, on_turn_error
from bot.services import Services, build_services
from scoring import load_profile

FILE_INFO = "application/vnd.microsoft.teams.file.download.info"


class FileServer:
    """Serves registered bodies at /files/<name>; counts the downloads."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.hits: list[str] = []
        self.server: TestServer | None = None

    def add(self, name: str, data: bytes) -> str:
        self.files[name] = data
        assert self.server is not None
        return str(self.server.make_url(f"/files/{name}"))

    async def _serve(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        self.hits.append(name)
        if name not in self.files:
            return web.Response(status=404)
        return web.Response(body=self.files[name], content_type="application/octet-stream")

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/files/{name}", self._serve)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()


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
        channel_id="msteams", service_url="https://smba.trafficmanager.net/emea/",
        user=ChannelAccount(id="29:ada", name="Ada"), bot=ChannelAccount(id="28:bot", name="Partner Score"),
        conversation=ConversationAccount(id="a:conv-1", conversation_type="personal", tenant_id=TENANT))
    adapter = TestAdapter(bot.on_turn, reference)
    adapter.on_turn_error = on_turn_error
    return adapter


def saved_profile_bytes(settings: Settings) -> dict[str, bytes]:
    """Every stored profile file, byte for byte."""
    return {path.name: path.read_bytes() for path in sorted(settings.data_dir.glob("profiles*"))}


async def send(adapter: TestAdapter, text: str | None = None, *, locale: str = "en-US",
               conversation_type: str = "personal", attachments: list[Attachment] | None = None,
               value: Any = None) -> list[Activity]:
    activity = Activity(type="message", text=text, locale=locale, value=value, attachments=attachments,
                        channel_data={"tenant": {"id": TENANT}},
                        conversation=ConversationAccount(id="a:conv-1", tenant_id=TENANT,
                                                         conversation_type=conversation_type))
    adapter.activity_buffer.clear()
    await adapter.receive_activity(activity)
    return list(adapter.activity_buffer)


def file_attachment(url: str, name: str) -> Attachment:
    """The attachment Teams sends for a file in a personal chat."""
    return Attachment(content_type=FILE_INFO, name=name,
                      content={"downloadUrl": url, "uniqueId": "1", "fileType": name.rsplit(".", 1)[-1]})
