"""When the monthly job runs: the scheduler, which stands above the job (bot/notifications/job.py)
and reads the calendar of bot/notifications/months.py.

Ours rather than APScheduler or cron: the catch-up of a missed month reads the same NotifyStore run
records the job writes, a library's job store would be a second record of the same fact.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.notifications.config import NotifyConfig
from bot.notifications.job import run_notify
from bot.notifications.months import last_due_month, next_due, scheduled_at
from bot.notifications.pacing import Clock, Sleep, utc_now
from bot.notifications.store import NotifyStore

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

# The scheduler re-reads the clock at least this often, so a suspended laptop or a clock change
# does not make it sleep past the scheduled time by much.
MAX_NAP_SECONDS = 300.0


class Scheduler:
    """Runs the job at each scheduled time, and once at start if the last one was missed."""

    def __init__(
        self, services: Services, *, clock: Clock | None = None, sleep: Sleep | None = None,
        runner: Any = None,
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


def attach_scheduler(app: web.Application, services: Services) -> None:
    """Start the monthly scheduler with the aiohttp app and stop it on shutdown."""
    scheduler = Scheduler(services)
    app[SCHEDULER_KEY] = scheduler

    async def on_startup(_: web.Application) -> None:
        scheduler.start()

    async def on_cleanup(_: web.Application) -> None:
        await scheduler.stop()

    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
