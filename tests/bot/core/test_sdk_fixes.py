"""Each botbuilder 4.17.1 fix in bot/sdk_fixes.py, with a test that fails without it."""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import email.utils
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from botbuilder.core import ActivityHandler, InvokeResponse, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botcore_helpers import MockConnector, activity
from msrest.pipeline import Request
from msrest.universal_http import ClientRequest
from msrest.universal_http.requests import ClientRetryPolicy

from bot import sdk_fixes
from bot.config import Settings
from bot.sdk_fixes import ConnectorPool, FixedCloudAdapter
from bot.services import build_adapter


class CardBot(ActivityHandler):
    """Answers an Action.Execute invoke with a card body (a dict), like the intake does."""

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        card = {"type": "AdaptiveCard", "version": "1.5"}
        return InvokeResponse(status=200, body={"statusCode": 200, "value": card,
                                                "type": "application/vnd.microsoft.card.adaptive"})

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        await turn_context.send_activity(f"echo {turn_context.activity.text}")


async def _serve(adapter: CloudAdapter, bot: ActivityHandler) -> TestClient:
    async def messages(request: web.Request) -> web.StreamResponse:
        return await adapter.process(request, bot)

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    return client


def _invoke(url: str) -> dict[str, Any]:
    return activity(url, None, type="invoke", name="adaptiveCard/action",
                    value={"action": {"type": "Action.Execute", "verb": "go", "data": {}}})


# --- (a) invoke bodies and expectReplies -------------------------------------------------------------
async def test_stock_cloud_adapter_answers_an_invoke_body_with_500(connector: MockConnector) -> None:
    """The SDK bug this fix exists for (if this starts failing, the SDK fixed it upstream)."""
    stock = CloudAdapter(ConfigurationBotFrameworkAuthentication(Settings().bot_framework_config()))
    client = await _serve(stock, CardBot())
    try:
        assert (await client.post("/api/messages", json=_invoke(connector.url))).status == 500
        expect = activity(connector.url, "hi", deliveryMode="expectReplies")
        assert (await client.post("/api/messages", json=expect)).status == 500
    finally:
        await client.close()


async def test_fixed_adapter_returns_the_invoke_body_and_expected_replies(connector: MockConnector) -> None:
    pool = ConnectorPool()
    client = await _serve(build_adapter(Settings(), pool), CardBot())
    try:
        response = await client.post("/api/messages", json=_invoke(connector.url))
        assert response.status == 200
        assert (await response.json())["value"] == {"type": "AdaptiveCard", "version": "1.5"}
        expect = activity(connector.url, "hi", deliveryMode="expectReplies")
        replies = await client.post("/api/messages", json=expect)
        assert replies.status == 200
        assert [a["text"] for a in (await replies.json())["activities"]] == ["echo hi"]
    finally:
        await client.close()
        await pool.close()


def test_invoke_body_serialises_models_and_passes_json_through() -> None:
    from botbuilder.schema import ChannelAccount

    assert sdk_fixes.invoke_body({"a": [1]}) == {"a": [1]}
    assert sdk_fixes.invoke_body(ChannelAccount(id="x", name="y")) == {"id": "x", "name": "y"}
    assert sdk_fixes.invoke_body(None) is None


# --- dropped: the retry-policy patch (a pooled client makes its retry policy once) -----------------------
async def test_turns_make_no_msrest_retry_policy_once_the_client_is_pooled(connector: MockConnector,
                                                                         monkeypatch) -> None:
    made: list[object] = []
    original_init = ClientRetryPolicy.__init__

    def counted(self: ClientRetryPolicy) -> None:
        made.append(self)
        original_init(self)

    monkeypatch.setattr(ClientRetryPolicy, "__init__", counted)
    pool = ConnectorPool()
    client = await _serve(build_adapter(Settings(), pool), CardBot())
    try:
        assert (await client.post("/api/messages", json=activity(connector.url, "first"))).status == 201
        first_turn = len(made)
        for n in range(10):
            assert (await client.post("/api/messages", json=activity(connector.url, f"m{n}"))).status == 201
    finally:
        await client.close()
        await pool.close()
    assert first_turn == 2  # the pooled connector client and the user token client, made once
    assert len(made) == first_turn  # stock CloudAdapter: two per turn, each re-deriving 999 codes


