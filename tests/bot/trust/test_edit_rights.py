"""Who may change the data, through the real service over HTTP: every write path attempted by a
non-owner and by a guest is refused with who can, and nothing changes; owners hand over."""

from __future__ import annotations

import dataclasses
from typing import Any

import card_schema
import pytest
from botcore_helpers import PROFILE
from trust_helpers import ADA, BOB, GINA, TENANT, User, cards, message, profile_with

from bot.services import Services
from bot.trust import Person, save_profile
from bot.trust.guard import owners_of, versions_of
from scoring import load_profile

NOT_OWNER = ("Only the owners of your organisation's data can change it: Ada Lovelace. Ask one of them "
             "to make the change, or to make you an owner (\"add @you as owner\"). Nothing was changed.")
GUEST = "Guests can ask me anything, but can't change the organisation's data. Nothing was changed."


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


WRITES = {
    "update my data": {"text": "update my data"},
    "update my people": {"text": "update my people"},
    "undo": {"text": "undo"},
    "restore button": {"value": {"trust": {"op": "restore", "version": 1, "base": 2}}},
    "undo button": {"value": {"trust": {"op": "undo", "base": 2}}},
    "add owner": {"text": "<at>Partner Score</at> add <at>Bob Builder</at> as owner", "mentions": [BOB]},
    "remove owner": {"text": "remove <at>Ada Lovelace</at> as owner", "mentions": [ADA]},
    "make owner button": {"value": {"trust": {"op": "add_owner", "member": BOB.teams_id}}},
    "remove owner button": {"value": {"trust": {"op": "remove_owner", "owner": ADA.aad}}},
}


@pytest.mark.parametrize("path", list(WRITES))
@pytest.mark.parametrize(("user", "refusal"), [(BOB, NOT_OWNER), (GINA, GUEST)], ids=["non-owner", "guest"])
async def test_every_write_path_refuses_non_owners_and_guests_and_changes_nothing(
        client: Any, connector: Any, services: Services, path: str, user: User, refusal: str) -> None:
    await seed(services)
    before = await snapshot(services)
    texts = await say(client, connector, user, **WRITES[path])
    assert texts == [refusal]
    assert cards(connector) == []  # no intake form that could never be saved
    assert await snapshot(services) == before


async def section_update_to_review(client: Any, connector: Any, user: User, conversation: str,
                                   bulk: str) -> dict[str, Any]:
    """`user` says "update my people", adds people by bulk paste, goes to review: the review card."""
    await say(client, connector, user, "update my people", conversation=conversation)
    for nav, inputs in (("bulk", {"bulk": bulk}), ("next", {})):
        card = cards(connector)[-1]
        action = next(a for a in card_schema.actions(card) if (a.get("data") or {}).get("intake", {})
                      .get("nav") == nav)
        await say(client, connector, user, value={**action["data"], **inputs}, conversation=conversation)
    review = cards(connector)[-1]
    assert "Confirm" in card_schema.texts(review) or any(
        a["data"]["intake"]["nav"] == "confirm" for a in card_schema.actions(review) if "intake" in a.get("data", {}))
    return review


async def confirm(client: Any, connector: Any, user: User, conversation: str, review: dict[str, Any]) -> list[str]:
    action = next(a for a in card_schema.actions(review) if (a.get("data") or {}).get("intake", {})
                  .get("nav") == "confirm")
    return await say(client, connector, user, value=action["data"], conversation=conversation)


async def test_an_intake_confirm_by_someone_no_longer_an_owner_is_refused_on_the_card(
        client: Any, connector: Any, services: Services) -> None:
    await seed(services)
    review = await section_update_to_review(client, connector, ADA, "a:ada", "Carl: AZ-104")
    await owners_of(services).add(TENANT, person(BOB), added_by=ADA.aad)
    await owners_of(services).remove(TENANT, ADA.aad)  # Bob took over while Ada was typing
    before = await snapshot(services)
    await confirm(client, connector, ADA, "a:ada", review)
    shown = card_schema.texts(cards(connector)[-1])
    assert "The data could not be saved: Only the owners of your organisation's data can change it: " \
           "Bob Builder." in shown
    assert "Carl" in shown  # the draft is still there
    assert await snapshot(services) == before


async def test_an_intake_confirm_by_a_guest_is_refused_on_the_card(
        client: Any, connector: Any, services: Services) -> None:
    await seed(services)
    review = await section_update_to_review(client, connector, ADA, "a:ada", "Carl: AZ-104")
    connector.members[ADA.teams_id] = dataclasses.replace(ADA, role="guest")  # Ada is a guest now
    before = await snapshot(services)
    await confirm(client, connector, ADA, "a:ada", review)
    assert f"The data could not be saved: {GUEST}" in card_schema.texts(cards(connector)[-1])
    assert await snapshot(services) == before


async def test_owners_hand_over_and_the_last_owner_cannot_be_removed(
        client: Any, connector: Any, services: Services) -> None:
    await seed(services)
    assert await say(client, connector, ADA, "add <at>Bob Builder</at> as owner", mentions=[BOB]) == [
        "Bob Builder is now an owner of your organisation's data."]
    assert await say(client, connector, BOB, "remove <at>Ada Lovelace</at> as owner", mentions=[ADA]) == [
        "Ada Lovelace is no longer an owner."]
    assert await say(client, connector, BOB, "remove Bob Builder as owner") == [
        "Bob Builder is the last owner, and the data must keep one: add another owner first."]
    assert [o.name for o in await owners_of(services).owners(TENANT)] == ["Bob Builder"]
    assert await say(client, connector, ADA, "undo") == [NOT_OWNER.replace("Ada Lovelace", "Bob Builder")]
    assert await say(client, connector, BOB, "add <at>Gina Guest</at> as owner", mentions=[GINA]) == [
        "Gina Guest is a guest in your organisation, and guests can't be owners."]
    # The owners card: Bob with a Remove button; members who could become owners (not the guest).
    texts = await say(client, connector, BOB, "who are the owners?")
    assert texts == ["The owners of your organisation's data: Bob Builder. Only they can change it."]
    card = cards(connector)[-1]
    buttons = [(a["title"], a["data"]["trust"]) for a in card_schema.actions(card)]
    assert buttons == [("Remove", {"op": "remove_owner", "owner": BOB.aad}),
                       ("Make owner", {"op": "add_owner", "member": ADA.teams_id})]
    assert await say(client, connector, BOB, value={"trust": buttons[1][1]}) == [
        "Ada Lovelace is now an owner of your organisation's data."]
    assert [o.id for o in await owners_of(services).owners(TENANT)] == [BOB.aad, ADA.aad]


@pytest.mark.parametrize("edit_rights", ["everyone"])
async def test_with_edit_rights_everyone_a_member_may_undo_but_a_guest_still_may_not(
        client: Any, connector: Any, services: Services) -> None:
    await seed(services)
    assert await say(client, connector, GINA, "undo") == [GUEST]
    assert await say(client, connector, BOB, "undo") == [
        "Undone: version 1 is back, saved as version 3."]
    latest = (await versions_of(services).entries(TENANT))[-1]
    assert (latest.by_name, latest.via, latest.restored_from) == ("Bob Builder", "restore", 1)
