"""Request bodies no client should send reach the real service: 4xx, never 500."""

from __future__ import annotations

import json

from botcore_helpers import activity
from qa_helpers import post


async def test_json_nested_deeper_than_the_parser_recurses_gets_400_not_500(client, connector) -> None:
    template = json.dumps(activity(connector.url, None, value={"x": 1}))
    for depth in (1_000, 3_000, 10_000):
        for nested in ('{"a": ' * depth + "1" + "}" * depth, '{"intake": ' + "[" * depth + "]" * depth + "}"):
            body = template.replace('{"x": 1}', nested).encode()
            response = await client.post(
                "/api/messages", data=body, headers={"Content-Type": "application/json"}
            )
            assert response.status == 400, (depth, response.status)
            assert "Traceback" not in await response.text()
    assert connector.calls == []
    # The service still answers after the hostile bodies.
    assert (await post(client, activity(connector.url, "help"))).status == 201


async def test_a_gzip_header_on_a_body_that_is_not_gzip_gets_400_not_500(client, connector) -> None:
    body = json.dumps(activity(connector.url, "help")).encode()
    response = await client.post("/api/messages", data=body, headers={
        "Content-Type": "application/json", "Content-Encoding": "gzip"})
    assert response.status == 400
    assert await response.json() == {"error": "the body could not be decoded"}
    assert connector.calls == []
    assert (await post(client, activity(connector.url, "help"))).status == 201


async def test_a_lone_surrogate_in_the_activity_id_or_channel_id_still_gets_a_reply(client, connector,
                                                                                   caplog) -> None:
    by_id = activity(connector.url, "help", conversation="conv-id")
    by_channel = activity(connector.url, "help", conversation="conv-channel")
    raw_id = json.dumps(by_id).replace(by_id["id"], "\\ud800")
    raw_channel = json.dumps(by_channel).replace('"msteams"', '"\\udfff"')
    for raw in (raw_id, raw_channel):
        response = await client.post("/api/messages", data=raw.encode(),
                                     headers={"Content-Type": "application/json"})
        assert response.status == 201
    replied_to = sorted(call.path.split("/")[3] for call in connector.calls)
    assert replied_to == ["conv-channel", "conv-id"]
    by_id_reply = next(call.body for call in connector.calls if "/conv-id/" in call.path)
    assert by_id_reply["replyToId"] == "\ufffd"
    assert "turn failed" not in caplog.text


async def test_a_null_in_members_added_is_skipped_and_the_real_member_is_welcomed(client, connector,
                                                                                caplog) -> None:
    update = activity(connector.url, None, type="conversationUpdate")
    update["membersAdded"] = [None, {"id": update["recipient"]["id"]}]
    response = await post(client, update)
    assert response.status == 201
    assert "turn failed" not in caplog.text
    welcome, intake_card = connector.activities
    assert welcome["text"].startswith("Hi! I'm the Partner Score Assistant.")
    assert intake_card["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"


async def test_members_added_holding_only_null_is_a_conversation_update_without_members(client, connector,
                                                                                      caplog) -> None:
    update = activity(connector.url, None, type="conversationUpdate")
    update["membersAdded"] = [None]
    assert (await post(client, update)).status == 201
    assert "turn failed" not in caplog.text
    assert connector.calls == []


async def test_a_400_names_the_fault_in_a_fixed_text_never_the_deserialisers_exception(client,
                                                                                      connector) -> None:
    good = activity(connector.url, "help")
    refused = {
        "timestamp": ({**good, "timestamp": 5}, "not a valid activity"),
        "isGroup": ({**good, "conversation": {"id": "c", "isGroup": "x"}}, "not a valid activity"),
        "membersAdded": ({**good, "membersAdded": [5]},
                         "the activity's 'membersAdded' must be a list of objects"),
        "locale": ({**good, "locale": 5}, "the activity's 'locale' must be a string"),
    }
    for case, (body, reason) in refused.items():
        response = await post(client, body)
        assert response.status == 400, case
        assert await response.json() == {"error": reason}, case
    assert connector.calls == []
