"""Helpers for the import tests: a file server on 127.0.0.1 standing in for the pre-authorised
downloadUrl Teams puts in a file attachment, and messages carrying such an attachment."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity, Attachment, ConversationAccount
from botcore_helpers import TENANT

from bot.config import Settings

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


def saved_profile_bytes(settings: Settings) -> dict[str, bytes]:
    """Every stored profile file, byte for byte."""
    return {path.name: path.read_bytes() for path in sorted(settings.data_dir.glob("profiles*"))}


async def send(
    adapter: TestAdapter,
    text: str | None = None,
    *,
    locale: str = "en-US",
    conversation_type: str = "personal",
    attachments: list[Attachment] | None = None,
    value: Any = None,
) -> list[Activity]:
    activity = Activity(
        type="message",
        text=text,
        locale=locale,
        value=value,
        attachments=attachments,
        channel_data={"tenant": {"id": TENANT}},
        conversation=ConversationAccount(
            id="a:conv-1", tenant_id=TENANT, conversation_type=conversation_type
        ),
    )
    adapter.activity_buffer.clear()
    await adapter.receive_activity(activity)
    return list(adapter.activity_buffer)


def file_attachment(url: str, name: str) -> Attachment:
    """The attachment Teams sends for a file in a personal chat."""
    return Attachment(
        content_type=FILE_INFO,
        name=name,
        content={"downloadUrl": url, "uniqueId": "1", "fileType": name.rsplit(".", 1)[-1]},
    )
