"""The notification part inside the real service: Teams activities over HTTP, the real handler and
question parser, proactive cards through the mock connector."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer
from notify_helpers import activity, profile

from bot.app import create_app
from bot.notifications import run_notify
from bot.notifications.store import NotifyStore
from cards.i18n import t


@pytest.fixture
async def client(services) -> AsyncIterator[TestClient]:
    app = create_app(services, scheduler=False)
    async with TestClient(TestServer(app, host="127.0.0.1")) as test_client:
        yield test_client


async def _post(client: TestClient, url: str, kind: str, **fields) -> None:
    body = activity(kind, service_url=url, **fields).serialize()
    response = await client.post("/api/messages", json=body)
    assert response.status in (200, 201), await response.text()


def _proactive(connector) -> list[dict]:
    return [sent for sent in connector.activities if "replyToId" not in sent]


def _replies(connector) -> list[str]:
    return [sent.get("text", "") for sent in connector.activities if "replyToId" in sent]


async def test_install_notify_opt_out_opt_in_and_uninstall_through_the_service(
    client, services, connector, fake_time
):
    await services.profiles.put("tenant-a", profile())
    await _post(client, connector.url, "installationUpdate", action="add")
    assert await NotifyStore(services.storage).index() == [("tenant-a", "a:personal-1")]

    november = await run_notify(services, None, sleep=fake_time.sleep)
    assert november.sent == 1 and len(_proactive(connector)) == 1

    await _post(client, connector.url, "message", text="stop notifications")
    commands = {"stop": "stop notifications", "start": "start notifications"}
    assert t("en", "notify.unsubscribed", day=21, **commands) in _replies(connector)

    fake_time.current = dt.datetime(2026, 12, 21, 9, 0, tzinfo=dt.UTC)
    december = await run_notify(services, None, sleep=fake_time.sleep)
    assert december.sent == 0 and december.skip_reasons == {"unsubscribed": 1}

    await _post(client, connector.url, "message", text="Benachrichtigungen einschalten", locale="de-DE")
    de = {"stop": t("de", "notify.stop_command"), "start": t("de", "notify.start_command")}
    assert t("de", "notify.subscribed", day=21, **de) in _replies(connector)
    december = await run_notify(services, None, sleep=fake_time.sleep)
    assert december.sent == 1
    latest = _proactive(connector)[-1]
    assert latest["locale"] == "de-DE" and latest["attachments"][0]["content"]["lang"] == "de"

    await _post(client, connector.url, "installationUpdate", action="remove")
    assert await NotifyStore(services.storage).index() == []
