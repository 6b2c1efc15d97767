"""Every saved change is a version: the history in the chat, undo after an intake, restoring an old
version from the history card, and two owners changing the data at once (nothing lost)."""

from __future__ import annotations

from typing import Any

import card_schema
from backends import both_backends
from trust_helpers import ADA, BOB, TENANT, cards, confirm, person, say, section_update_to_review, seed

from bot.services import Services
from bot.trust.guard import owners_of, versions_of
from scoring import load_profile

pytestmark = both_backends  # versions, owners and concurrent saves are what the store keeps


async def people(services: Services) -> list[str]:
    profile = await services.profiles.get(TENANT)
    return [p.label() for p in profile.people]


async def test_history_lists_who_when_through_what_and_what_changed(
        client: Any, connector: Any, services: Services, clock: Any) -> None:
    await seed(services)
    clock.advance(minutes=5)
    review = await section_update_to_review(client, connector, ADA, "a:ada", "Carl: AZ-104, AZ-305")
    texts = await confirm(client, connector, ADA, "a:ada", review)
    assert texts == ["Saved. Here is your scorecard. Saved as version 3. Say \"undo\" to go back, or "
                     "\"history of changes\" to see every change."]
    assert await say(client, connector, BOB, "What changed in our data?") == [
        "Here are the latest changes to your organisation's data."]
    card = cards(connector)[-1]
    shown = card_schema.texts(card)
    assert ("version 3, 2026-11-03 10:05 UTC, by Ada Lovelace (update of the people): added Carl; "
            "certifications +2 −0.") in shown
    assert ("version 2, 2026-11-03 10:00 UTC, by Ada Lovelace (guided intake): added Grace; "
            "certifications +1 −0.") in shown
    assert "version 1, 2026-11-03 10:00 UTC, by Ada Lovelace (guided intake): first data." in shown
    assert "Versions are kept for 24 months." in shown
    buttons = [(a["title"], a["data"]["trust"]) for a in card_schema.actions(card)]
    assert buttons == [("Restore version 2", {"op": "restore", "version": 2, "base": 3}),
                       ("Restore version 1", {"op": "restore", "version": 1, "base": 3}),
                       ("Undo the last change", {"op": "undo", "base": 3})]


async def test_undo_after_an_intake_brings_the_previous_data_back_as_a_new_version(
        client: Any, connector: Any, services: Services) -> None:
    await seed(services)
    review = await section_update_to_review(client, connector, ADA, "a:ada", "Carl: AZ-104")
    await confirm(client, connector, ADA, "a:ada", review)
    assert await people(services) == ["Ada", "Grace", "Carl"]
    assert await say(client, connector, ADA, "undo") == ["Undone: version 2 is back, saved as version 4."]
    assert await people(services) == ["Ada", "Grace"]
    entries = await versions_of(services).entries(TENANT)
    assert [(e.number, e.via, e.restored_from) for e in entries] == [
        (1, "intake", None), (2, "intake", None), (3, "section_update", None), (4, "restore", 2)]
    assert entries[-1].changes.people_removed == ["Carl"]
    # Undo again goes back one more version: it undoes the undo.
    assert await say(client, connector, ADA, "undo") == ["Undone: version 3 is back, saved as version 5."]
    assert await people(services) == ["Ada", "Grace", "Carl"]


async def test_undo_of_data_saved_before_versions_were_kept_brings_that_data_back(
        client: Any, connector: Any, services: Services) -> None:
    from botcore_helpers import PROFILE

    await services.profiles.put(TENANT, load_profile(PROFILE))  # stored before this feature existed
    review = await section_update_to_review(client, connector, ADA, "a:ada", "Carl: AZ-104")
    texts = await confirm(client, connector, ADA, "a:ada", review)
    assert texts[0].startswith("Saved. Here is your scorecard. Saved as version 2.")
    assert [o.name for o in await owners_of(services).owners(TENANT)] == ["Ada Lovelace"]
    assert await say(client, connector, ADA, "undo") == ["Undone: version 1 is back, saved as version 3."]
    assert await people(services) == ["Ada"]
    assert (await versions_of(services).entries(TENANT))[0].via == "earlier"


async def test_an_old_version_is_restored_from_the_history_card(
        client: Any, connector: Any, services: Services) -> None:
    await seed(services)
    await say(client, connector, ADA, "history of changes")
    restore_v1 = next(a for a in card_schema.actions(cards(connector)[-1])
                      if a["title"] == "Restore version 1")
    assert await say(client, connector, ADA, value=restore_v1["data"]) == [
        "Version 1 is back, saved as version 3."]
    assert await people(services) == ["Ada"]
    latest = (await versions_of(services).entries(TENANT))[-1]
    assert (latest.via, latest.restored_from, latest.by_id) == ("restore", 1, ADA.aad)


