"""The service over real HTTP: POST /api/messages through the aiohttp app, replies captured by a mock
Bot Connector on 127.0.0.1, /healthz, and the 4xx answers to malformed requests."""

from __future__ import annotations

import json
import logging
import shutil
from typing import Any

from aiohttp.test_utils import TestClient
from backends import both_backends
from botcore_helpers import OTHER_TENANT, PROFILE, TENANT, FakeParts, MockConnector, activity
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cards.i18n import t


async def post(client: TestClient, body: Any, **kwargs: Any) -> Any:
    return await client.post("/api/messages", json=body, **kwargs)


async def test_a_message_is_answered_through_the_connector(client, connector: MockConnector, fake_parts):
    response = await post(client, activity(connector.url, "what is my score?", locale="fr-FR"))
    assert response.status == 201
    assert connector.texts() == ["answer to 'what is my score?' in fr"]
    sent = connector.activities[0]
    assert sent["conversation"]["id"] == "conv-1" and sent["replyToId"]
    # The brief's order: notifications first, then the intake, then the questions.
    assert fake_parts.names() == ["on_activity", "run_intake_turn", "answer"]


async def test_healthz_reports_storage_readiness(client, services) -> None:
    ok = await client.get("/healthz")
    assert ok.status == 200 and (await ok.json()) == {"status": "ok", "storage": "ok"}
    shutil.rmtree(services.settings.data_dir)
    services.settings.data_dir.write_text("not a folder")  # the data folder became unusable
    broken = await client.get("/healthz")
    assert broken.status == 503 and (await broken.json())["status"] == "unavailable"


async def test_a_body_over_the_limit_gets_413(client, connector, services) -> None:
    big = activity(connector.url, "x" * (services.settings.max_body_bytes + 10))
    response = await post(client, big)
    assert response.status == 413
    assert connector.calls == []


async def test_a_chunked_body_over_the_limit_gets_413(client, connector, services) -> None:
    payload = json.dumps(activity(connector.url, "y" * (services.settings.max_body_bytes + 10))).encode()

    async def chunks():
        for start in range(0, len(payload), 4096):
            yield payload[start : start + 4096]

    response = await client.post("/api/messages", data=chunks(), headers={"Content-Type": "application/json"})
    assert response.status == 413


async def test_malformed_requests_get_4xx_never_500(client, connector) -> None:
    good = activity(connector.url)
    cases: list[tuple[dict[str, Any], int]] = [
        ({"data": b"{not json", "headers": {"Content-Type": "application/json"}}, 400),
        ({"data": b"\xff\xfe", "headers": {"Content-Type": "application/json"}}, 400),
        ({"json": [1, 2, 3]}, 400),
        ({"json": "text"}, 400),
        ({"json": {k: v for k, v in good.items() if k != "type"}}, 400),
        ({"json": {**good, "serviceUrl": "file:///etc/passwd"}}, 400),
        ({"json": {k: v for k, v in good.items() if k != "conversation"}}, 400),
        ({"json": {**good, "timestamp": "not a date"}}, 400),
        ({"json": {**good, "type": 42}}, 400),
        ({"data": json.dumps(good).encode(), "headers": {"Content-Type": "text/plain"}}, 415),
    ]
    for kwargs, status in cases:
        response = await client.post("/api/messages", **kwargs)
        assert response.status == status, (kwargs, response.status, await response.text())
        assert "Traceback" not in await response.text()
    assert (await client.get("/api/messages")).status == 405
    assert connector.calls == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    junk=st.dictionaries(
        st.sampled_from(
            [
                "type",
                "text",
                "serviceUrl",
                "conversation",
                "channelId",
                "from",
                "value",
                "locale",
                "channelData",
                "timestamp",
                "entities",
                "attachments",
                "name",
                "id",
            ]
        ),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=8),
            lambda inner: (
                st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
            ),
            max_leaves=6,
        ),
    )
)
async def test_fuzzed_activity_fields_never_give_500(client, junk: dict[str, Any]) -> None:
    response = await post(client, junk)
    assert response.status < 500, (junk, await response.text())


async def test_an_error_in_a_turn_gives_a_polite_localized_reply_and_a_log(client, connector, caplog) -> None:
    with caplog.at_level(logging.ERROR, logger="bot.handler"):
        response = await post(
            client, activity(connector.url, "boom", locale="de-DE", conversation="conv-err")
        )
    assert response.status == 201
    assert connector.texts() == [t("de", "service.error_generic")]
    sent = json.dumps(connector.activities)
    assert "Traceback" not in sent and "simulated" not in sent
    record = next(r for r in caplog.records if r.getMessage().startswith("turn failed"))
    assert record.conversation_id == "conv-err" and record.tenant_id == TENANT
    assert record.exc_info is not None  # the stack trace goes to the log, not the user


