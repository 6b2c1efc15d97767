"""Fixes for botbuilder 4.17.1 (archived upstream, no more releases). Each has a test that fails
without it (tests/bot/core/test_sdk_fixes.py). All SDK-specific workarounds live here; each was checked
against the installed botbuilder 4.17.1, msrest 0.7 and urllib3 2.x.

(a) Without it, an invoke answered with a dict body (`Action.Execute`, `ExpectedReplies`) gets HTTP 500,
    and malformed or unauthenticated requests get 500 instead of 4xx. `CloudAdapter.process` passes every
    invoke/expectReplies body to `serializer_helper`, which only takes msrest models
    (`'dict' object has no attribute 'is_xml_model'`). `FixedCloudAdapter.process` serialises models and
    passes plain JSON through, checks the token before reading the body, and answers 4xx with fixed texts.
(b) Without it, every turn opens a new TCP+TLS connection and replies queue behind 6 worker threads.
    `CloudAdapter` makes a new `ConnectorClient` (new `requests.Session`) per turn and never closes it,
    and msrest sends through `run_in_executor(None, ...)`. `PooledBotFrameworkAuthentication` hands out
    one client per (app id, serviceUrl, audience) whose pipeline sends with a shared
    `aiohttp.ClientSession` (keep-alive pool, no threads), with the same retry rules as msrest's default,
    and writes request bodies directly (bot/outgoing.py, a quarter of a question turn's CPU otherwise).
    The same `AiohttpSender` with `ONE_TRY` sends the proactive notifications
    (bot/notifications/connector.py), whose job owns its retries.
(c) Without it, every turn stalls while the JWT validator refreshes the OpenID metadata and signing keys
    with blocking `requests.get` on the event loop (at start and daily). `fetch_keys_off_loop()` runs
    that refresh in a worker thread.

Dropped: a patch of msrest's `ClientRetryPolicy.__init__` (it re-derived its status list with 999 list
scans per client). With (b) a client, and so its retry policy, is made once per service URL, not twice
per turn; and the patch set urllib3's `method_whitelist`, a name urllib3 2.x no longer reads.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Protocol

import aiohttp
import jwt
from aiohttp import web
from botbuilder.core import Bot, InvokeResponse
from botbuilder.core.invoke_response import InvokeResponse as CoreInvokeResponse
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
    UserTokenClient,
)
from msrest.pipeline import AsyncHTTPPolicy, AsyncHTTPSender, AsyncPipeline, Request, Response
from msrest.pipeline.universal import RawDeserializer
from msrest.serialization import Model
from msrest.universal_http import ClientRequest
from msrest.universal_http.async_abc import AsyncClientResponse
from msrest.universal_http.requests import ClientRetryPolicy

from bot.outgoing import use_direct_serializer

log = logging.getLogger(__name__)

# msrest's default retry statuses (urllib3 Retry's status_forcelist: 408 and 5xx except 501/505).
_SAFE_CODES = frozenset(ClientRetryPolicy.safe_codes)
RETRY_STATUS_CODES: tuple[int, ...] = tuple(code for code in range(999) if code not in _SAFE_CODES)


# --- (c) signing-key refresh off the event loop ---------------------------------------------------------
def fetch_keys_off_loop() -> None:
    from botframework.connector.auth import jwt_token_extractor

    metadata_class = jwt_token_extractor._OpenIdMetadata
    if getattr(metadata_class, "_bot_off_loop", False):
        return
    blocking_refresh = metadata_class._refresh

    def refresh_in_thread(self: Any) -> None:
        # The SDK's coroutine never awaits anything: run it to completion inside the thread.
        coroutine = blocking_refresh(self)
        try:
            coroutine.send(None)
        except StopIteration:
            return
        coroutine.close()
        raise RuntimeError("the SDK's key refresh unexpectedly awaited")

    async def refresh(self: Any) -> None:
        await asyncio.to_thread(refresh_in_thread, self)

    metadata_class._refresh = refresh
    setattr(metadata_class, "_bot_off_loop", True)  # noqa: B010 (an attribute the SDK class does not declare)


def apply_sdk_fixes() -> None:
    """Process-wide patches (idempotent). The adapter/auth fixes are classes used by bot.app."""
    fetch_keys_off_loop()


# --- (b) aiohttp sender, bearer policy, pooled connector factory -------------------------------------
@dataclass(frozen=True)
class RetryPolicy:
    """How many HTTP attempts a sender makes for one request, and after which answers. Connection
    errors and timeouts are retried like the statuses; the last attempt's answer or error is final."""

    tries: int
    statuses: frozenset[int] = frozenset()
    backoff_s: float = 0.8  # doubled after each attempt unless Retry-After says otherwise
    retry_after_max_s: float = 90.0


