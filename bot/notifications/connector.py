"""A one-attempt Bot Connector client for proactive sends (the job owns the retry decisions).

Built from the connector client `CloudAdapter.continue_conversation` gives the turn (so the bot app
id, credentials, audience and serviceUrl are the SDK's), with an msrest pipeline whose sender makes
one HTTP request over a shared aiohttp session: a 429 or 503 comes back to the job with its
Retry-After instead of being retried blindly underneath.
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

import aiohttp
from botframework.connector.aio import ConnectorClient
from msrest.pipeline import AsyncHTTPSender, AsyncPipeline, Request, Response
from msrest.pipeline.universal import RawDeserializer
from msrest.universal_http import ClientRequest
from msrest.universal_http.async_abc import AsyncClientResponse

from bot.sdk_fixes import BearerTokenPolicy

_TIMEOUT = aiohttp.ClientTimeout(total=30)


class _Response(AsyncClientResponse):
    def __init__(self, request: ClientRequest, response: aiohttp.ClientResponse, body: bytes) -> None:
        super().__init__(request, response)
        self.status_code = response.status
        self.headers = dict(response.headers)
        self.reason = response.reason
        self._body = body

    def body(self) -> bytes:
        return self._body

    def raise_for_status(self) -> None:
        if self.status_code >= 400:
            raise aiohttp.ClientResponseError(
                self.internal_response.request_info, (), status=self.status_code, message=self.reason or ""
            )

    def stream_download(self, chunk_size: int | None = None, callback: Any = None) -> Any:
        raise NotImplementedError("bodies are buffered")


class _OneTrySender(AsyncHTTPSender):
    def __init__(self, owner: ConnectorSender) -> None:
        self._owner = owner

    async def __aenter__(self) -> _OneTrySender:
        return self

    async def __aexit__(self, *exc_details: Any) -> None:
        return None

    def build_context(self) -> dict[str, Any]:
        return {}

    async def send(self, request: Request, **config: Any) -> Response:
        http_request: ClientRequest = request.http_request
        data = http_request.data
        if isinstance(data, str):
            data = data.encode("utf-8")
        session = self._owner.session()
        async with session.request(
            http_request.method, http_request.url, headers=dict(http_request.headers), data=data
        ) as raw:
            body = await raw.read()
        return Response(request, _Response(http_request, raw, body))


class ConnectorError(Exception):
    """A 4xx/5xx answer of the Bot Connector: status, headers (Retry-After) and Teams' error code."""

    def __init__(self, status: int, headers: dict[str, str], body: str) -> None:
        self.status = status
        self.headers = headers
        self.code: str | None = None
        message = body[:200]
        try:
            error = json.loads(body).get("error") or {}
            self.code = error.get("code") or None
            message = error.get("message") or message
        except (ValueError, AttributeError):
            pass
        super().__init__(f"HTTP {status} {self.code or ''}: {message}".replace("  ", " "))


class ConnectorSender:
    """Connector clients per (serviceUrl, credentials), each sending with exactly one attempt."""

    def __init__(self, session: aiohttp.ClientSession | None = None) -> None:
        self._session = session
        self._owns_session = session is None
        self._clients: dict[tuple[str, int], ConnectorClient] = {}

    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=100, ttl_dns_cache=300), timeout=_TIMEOUT
            )
            self._owns_session = True
        return self._session

    def client_for(self, turn_client: Any) -> ConnectorClient:
        config = turn_client.config
        credentials = config.credentials
        key = (str(config.base_url), id(credentials))
        client = self._clients.get(key)
        if client is None:
            client = ConnectorClient(credentials, base_url=config.base_url)
            policies: list[Any] = [
                client.config.user_agent_policy,
                RawDeserializer(),
                client.config.http_logger_policy,
            ]
            if credentials is not None:
                policies.insert(1, BearerTokenPolicy(credentials))
            pipeline = AsyncPipeline(policies, _OneTrySender(self))
            client.config.pipeline = pipeline
            client._client.config.pipeline = pipeline
            self._clients[key] = client
        return client

    async def send(self, turn_client: Any, conversation_id: str, body: dict[str, Any]) -> None:
        """POST an activity (JSON, already in the wire format) to a conversation: Bot Connector
        `v3/conversations/{id}/activities`. Raises `ConnectorError` for any 4xx/5xx answer.

        The body is built once per tenant and locale plus the reference fields: msrest's model
        serialisation of a card-sized activity costs ~5 ms of CPU per message, which a fan-out to
        thousands of conversations cannot afford.
        """
        service = self.client_for(turn_client)._client
        url = service.format_url(
            "/v3/conversations/{conversationId}/activities",
            conversationId=urllib.parse.quote(conversation_id, safe=""),
        )
        request = service.post(url, headers={"Content-Type": "application/json; charset=utf-8"}, content=body)
        response = await service.async_send(request, stream=False)
        if response.status_code >= 400:
            raise ConnectorError(response.status_code, dict(response.headers), response.text())

    async def close(self) -> None:
        if self._owns_session and self._session is not None and not self._session.closed:
            await self._session.close()
        self._clients.clear()
