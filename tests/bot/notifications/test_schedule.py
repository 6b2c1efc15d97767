"""When the job runs: configured day/time/zone, month boundaries, short months, catch-up."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from notify_helpers import FakeTime

from bot.config import load_settings
from bot.notifications.config import NotifyConfig
from bot.notifications.models import RunRecord
from bot.notifications.months import (
    as_of_for,
    last_due_month,
    next_due,
    parse_month,
    previous_month,
    scheduled_at,
)
from bot.notifications.schedule import Scheduler
from bot.notifications.store import NotifyStore

UTC = dt.UTC


def at(*args: int, tz: dt.tzinfo = UTC) -> dt.datetime:
    return dt.datetime(*args, tzinfo=tz)


def test_default_schedule_is_the_21st_at_nine_utc():
    assert scheduled_at("2026-11", NotifyConfig()) == at(2026, 11, 21, 9, 0)


def test_day_past_the_end_of_a_short_month_is_its_last_day():
    config = NotifyConfig(day=31)
    assert scheduled_at("2027-02", config).date() == dt.date(2027, 2, 28)
    assert scheduled_at("2028-02", config).date() == dt.date(2028, 2, 29)
    assert scheduled_at("2026-04", config).date() == dt.date(2026, 4, 30)


def test_month_is_taken_in_the_configured_time_zone():
    # 21 Nov 09:00 in Auckland (UTC+13) is 20 Nov 20:00 UTC: November is already due there.
    auckland = NotifyConfig(timezone="Pacific/Auckland")
    assert last_due_month(at(2026, 11, 20, 20, 0), auckland) == "2026-11"
    assert last_due_month(at(2026, 11, 20, 19, 59), auckland) == "2026-10"
    # New Year: 1 Jan 2027 05:00 in Auckland is still 31 Dec in UTC; the month there is January.
    early = NotifyConfig(timezone="Pacific/Auckland", day=1, time=dt.time(5, 0))
    assert last_due_month(at(2026, 12, 31, 16, 0), early) == "2027-01"
    # Honolulu (UTC-10): 21 Nov 09:00 local is 19:00 UTC.
    honolulu = NotifyConfig(timezone="Pacific/Honolulu")
    assert last_due_month(at(2026, 11, 21, 18, 59), honolulu) == "2026-10"
    assert last_due_month(at(2026, 11, 21, 19, 0), honolulu) == "2026-11"


def test_daylight_saving_keeps_the_local_time():
    paris = NotifyConfig(timezone="Europe/Paris")
    assert scheduled_at("2026-07", paris).utcoffset() == dt.timedelta(hours=2)
    assert scheduled_at("2026-11", paris).utcoffset() == dt.timedelta(hours=1)
    assert scheduled_at("2026-11", paris).hour == scheduled_at("2026-07", paris).hour == 9


def test_next_due_crosses_the_year():
    month, when = next_due(at(2026, 12, 21, 9, 0), NotifyConfig())
    assert (month, when) == ("2027-01", at(2027, 1, 21, 9, 0))
    assert previous_month("2027-01") == "2026-12"


def test_a_run_before_the_scheduled_day_scores_today():
    config = NotifyConfig()
    assert as_of_for("2026-11", at(2026, 11, 5, 12), config) == dt.date(2026, 11, 5)
    assert as_of_for("2026-10", at(2026, 11, 5, 12), config) == dt.date(2026, 10, 21)


@pytest.mark.parametrize("bad", ["2026-13", "2026-00", "26-11", "2026/11", "november", "", "2026-1"])
def test_bad_months_are_refused_with_the_expected_form(bad):
    with pytest.raises(ValueError, match="YYYY-MM"):
        parse_month(bad)


def test_unknown_time_zone_is_refused():
    with pytest.raises(ValueError, match="unknown time zone"):
        NotifyConfig(timezone="Mars/Olympus")


def test_the_service_settings_set_the_notification_day_time_zone_rate_and_tries():
    settings = load_settings(NOTIFY_DAY="3", NOTIFY_TIME="07:30", NOTIFY_TIMEZONE="Europe/Paris",
                             NOTIFY_RATE_PER_SECOND="12.5", NOTIFY_MAX_TRIES="7")
    config = NotifyConfig.from_settings(settings)
    assert (config.day, config.time, config.timezone) == (3, dt.time(7, 30), "Europe/Paris")
    assert (config.rate_per_second, config.max_tries) == (12.5, 7)
    assert config.lease_seconds == NotifyConfig().lease_seconds  # no setting for it: the default
    assert NotifyConfig.from_settings(None) == NotifyConfig()


class _Recorder:
    def __init__(self, fake: FakeTime | None = None) -> None:
        self.months: list[tuple[str, dt.datetime]] = []
        self.fake = fake

    async def __call__(self, services, month: str) -> None:
        self.months.append((month, services.clock()))
        await NotifyStore(services.storage).put_run(
            RunRecord(month=month, started_at=services.clock(), completed_at=services.clock())
        )


async def test_catch_up_runs_the_missed_month_at_start(services, fake_time):
    fake_time.current = at(2026, 11, 25, 8, 0)  # down on the 21st
    recorder = _Recorder()
    scheduler = Scheduler(services, sleep=fake_time.sleep, runner=recorder)
    assert await scheduler.catch_up() == "2026-11"
    assert await scheduler.catch_up() is None  # completed now: no second run
    assert [m for m, _ in recorder.months] == ["2026-11"]


async def test_catch_up_resumes_a_month_whose_run_was_cut_off(services, fake_time):
    fake_time.current = at(2026, 11, 21, 10, 0)
    await NotifyStore(services.storage).put_run(RunRecord(month="2026-11", started_at=at(2026, 11, 21, 9, 0)))
    recorder = _Recorder()
    assert await Scheduler(services, sleep=fake_time.sleep, runner=recorder).catch_up() == "2026-11"


async def test_scheduler_runs_each_month_at_its_time(services, fake_time):
    fake_time.current = at(2026, 11, 21, 9, 30)
    await NotifyStore(services.storage).put_run(
        RunRecord(month="2026-11", started_at=fake_time.current, completed_at=fake_time.current)
    )
    recorder = _Recorder()
    scheduler = Scheduler(services, sleep=fake_time.sleep, runner=recorder)
    task = asyncio.create_task(scheduler.loop())
    while len(recorder.months) < 2:
        await asyncio.sleep(0)
    task.cancel()
    assert recorder.months == [("2026-12", at(2026, 12, 21, 9, 0)), ("2027-01", at(2027, 1, 21, 9, 0))]
    assert max(fake_time.slept) <= 300  # it re-reads the clock at least every five minutes


async def test_attach_scheduler_starts_and_stops_with_the_app(services, fake_time):
    from aiohttp import web

    from bot.notifications import attach_scheduler
    from bot.notifications.schedule import SCHEDULER_KEY

    app = web.Application()
    attach_scheduler(app, services)
    scheduler = app[SCHEDULER_KEY]
    scheduler.sleep = fake_time.sleep
    recorder = _Recorder()
    scheduler._runner = recorder
    fake_time.current = at(2026, 11, 22, 0, 0)
    for hook in app.on_startup:
        await hook(app)
    while not recorder.months:
        await asyncio.sleep(0)
    for hook in app.on_cleanup:
        await hook(app)
    assert scheduler._task is None
    assert recorder.months[0][0] == "2026-11"