# msrest's default (urllib3 Retry: 3 retries, backoff 0.8 s, 408 and 5xx except 501/505).
MSREST_RETRIES = RetryPolicy(tries=4, statuses=frozenset(RETRY_STATUS_CODES))
# One HTTP attempt: for callers that own the retry decisions (the notification job).
ONE_TRY = RetryPolicy(tries=1)


def parse_retry_after(value: str | None, now: dt.datetime) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date); None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())


class _BufferedResponse(AsyncClientResponse):
    """An msrest response over a fully read aiohttp response (empty bodies allowed)."""

    def __init__(self, request: ClientRequest, response: aiohttp.ClientResponse, body: bytes) -> None:
        super().__init__(request, response)
        self.status_code = response.status
        self.headers = dict(response.headers)
        self.reason = response.reason
        self._body = body

    def body(self) -> bytes:
        return self._body

    def raise_for_status(self) -> None:
        if self.status_code is not None and self.status_code >= 400:
            raise aiohttp.ClientResponseError(self.internal_response.request_info, (),
                                              status=self.status_code, message=self.reason or "")

    def stream_download(self, chunk_size: int | None = None, callback: Any = None) -> Any:
        raise NotImplementedError("bodies are buffered")


class SessionSource(Protocol):
    """Hands out the current pooled session (`SharedHttp`, the notifications' `ConnectorSender`)."""

    def session(self) -> aiohttp.ClientSession: ...


class SharedHttp:
    """One aiohttp ClientSession (connection pool) for every connector client of the app."""

    def __init__(self, limit: int = 100, timeout_s: float = 30.0) -> None:
        self._limit = limit
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._session: aiohttp.ClientSession | None = None

    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._limit, ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(connector=connector, timeout=self._timeout)
        return self._session

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None


class AiohttpSender(AsyncHTTPSender):
    """msrest pipeline sender over a shared aiohttp session (`http.session()`, asked per attempt so a
    reopened pool is picked up), making the attempts `retry` allows. The default retries like msrest's
    default policy (408 and 5xx except 501/505, connection errors; backoff 0.8 s doubling,
    Retry-After honoured up to 90 s)."""

    def __init__(self, http: SessionSource, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 retry: RetryPolicy = MSREST_RETRIES, timeout: aiohttp.ClientTimeout | None = None) -> None:
        self._http = http
        self._sleep = sleep
        self._retry = retry
        self._timeout = timeout  # None: the session's

    async def __aenter__(self) -> AiohttpSender:
        return self

    async def __aexit__(self, *exc_details: Any) -> None:
        return None

    def build_context(self) -> dict[str, Any]:
        return {}

    async def send(self, request: Request, **config: Any) -> Response:
        # Our loop rather than tenacity: it must return the last retryable answer as the response
        # (msrest's contract), which tenacity only gives back through a retry_error_callback.
        http_request: ClientRequest = request.http_request
        data = http_request.data
        if isinstance(data, str):
            data = data.encode("utf-8")
        headers = dict(http_request.headers)
        retry = self._retry
        options: dict[str, Any] = {"timeout": self._timeout} if self._timeout is not None else {}
        for attempt in range(1, retry.tries + 1):
            backoff = retry.backoff_s * 2 ** (attempt - 1)
            try:
                async with self._http.session().request(http_request.method, http_request.url,
                                                        headers=headers, data=data, **options) as raw:
                    body = await raw.read()
            except (TimeoutError, aiohttp.ClientConnectionError):
                if attempt == retry.tries:
                    raise
                await self._sleep(backoff)
                continue
            if raw.status in retry.statuses and attempt < retry.tries:
                await self._sleep(self._retry_after(raw) or backoff)
                continue
            return Response(request, _BufferedResponse(http_request, raw, body))
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _retry_after(self, raw: aiohttp.ClientResponse) -> float | None:
        seconds = parse_retry_after(raw.headers.get("Retry-After"), dt.datetime.now(dt.UTC))
        return None if seconds is None else min(seconds, self._retry.retry_after_max_s)


