"""The months of the notification calendar: the configured day and time in the configured time zone.

The month of a run is the month of its scheduled time in that zone (21 Nov 09:00 Europe/Paris is
November even though it may still be 20 Nov somewhere else). A day past the month's end (31) is the
month's last day. Used by the job (which month, as of which day) and by the scheduler above it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from bot.notifications.config import NotifyConfig

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


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
