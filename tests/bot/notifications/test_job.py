"""The monthly job: once per conversation and month across reruns, restarts and processes."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from botbuilder.core import TurnContext
from notify_helpers import FakeTime, Fault, activity, install, profile, turn

from bot.config import Settings
from bot.notifications import run_notify, set_subscription
from bot.notifications.models import Delivery, NotifySummary
from bot.notifications.store import NotifyStore
from bot.services import build_services
from cards.i18n import t

WORKER = Path(__file__).with_name("notify_worker.py")
ROOT = Path(__file__).resolve().parents[3]


async def _run(services, fake_time: FakeTime, month: str | None = None) -> NotifySummary:
    return await run_notify(services, month, sleep=fake_time.sleep)


def _exactly_once(connector, conversations) -> None:
    assert dict(connector.delivered) == {conversation: 1 for conversation in conversations}


async def test_a_second_run_of_the_month_sends_nothing(services, connector, fake_time):
    conversations = [f"a:{i}" for i in range(5)]
    await services.profiles.put("tenant-a", profile())
    await install(services, connector.url, conversations)
    first = await _run(services, fake_time)
    second = await _run(services, fake_time)
    assert first.sent == 5 and second.sent == 0 and second.skip_reasons == {"already_sent": 5}
    _exactly_once(connector, conversations)
    run = await NotifyStore(services.storage).run("2026-11")
    assert run.completed_at is not None and run.summary["sent"] == 0


async def test_uninstall_then_run_sends_nothing_there(services, connector, fake_time):
    await services.profiles.put("tenant-a", profile())
    await install(services, connector.url, ["a:stays", "a:leaves"])
    await turn(services, activity("installationUpdate", action="remove", conversation="a:leaves"))
    summary = await _run(services, fake_time)
    assert summary.sent == 1
    _exactly_once(connector, ["a:stays"])


async def test_opted_out_conversations_are_skipped_until_they_opt_in(services, connector, fake_time):
    await services.profiles.put("tenant-a", profile())
    await install(services, connector.url, ["a:in", "a:out"])
    stop = activity("message", text="stop notifications", conversation="a:out", service_url=connector.url)
    assert await set_subscription(TurnContext(services.adapter, stop), services, False) == t(
        "en", "notify.unsubscribed", day=21, stop="stop notifications", start="start notifications"
    )
    summary = await _run(services, fake_time)
    assert summary.sent == 1 and summary.skip_reasons == {"unsubscribed": 1}
    await set_subscription(TurnContext(services.adapter, stop), services, True)
    assert (await _run(services, fake_time)).sent == 1  # opted back in: gets this month's card
    _exactly_once(connector, ["a:in", "a:out"])


async def test_a_tenant_without_profile_is_skipped_and_reported(services, connector, fake_time):
    await install(services, connector.url, ["a:1"], tenant="no-profile")
    summary = await _run(services, fake_time)
    assert summary.sent == 0 and summary.skip_reasons == {"no_profile": 1}
    assert "no_profile 1" in str(summary)


async def test_tenants_outside_allowed_tenants_get_nothing(services, connector, fake_time):
    services.settings = services.settings.model_copy(update={"allowed_tenants": frozenset({"tenant-a"})})
    for tenant in ("tenant-a", "tenant-b"):
        await services.profiles.put(tenant, profile())
        await install(services, connector.url, [f"{tenant}:1"], tenant=tenant)
    summary = await _run(services, fake_time)
    assert summary.sent == 1 and summary.skip_reasons == {"tenant_not_allowed": 1}
    _exactly_once(connector, ["tenant-a:1"])


async def test_month_argument_is_checked(services, fake_time):
    with pytest.raises(ValueError, match="YYYY-MM"):
        await _run(services, fake_time, "2026-13")
    with pytest.raises(ValueError, match="not due until 2026-12-21T09:00:00"):
        await _run(services, fake_time, "2026-12")
    fake_time.current = dt.datetime(2026, 11, 21, 8, 59, tzinfo=dt.UTC)  # a minute early
    with pytest.raises(ValueError, match="the latest due month is 2026-10"):
        await _run(services, fake_time, "2026-11")


async def test_without_a_month_the_latest_due_month_is_sent(services, connector, fake_time):
    await services.profiles.put("tenant-a", profile())
    await install(services, connector.url, ["a:1"])
    fake_time.current = dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC)  # December is not due yet
    assert (await _run(services, fake_time)).month == "2026-11"


async def test_each_month_is_sent_once_and_compared_with_the_month_before(services, connector, fake_time):
    await services.profiles.put("tenant-a", profile())
    await install(services, connector.url, ["a:1"])
    november = await _run(services, fake_time)
    fake_time.current = dt.datetime(2026, 12, 21, 9, 0, tzinfo=dt.UTC)
    december = await _run(services, fake_time)
    assert (november.sent, december.sent) == (1, 1)
    assert connector.delivered["a:1"] == 2
    assert await services.history.months("tenant-a") == ["2026-11", "2026-12"]
    texts_nov, texts_dec = (
        [b.get("text") for b in sent["attachments"][0]["content"]["body"]] for sent in connector.activities
    )
    # The profile saved before holds data dated 2026-10-31: November compares with that October
    # score rather than saying there is nothing to compare (and draws the two months).
    assert t("en", "history.trend_heading") in texts_nov
    assert t("en", "notify.first_month") not in texts_nov
    # Ada's AZ-140 expired on 2026-12-15: Infrastructure falls from 72 to 68 and is lost.
    assert t("en", "notify.lost", area=t("en", "common.area.infrastructure")) in texts_dec
    facts = {
        f["title"]: f["value"]
        for b in connector.activities[1]["attachments"][0]["content"]["body"]
        if b["type"] == "FactSet"
        for f in b["facts"]
    }
    assert "−4" in facts[t("en", "common.area.infrastructure")]
    # November is still done: running it again in December sends nothing.
    assert (await _run(services, fake_time, "2026-11")).sent == 0


async def test_restart_mid_run_finishes_the_rest_without_sending_twice(
    services, connector, fake_time, notify_config
):
    # One send in flight at a time: the crash leaves one claimed, unsent conversation behind.
    services.extras["notify_config"] = notify_config.model_copy(update={"concurrency": 1, "poll_seconds": 30})
    conversations = [f"a:{i:02d}" for i in range(12)]
    await services.profiles.put("tenant-a", profile())
    await install(services, connector.url, conversations)
    task = asyncio.create_task(_run(services, fake_time))

    def crash(conversation: str, request: int) -> None:
        if request == 5:
            connector.script[conversation] = [Fault(503)]  # its reply never reaches the dead run anyway
            task.cancel()

    connector.on_request = crash
    with pytest.raises(asyncio.CancelledError):
        await task
    assert sum(connector.delivered.values()) == 4
    records = await NotifyStore(services.storage).read_many([("tenant-a", c) for c in conversations])
    claimed = [
        c
        for (_, c), r in records.items()
        if r.months.get("2026-11") and r.months["2026-11"].state == "claimed"
    ]
    assert len(claimed) == 1

    connector.on_request = None
    started = fake_time.now()
    summary = await _run(services, fake_time)
    _exactly_once(connector, conversations)
    assert summary.sent == 8 and summary.skip_reasons == {"already_sent": 4}
    # The dead run's claim was waited out (its lease), then taken over.
    assert (fake_time.now() - started).total_seconds() >= notify_config.lease_seconds


async def test_two_concurrent_runs_share_the_work_and_send_once(
    tmp_path, connector, fake_time, notify_config
):
    # Two services over the same data folder, as two processes have.
    first, second = (
        build_services(Settings(data_dir=tmp_path / "data"), clock=fake_time.now) for _ in range(2)
    )
    for services in (first, second):
        services.extras["notify_config"] = notify_config.model_copy(update={"concurrency": 4})
    conversations = [f"a:{i:02d}" for i in range(30)]
    await first.profiles.put("tenant-a", profile())
    await install(first, connector.url, conversations)
    try:
        one, two = await asyncio.gather(_run(first, fake_time), _run(second, fake_time))
    finally:
        await first.close()
        await second.close()
    _exactly_once(connector, conversations)
    assert one.sent + two.sent == 30
    assert one.skipped + two.skipped == 30  # each conversation is sent by one and skipped by the other


def _worker(data_dir: Path, start: dt.datetime, config) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, str(WORKER), str(data_dir), "2026-11", start.isoformat(), config.model_dump_json()],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


async def _finish(process: subprocess.Popen[str]) -> NotifySummary:
    out, err = await asyncio.to_thread(process.communicate, timeout=120)
    assert process.returncode == 0, err
    return NotifySummary.model_validate(json.loads(out.strip().splitlines()[-1]))


async def test_two_processes_at_once_send_each_conversation_once(
    services, connector, fake_time, notify_config
):
    conversations = [f"a:{i:02d}" for i in range(40)]
    await services.profiles.put("tenant-a", profile())
    await install(services, connector.url, conversations)
    config = notify_config.model_copy(update={"concurrency": 4, "poll_seconds": 0.1})
    data_dir = services.settings.data_dir
    processes = [_worker(data_dir, fake_time.now(), config) for _ in range(2)]
    summaries = [await _finish(process) for process in processes]
    _exactly_once(connector, conversations)
    assert sum(summary.sent for summary in summaries) == 40


async def test_a_killed_process_leaves_nothing_lost_and_nothing_twice(
    services, connector, fake_time, notify_config
):
    conversations = [f"a:{i:02d}" for i in range(20)]
    await services.profiles.put("tenant-a", profile())
    await install(services, connector.url, conversations)
    config = notify_config.model_copy(update={"concurrency": 1, "rate_per_second": 50})
    data_dir = services.settings.data_dir
    victim = _worker(data_dir, fake_time.now(), config)

    def kill(conversation: str, request: int) -> None:
        if request == 6:
            victim.send_signal(signal.SIGKILL)
            connector.script[conversation] = [Fault(503)]

    connector.on_request = kill
    await asyncio.to_thread(victim.wait, 60)
    assert victim.returncode == -signal.SIGKILL
    assert sum(connector.delivered.values()) == 5
    record_states = [
        r.months["2026-11"].state
        for r in (
            await NotifyStore(services.storage).read_many([("tenant-a", c) for c in conversations])
        ).values()
        if "2026-11" in r.months
    ]
    assert record_states.count(Delivery.SENT) == 5 and record_states.count(Delivery.CLAIMED) == 1

    connector.on_request = None
    # The next start comes after the dead claim's lease: it takes it over and sends the rest.
    later = fake_time.now() + dt.timedelta(seconds=config.lease_seconds + 1)
    summary = await _finish(_worker(data_dir, later, config))
    _exactly_once(connector, conversations)
    assert summary.sent == 15
