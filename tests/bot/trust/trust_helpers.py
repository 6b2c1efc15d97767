"""The trust tests' Teams: users with Entra ids and roles, a Bot Connector that answers roster
lookups like Teams does (GET .../members/{id}, .../pagedmembers), activities from a given user."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import card_schema
from aiohttp import web
from botcore_helpers import PROFILE, MockConnector

from bot.services import Services
from bot.trust import Person, save_profile
from bot.trust.guard import owners_of, versions_of
from scoring import load_profile

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
CARD = "application/vnd.microsoft.card.adaptive"


@dataclass(frozen=True)
class User:
    teams_id: str
    aad: str
    name: str
    role: str = "user"

    def account(self) -> dict[str, Any]:
        return {"id": self.teams_id, "name": self.name, "aadObjectId": self.aad}

    def member(self) -> dict[str, Any]:
        return {**self.account(), "userRole": self.role, "tenantId": TENANT}


ADA = User("29:ada", "00000000-0000-0000-0000-0000000000a1", "Ada Lovelace")
BOB = User("29:bob", "00000000-0000-0000-0000-0000000000b2", "Bob Builder")
GINA = User("29:gina", "00000000-0000-0000-0000-0000000000c3", "Gina Guest", role="guest")


class RosterConnector(MockConnector):
    """The mock connector, plus the conversation's members as Teams lists them."""

    def __init__(self, members: list[User]) -> None:
        super().__init__()
        self.members = {user.teams_id: user for user in members}
        self.roster_refused = False  # the member list answers 403, as for a bot without the permission

    async def _handle(self, request: web.Request) -> web.Response:
        parts = request.path.strip("/").split("/")
        if request.method == "GET" and len(parts) == 5 and parts[3] == "members":
            user = self.members.get(parts[4])
            if user is None:
                return web.json_response({"error": {"code": "MemberNotFoundInConversation",
                                                    "message": "not a member"}}, status=404)
            return web.json_response(user.member())
        if request.method == "GET" and parts[-1] == "pagedmembers" and self.roster_refused:
            return web.json_response({"error": {"code": "Forbidden", "message": "no roster"}}, status=403)
        if request.method == "GET" and parts[-1] == "pagedmembers":
            return web.json_response({"members": [u.member() for u in self.members.values()]})
        return await super()._handle(request)


def message(url: str, user: User, text: str | None = None, *, value: Any = None,
            conversation: str = "19:team-chat@thread.v2", locale: str = "en-US",
            mentions: list[User] = ()) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "message",
        "id": str(uuid.uuid4()),
        "serviceUrl": url,
        "channelId": "msteams",
        "from": user.account(),
        "conversation": {"id": conversation, "conversationType": "groupChat", "tenantId": TENANT},
        "recipient": {"id": "28:bot", "name": "Partner Score"},
        "locale": locale,
        "channelData": {"tenant": {"id": TENANT}},
    }
    if text is not None:
        body["text"] = text
    if value is not None:
        body["value"] = value
    entities = [{"type": "mention", "text": f"<at>{u.name}</at>",
                 "mentioned": {"id": u.teams_id, "name": u.name}} for u in mentions]
    if text and "<at>Partner Score</at>" in text:  # the bot @mentioned, as group chats require
        entities.append({"type": "mention", "text": "<at>Partner Score</at>",
                         "mentioned": {"id": "28:bot", "name": "Partner Score"}})
    if entities:
        body["entities"] = entities
    return body


def cards(connector: MockConnector) -> list[dict[str, Any]]:
    return [a["content"] for act in connector.activities for a in act.get("attachments") or []
            if a.get("contentType") == CARD]


def profile_with(*people: tuple[str, str, list[str]]) -> dict[str, Any]:
    """ARCHITECTURE.md's small profile with these (id, name, certifications) people."""
    return {**PROFILE, "people": [{"id": i, "name": n, "certifications": c} for i, n, c in people]}


def person(user: User) -> Person:
    return Person(user.aad, user.name, user.role)


async def seed(services: Services) -> None:
    """Ada saved the first data (so she owns it), then added Grace: versions 1 and 2."""
    await save_profile(services, TENANT, load_profile(PROFILE), editor=person(ADA), via="intake")
    grown = profile_with(("p1", "Ada", ["AZ-305", "AZ-104"]), ("p2", "Grace", ["AZ-104"]))
    await save_profile(services, TENANT, load_profile(grown), editor=person(ADA), via="intake", base=1)


async def snapshot(services: Services) -> tuple[Any, ...]:
    profile = await services.profiles.get(TENANT)
    versions = await versions_of(services).entries(TENANT)
    owners = await owners_of(services).owners(TENANT)
    return (profile.model_dump(mode="json") if profile else None, [v.number for v in versions],
            [o.id for o in owners])


async def say(client: Any, connector: Any, user: User, text: str | None = None, **fields: Any) -> list[str]:
    connector.calls.clear()
    response = await client.post("/api/messages", json=message(connector.url, user, text, **fields))
    assert response.status in (200, 201), await response.text()
    return [text for text in connector.texts() if text]


async def section_update_to_review(client: Any, connector: Any, user: User, conversation: str,
                                   bulk: str) -> dict[str, Any]:
    """`user` says "update my people", adds people by bulk paste, goes to review: the review card."""
    await say(client, connector, user, "update my people", conversation=conversation)
    for nav, inputs in (("bulk", {"bulk": bulk}), ("next", {})):
        card = cards(connector)[-1]
        action = next(a for a in card_schema.actions(card) if (_nav(a) or ("",))[0] == nav)
        await say(client, connector, user, value={**action["data"], **inputs}, conversation=conversation)
    review = cards(connector)[-1]
    assert {_nav(a)[1] for a in card_schema.actions(review) if _nav(a)} == {"review"}
    return review


def _nav(action: dict[str, Any]) -> tuple[str, str] | None:
    meta = (action.get("data") or {}).get("intake")
    return (meta["nav"], meta["step"]) if isinstance(meta, dict) else None


async def confirm(client: Any, connector: Any, user: User, conversation: str,
                  review: dict[str, Any]) -> list[str]:
    action = next(a for a in card_schema.actions(review) if (_nav(a) or ("",))[0] == "confirm")
    return await say(client, connector, user, value=action["data"], conversation=conversation)