# --- (b) one pooled connector, no thread pool ------------------------------------------------------------
class NoThreads(concurrent.futures.ThreadPoolExecutor):
    def submit(self, *args: Any, **kwargs: Any) -> concurrent.futures.Future:
        raise AssertionError("a reply went through the default thread pool")


async def test_replies_reuse_one_client_and_one_connection_without_threads(connector: MockConnector) -> None:
    pool = ConnectorPool()
    client = await _serve(build_adapter(Settings(), pool), CardBot())
    asyncio.get_running_loop().set_default_executor(NoThreads())
    try:
        for n in range(6):
            assert (await client.post("/api/messages", json=activity(connector.url, f"m{n}"))).status == 201
        await asyncio.gather(*(client.post("/api/messages", json=activity(connector.url, f"c{n}",
                                                                           conversation=f"conv-{n}"))
                               for n in range(8)))
    finally:
        await client.close()
        await pool.close()
    assert len(connector.activities) == 14
    assert pool.created == 1  # stock CloudAdapter: one new ConnectorClient per turn
    sequential_ports = {call.peer for call in connector.calls[:6]}
    assert len(sequential_ports) == 1  # one keep-alive TCP connection, not one per turn


class RecordedSleeps(list[float]):
    """A sleep that returns at once and records how long it was asked to wait."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


async def test_transient_connector_errors_are_retried(connector: MockConnector) -> None:
    sleeps = RecordedSleeps()
    pool = ConnectorPool()
    adapter = build_adapter(Settings(), pool)
    client = await _serve(adapter, CardBot())
    connector.fail_next = [503, 502]
    original = sdk_fixes.AiohttpSender.__init__

    def patched(self: Any, http: Any, sleep: Any = sleeps) -> None:
        original(self, http, sleeps)

    sdk_fixes.AiohttpSender.__init__ = patched  # type: ignore[method-assign]
    try:
        assert (await client.post("/api/messages", json=activity(connector.url, "hi"))).status == 201
    finally:
        sdk_fixes.AiohttpSender.__init__ = original  # type: ignore[method-assign]
        await client.close()
        await pool.close()
    assert [c.body["text"] for c in connector.calls] == ["echo hi"] * 3
    assert sleeps == [0.8, 1.6]


class ScriptedServer:
    """127.0.0.1 server answering each request with the next (status, headers) of its script, then 200."""

    def __init__(self, script: list[tuple[int, dict[str, str]]]) -> None:
        self.script = list(script)
        self.requests = 0
        self.server: TestServer | None = None

    async def _handle(self, request: web.Request) -> web.Response:
        self.requests += 1
        status, headers = self.script.pop(0) if self.script else (200, {})
        return web.json_response({"n": self.requests}, status=status, headers=headers)

    async def __aenter__(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()
        return str(self.server.make_url("/v3/conversations/c/activities"))

    async def __aexit__(self, *exc_details: Any) -> None:
        assert self.server is not None
        await self.server.close()


async def _send(sender: sdk_fixes.AiohttpSender, url: str) -> int:
    http_request = ClientRequest("POST", url)
    http_request.headers["Content-Type"] = "application/json"
    http_request.data = '{"type": "message"}'
    response = await sender.send(Request(http_request))
    return response.http_response.status_code


async def test_retry_after_seconds_and_http_dates_are_honoured_up_to_90_seconds() -> None:
    sleeps = RecordedSleeps()
    in_an_hour = email.utils.format_datetime(dt.datetime.now(dt.UTC) + dt.timedelta(hours=1), usegmt=True)
    server = ScriptedServer([(503, {"Retry-After": "3"}), (502, {"Retry-After": in_an_hour}),
                             (504, {"Retry-After": "soon"})])
    http = sdk_fixes.SharedHttp()
    try:
        async with server as url:
            assert await _send(sdk_fixes.AiohttpSender(http, sleeps), url) == 200
    finally:
        await http.close()
    assert server.requests == 4
    assert sleeps == [3.0, 90.0, 3.2]  # an unreadable Retry-After falls back to the third backoff


async def test_the_one_try_policy_makes_one_attempt_whatever_the_answer() -> None:
    sleeps = RecordedSleeps()
    server = ScriptedServer([(503, {"Retry-After": "1"})])
    http = sdk_fixes.SharedHttp()
    try:
        async with server as url:
            sender = sdk_fixes.AiohttpSender(http, sleeps, retry=sdk_fixes.ONE_TRY)
            assert await _send(sender, url) == 503
        with pytest.raises(aiohttp.ClientConnectionError):  # the server is gone: no retry either
            await _send(sender, url)
    finally:
        await http.close()
    assert server.requests == 1 and sleeps == []


async def test_connection_errors_are_retried_with_backoff_then_raised() -> None:
    sleeps = RecordedSleeps()
    async with ScriptedServer([]) as url:
        pass  # closed: nothing listens on its port any more
    http = sdk_fixes.SharedHttp()
    try:
        with pytest.raises(aiohttp.ClientConnectionError):
            await _send(sdk_fixes.AiohttpSender(http, sleeps), url)
    finally:
        await http.close()
    assert sleeps == [0.8, 1.6, 3.2]  # msrest's default: 3 retries


def test_adapter_is_the_fixed_one() -> None:
    assert isinstance(build_adapter(Settings(), ConnectorPool()), FixedCloudAdapter)


# --- (c) signing keys fetched off the event loop ----------------------------------------------------------
async def test_signing_key_refresh_does_not_block_the_event_loop(monkeypatch) -> None:
    import threading

    from botframework.connector.auth import jwt_token_extractor

    sdk_fixes.apply_sdk_fixes()
    threads: list[threading.Thread] = []

    class Reply:
        def __init__(self, body: dict[str, Any]) -> None:
            self._body = body

        def raise_for_status(self) -> None:
            return None

        def json(self) -> dict[str, Any]:
            return self._body

    def fake_get(url: str) -> Reply:
        threads.append(threading.current_thread())
        if url.endswith("/keys"):
            return Reply({"keys": [{"kid": "k1", "kty": "RSA", "n": "AQAB", "e": "AQAB"}]})
        return Reply({"jwks_uri": "https://login.example/keys"})

    monkeypatch.setattr(jwt_token_extractor.requests, "get", fake_get)
    metadata = jwt_token_extractor._OpenIdMetadata("https://login.example/.well-known/openidconfiguration")
    await metadata._refresh()
    assert metadata.keys[0]["kid"] == "k1"
    assert len(threads) == 2 and threading.main_thread() not in threads  # the SDK calls it on the loop


async def test_proactive_messages_use_the_pooled_connector(connector: MockConnector) -> None:
    from botbuilder.schema import ChannelAccount, ConversationAccount, ConversationReference

    pool = ConnectorPool()
    adapter = build_adapter(Settings(), pool)
    reference = ConversationReference(channel_id="msteams", service_url=connector.url,
                                      bot=ChannelAccount(id="28:bot"), user=ChannelAccount(id="29:ada"),
                                      conversation=ConversationAccount(id="conv-proactive"))

    async def notify(turn_context: TurnContext) -> None:
        await turn_context.send_activity("your monthly score")

    try:
        for _ in range(3):
            await adapter.continue_conversation(reference, notify, bot_app_id="")
    finally:
        await pool.close()
    assert [call.body["text"] for call in connector.calls] == ["your monthly score"] * 3
    assert pool.created == 1 and len({call.peer for call in connector.calls}) == 1