class BearerTokenPolicy(AsyncHTTPPolicy):
    """Adds the bot's Bearer token. The token comes from the SDK credentials (msal), fetched in a
    thread (it may call AAD) and reused for a few minutes; msal refreshes well before expiry."""

    _REUSE_S = 300.0

    def __init__(self, credentials: Any) -> None:
        super().__init__()
        self._credentials = credentials
        self._token: str | None = None
        self._fetched = 0.0
        self._lock = asyncio.Lock()

    def _needs_token(self) -> bool:
        app_id = getattr(self._credentials, "microsoft_app_id", None)
        return bool(app_id) and app_id != AuthenticationConstants.ANONYMOUS_SKILL_APP_ID

    async def _get(self, force: bool = False) -> str:
        async with self._lock:
            if force or self._token is None or time.monotonic() - self._fetched > self._REUSE_S:
                self._token = await asyncio.to_thread(self._credentials.get_access_token, force)
                self._fetched = time.monotonic()
            assert self._token is not None
            return self._token

    async def send(self, request: Request, **kwargs: Any) -> Response:
        following = self.next
        assert following is not None  # the pipeline links every policy to the next one
        if not self._needs_token():
            return await following.send(request, **kwargs)
        request.http_request.headers["Authorization"] = f"Bearer {await self._get()}"
        response = await following.send(request, **kwargs)
        if response.http_response.status_code == HTTPStatus.UNAUTHORIZED:
            request.http_request.headers["Authorization"] = f"Bearer {await self._get(force=True)}"
            response = await following.send(request, **kwargs)
        return response


def use_sender(client: Any, sender: AsyncHTTPSender) -> Any:
    """Give an msrest client (ConnectorClient) a pipeline that sends with `sender` (no threads): the
    client's user agent, the bot's Bearer token, raw deserialisation and its HTTP logging."""
    config = client.config
    policies: list[Any] = [config.user_agent_policy, RawDeserializer(), config.http_logger_policy]
    if config.credentials is not None:
        policies.insert(1, BearerTokenPolicy(config.credentials))
    pipeline = AsyncPipeline(policies, sender)
    config.pipeline = pipeline
    client._client.config.pipeline = pipeline
    return use_direct_serializer(client)


def use_shared_http(client: Any, http: SharedHttp) -> Any:
    """Give an msrest client a pipeline over `http` that retries like msrest's default."""
    return use_sender(client, AiohttpSender(http))


class _PooledConnectorFactory(ConnectorFactory):
    def __init__(self, inner: ConnectorFactory, pool: ConnectorPool, app_id: str | None) -> None:
        self._inner = inner
        self._pool = pool
        self._app_id = app_id

    async def create(self, service_url: str, audience: str | None = None) -> Any:
        return await self._pool.get(self._app_id, service_url, audience, self._inner)


class ConnectorPool:
    """Connector clients kept per (app id, serviceUrl, audience) and sharing one HTTP pool."""

    def __init__(self, http: SharedHttp | None = None, max_clients: int = 1024) -> None:
        self.http = http or SharedHttp()
        self._clients: dict[tuple[str | None, str, str | None], Any] = {}
        self._max = max_clients
        self.created = 0

    async def get(self, app_id: str | None, service_url: str, audience: str | None,
                  inner: ConnectorFactory) -> Any:
        key = (app_id, service_url, audience)
        client = self._clients.get(key)
        if client is None:
            # The SDK annotates `audience` as str but reads None as "the default audience".
            client = use_shared_http(await inner.create(service_url, audience), self.http)  # pyright: ignore[reportArgumentType]
            self.created += 1
            if len(self._clients) >= self._max:  # bounded: drop the oldest
                self._clients.pop(next(iter(self._clients)))
            self._clients[key] = client
        return client

    async def close(self) -> None:
        self._clients.clear()
        await self.http.close()


