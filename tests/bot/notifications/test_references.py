"""Conversation references follow Teams' install, uninstall, message and teamDeleted events."""

from __future__ import annotations

import pytest
from botbuilder.core import TurnContext
from notify_helpers import activity, turn

from bot.notifications import set_subscription
from bot.notifications.models import Delivery, MonthEntry
from bot.notifications.store import NotifyStore
from cards.i18n import t


async def test_install_adds_a_subscribed_reference(services):
    await turn(services, activity("installationUpdate", action="add", service_url="http://one/"))
    record = await NotifyStore(services.storage).get("tenant-a", "a:personal-1")
    assert record is not None and record.installed and record.subscribed and record.active
    assert record.reference["serviceUrl"] == "http://one/"
    assert record.reference.get("activityId") is None  # proactive posts are not replies
    assert await NotifyStore(services.storage).index() == [("tenant-a", "a:personal-1")]


async def test_message_adds_an_unknown_conversation_and_refreshes_the_service_url(services):
    await turn(services, activity("message", text="hi", service_url="http://one/"))
    await turn(services, activity("message", text="hi", service_url="http://two/", locale="fr-FR"))
    record = await NotifyStore(services.storage).get("tenant-a", "a:personal-1")
    assert record.reference["serviceUrl"] == "http://two/"
    assert record.locale == "fr"


async def test_tenant_ids_are_case_insensitive(services):
    await turn(services, activity("message", text="hi", tenant="TENANT-A"))
    assert await NotifyStore(services.storage).index() == [("tenant-a", "a:personal-1")]


async def test_channel_reply_chains_map_to_their_channel(services):
    await turn(
        services,
        activity("message", conversation="19:abc@thread.tacv2;messageid=1700", conversation_type="channel"),
    )
    store = NotifyStore(services.storage)
    assert await store.index() == [("tenant-a", "19:abc@thread.tacv2")]
    record = await store.get("tenant-a", "19:abc@thread.tacv2")
    assert record.reference["conversation"]["id"] == "19:abc@thread.tacv2"


async def test_uninstall_removes_the_reference_but_keeps_the_month_ledger(services):
    store = NotifyStore(services.storage)
    await turn(services, activity("installationUpdate", action="add"))
    await store.update(
        "tenant-a",
        "a:personal-1",
        lambda r: r.model_copy(update={"months": {"2026-11": MonthEntry(state=Delivery.SENT, tries=1)}}),
    )
    await turn(services, activity("installationUpdate", action="remove"))
    record = await store.get("tenant-a", "a:personal-1")
    assert not record.installed and record.reference is None and "2026-11" in record.months
    assert await store.index() == []
    # Reinstalled: subscribed again, and the month already sent is still known.
    await turn(services, activity("installationUpdate", action="add"))
    record = await store.get("tenant-a", "a:personal-1")
    assert record.installed and record.subscribed and record.months["2026-11"].state == "sent"


async def test_bot_removed_from_members_removes_the_reference(services):
    await turn(
        services, activity("conversationUpdate", conversation="19:g@thread.v2", conversation_type="groupChat")
    )
    await turn(
        services,
        activity("conversationUpdate", conversation="19:g@thread.v2", members_removed=["28:notify-test-bot"]),
    )
    assert await NotifyStore(services.storage).index() == []


async def test_team_deleted_removes_every_channel_of_the_team(services):
    for channel in ("19:general@thread.tacv2", "19:sales@thread.tacv2"):
        await turn(
            services,
            activity(
                "message", conversation=channel, team="19:general@thread.tacv2", conversation_type="channel"
            ),
        )
    await turn(services, activity("message", conversation="a:personal-1"))
    await turn(
        services,
        activity(
            "conversationUpdate",
            conversation="19:general@thread.tacv2",
            event_type="teamDeleted",
            team="19:general@thread.tacv2",
            conversation_type="channel",
        ),
    )
    assert await NotifyStore(services.storage).index() == [("tenant-a", "a:personal-1")]


async def test_activity_without_tenant_or_service_url_is_ignored(services):
    act = activity("message", text="hi")
    act.channel_data = {}
    act.conversation.tenant_id = None
    await turn(services, act)
    assert await NotifyStore(services.storage).index() == []


def _text(locale: str, key: str) -> str:
    commands = {"stop": t(locale, "notify.stop_command"), "start": t(locale, "notify.start_command")}
    return t(locale, key, day=21, **commands)


