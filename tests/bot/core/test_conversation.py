"""Conversations with the real parts (questions, intake, notifications) through botbuilder's
TestAdapter: the handler wires them in the brief's order, per tenant, per language."""

from __future__ import annotations

from typing import Any

import pytest
from backends import both_backends
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity, ChannelAccount, ConversationAccount, ConversationReference
from botcore_helpers import OTHER_TENANT, PROFILE, TENANT

from bot.handler import ScoreBot, on_turn_error
from bot.services import Services
from cards.i18n import catalog, t
from scoring import load_profile

pytestmark = both_backends  # the handler keeps conversation state and references in the store


@pytest.fixture
async def chat(services: Services):
    await services.profiles.put(TENANT, load_profile(PROFILE))
    bot = ScoreBot(services)  # the real parts
    reference = ConversationReference(
        channel_id="msteams", service_url="https://smba.trafficmanager.net/emea/",
        user=ChannelAccount(id="29:ada", name="Ada"), bot=ChannelAccount(id="28:bot", name="Partner Score"),
        conversation=ConversationAccount(id="a:conv-1", conversation_type="personal", tenant_id=TENANT))
    adapter = TestAdapter(bot.on_turn, reference)
    adapter.on_turn_error = on_turn_error
    return adapter


async def say(adapter: TestAdapter, text: str | None = None, *, tenant: str = TENANT, locale: str = "en-US",
              conversation: str = "a:conv-1", **fields: Any) -> list[Activity]:
    activity = Activity(type=fields.pop("type", "message"), text=text, locale=locale,
                        channel_data={"tenant": {"id": tenant}},
                        conversation=ConversationAccount(id=conversation, tenant_id=tenant), **fields)
    adapter.activity_buffer.clear()
    await adapter.receive_activity(activity)
    return list(adapter.activity_buffer)


def texts(replies: list[Activity]) -> str:
    return "\n".join(reply.text or "" for reply in replies)


async def test_what_is_my_score_answers_from_the_imported_profile(chat) -> None:
    replies = await say(chat, "What is my score?")
    assert "Contoso Ltd" in texts(replies) and "/100" in texts(replies)


async def test_the_answer_follows_the_users_language(chat) -> None:
    french = texts(await say(chat, "quel est mon score ?", locale="fr-FR"))
    german = texts(await say(chat, "Wie hoch ist mein Score?", locale="de-DE"))
    assert "Contoso Ltd" in french and "Contoso Ltd" in german
    assert french != german


async def test_another_tenant_never_sees_this_tenants_data(chat) -> None:
    replies = await say(chat, "What is my score?", tenant=OTHER_TENANT, conversation="b:conv-9")
    assert "Contoso" not in texts(replies) and "/100" not in texts(replies)
    assert replies  # it offers the intake instead of staying silent


async def test_the_last_area_is_remembered_for_follow_ups(chat, services: Services) -> None:
    await say(chat, "What is my Data & AI score?")
    stored = await services.storage.read(["msteams/conversations/a:conv-1"])
    assert stored["msteams/conversations/a:conv-1"]["last_area"] == "data_ai"
    follow_up = texts(await say(chat, "why?"))
    assert t("en", "common.area.data_ai") in follow_up


async def test_install_welcomes_and_opens_the_intake_for_a_new_tenant(chat) -> None:
    added = {"type": "conversationUpdate", "members_added": [ChannelAccount(id="28:bot")],
             "recipient": ChannelAccount(id="28:bot")}
    new_tenant = await say(chat, tenant=OTHER_TENANT, conversation="b:conv-2", locale="ko-KR", **added)
    assert new_tenant[0].text == t("ko", "service.welcome")
    # Then the intake's first card, alone in its message.
    assert [[a.content_type for a in reply.attachments or []] for reply in new_tenant[1:]] == [
        ["application/vnd.microsoft.card.adaptive"]
    ]
    known_tenant = await say(chat, conversation="a:conv-3", **added)
    assert [reply.text for reply in known_tenant] == [t("en", "service.welcome")]


def template_head(key: str) -> str:
    """The fixed start of a locale text, before its first field (the fields are the other part's)."""
    head = catalog("en")[key].split("{", 1)[0]
    assert len(head) > 20
    return head


async def test_stop_and_start_notifications_are_routed_to_the_subscription(chat) -> None:
    assert texts(await say(chat, "stop notifications")).startswith(template_head("notify.unsubscribed"))
    assert texts(await say(chat, "start notifications")).startswith(template_head("notify.subscribed"))


async def test_gibberish_gets_a_helpful_reply_not_silence(chat) -> None:
    replies = await say(chat, "qwzx plorb")
    assert replies and texts(replies).strip()
    assert texts(replies) != t("en", "service.error_generic")