class PooledBotFrameworkAuthentication(BotFrameworkAuthentication):
    """Wraps a BotFrameworkAuthentication so every connector (reactive and proactive) is pooled and
    the user token client is made once per app id instead of once per turn."""

    def __init__(self, inner: BotFrameworkAuthentication, pool: ConnectorPool) -> None:
        self._inner = inner
        self.pool = pool
        self._token_clients: dict[str | None, UserTokenClient] = {}

    @staticmethod
    def _app_id(claims: ClaimsIdentity | None) -> str | None:
        if claims is None:
            return None
        return (claims.get_claim_value(AuthenticationConstants.AUDIENCE_CLAIM)
                or claims.get_claim_value(AuthenticationConstants.APP_ID_CLAIM))

    async def authenticate_request(self, activity: Activity, auth_header: str) -> AuthenticateRequestResult:
        result = await self._inner.authenticate_request(activity, auth_header)
        if result.connector_factory is not None:
            result.connector_factory = _PooledConnectorFactory(
                result.connector_factory, self.pool, self._app_id(result.claims_identity))
        return result

    async def authenticate_streaming_request(self, auth_header: str,
                                             channel_id_header: str) -> AuthenticateRequestResult:
        return await self._inner.authenticate_streaming_request(auth_header, channel_id_header)

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return _PooledConnectorFactory(self._inner.create_connector_factory(claims_identity), self.pool,
                                       self._app_id(claims_identity))

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        app_id = self._app_id(claims_identity)
        client = self._token_clients.get(app_id)
        if client is None:
            client = self._token_clients[app_id] = await self._inner.create_user_token_client(claims_identity)
        return client

    def create_bot_framework_client(self) -> Any:
        return self._inner.create_bot_framework_client()

    def get_originating_audience(self) -> str:
        return self._inner.get_originating_audience()

    async def authenticate_channel_request(self, auth_header: str) -> ClaimsIdentity:
        return await self._inner.authenticate_channel_request(auth_header)


# --- (a) adapter ---------------------------------------------------------------------------------------
class RequestRejected(Exception):
    """A request refused before any turn runs: status and a short reason for the caller/logs."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def invoke_body(body: Any) -> Any:
    """JSON for an InvokeResponse body: msrest models serialised, plain JSON passed through."""
    if isinstance(body, Model):
        from botbuilder.core import serializer_helper

        return serializer_helper(body)
    if isinstance(body, list):
        return [invoke_body(item) for item in body]
    return body


# The activity's lists of objects: a null entry is dropped (`membersAdded: [null]` would crash the
# SDK's conversationUpdate routing), any other non-object entry refuses the request.
_OBJECT_LISTS = ("membersAdded", "membersRemoved", "reactionsAdded", "reactionsRemoved", "attachments",
                 "entities")
# A \uD800-\uDFFF escape in the raw bytes: json.loads keeps a lone one as a surrogate, which no UTF-8
# encoder accepts (the reply to an activity whose id is "\ud800" could never be sent).
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89abcdefABCDEF]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def replace_lone_surrogates(value: Any) -> Any:
    """`value` with every lone surrogate in its strings (keys included) replaced by U+FFFD."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {replace_lone_surrogates(key): replace_lone_surrogates(item) for key, item in value.items()}
    if isinstance(value, list):
        return [replace_lone_surrogates(item) for item in value]
    return value


def parse_body(raw: bytes) -> Any:
    """The JSON of a request body, lone surrogate escapes replaced (ValueError if not JSON)."""
    payload = json.loads(raw)
    if _SURROGATE_ESCAPE.search(raw):
        payload = replace_lone_surrogates(payload)
    return payload


def parse_activity(payload: Any) -> Activity:
    """A validated Activity from a parsed JSON body, or RequestRejected(400).

    Every check is made on the raw JSON, before msrest (which would quietly coerce 42 into "42");
    the deserialised activity keeps these strings as they are. The reasons are fixed texts: a
    deserialiser's exception text never reaches the caller."""
    if not isinstance(payload, dict):
        raise RequestRejected(400, "the body must be a JSON object (a Bot Framework activity)")
    for name in ("type", "serviceUrl", "channelId"):
        if not isinstance(payload.get(name), str) or not payload[name].strip():
            raise RequestRejected(400, f"the activity has no '{name}' string")
    if not payload["serviceUrl"].startswith(("http://", "https://")):
        raise RequestRejected(400, "the activity has no valid 'serviceUrl'")
    conversation = payload.get("conversation")
    if not isinstance(conversation, dict) or not isinstance(conversation.get("id"), str) \
            or not conversation["id"]:
        raise RequestRejected(400, "the activity has no 'conversation.id'")
    for name in ("from", "recipient", "channelData"):
        if payload.get(name) is not None and not isinstance(payload[name], dict):
            raise RequestRejected(400, f"the activity's '{name}' must be an object")
    for name in ("id", "locale", "text"):
        if payload.get(name) is not None and not isinstance(payload[name], str):
            raise RequestRejected(400, f"the activity's '{name}' must be a string")
    for name in _OBJECT_LISTS:
        items = payload.get(name)
        if items is None:
            continue
        if not isinstance(items, list) or not all(item is None or isinstance(item, dict) for item in items):
            raise RequestRejected(400, f"the activity's '{name}' must be a list of objects")
        if None in items:
            payload[name] = [item for item in items if item is not None]
    try:
        return Activity().deserialize(payload)
    except Exception as error:  # msrest raises DeserializationError and friends for wrong types
        log.info("refused an activity msrest cannot read: %s", type(error).__name__)
        raise RequestRejected(400, "not a valid activity") from error


