"""Helpers for the bot core tests: a mock Bot Connector (a real aiohttp server on 127.0.0.1 that
captures replies), fake parts for routing tests, activity builders. Imported by the tests by name
(tests/bot/core is on sys.path under pytest's default import mode)."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.handler import Parts

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
OTHER_TENANT = "0a1b2c3d-0000-4000-8000-000000000002"
# A small valid profile (ARCHITECTURE.md's example).
PROFILE = {
    "partner": {"id": "4412345", "name": "Contoso Ltd", "market": "developed"},
    "as_of": "2026-10-31",
    "rules": "2023-H2",
    "people": [{"id": "p1", "name": "Ada", "certifications": ["AZ-305", "AZ-104"]}],
    "usage": {
        "eligible_customers_last_month": 5,
        "eligible_customers_same_month_last_year": 3,
        "acr_last_month": 112700.0,
        "acr_same_month_last_year": 100000.0,
        "deployed_services": ["Azure SQL Database"],
    },
}


@dataclass
class Captured:
    method: str
    path: str
    body: dict[str, Any] | None
    headers: dict[str, str]
    peer: tuple[str, int]


class MockConnector:
    """The Bot Connector service a serviceUrl points to: records every call, answers like Teams."""

    def __init__(self) -> None:
        self.calls: list[Captured] = []
        self.fail_next: list[int] = []  # statuses to answer with before succeeding (retry tests)
        self._ids = itertools.count(1)
        self.server: TestServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("/"))

    @property
    def activities(self) -> list[dict[str, Any]]:
        return [call.body for call in self.calls if call.method == "POST" and call.body is not None]

    def texts(self) -> list[str | None]:
        return [activity.get("text") for activity in self.activities]

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.json() if request.can_read_body else None
        peer = request.transport.get_extra_info("peername") if request.transport else ("?", 0)
        captured = Captured(request.method, request.path, body, dict(request.headers), tuple(peer[:2]))
        self.calls.append(captured)
        if self.fail_next:
            return web.json_response(
                {"error": {"code": "ServiceError", "message": "try again"}}, status=self.fail_next.pop(0)
            )
        return web.json_response({"id": f"reply-{next(self._ids)}"}, status=200)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()


@pytest.fixture
async def connector() -> AsyncIterator[MockConnector]:
    """A started mock Bot Connector, closed after the test (imported by the core and QA conftests)."""
    mock = MockConnector()
    await mock.start()
    yield mock
    await mock.close()


@dataclass
class FakeAnswer:
    text: str
    card: dict[str, Any] | None = None
    intent: str = "score"
    area: str | None = None
    section: str | None = None
    suggestions: list[str] = field(default_factory=list)


@dataclass
class FakeContext:
    locale: str
    profile: Any = None
    scorecard: Any = None
    last_area: Any = None
    memory: Any = None


class FakeParts:
    """Stand-ins for questions/intake/notifications that record the order of calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.intake_consumes = False
        self.next_answer: FakeAnswer | None = None
        self.card_for_verb: dict[str, dict[str, Any]] = {}

    def parts(self) -> Parts:
        return Parts(
            answer=self.answer,
            answer_action=self.answer_action,
            answer_context=FakeContext,
            run_intake_turn=self.run_intake_turn,
            start_intake=self.start_intake,
            on_card_action=self.on_card_action,
            on_activity=self.on_activity,
            set_subscription=self.set_subscription,
        )

    def answer(self, text: str, ctx: FakeContext) -> FakeAnswer:
        self.calls.append(("answer", (text, ctx)))
        if text == "boom":
            raise RuntimeError("simulated bug in the questions part")
        area = "data_ai" if "data" in text else "infrastructure" if "infra" in text else None
        return self.next_answer or FakeAnswer(
            text=f"answer to {text!r} in {ctx.locale}", area=area
        )

    def answer_action(self, action: str, area: Any, ctx: FakeContext) -> FakeAnswer:
        self.calls.append(("answer_action", (action, area, ctx)))
        return FakeAnswer(text=f"action {action} for {area}", area=area)

    async def run_intake_turn(self, turn_context: Any, services: Any) -> bool:
        self.calls.append(("run_intake_turn", turn_context.activity.text))
        return self.intake_consumes

    async def start_intake(self, turn_context: Any, services: Any, section: str | None = None) -> None:
        self.calls.append(("start_intake", section))
        await turn_context.send_activity("intake started")

    async def on_card_action(self, turn_context: Any, services: Any, verb: str, data: dict) -> dict | None:
        self.calls.append(("on_card_action", (verb, data)))
        if verb == "boom":
            raise RuntimeError("simulated bug in the intake part")
        return self.card_for_verb.get(verb)

    async def on_activity(self, turn_context: Any, services: Any) -> None:
        self.calls.append(("on_activity", turn_context.activity.type))

    async def set_subscription(self, turn_context: Any, services: Any, on: bool) -> str:
        self.calls.append(("set_subscription", on))
        return "subscribed" if on else "unsubscribed"

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]


def activity(
    service_url: str,
    text: str | None = "what is my score?",
    *,
    tenant: str | None = TENANT,
    conversation: str = "conv-1",
    locale: str = "en-US",
    type: str = "message",
    value: Any = None,
    name: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": type,
        "id": str(uuid.uuid4()),
        "timestamp": "2026-11-03T10:00:00.000Z",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": {"id": "29:user-ada", "name": "Ada", "aadObjectId": "00000000-0000-0000-0000-0000000000a1"},
        "conversation": {"id": conversation, "conversationType": "personal", "tenantId": tenant},
        "recipient": {"id": "28:bot", "name": "Partner Score"},
        "locale": locale,
        "channelData": {"tenant": {"id": tenant}} if tenant else {},
    }
    if text is not None:
        body["text"] = text
    if value is not None:
        body["value"] = value
    if name is not None:
        body["name"] = name
    if not tenant:
        body["conversation"].pop("tenantId")
    body.update(extra)
    return body