async def test_a_restore_pressed_after_another_owners_change_is_refused_and_shows_the_new_version(
        client: Any, connector: Any, services: Services) -> None:
    await seed(services)
    await owners_of(services).add(TENANT, person(BOB), added_by=ADA.aad)
    await say(client, connector, ADA, "history of changes")
    restore_v1 = next(a for a in card_schema.actions(cards(connector)[-1])
                      if a["title"] == "Restore version 1")
    review = await section_update_to_review(client, connector, BOB, "a:bob", "Dora: AZ-104")
    await confirm(client, connector, BOB, "a:bob", review)  # version 3, after Ada's card was shown
    texts = await say(client, connector, ADA, value=restore_v1["data"])
    assert texts == ["Someone saved a change while you were at it, so I didn't save yours over it. The data "
                     "now is version 3, 2026-11-03 10:00 UTC, by Bob Builder (update of the people): added "
                     "Dora; certifications +1 −0."]
    fresh = cards(connector)[-1]  # the history again, its buttons based on version 3
    assert {a["data"]["trust"]["base"] for a in card_schema.actions(fresh)} == {3}
    assert await people(services) == ["Ada", "Grace", "Dora"]
    assert len(await versions_of(services).entries(TENANT)) == 3


async def test_two_owners_changing_the_data_at_once_lose_nothing(
        client: Any, connector: Any, services: Services) -> None:
    await seed(services)
    await owners_of(services).add(TENANT, person(BOB), added_by=ADA.aad)
    ada_review = await section_update_to_review(client, connector, ADA, "a:ada", "Carl: AZ-104")
    bob_review = await section_update_to_review(client, connector, BOB, "a:bob", "Dora: AZ-305")
    await confirm(client, connector, ADA, "a:ada", ada_review)
    await confirm(client, connector, BOB, "a:bob", bob_review)
    shown = card_schema.texts(cards(connector)[-1])
    assert ("The data could not be saved: Someone saved a change while you were at it, so I didn't save "
            "yours over it. The data now is version 3, 2026-11-03 10:00 UTC, by Ada Lovelace (update of the "
            "people): added Carl; certifications +1 −0. Your changes are still here: look at them again and "
            "confirm to save them over the new version, or cancel.") in shown
    assert "Dora" in shown  # Bob's draft is kept on his review card
    assert await people(services) == ["Ada", "Grace", "Carl"]  # Ada's save stands
    # Bob, now knowing, confirms again: his version is saved; Ada's stays in the history.
    texts = await confirm(client, connector, BOB, "a:bob", cards(connector)[-1])
    assert texts[0].startswith("Saved. Here is your scorecard. Saved as version 4.")
    assert await people(services) == ["Ada", "Grace", "Dora"]
    entries = await versions_of(services).entries(TENANT)
    assert [(e.number, e.by_name) for e in entries] == [
        (1, "Ada Lovelace"), (2, "Ada Lovelace"), (3, "Ada Lovelace"), (4, "Bob Builder")]
    v3 = await versions_of(services).profile_data(entries[2])
    assert [p["name"] for p in v3["people"]] == ["Ada", "Grace", "Carl"]


async def test_undo_with_nothing_before_says_so(client: Any, connector: Any, services: Services) -> None:
    assert await say(client, connector, ADA, "undo") == ["There is no earlier version to go back to."]
    assert await say(client, connector, ADA, "history of changes") == [
        "No change to your organisation's data has been saved yet."]


async def test_broken_or_forged_history_buttons_change_nothing(
        client: Any, connector: Any, services: Services) -> None:
    await seed(services)
    before = await versions_of(services).entries(TENANT)
    unknown = await say(client, connector, ADA, value={"trust": {"op": "restore", "version": 99, "base": 2}})
    assert unknown == ["There is no version 99 (versions are kept for 24 months). Say \"history of changes\" "
                       "to see the ones there are."]
    assert await say(client, connector, ADA, value={"trust": {"op": "restore", "version": 2, "base": 2}}) == [
        "Version 2 is already the current data: nothing to restore."]
    for forged in ({"op": "restore", "version": True, "base": 2}, {"op": "restore", "version": -1},
                   {"op": "drop_table"}, {"op": "restore", "version": "1"}):
        assert await say(client, connector, ADA, value={"trust": forged}) == [
            "Here are the latest changes to your organisation's data."]  # the history, as it stands
    assert await versions_of(services).entries(TENANT) == before