async def test_a_tenant_outside_allowed_tenants_is_refused_politely(connector, tmp_path, clock) -> None:
    from aiohttp.test_utils import TestServer

    from bot.app import create_app
    from bot.config import Settings
    from bot.services import build_services

    fake = FakeParts()
    services = build_services(
        Settings(data_dir=tmp_path / "d", allowed_tenants=f"{TENANT.upper()}, other"), clock=clock
    )
    async with TestClient(TestServer(create_app(services, fake.parts(), scheduler=False))) as allowed_client:
        refused = await post(
            allowed_client, activity(connector.url, "what is my score?", tenant=OTHER_TENANT, locale="ko-KR")
        )
        assert refused.status == 201
        assert connector.texts() == [t("ko", "service.tenant_refused")]
        assert fake.calls == []  # nothing else ran: no reference stored, no data read
        installed = activity(connector.url, None, tenant=OTHER_TENANT, type="conversationUpdate",
                             membersAdded=[{"id": "28:bot"}])
        assert (await post(allowed_client, installed)).status == 201
        assert connector.texts()[-1] == t("en", "service.tenant_refused") and fake.calls == []
        await post(allowed_client, activity(connector.url, "what is my score?", tenant=TENANT))
        assert fake.names() == ["on_activity", "run_intake_turn", "answer"]


async def test_a_missing_tenant_is_refused_when_authentication_is_on(connector, tmp_path, clock) -> None:
    # Local mode maps a missing tenant to "local"; with an app id there is no such fallback.
    from bot.handler import LOCAL_TENANT

    fake = FakeParts()
    from aiohttp.test_utils import TestServer

    from bot.app import create_app
    from bot.config import Settings
    from bot.services import build_services

    services = build_services(Settings(data_dir=tmp_path / "d"), clock=clock)
    async with TestClient(TestServer(create_app(services, fake.parts(), scheduler=False))) as local_client:
        await post(local_client, activity(connector.url, "hello", tenant=None))
    context = fake.calls[-1][1][1]
    assert fake.names()[-1] == "answer" and context.locale == "en"
    assert LOCAL_TENANT == "local"


@both_backends
async def test_conversation_state_keeps_the_last_area(client, connector, fake_parts, services) -> None:
    await post(client, activity(connector.url, "data and ai score"))
    await post(client, activity(connector.url, "why?"))
    contexts = [args[1] for name, args in fake_parts.calls if name == "answer"]
    assert contexts[0].last_area is None and contexts[1].last_area == "data_ai"
    stored = await services.storage.read(["msteams/conversations/conv-1"])
    assert stored["msteams/conversations/conv-1"]["last_area"] == "data_ai"


async def test_submit_values_with_an_action_go_to_answer_action(client, connector, fake_parts) -> None:
    await post(client, activity(connector.url, None, value={"action": "why", "area": "infrastructure"}))
    await post(client, activity(connector.url, None, value={"action": "plan", "area": "not-an-area"}))
    actions = [args[:2] for name, args in fake_parts.calls if name == "answer_action"]
    assert [(a, str(b) if b else None) for a, b in actions] == [("why", "infrastructure"), ("plan", None)]
    assert connector.texts() == ["action why for infrastructure", "action plan for None"]


async def test_an_intake_turn_stops_the_routing(client, connector, fake_parts) -> None:
    fake_parts.intake_consumes = True
    await post(client, activity(connector.url, "Ada", value={"intake": {"step": "people"}}))
    assert fake_parts.names() == ["on_activity", "run_intake_turn"]


async def test_intents_route_to_intake_and_subscriptions(client, connector, fake_parts) -> None:
    from botcore_helpers import FakeAnswer

    fake_parts.next_answer = FakeAnswer(text="", intent="start_intake", section="people")
    await post(client, activity(connector.url, "update my people"))
    fake_parts.next_answer = FakeAnswer(text="", intent="stop_notifications")
    await post(client, activity(connector.url, "stop notifications"))
    fake_parts.next_answer = FakeAnswer(text="", intent="start_notifications")
    await post(client, activity(connector.url, "start notifications"))
    assert [c for c in fake_parts.calls if c[0] in ("start_intake", "set_subscription")] == [
        ("start_intake", "people"),
        ("set_subscription", False),
        ("set_subscription", True),
    ]
    assert connector.texts() == ["intake started", "unsubscribed", "subscribed"]


