"""A saved profile the engine no longer accepts (a retired certification, a hand-edited file) must
not lock the tenant out of the bot."""

from __future__ import annotations

import copy
from typing import Any

from botcore_helpers import PROFILE, TENANT, MockConnector, activity
from qa_helpers import cards, intake_meta, post

from bot.stores import ProfileStore
from cards.i18n import t


async def store_unloadable_profile(services: Any) -> dict[str, Any]:
    broken = copy.deepcopy(PROFILE)
    broken["people"][0]["certifications"] = ["AZ-999"]  # not in the catalog (any more)
    await services.storage.write({ProfileStore.key(TENANT): {"profile": broken, "e_tag": "*"}})
    return broken


async def test_questions_get_a_clear_note_instead_of_the_error_reply(client, connector: MockConnector,
                                                                     services) -> None:
    await store_unloadable_profile(services)
    for question, locale in (("what is my score?", "en"), ("hilfe", "de")):
        connector.calls.clear()
        await post(client, activity(connector.url, question, locale=locale))
        texts = connector.texts()
        assert texts[0] == t(locale, "service.profile_unreadable"), texts
        assert t(locale, "service.error_generic") not in texts
    assert len(connector.texts()) == 2  # "help" still gets its help text after the note


async def test_update_my_data_still_opens_the_intake(
    client, connector: MockConnector, services
) -> None:
    await store_unloadable_profile(services)
    await post(client, activity(connector.url, "update my data"))
    assert connector.texts()[0] == t("en", "service.profile_unreadable")
    assert intake_meta(cards(connector.activities)[-1])["step"] == "organisation"


async def test_install_with_an_unloadable_profile_welcomes_and_opens_the_intake(
    client, connector: MockConnector, services
) -> None:
    await store_unloadable_profile(services)
    install = activity(connector.url, None, type="conversationUpdate", membersAdded=[{"id": "28:bot"}])
    await post(client, install)
    assert connector.texts()[0] == t("en", "service.welcome")
    assert intake_meta(cards(connector.activities)[-1])["step"] == "organisation"
