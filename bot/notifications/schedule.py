"""When the monthly job runs: the configured day and time in the configured time zone.

The month of a run is the month of its scheduled time in that zone (21 Nov 09:00 Europe/Paris is
November even though it may still be 20 Nov somewhere else). A day past the month's end (31) is the
month's last day.
"""

from __future__ import annotations

import asyncio
import calendar
import contextlib
import datetime as dt
import logging
import re
from typing import Any

from aiohttp import web

from bot.notifications.config import NotifyConfig
from bot.notifications.pacing import Clock, Sleep, utc_now
from bot.notifications.store import NotifyStore

log = logging.getLogger(__name__)

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
# The scheduler re-reads the clock at least this often, so a suspended laptop or a clock change
# does not make it sleep past the scheduled time by much.
MAX_NAP_SECONDS = 300.0


def parse_month(value: str) -> tuple[int, int]:
    match = _MONTH.match(value.strip()) if isinstance(value, str) else None
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
        raise ValueError(f"month must be YYYY-MM (for example 2026-11), not {value!r}")
    return int(match.group(1)), int(match.group(2))


def month_label(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def previous_month(month: str) -> str:
    year, number = parse_month(month)
    return month_label(year - 1, 12) if number == 1 else month_label(year, number - 1)


def next_month(month: str) -> str:
    year, number = parse_month(month)
    return month_label(year + 1, 1) if number == 12 else month_label(year, number + 1)


def scheduled_at(month: str, config: NotifyConfig) -> dt.datetime:
    """The aware datetime at which `month`'s notifications are due."""
    year, number = parse_month(month)
    day = min(config.day, calendar.monthrange(year, number)[1])
    return dt.datetime.combine(dt.date(year, number, day), config.time, tzinfo=config.zone)


def local_month(now: dt.datetime, config: NotifyConfig) -> str:
    local = now.astimezone(config.zone)
    return month_label(local.year, local.month)


def last_due_month(now: dt.datetime, config: NotifyConfig) -> str:
    """The latest month whose scheduled time is at or before `now`."""
    month = local_month(now, config)
    return month if scheduled_at(month, config) <= now else previous_month(month)


def next_due(now: dt.datetime, config: NotifyConfig) -> tuple[str, dt.datetime]:
    """The next month whose scheduled time is after `now`, and that time."""
    month = next_month(last_due_month(now, config))
    return month, scheduled_at(month, config)


def as_of_for(month: str, now: dt.datetime, config: NotifyConfig) -> dt.date:
    """The date a month's notification scores at: its scheduled day, or today if run early."""
    scheduled = scheduled_at(month, config).date()
    today = now.astimezone(config.zone).date()
    return min(scheduled, today)


class Scheduler:
    """Runs the job at each scheduled time, and once at start if the last one was missed."""

    def __init__(
        self, services: Any, *, clock: Clock | None = None, sleep: Sleep | None = None, runner: Any = None
    ) -> None:
        self.services = services
        self.clock: Clock = clock or getattr(services, "clock", None) or utc_now
        self.sleep: Sleep = sleep or asyncio.sleep
        self._runner = runner
        self._task: asyncio.Task[None] | None = None

    async def _run(self, month: str) -> None:
        if self._runner is not None:
            await self._runner(self.services, month)
            return
        from bot.notifications.job import run_notify  # late import: job imports this module

        await run_notify(self.services, month, sleep=self.sleep)

    async def catch_up(self) -> str | None:
        """Run the last due month if no run completed it (the service was down, or a run was cut off)."""
        config = NotifyConfig.from_services(self.services)
        month = last_due_month(self.clock(), config)
        record = await NotifyStore(self.services.storage).run(month)
        if record is not None and record.completed_at is not None:
            return None
        log.info("notify: catching up on %s (scheduled %s)", month, scheduled_at(month, config).isoformat())
        await self._run(month)
        return month

    async def loop(self) -> None:
        try:
            await self.catch_up()
        except Exception:
            log.exception("notify: catch-up run failed; the next scheduled run will retry")
        while True:
            config = NotifyConfig.from_services(self.services)
            month, when = next_due(self.clock(), config)
            while (remaining := (when - self.clock()).total_seconds()) > 0:
                await self.sleep(min(remaining, MAX_NAP_SECONDS))
            try:
                await self._run(month)
            except Exception:
                log.exception("notify: run for %s failed; it resumes at the next start", month)

    def start(self) -> None:
        if self._task is None or self._task.done():
            # Several instances (blob storage): only the holder of the scheduler's lease runs the loop.
            leadership = getattr(self.services.storage, "leadership", None)
            body = self.loop() if leadership is None else leadership("notify-scheduler").hold(self.loop)
            self._task = asyncio.get_running_loop().create_task(body, name="notify-scheduler")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None


SCHEDULER_KEY = web.AppKey("notify_scheduler", Scheduler)


def attach_scheduler(app: web.Application, services: Any) -> None:
    """Start the monthly scheduler with the aiohttp app and stop it on shutdown."""
    scheduler = Scheduler(services)
    app[SCHEDULER_KEY] = scheduler

    async def on_startup(_: web.Application) -> None:
        scheduler.start()

    async def on_cleanup(_: web.Application) -> None:
        await scheduler.stop()

    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