def token_may_be_for(auth_header: str, app_id: str, now: float | None = None) -> bool:
    """Whether `auth_header` is a Bearer JWT for `app_id` that has not expired, judged without the
    signature: the cheap check made before the body is read. The signature is checked by the SDK once
    the activity names the channel whose endorsement the signing key must carry."""
    scheme, _, token = auth_header.partition(" ")
    if scheme != "Bearer" or token.count(".") != 2:
        return False
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return False
    expires = claims.get("exp")
    now = time.time() if now is None else now
    return (claims.get("aud") == app_id and isinstance(expires, int | float)
            and expires + _CLOCK_SKEW_S > now)


_CLOCK_SKEW_S = 300.0  # the SDK's own clock tolerance


class FixedCloudAdapter(CloudAdapter):
    """CloudAdapter whose HTTP entry point returns invoke bodies correctly and never answers a
    client mistake with 500. With an app id, a request without a plausible token for it is refused
    before its body is read; the body must arrive within `body_timeout_s`."""

    def __init__(self, bot_framework_authentication: BotFrameworkAuthentication, *,
                 app_id: str | None = None, body_timeout_s: float = 15.0) -> None:
        super().__init__(bot_framework_authentication)
        self._app_id = app_id or None
        self._body_timeout_s = body_timeout_s

    async def process(self, request: web.Request, bot: Bot, ws_response: Any = None) -> web.Response:
        if request.method != "POST":
            return _error(405, "POST an activity to this endpoint")
        auth_header = request.headers.get("Authorization", "")
        if self._app_id is not None and not token_may_be_for(auth_header, self._app_id):
            return _error(401, "unauthorized")
        content_type = request.headers.get("Content-Type", "")
        if "application/json" not in content_type.lower():
            return _error(415, "the body must be application/json")
        try:
            async with asyncio.timeout(self._body_timeout_s):
                raw = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return _error(413, "the request body is too large")
        except TimeoutError:
            return _error(408, "the body did not arrive in time", close=True)
        except web.RequestPayloadError:  # e.g. "Content-Encoding: gzip" on a body that is not gzip
            return _error(400, "the body could not be decoded", close=True)
        try:
            activity = parse_activity(parse_body(raw))
        except RequestRejected as rejected:
            return _error(rejected.status, rejected.reason)
        except RecursionError:
            # "[[[[..." deeper than the parser recurses: a client mistake, not a server fault.
            return _error(400, "the body is nested too deeply")
        except (ValueError, UnicodeDecodeError):
            return _error(400, "the body is not valid JSON")
        try:
            auth = await self.bot_framework_authentication.authenticate_request(activity, auth_header)
        except Exception as error:  # jwt, PermissionError, unknown key id: all mean "not authenticated"
            log.warning("refused unauthenticated request: %s: %s", type(error).__name__, error,
                        extra={"activity_type": activity.type, "service_url": activity.service_url})
            return _error(401, "unauthorized")
        invoke_response = await self.process_activity(auth, activity, bot.on_turn)
        return self.http_response(invoke_response)

    @staticmethod
    def http_response(invoke_response: InvokeResponse | CoreInvokeResponse | None) -> web.Response:
        if invoke_response is None:
            return web.Response(status=201)
        body = invoke_body(invoke_response.body)
        status = int(invoke_response.status or 200)
        if body is None:
            return web.Response(status=status)
        return web.json_response(body, status=status)


def _error(status: int, reason: str, *, close: bool = False) -> web.Response:
    response = web.json_response({"error": reason}, status=status)
    if close:  # the rest of the body may still be on its way: the connection cannot carry another request
        response.force_close()
    return response
