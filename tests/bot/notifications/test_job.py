"""The monthly job: once per conversation and month across reruns, restarts and processes."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from botbuilder.core import TurnContext
from notify_helpers import FakeTime, Fault, activity, install, profile, turn

from bot.config import Settings
from bot.notifications import run_notify, set_subscription
from bot.notifications.models import Delivery, NotifySummary
from bot.notifications.store import NotifyStore
from bot.services import build_services
from bot.storage.base import ETagConflictError
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
    services, connector, fake_time, notify_config, caplog
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
    dead_run = records[("tenant-a", claimed[0])].months["2026-11"].owner
    with caplog.at_level("INFO", logger="bot.notifications.job"):
        summary = await _run(services, fake_time)
    _exactly_once(connector, conversations)
    assert summary.sent == 8 and summary.skip_reasons == {"already_sent": 4}
    # The dead run's claim was waited out (its lease), then taken over; the wait was said.
    assert (fake_time.now() - started).total_seconds() >= notify_config.lease_seconds
    lease_end = records[("tenant-a", claimed[0])].months["2026-11"].lease_until
    assert (f"notify 2026-11: waiting for 1 conversation(s) claimed by run {dead_run}, lease until "
            f"{lease_end.isoformat(timespec='seconds')}") in caplog.text


async def test_a_claim_that_landed_although_its_answer_was_lost_is_still_sent_at_once(
    services, connector, fake_time, monkeypatch
):
    # A slow store: the claim is written, its answer times out, the SDK's retry gets 412. The run
    # must see the claim as its own and send, not skip it and strand it for a lease (the cause of
    # the slow "three notify runs at once" on a loaded Azurite).
    conversations = ["a:1", "a:2"]
    await services.profiles.put("tenant-a", profile())
    await install(services, connector.url, conversations)
    write, lost = services.storage.write, []

    async def answer_lost_once(changes):
        await write(changes)
        for key, item in changes.items():
            if not key.startswith("notify/conversations/"):
                continue
            entry = item["months"].get("2026-11")
            if entry and entry["state"] == "claimed" and key not in lost:
                lost.append(key)
                raise ETagConflictError(key, "retried", "landed")

    monkeypatch.setattr(services.storage, "write", answer_lost_once)
    started = fake_time.now()
    summary = await _run(services, fake_time)
    assert len(lost) == 2 and summary.sent == 2 and summary.skipped == 0
    assert fake_time.now() == started  # nothing waited for a lease
    _exactly_once(connector, conversations)
    records = await NotifyStore(services.storage).read_many([("tenant-a", c) for c in conversations])
    assert [r.months["2026-11"].state for r in records.values()] == [Delivery.SENT] * 2


async def test_a_run_that_stalled_past_its_lease_does_not_send_what_another_run_took_over(
    services, connector, fake_time, monkeypatch
):
    # The run claims "a:stalled", then its process stalls (suspended, or blocked on a full log pipe)
    # for longer than the lease; another run takes the claim over meanwhile.
    await services.profiles.put("tenant-a", profile())
    await install(services, connector.url, ["a:1", "a:stalled"])
    storage = services.storage
    write = storage.write

    async def stall_after_claim(changes):
        await write(changes)
        key = next(iter(changes))
        entry = changes[key].get("months", {}).get("2026-11") if key.endswith("stalled") else None
        if entry and entry["state"] == "claimed" and entry["owner"] != "other-run":
            fake_time.advance(700)  # past the 600 s lease
            taken = (await storage.read([key]))[key]
            until = fake_time.now() + dt.timedelta(seconds=600)
            taken["months"]["2026-11"].update(owner="other-run", lease_until=until.isoformat())
            await write({key: taken})

    monkeypatch.setattr(storage, "write", stall_after_claim)
    summary = await _run(services, fake_time)
    assert summary.sent == 1 and summary.skip_reasons == {"taken_over": 1}
    assert dict(connector.delivered) == {"a:1": 1}  # the other run sends "a:stalled", not this one
    record = await NotifyStore(storage).get("tenant-a", "a:stalled")
    assert (record.months["2026-11"].state, record.months["2026-11"].owner) == (Delivery.CLAIMED, "other-run")


async def test_a_send_whose_answer_times_out_is_uncertain_and_never_resent(
    services, connector, fake_time, notify_config
):
    services.extras["notify_config"] = notify_config.model_copy(update={"answer_timeout_seconds": 0.3})
    conversations = ["a:1", "a:slow", "a:3"]
    await services.profiles.put("tenant-a", profile())
    await install(services, connector.url, conversations)
    connector.script["a:slow"] = [Fault(201, delay=2.0)]  # taken and delivered, answered too late
    first = await _run(services, fake_time)
    assert (first.sent, first.uncertain, first.failed, first.retried) == (2, 1, 0, 0)
    assert str(first).splitlines() == [
        "notify 2026-11: sent 2, skipped 0, retried 0, failed 0, deactivated 0, uncertain 1 "
        f"(maybe delivered: not resent automatically) in {first.elapsed_seconds:.1f}s",
        "  uncertain: tenant-a/a:slow: sent, but no answer from the Bot Connector within 0.3s",
    ]
    record = await NotifyStore(services.storage).get("tenant-a", "a:slow")
    assert record.months["2026-11"].state == Delivery.UNCERTAIN and record.months["2026-11"].tries == 1
    second = await _run(services, fake_time)
    assert second.sent == 0 and second.skip_reasons == {"already_sent": 2, "uncertain": 1}
    _exactly_once(connector, conversations)


async def test_a_live_run_keeps_its_claim_past_the_lease_by_its_heartbeat(tmp_path, connector, notify_config):
    # Real time: a 1 s lease renewed every 0.2 s; one send takes 3 s (three leases).
    config = notify_config.model_copy(update={"lease_seconds": 1.0, "heartbeat_seconds": 0.2,
                                              "poll_seconds": 0.1, "concurrency": 2})
    first, second = (build_services(Settings(data_dir=tmp_path / "data")) for _ in range(2))
    for services in (first, second):
        services.extras["notify_config"] = config
    fixed = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)
    conversations = ["a:slow", "a:2", "a:3"]
    await first.profiles.put("tenant-a", profile())
    await install(first, connector.url, conversations)
    connector.script["a:slow"] = [Fault(201, delay=3.0)]
    try:
        one = asyncio.create_task(run_notify(first, "2026-11", run_id="first-run"))
        while connector.attempts["a:slow"] == 0:
            await asyncio.sleep(0.02)
        claim = (await NotifyStore(first.storage).get("tenant-a", "a:slow")).months["2026-11"]
        await asyncio.sleep(1.5)  # past the first lease
        renewed = (await NotifyStore(first.storage).get("tenant-a", "a:slow")).months["2026-11"]
        two = await run_notify(second, "2026-11", run_id="second-run")
        one_summary = await one
    finally:
        await first.close()
        await second.close()
    assert fixed < claim.lease_until  # real clock
    assert renewed.owner == "first-run" and renewed.lease_until > claim.lease_until
    assert one_summary.sent == 3 and two.sent == 0 and two.skip_reasons == {"already_sent": 3}
    _exactly_once(connector, conversations)


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


def _worker(data_dir: Path, start: dt.datetime, config, run_id: str = "") -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, str(WORKER), str(data_dir), "2026-11", start.isoformat(), config.model_dump_json(),
         *([run_id] if run_id else [])],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


async def _finish_logged(process: subprocess.Popen[str]) -> tuple[NotifySummary, str]:
    out, err = await asyncio.to_thread(process.communicate, timeout=120)
    assert process.returncode == 0, err
    return NotifySummary.model_validate(json.loads(out.strip().splitlines()[-1])), err


async def _finish(process: subprocess.Popen[str]) -> NotifySummary:
    return (await _finish_logged(process))[0]


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


@dataclass
class KilledRun:
    conversations: list[str]
    launched: float  # time.monotonic() when the killed process started


async def _a_run_killed_as_it_sends_the_sixth(services, connector, fake_time, config,
                                              run_id: str = "") -> KilledRun:
    """20 conversations of tenant-a, and a notify process killed (kill -9) as it sends the 6th, which
    the connector refuses: 5 delivered, the 6th's claim left to the dead run."""
    conversations = [f"a:{i:02d}" for i in range(20)]
    await services.profiles.put("tenant-a", profile())
    await install(services, connector.url, conversations)
    launched = time.monotonic()
    victim = _worker(services.settings.data_dir, fake_time.now(), config, run_id)

    def kill(conversation: str, request: int) -> None:
        if request == 6:
            victim.send_signal(signal.SIGKILL)
            connector.script[conversation] = [Fault(503)]

    connector.on_request = kill
    await asyncio.to_thread(victim.wait, 60)
    assert victim.returncode == -signal.SIGKILL
    connector.on_request = None
    return KilledRun(conversations, launched)


