"""Who may change the data, through the real service over HTTP: every write path attempted by a
non-owner and by a guest is refused with who can, and nothing changes; owners hand over."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import card_schema
import pytest
from backends import both_backends
from trust_helpers import (
    ADA,
    BOB,
    GINA,
    TENANT,
    User,
    cards,
    confirm,
    person,
    say,
    section_update_to_review,
    seed,
    snapshot,
)

from bot.services import Services
from bot.trust.guard import owners_of, versions_of
from cards.i18n import t

NOT_OWNER = ("Only the owners of your organisation's data can change it: Ada Lovelace. Ask one of them "
             "to make the change, or to make you an owner (\"add @you as owner\"). Nothing was changed.")
GUEST = "Guests can ask me anything, but can't change the organisation's data. Nothing was changed."


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


# The guard refuses before anything is stored, the same on both backends: the matrix runs on TinyDB,
# the refusals below that reach the store (an intake confirm, owners) on both.
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


@both_backends
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


@both_backends
async def test_an_intake_confirm_by_a_guest_is_refused_on_the_card(
        client: Any, connector: Any, services: Services) -> None:
    await seed(services)
    review = await section_update_to_review(client, connector, ADA, "a:ada", "Carl: AZ-104")
    connector.members[ADA.teams_id] = dataclasses.replace(ADA, role="guest")  # Ada is a guest now
    before = await snapshot(services)
    await confirm(client, connector, ADA, "a:ada", review)
    assert f"The data could not be saved: {GUEST}" in card_schema.texts(cards(connector)[-1])
    assert await snapshot(services) == before


@both_backends
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


@both_backends
async def test_without_the_member_list_the_owners_card_says_so_and_a_typed_name_is_not_guessed(
        client: Any, connector: Any, services: Services) -> None:
    await seed(services)
    connector.roster_refused = True
    assert await say(client, connector, ADA, "who are the owners?") == [
        "The owners of your organisation's data: Ada Lovelace. Only they can change it."]
    card_text = json.dumps(cards(connector)[-1], ensure_ascii=False)
    assert t("en", "trust.members_unavailable").replace('"', '\\"') in card_text
    assert await say(client, connector, ADA, "add Bob Builder as owner") == [
        t("en", "trust.owner_unknown_member", name="Bob Builder")]
    assert [o.name for o in await owners_of(services).owners(TENANT)] == ["Ada Lovelace"]


@both_backends
@pytest.mark.parametrize("edit_rights", ["everyone"])
async def test_with_edit_rights_everyone_a_member_may_undo_but_a_guest_still_may_not(
        client: Any, connector: Any, services: Services) -> None:
    await seed(services)
    assert await say(client, connector, GINA, "undo") == [GUEST]
    assert await say(client, connector, BOB, "undo") == [
        "Undone: version 1 is back, saved as version 3."]
    latest = (await versions_of(services).entries(TENANT))[-1]
    assert (latest.by_name, latest.via, latest.restored_from) == ("Bob Builder", "restore", 1)
