"""The direct JSON path for outgoing activities (bot/outgoing.py) writes exactly what msrest's
serializer writes, for every activity a real conversation sends."""

from __future__ import annotations

import datetime as dt
from typing import Any

from botbuilder.schema import Activity, ActivityTypes, Attachment, ChannelAccount, Mention
from botcore_helpers import PROFILE, TENANT, MockConnector, activity
from botframework.connector import models
from msrest.serialization import Serializer
from qa_helpers import post

from bot.outgoing import DirectSerializer
from scoring import load_profile

DEPENDENCIES = {name: value for name, value in vars(models).items() if isinstance(value, type)}


async def test_every_activity_of_a_conversation_is_written_as_msrest_writes_it(client, services,
                                                                               connector: MockConnector,
                                                                               monkeypatch) -> None:
    written: list[tuple[Any, Any]] = []
    direct_body = DirectSerializer.body

    def compared(self: DirectSerializer, data: Any, data_type: str, **kwargs: Any) -> Any:
        direct = direct_body(self, data, data_type, **kwargs)
        written.append((direct, Serializer(self.dependencies).body(data, data_type, **kwargs)))
        return direct

    monkeypatch.setattr(DirectSerializer, "body", compared)
    # Install (welcome + intake card), then questions with their cards, in two languages.
    await post(client, {**activity(connector.url, None, type="conversationUpdate"),
                        "membersAdded": [{"id": "28:bot"}]})
    await services.profiles.put(TENANT, load_profile(PROFILE))
    for text, locale in [("what is my score?", "en-US"),
                         ("why zero intermediate points for Data & AI?", "en-US"),
                         ("help", "en-US"), ("quel est mon score ?", "fr-FR"), ("who has AZ-305?", "en-US")]:
        assert (await post(client, activity(connector.url, text, locale=locale))).status == 201
    assert len(written) == len(connector.activities) == 7  # welcome, intake card, one answer a question
    for direct, by_msrest in written:
        assert direct == by_msrest
    assert [body for body, _ in written] == connector.activities


def test_models_dates_enums_mentions_and_untyped_content_are_written_as_msrest_writes_them() -> None:
    reply = Activity(
        type=ActivityTypes.message, text="<at>Ada</at> hi",
        timestamp=dt.datetime(2026, 11, 3, 10, 0, 5, 120000, tzinfo=dt.UTC),
        from_property=ChannelAccount(id="28:bot", role="bot"),
        entities=[Mention(mentioned=ChannelAccount(id="29:ada", name="Ada"), text="<at>Ada</at>",
                          type="mention")],
        attachments=[Attachment(content_type="application/vnd.microsoft.card.adaptive",
                                content={"body": [{"type": "TextBlock", "text": None}],
                                         "n": [1, 2.5, True]})],
        channel_data={"notification": {"alert": True}, "who": ChannelAccount(id="x")},
    )
    direct = DirectSerializer(DEPENDENCIES).body(reply, "Activity")
    assert direct == Serializer(DEPENDENCIES).body(reply, "Activity")
    assert direct["timestamp"] == "2026-11-03T10:00:05.120Z"
    assert direct["channelData"]["who"] == {"id": "x"}


def test_a_body_that_is_not_a_model_of_the_declared_type_goes_to_msrest() -> None:
    as_dict = {"type": "message", "text": "hi"}
    assert DirectSerializer(DEPENDENCIES).body(as_dict, "Activity") == {"type": "message", "text": "hi"}
