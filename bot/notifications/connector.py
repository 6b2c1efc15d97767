"""A one-attempt Bot Connector client for proactive sends (the job owns the retry decisions).

Built from the connector client `CloudAdapter.continue_conversation` gives the turn (so the bot app
id, credentials, audience and serviceUrl are the SDK's), with the service's msrest pipeline
(bot/sdk_fixes.py) whose aiohttp sender makes one HTTP attempt (`ONE_TRY`) over the shared
connection pool: a 429 or 503 comes back to the job with its Retry-After instead of being retried
blindly underneath.
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

import aiohttp
from botframework.connector.aio import ConnectorClient

from bot.sdk_fixes import ONE_TRY, AiohttpSender, SharedHttp, use_sender


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


class SendUnconfirmedError(Exception):
    """The request reached the Bot Connector but its answer did not come in time: Teams may have
    delivered the message. The connector has no idempotency key, so sending again could post it twice."""


class ConnectorSender:
    """Connector clients per (serviceUrl, credentials), each sending with exactly one attempt over
    `session` (the service's pool, not closed here) or, without one, a pool of its own.

    `answer_timeout_s` bounds the wait for the connector's answer once the request is written; a
    connection that cannot be made within `connect_timeout_s` is a plain failure (nothing was sent)."""

    def __init__(self, session: aiohttp.ClientSession | None = None, *, answer_timeout_s: float = 20.0,
                 connect_timeout_s: float = 10.0) -> None:
        self._borrowed = session
        self._own = SharedHttp()
        self._clients: dict[tuple[str, int], ConnectorClient] = {}
        self.answer_timeout_s = answer_timeout_s
        # sock_read starts once the request is written: its expiry is the one "sent, unconfirmed" case.
        self._timeout = aiohttp.ClientTimeout(total=None, connect=connect_timeout_s,
                                              sock_read=answer_timeout_s)

    def session(self) -> aiohttp.ClientSession:
        if self._borrowed is not None and not self._borrowed.closed:
            return self._borrowed
        return self._own.session()

    def client_for(self, turn_client: Any) -> ConnectorClient:
        config = turn_client.config
        credentials = config.credentials
        key = (str(config.base_url), id(credentials))
        client = self._clients.get(key)
        if client is None:
            client = ConnectorClient(credentials, base_url=config.base_url)
            self._clients[key] = use_sender(client, AiohttpSender(self, retry=ONE_TRY, timeout=self._timeout))
        return client

    async def send(self, turn_client: Any, conversation_id: str, body: dict[str, Any]) -> None:
        """POST an activity (JSON, already in the wire format) to a conversation: Bot Connector
        `v3/conversations/{id}/activities`. Raises `ConnectorError` for any 4xx/5xx answer,
        `SendUnconfirmedError` when the request went out and its answer timed out.

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
        try:
            response = await service.async_send(request, stream=False)
        except aiohttp.SocketTimeoutError as error:
            raise SendUnconfirmedError(
                f"sent, but no answer from the Bot Connector within {self.answer_timeout_s:g}s") from error
        if response.status_code >= 400:
            raise ConnectorError(response.status_code, dict(response.headers), response.text())

    async def close(self) -> None:
        await self._own.close()
        self._clients.clear()
