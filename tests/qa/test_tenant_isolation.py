"""A tenant only ever sees its own data, even with another tenant's conversation id (real service)."""

from __future__ import annotations

import json
from typing import Any

from botcore_helpers import OTHER_TENANT, PROFILE, TENANT, MockConnector, activity
from qa_helpers import cards, intake_meta, post, text_of

from cards.i18n import t
from scoring import load_profile


async def test_another_tenant_reusing_a_conversation_id_never_sees_its_intake_draft(
    client, connector: MockConnector, services
) -> None:
    await services.profiles.put(TENANT, load_profile(PROFILE))
    await post(client, activity(connector.url, "update my data", conversation="conv-a"))
    assert "Contoso Ltd" in text_of(cards(connector.activities)[-1])  # tenant A's own draft
    connector.calls.clear()

    for text in ("update my data", "what is my score?", "cancel"):
        response = await post(
            client, activity(connector.url, text, tenant=OTHER_TENANT, conversation="conv-a", locale="de-DE")
        )
        assert response.status == 201
    session = intake_meta(await _a_card(client, connector))["session"]
    connector.calls.clear()
    forged = {"intake": {"session": session, "step": "organisation", "nav": "next"},
              "partner_id": "9999999", "partner_name": "Hijack"}
    invoke = activity(connector.url, None, type="invoke", name="adaptiveCard/action", tenant=OTHER_TENANT,
                      conversation="conv-a",
                      value={"action": {"type": "Action.Execute", "verb": "intake.next", "data": forged}})
    answered = await post(client, invoke)
    assert answered.status == 200
    assert (await answered.json())["value"] == t("en", "service.conversation_of_another_tenant")
    sent = json.dumps(connector.activities, ensure_ascii=False)
    assert "Contoso" not in sent and "4412345" not in sent
    # Tenant A's intake is untouched: still on the first step with A's values, and A's profile too.
    card = await _a_card(client, connector)
    assert intake_meta(card)["session"] == session and intake_meta(card)["step"] == "organisation"
    assert "Contoso Ltd" in text_of(card) and "Hijack" not in text_of(card)
    assert (await services.profiles.get(TENANT)).partner.name == "Contoso Ltd"
    assert await services.profiles.get(OTHER_TENANT) is None


async def test_a_foreign_tenant_is_told_why_in_its_language(client, connector: MockConnector) -> None:
    await post(client, activity(connector.url, "help", conversation="conv-a"))
    connector.calls.clear()
    await post(client, activity(connector.url, "help", tenant=OTHER_TENANT, conversation="conv-a",
                                locale="de-DE"))
    assert connector.texts() == [t("de", "service.conversation_of_another_tenant")]


async def _a_card(client: Any, connector: MockConnector) -> dict[str, Any]:
    """Tenant A asks for its intake again (it resumes) and gets the card."""
    connector.calls.clear()
    await post(client, activity(connector.url, "update my data", conversation="conv-a"))
    found = cards(connector.activities)
    assert found, connector.texts()
    return found[-1]


async def test_the_owning_tenant_id_in_another_letter_case_is_the_same_tenant(client, connector) -> None:
    await post(client, activity(connector.url, "help", conversation="conv-c"))
    connector.calls.clear()
    await post(client, activity(connector.url, "help", tenant=TENANT.upper(), conversation="conv-c"))
    assert connector.texts() != [t("en", "service.conversation_of_another_tenant")]
    assert len(connector.texts()) == 1


async def test_another_tenant_removing_the_bot_from_a_conversation_id_leaves_the_owners_draft(
    client, connector: MockConnector, services
) -> None:
    await services.profiles.put(TENANT, load_profile(PROFILE))
    await post(client, activity(connector.url, "update my data", conversation="conv-a"))
    session = intake_meta(cards(connector.activities)[-1])["session"]
    stored = await services.storage.read(["msteams/conversations/conv-a"])
    assert stored, "the intake draft is kept in conversation state"

    for removal in (
        activity(connector.url, None, tenant=OTHER_TENANT, conversation="conv-a", type="installationUpdate",
                 action="remove"),
        activity(connector.url, None, tenant=OTHER_TENANT, conversation="conv-a", type="conversationUpdate",
                 membersRemoved=[{"id": "28:bot", "name": "Partner Score"}]),
    ):
        assert (await post(client, removal)).status in (200, 201)
    assert await services.storage.read(["msteams/conversations/conv-a"]) != {}
    card = await _a_card(client, connector)  # tenant A resumes its own intake, not a fresh one
    assert intake_meta(card)["session"] == session and "Contoso Ltd" in text_of(card)