async def test_answers_carry_their_card_and_suggestions(client, connector, fake_parts) -> None:
    from botcore_helpers import FakeAnswer

    card = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": "62/100"}]}
    fake_parts.next_answer = FakeAnswer(text="Your score", card=card, suggestions=["Why?", "Plan"])
    await post(client, activity(connector.url, "score"))
    sent = connector.activities[0]
    assert sent["attachments"] == [
        {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
    ]
    assert [a["value"] for a in sent["suggestedActions"]["actions"]] == ["Why?", "Plan"]


@both_backends
async def test_install_welcomes_and_starts_the_intake_without_a_profile(client, connector, fake_parts):
    update = activity(
        connector.url, None, type="conversationUpdate", locale="zh-TW", membersAdded=[{"id": "28:bot"}]
    )
    assert (await post(client, update)).status == 201
    assert connector.texts() == [t("zh-TW", "service.welcome"), "intake started"]
    assert fake_parts.names() == ["on_activity", "start_intake"]
    user_joined = activity(
        connector.url, None, type="conversationUpdate", membersAdded=[{"id": "29:someone"}]
    )
    await post(client, user_joined)
    assert len(connector.texts()) == 2  # nobody is welcomed twice, no member lookups


@both_backends
async def test_uninstall_forgets_the_conversation_state(client, connector, services) -> None:
    await post(client, activity(connector.url, "data and ai score"))
    assert await services.storage.read(["msteams/conversations/conv-1"])
    removed = activity(connector.url, None, type="installationUpdate", action="remove")
    assert (await post(client, removed)).status == 201
    assert await services.storage.read(["msteams/conversations/conv-1"]) == {}


async def test_adaptive_card_action_returns_the_card_in_place(client, connector, fake_parts) -> None:
    card = {"type": "AdaptiveCard", "version": "1.5", "body": []}
    fake_parts.card_for_verb["intake.next"] = card
    invoke = activity(
        connector.url,
        None,
        type="invoke",
        name="adaptiveCard/action",
        value={"action": {"type": "Action.Execute", "verb": "intake.next", "data": {"x": 1}}},
    )
    response = await post(client, invoke)
    assert response.status == 200
    assert await response.json() == {
        "statusCode": 200,
        "type": "application/vnd.microsoft.card.adaptive",
        "value": card,
    }
    assert ("on_card_action", ("intake.next", {"x": 1})) in fake_parts.calls


async def test_adaptive_card_action_for_questions_answers_in_the_chat(client, connector, fake_parts) -> None:
    invoke = activity(
        connector.url,
        None,
        type="invoke",
        name="adaptiveCard/action",
        value={"action": {"type": "Action.Execute", "verb": "why", "data": {"area": "data_ai"}}},
    )
    response = await post(client, invoke)
    assert response.status == 200
    body = await response.json()
    assert body["type"] == "application/vnd.microsoft.activity.message"
    assert connector.texts() == ["action why for data_ai"]


async def test_expect_replies_returns_the_replies_in_the_body(client, connector) -> None:
    response = await post(client, activity(connector.url, "score", deliveryMode="expectReplies"))
    assert response.status == 200
    body = await response.json()
    assert [a["text"] for a in body["activities"]] == ["answer to 'score' in en"]
    assert connector.calls == []  # buffered into the response, not posted


async def test_an_unknown_invoke_gets_501_not_500(client, connector) -> None:
    response = await post(
        client, activity(connector.url, None, type="invoke", name="composeExtension/query", value={"x": 1})
    )
    assert response.status == 501


@both_backends
async def test_a_score_question_over_http_with_the_real_parts(services, connector) -> None:
    from aiohttp.test_utils import TestServer

    from bot.app import create_app
    from scoring import load_profile

    await services.profiles.put(TENANT, load_profile(PROFILE))
    async with TestClient(TestServer(create_app(services, scheduler=False), host="127.0.0.1")) as real:
        response = await post(real, activity(connector.url, "what is my score?"))
        assert response.status == 201
        other = await post(
            real, activity(connector.url, "what is my score?", tenant=OTHER_TENANT, conversation="conv-other")
        )
        assert other.status == 201
    mine, theirs = connector.texts()
    assert "Contoso Ltd" in mine and "/100" in mine
    assert "Contoso" not in theirs


async def test_an_error_in_an_invoke_answers_200_with_the_polite_message(client, connector) -> None:
    invoke = activity(connector.url, None, type="invoke", name="adaptiveCard/action", locale="fr-FR",
                      value={"action": {"type": "Action.Execute", "verb": "boom", "data": {}}})
    response = await post(client, invoke)
    assert response.status == 200
    assert await response.json() == {"statusCode": 200, "type": "application/vnd.microsoft.activity.message",
                                     "value": t("fr", "service.error_generic")}


@both_backends
async def test_overlapping_turns_of_one_conversation_both_get_their_answer(client, connector, caplog) -> None:
    import asyncio

    await post(client, activity(connector.url, "data first"))  # the conversation state exists
    connector.calls.clear()
    with caplog.at_level(logging.WARNING, logger="bot.handler"):
        first, second = await asyncio.gather(post(client, activity(connector.url, "infra score")),
                                             post(client, activity(connector.url, "infra again")))
    assert (first.status, second.status) == (201, 201)
    assert sorted(connector.texts()) == ["answer to 'infra again' in en", "answer to 'infra score' in en"]
    assert any("kept the concurrent turn's state" in r.getMessage() for r in caplog.records)


async def test_a_button_about_every_area_ignores_the_last_area(client, connector, fake_parts) -> None:
    await post(client, activity(connector.url, "data and ai score"))
    await post(client, activity(connector.url, None, value={"action": "plan", "scope": "all"}))
    await post(client, activity(connector.url, None, value={"action": "plan"}))
    contexts = [args[2] for name, args in fake_parts.calls if name == "answer_action"]
    # The monthly card's "What should I do?" covers every area; a button without scope keeps the
    # conversation's area, as before.
    assert [c.last_area for c in contexts] == [None, "data_ai"]
