"""Test doubles for the notification tests and the fan-out benchmark.

- `MockConnector`: a Bot Connector on 127.0.0.1 (the conversations' serviceUrl) that records every
  activity and answers from a per-conversation script of faults (429 with/without Retry-After,
  500, 503, 403 with a Teams error code, 404), or at random for the benchmark.
- `FakeTime`: an injectable clock, monotonic clock and sleep; sleeping advances time at once.
- `activity()`: Teams-shaped activities (install, uninstall, message, teamDeleted).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import random
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from botbuilder.schema import Activity

from scoring import load_profile

BOT_ID = "28:notify-test-bot"


@dataclass
class Fault:
    status: int
    retry_after: str | None = None
    code: str | None = None  # Teams error code in the body (403: ConversationBlockedByUser, ...)
    delay: float = 0.0  # seconds between taking the request (a 201 counts as delivered) and answering


OK = Fault(201)


@dataclass
class MockConnector:
    """Scripted faults per conversation id: each POST consumes the next Fault; then 201."""

    script: dict[str, list[Fault]] = field(default_factory=dict)
    random_429: float = 0.0  # benchmark: this share of first attempts answers 429
    seed: int = 7
    on_request: Callable[[str, int], Awaitable[None] | None] | None = None  # (conversation, n) hook
    delivered: Counter[str] = field(default_factory=Counter)
    attempts: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    activities: list[dict[str, Any]] = field(default_factory=list)
    authorization: list[str | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._runner: web.AppRunner | None = None
        self.url = ""
        self.requests = 0

    async def _post(self, request: web.Request) -> web.Response:
        conversation = request.match_info["conversation"]
        body = await request.json()
        self.requests += 1
        self.attempts[conversation] += 1
        self.authorization.append(request.headers.get("Authorization"))
        if self.on_request is not None:
            result = self.on_request(conversation, self.requests)
            if asyncio.iscoroutine(result):
                await result
        queue = self.script.get(conversation)
        fault = queue.pop(0) if queue else OK
        first = self.attempts[conversation] == 1
        if fault is OK and self.random_429 and first and self._rng.random() < self.random_429:
            fault = Fault(429, "0" if self._rng.random() < 0.5 else None)
        self.statuses[fault.status] += 1
        if fault.status >= 400:
            headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
            error = {"error": {"code": fault.code or "ServiceError", "message": f"injected {fault.status}"}}
            return web.json_response(error, status=fault.status, headers=headers)
        self.delivered[conversation] += 1
        self.activities.append({**body, "path_conversation": conversation})
        if fault.delay:
            await asyncio.sleep(fault.delay)  # accepted; the answer comes late (or never reaches the bot)
        return web.json_response({"id": f"activity-{self.requests}"}, status=fault.status)

    async def _stats(self, _: web.Request) -> web.Response:
        """Counters for a connector running in another process (the benchmark)."""
        return web.json_response(
            {
                "delivered": dict(self.delivered),
                "statuses": {str(k): v for k, v in self.statuses.items()},
                "requests": self.requests,
            }
        )

    async def start(self, port: int = 0) -> MockConnector:
        app = web.Application()
        app.router.add_post("/v3/conversations/{conversation}/activities", self._post)
        app.router.add_post("/v3/conversations/{conversation}/activities/{activity}", self._post)
        app.router.add_get("/_stats", self._stats)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}/"
        return self

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


class FakeTime:
    """now() and monotonic() move only when someone sleeps (by the time slept)."""

    def __init__(self, start: dt.datetime) -> None:
        self.current = start
        self.mono = 1000.0
        self.slept: list[float] = []

    def now(self) -> dt.datetime:
        return self.current

    def monotonic(self) -> float:
        return self.mono

    def advance(self, seconds: float) -> None:
        self.current += dt.timedelta(seconds=seconds)
        self.mono += seconds

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.advance(max(0.0, seconds))
        await asyncio.sleep(0)


def activity(
    kind: str,
    *,
    tenant: str = "tenant-a",
    conversation: str = "a:personal-1",
    service_url: str = "http://127.0.0.1:9/",
    locale: str = "en-US",
    action: str | None = None,
    event_type: str | None = None,
    team: str | None = None,
    conversation_type: str = "personal",
    text: str | None = None,
    members_removed: list[str] | None = None,
) -> Activity:
    channel_data: dict[str, Any] = {"tenant": {"id": tenant}}
    if event_type:
        channel_data["eventType"] = event_type
    if team:
        channel_data["team"] = {"id": team}
    payload: dict[str, Any] = {
        "type": kind,
        "id": "incoming-1",
        "channelId": "msteams",
        "serviceUrl": service_url,
        "locale": locale,
        "from": {"id": "29:user-1", "name": "Ada", "aadObjectId": "aad-1"},
        "recipient": {"id": BOT_ID, "name": "Partner Score"},
        "conversation": {"id": conversation, "tenantId": tenant, "conversationType": conversation_type},
        "channelData": channel_data,
    }
    if action:
        payload["action"] = action
    if text is not None:
        payload["text"] = text
    if members_removed:
        payload["membersRemoved"] = [{"id": member} for member in members_removed]
    return Activity().deserialize(payload)


def profile_data(**changes: Any) -> dict[str, Any]:
    """A 2023-H2 profile scored on 2026-11-21: Infrastructure 72/70 qualifies; Ada's AZ-140 expires on
    2026-12-15 and without it Infrastructure drops to 68 and is lost; Digital & App Innovation is blocked
    by zero certification metrics."""
    data: dict[str, Any] = {
        "partner": {"id": "4412345", "name": "Contoso Ltd", "market": "developed"},
        "as_of": "2026-10-31",
        "rules": "2023-H2",
        "people": [
            {
                "id": "p1",
                "name": "Ada",
                "certifications": ["AZ-305", {"id": "AZ-140", "expires": "2026-12-15"}, "AZ-104"],
            },
            {"id": "p2", "name": "Grace", "certifications": ["AZ-305", "AZ-104", "AZ-140"]},
            {"id": "p3", "name": "Linus", "certifications": ["AZ-104", "AZ-140", "DP-300"]},
            {"id": "p4", "name": "Ken", "certifications": ["AZ-104", "AZ-700"]},
        ],
        "usage": {
            "eligible_customers_last_month": 9,
            "eligible_customers_same_month_last_year": 3,
            "acr_last_month": 150000.0,
            "acr_same_month_last_year": 100000.0,
            "deployed_services": ["Azure SQL Database", "Azure App Service", "Azure Virtual Machines"],
        },
    }
    data.update(changes)
    return data


def profile(**changes: Any) -> Any:
    return load_profile(json.dumps(profile_data(**changes)))


async def turn(services: Any, act: Activity) -> None:
    """One turn's notification hook, as the handler runs it."""
    from botbuilder.core import TurnContext

    from bot.notifications import on_activity

    await on_activity(TurnContext(services.adapter, act), services)


async def install(
    services: Any, url: str, conversations: list[str], *, tenant: str = "tenant-a", locale: str = "en-US"
) -> None:
    for conversation in conversations:
        await turn(
            services,
            activity(
                "installationUpdate",
                action="add",
                conversation=conversation,
                service_url=url,
                tenant=tenant,
                locale=locale,
            ),
        )