async def test_a_killed_process_leaves_nothing_lost_and_nothing_twice(
    services, connector, fake_time, notify_config
):
    config = notify_config.model_copy(update={"concurrency": 1, "rate_per_second": 50})
    killed = await _a_run_killed_as_it_sends_the_sixth(services, connector, fake_time, config)
    assert sum(connector.delivered.values()) == 5
    record_states = [
        r.months["2026-11"].state
        for r in (
            await NotifyStore(services.storage).read_many([("tenant-a", c) for c in killed.conversations])
        ).values()
        if "2026-11" in r.months
    ]
    assert record_states.count(Delivery.SENT) == 5 and record_states.count(Delivery.CLAIMED) == 1

    # The next start comes after the dead claim's lease: it takes it over and sends the rest.
    later = fake_time.now() + dt.timedelta(seconds=config.lease_seconds + 1)
    summary = await _finish(_worker(services.settings.data_dir, later, config))
    _exactly_once(connector, killed.conversations)
    assert summary.sent == 15


async def test_a_rerun_right_after_a_kill_takes_over_within_about_a_lease(
    services, connector, fake_time, notify_config
):
    # Real leases: 10 s (longer than the rerun's process start, so it finds the claim alive), renewed
    # every second while the victim lives.
    config = notify_config.model_copy(update={"concurrency": 1, "rate_per_second": 50, "lease_seconds": 10.0,
                                              "heartbeat_seconds": 1.0, "poll_seconds": 0.2})
    killed = await _a_run_killed_as_it_sends_the_sixth(services, connector, fake_time, config, "victim-run")
    # Started at once, on the same clock as the victim's.
    rerun_start = time.monotonic()
    summary, log = await _finish_logged(_worker(
        services.settings.data_dir, fake_time.now() + dt.timedelta(seconds=rerun_start - killed.launched),
        config))
    took = time.monotonic() - rerun_start
    _exactly_once(connector, killed.conversations)  # the five delivered by the victim are not sent again
    assert summary.sent == 15 and summary.skip_reasons == {"already_sent": 5}
    assert "waiting for 1 conversation(s) claimed by run victim-run, lease until" in log
    # At most one lease + a poll + its process start; the old 10-minute lease would take 600 s.
    assert took < config.lease_seconds + 8, took
