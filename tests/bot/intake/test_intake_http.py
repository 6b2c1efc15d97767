"""The intake through the real service over HTTP, as the Agents Playground and Teams drive it:
Action.Submit arrives as a message with `value` (replies go to the connector), Action.Execute as an
`adaptiveCard/action` invoke (the card comes back in the HTTP response, shown in place)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from backends import both_backends
from intake_harness import ORG, USAGE, card_schema

from bot.app import create_app
from bot.config import Settings
from bot.services import Services, build_services

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
CARD = "application/vnd.microsoft.card.adaptive"

pytestmark = both_backends  # the whole service: its state and the saved profile


class Connector:
    """The Bot Connector a serviceUrl points to: records the bot's replies."""

    def __init__(self) -> None:
        self.activities: list[dict[str, Any]] = []
        self.server: TestServer | None = None

    async def _handle(self, request: web.Request) -> web.Response:
        if request.can_read_body:
            self.activities.append(await request.json())
        return web.json_response({"id": f"r-{len(self.activities)}"})

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()
        return str(self.server.make_url("/"))

    def cards(self) -> list[dict[str, Any]]:
        return [
            a["content"]
            for act in self.activities
            for a in act.get("attachments") or []
            if a.get("contentType") == CARD
        ]


@pytest.fixture
async def setup(
    storage_settings: dict[str, Any],
) -> AsyncIterator[tuple[TestClient, Connector, str, Services]]:
    connector = Connector()
    url = await connector.start()
    services = build_services(
        Settings(**storage_settings, port=3978),
        clock=lambda: dt.datetime(2026, 10, 31, 9, 0, tzinfo=dt.UTC),
    )
    app = create_app(services, scheduler=False)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield client, connector, url, services
    await services.close()
    assert connector.server is not None
    await connector.server.close()


def activity(url: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "channelId": "msteams",
        "serviceUrl": url,
        "locale": "en-US",
        "from": {"id": "29:user-ada", "name": "Ada"},
        "recipient": {"id": "28:bot", "name": "Partner Score"},
        "conversation": {"id": "a:conv-1", "conversationType": "personal", "tenantId": TENANT},
        "channelData": {"tenant": {"id": TENANT}},
        **fields,
    }


def meta_data(card: dict[str, Any], nav: str) -> tuple[str, dict[str, Any]]:
    for action in card_schema.actions(card):
        data = action.get("data")
        if (
            isinstance(data, dict)
            and isinstance(data.get("intake"), dict)
            and data["intake"].get("nav") == nav
        ):
            return action.get("verb", ""), data
    raise AssertionError(f"no {nav} button")


async def test_install_to_scorecard_with_submit_and_execute_over_http(setup: Any) -> None:
    client, connector, url, services = setup
    install = activity(url, type="conversationUpdate", membersAdded=[{"id": "28:bot"}])
    assert (await client.post("/api/messages", json=install)).status in (200, 201)
    card = connector.cards()[-1]  # welcome, then the first intake card (no profile yet)
    card_schema.assert_valid_card(card)
    _, data = meta_data(card, "next")

    # Action.Submit, as the Playground sends it: a message whose value is data + inputs.
    response = await client.post("/api/messages", json=activity(url, type="message", value={**data, **ORG}))
    assert response.status in (200, 201)
    card = connector.cards()[-1]
    assert card_schema.texts(card).count("Solution areas") == 1

    # Action.Execute: an invoke; the next card is the HTTP response body, nothing goes to the connector.
    sent_before = len(connector.activities)
    for inputs in (
        {"areas": "data_ai"},
        {"bulk": "Ada: AZ-305, AZ-104"},
        USAGE,
        {"services": "Azure Functions"},
    ):
        verb, data = meta_data(card, "next")
        invoke = activity(
            url,
            type="invoke",
            name="adaptiveCard/action",
            value={"action": {"type": "Action.Execute", "verb": verb, "data": {**data, **inputs}}},
        )
        response = await client.post("/api/messages", json=invoke)
        assert response.status == 200
        body = await response.json()
        assert body["statusCode"] == 200 and body["type"] == CARD
        card = body["value"]
        card_schema.assert_valid_card(card)
    assert "Review and confirm" in card_schema.texts(card)
    verb, data = meta_data(card, "confirm")
    invoke = activity(
        url,
        type="invoke",
        name="adaptiveCard/action",
        value={"action": {"type": "Action.Execute", "verb": verb, "data": data}},
    )
    body = await (await client.post("/api/messages", json=invoke)).json()
    assert "Partner capability score" in card_schema.texts(body["value"])
    assert len(connector.activities) == sent_before
    saved = await services.profiles.get(TENANT)
    assert saved is not None and [p.name for p in saved.people] == ["Ada"]


async def test_update_my_people_opens_that_section_and_hostile_invokes_get_a_card(setup: Any) -> None:
    client, connector, url, services = setup
    from intake_harness import contoso_profile_data

    from scoring import load_profile

    await services.profiles.put(TENANT, load_profile(contoso_profile_data()))
    message = activity(url, type="message", text="update my people", locale="en-US")
    assert (await client.post("/api/messages", json=message)).status in (200, 201)
    card = connector.cards()[-1]
    assert "People and certifications" in card_schema.texts(card) and "Grace" in card_schema.texts(card)
    hostile = activity(
        url,
        type="invoke",
        name="adaptiveCard/action",
        value={
            "action": {
                "type": "Action.Execute",
                "verb": "intake.next",
                "data": {"intake": {"nav": ["x"]}, "bulk": {"$gt": 1}},
            }
        },
    )
    response = await client.post("/api/messages", json=hostile)
    assert response.status == 200
    assert "here is where you are now" in card_schema.texts((await response.json())["value"])