async def test_stop_and_start_notifications_in_each_language(services):
    store = NotifyStore(services.storage)
    for locale, short in (
        ("en-US", "en"),
        ("fr-FR", "fr"),
        ("de-DE", "de"),
        ("ko-KR", "ko"),
        ("zh-TW", "zh-TW"),
    ):
        act = activity("message", text="stop", locale=locale, conversation=f"a:{short}")
        context = TurnContext(services.adapter, act)
        assert await set_subscription(context, services, False) == _text(short, "notify.unsubscribed")
        assert not (await store.get("tenant-a", f"a:{short}")).subscribed
        assert await set_subscription(context, services, False) == _text(short, "notify.already_unsubscribed")
        assert await set_subscription(context, services, True) == _text(short, "notify.subscribed")
        assert (await store.get("tenant-a", f"a:{short}")).subscribed
        assert await set_subscription(context, services, True) == _text(short, "notify.already_subscribed")


async def test_a_message_does_not_resubscribe_an_opted_out_conversation(services):
    act = activity("message", text="stop notifications")
    await set_subscription(TurnContext(services.adapter, act), services, False)
    await turn(services, activity("message", text="what is my score"))
    assert not (await NotifyStore(services.storage).get("tenant-a", "a:personal-1")).subscribed


@pytest.mark.parametrize("locale", ["en", "fr", "de", "ko", "zh-TW"])
def test_the_commands_we_tell_users_are_the_ones_the_bot_understands(locale):
    """Every notification and confirmation quotes these; the question parser must map them."""
    from bot.questions import AnswerContext, Intent, answer

    context = AnswerContext(locale=locale, profile=None, scorecard=None, last_area=None)
    assert answer(t(locale, "notify.stop_command"), context).intent == Intent.STOP_NOTIFICATIONS
    assert answer(t(locale, "notify.start_command"), context).intent == Intent.START_NOTIFICATIONS


async def test_concurrent_first_installs_keep_every_conversation_in_the_index(services):
    """A tenant-wide rollout: many installs at once into a fresh store."""
    import asyncio

    await asyncio.gather(
        *(
            turn(services, activity("installationUpdate", action="add", conversation=f"a:{i}"))
            for i in range(12)
        )
    )
    assert len(await NotifyStore(services.storage).index()) == 12


async def test_conversations_are_listed_by_prefix_page_by_page_without_an_index_document(services):
    store = NotifyStore(services.storage)
    for number in range(5):
        added = activity("installationUpdate", action="add", conversation=f"a:personal-{number}")
        await turn(services, added)
    await turn(services, activity("installationUpdate", action="remove", conversation="a:personal-3"))
    pages = [page async for page in store.pages(page_size=2)]
    assert [len(page) for page in pages] == [2, 2, 1]  # the tombstone is listed, the job skips it
    listed = sorted(key for page in pages for key in page)
    assert listed == [("tenant-a", f"a:personal-{n}") for n in range(5)]
    assert await store.index() == [("tenant-a", f"a:personal-{n}") for n in (0, 1, 2, 4)]
    assert await services.storage.read(["notify/index"]) == {}


async def test_many_speakers_in_a_channel_cost_no_write_and_keep_the_channel_language(services):
    channel = {"conversation": "19:c@thread.tacv2", "conversation_type": "channel"}
    await turn(services, activity("installationUpdate", action="add", locale="de-DE", **channel))
    store = NotifyStore(services.storage)
    before = await store.get("tenant-a", "19:c@thread.tacv2")
    speaker = activity("message", text="hi", locale="ko-KR", **channel)
    speaker.from_property.id = "29:someone-else"
    await turn(services, speaker)
    after = await store.get("tenant-a", "19:c@thread.tacv2")
    assert after == before and after.locale == "de"
    await turn(services, activity("message", text="hi", service_url="http://moved/", **channel))
    assert (await store.get("tenant-a", "19:c@thread.tacv2")).reference["serviceUrl"] == "http://moved/"


def test_the_reference_of_a_thread_names_its_channel_and_leaves_the_activity_as_sent():
    from copy import deepcopy

    from botbuilder.schema import Activity

    from bot.notifications.references import reference_of

    thread = "19:abc@thread.tacv2;messageid=1700"
    sent = Activity().deserialize(activity("message", conversation=thread, conversation_type="channel"))
    by_msrest = TurnContext.get_conversation_reference(deepcopy(sent))
    by_msrest.activity_id = None
    by_msrest.conversation.id = "19:abc@thread.tacv2"
    assert reference_of(sent, "19:abc@thread.tacv2") == by_msrest.serialize()
    assert sent.conversation.id == thread
