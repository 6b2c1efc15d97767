"""The notification connector: one HTTP attempt per try over the service's shared connection pool."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from botframework.connector.auth import MicrosoftAppCredentials
from notify_helpers import Fault

from bot.notifications.connector import ConnectorError, ConnectorSender
from bot.sdk_fixes import SharedHttp

LOCAL = MicrosoftAppCredentials("", "")  # no app id: local mode, no token


def _turn_client(url: str) -> SimpleNamespace:
    """What `CloudAdapter.continue_conversation` puts in the turn: a client with credentials and URL."""
    return SimpleNamespace(config=SimpleNamespace(credentials=LOCAL, base_url=url))


async def test_a_retryable_answer_comes_back_after_one_attempt(connector):
    connector.script = {"a:busy": [Fault(503, "7", code="ServiceUnavailable")]}
    http = SharedHttp()
    sender = ConnectorSender(http.session())
    try:
        with pytest.raises(ConnectorError) as raised:
            await sender.send(_turn_client(connector.url), "a:busy", {"type": "message", "text": "hi"})
        await sender.send(_turn_client(connector.url), "a:busy", {"type": "message", "text": "hi"})
    finally:
        await sender.close()
        await http.close()
    error = raised.value
    assert (error.status, error.code, error.headers["Retry-After"]) == (503, "ServiceUnavailable", "7")
    assert connector.attempts["a:busy"] == 2 and connector.delivered["a:busy"] == 1


async def test_the_sender_borrows_the_shared_pool_and_leaves_it_open(connector):
    http = SharedHttp()
    shared = http.session()
    sender = ConnectorSender(shared)
    await sender.send(_turn_client(connector.url), "a:1", {"type": "message", "text": "hi"})
    assert sender.session() is shared
    assert sender.client_for(_turn_client(connector.url)) is sender.client_for(_turn_client(connector.url))
    await sender.close()
    assert not shared.closed  # the service closes its pool at shutdown, not the job
    await http.close()
    assert shared.closed


async def test_without_a_shared_pool_the_sender_closes_its_own(connector):
    sender = ConnectorSender()
    await sender.send(_turn_client(connector.url), "a:1", {"type": "message", "text": "hi"})
    own = sender.session()
    await sender.close()
    assert own.closed and connector.delivered["a:1"] == 1
