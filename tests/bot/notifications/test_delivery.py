"""Delivery against the mock connector: Teams' retry rules, deactivation, pacing, the summary."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import time

from notify_helpers import FakeTime, Fault, activity, install, profile, turn

from bot.notifications import run_notify
from bot.notifications.card import opt_out_text
from bot.notifications.delivery import parse_retry_after
from bot.notifications.models import Delivery
from bot.notifications.pacing import backoff_delay, tenant_limiter
from bot.notifications.store import NotifyStore

SCRIPT = {
    "a:429-retry-after": [Fault(429, "2")],
    "a:429-bare": [Fault(429)],
    "a:503-twice": [Fault(503), Fault(503, "1")],
    "a:412": [Fault(412)],
    "a:502": [Fault(502)],
    "a:504": [Fault(504)],
    "a:500": [Fault(500)],
    "a:blocked": [Fault(403, code="ConversationBlockedByUser")],
    "a:not-in-roster": [Fault(403, code="BotNotInConversationRoster")],
    "a:disabled": [Fault(403, code="BotDisabledByAdmin")],
    "a:gone": [Fault(404, code="ConversationNotFound")],
    "a:429-forever": [Fault(429, "0")] * 4,
    "a:fine": [],
}
DELIVERABLE = {"a:429-retry-after", "a:429-bare", "a:503-twice", "a:412", "a:502", "a:504", "a:fine"}


async def _run(services, fake_time: FakeTime, month: str | None = None):
    return await run_notify(
        services, month, sleep=fake_time.sleep, rng=random.Random(1)
    )


async def test_faults_deliver_everything_deliverable_exactly_once_and_report_the_rest(
    services, connector, fake_time
):
    connector.script = {key: list(faults) for key, faults in SCRIPT.items()}
    await services.profiles.put("tenant-a", profile())
    await install(services, connector.url, list(SCRIPT))
    summary = await _run(services, fake_time)

    assert set(connector.delivered) == DELIVERABLE
    assert all(count == 1 for count in connector.delivered.values())
    assert (summary.sent, summary.failed, summary.deactivated) == (7, 2, 4)
    # 1 + 1 + 2 + 1 + 1 + 1 retries for the deliverable ones, 3 for the 429 that never clears.
    assert summary.retried == 10
    assert connector.attempts["a:500"] == 1  # 500 is not retried
    assert connector.attempts["a:429-forever"] == 4  # bounded by NOTIFY_MAX_TRIES
    deactivated = ("a:blocked", "a:not-in-roster", "a:disabled", "a:gone")
    assert all(connector.attempts[key] == 1 for key in deactivated)
    assert 2.0 in fake_time.slept  # Retry-After: 2 honoured
    assert len(summary.failures) == 2 and any("500" in line for line in summary.failures)
    assert "sent 7" in str(summary) and "deactivated 4" in str(summary)

    store = NotifyStore(services.storage)
    blocked = await store.get("tenant-a", "a:blocked")
    assert not blocked.active and "ConversationBlockedByUser" in blocked.inactive_reason
    assert (await store.get("tenant-a", "a:500")).months["2026-11"].state == Delivery.FAILED

    # The next run retries the failures only; deactivated references are left alone.
    again = await _run(services, fake_time)
    assert (again.sent, again.failed, again.deactivated) == (2, 0, 0)
    assert again.skip_reasons == {"already_sent": 7, "inactive": 4}
    assert set(connector.delivered) == DELIVERABLE | {"a:500", "a:429-forever"}
    assert all(count == 1 for count in connector.delivered.values())


async def test_the_notification_carries_the_card_and_the_opt_out_line(services, connector, fake_time):
    await services.profiles.put("tenant-a", profile())
    await install(services, connector.url, ["a:fr"], locale="fr-FR")
    await _run(services, fake_time)
    [sent] = connector.activities
    assert sent["type"] == "message" and sent["path_conversation"] == sent["conversation"]["id"] == "a:fr"
    assert sent["from"]["id"] == "28:notify-test-bot" and sent["recipient"]["id"] == "29:user-1"
    assert "replyToId" not in sent
    card = sent["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    texts = [block.get("text") for block in card["content"]["body"]]
    assert opt_out_text("fr") in texts
    assert "Contoso Ltd" in sent["text"]


async def test_a_deactivated_conversation_comes_back_when_it_speaks_again(services, connector, fake_time):
    connector.script = {"a:gone": [Fault(404)]}
    await services.profiles.put("tenant-a", profile())
    await install(services, connector.url, ["a:gone"])
    assert (await _run(services, fake_time)).deactivated == 1
    await turn(services, activity("message", text="hello", conversation="a:gone", service_url=connector.url))
    assert (await _run(services, fake_time)).sent == 1
    assert connector.delivered["a:gone"] == 1


async def test_sends_are_paced_per_tenant_in_real_time(services, connector, notify_config):
    # Real clock and sleep here: the pace is what the connector sees.
    services.extras["notify_config"] = notify_config.model_copy(update={"rate_per_second": 10.0})
    services.clock = lambda: dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)
    arrivals: dict[str, list[float]] = {}
    connector.on_request = lambda conversation, _: arrivals.setdefault(conversation[:2], []).append(
        time.monotonic()
    )
    for tenant in ("t1", "t2"):
        await services.profiles.put(tenant, profile())
        await install(services, connector.url, [f"{tenant}:{i}" for i in range(6)], tenant=tenant)
    started = time.monotonic()
    summary = await run_notify(services, "2026-11")
    assert summary.sent == 12
    for tenant, times in arrivals.items():
        # Six sends at 10/s: the sixth goes out at least 0.5 s after the run began, in each tenant.
        # (From the run's start: the first send's own setup time would shorten a first-to-last span.)
        assert len(times) == 6 and times[-1] - started >= 0.5, tenant


async def test_a_tenants_limiter_lets_a_tenth_of_a_second_through_then_paces_at_the_rate():
    limiter = tenant_limiter(40.0)  # bursts of 4
    loop = asyncio.get_running_loop()
    start = loop.time()
    for _ in range(4):
        await limiter.acquire()
    burst_done = loop.time()
    for _ in range(8):
        await limiter.acquire()
    assert burst_done - start < 0.05
    assert loop.time() - start >= 8 / 40 - 0.01  # eight more at 40/s: at least 0.2 s


def test_backoff_is_jittered_exponential_and_capped():
    rng = random.Random(3)
    delays = [backoff_delay(attempt, 1.0, 8.0, rng) for attempt in range(6)]
    assert all(0 <= delay <= min(8.0, 2**attempt) for attempt, delay in enumerate(delays))
    assert len(set(delays)) == len(delays)


def test_retry_after_accepts_seconds_and_http_dates():
    now = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)
    assert parse_retry_after("3", now) == 3.0
    assert parse_retry_after("Sat, 21 Nov 2026 09:00:05 GMT", now) == 5.0
    assert parse_retry_after("Sat, 21 Nov 2026 08:00:00 GMT", now) == 0.0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None
