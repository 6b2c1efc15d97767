"""The notification settings, read from `bot.config.Settings` (H2) with the documented defaults.

Kept in one small model so the job, the scheduler and the tests agree on one set of values even
before (or without) the service settings: `NotifyConfig.from_services(services)`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.services import Services


class NotifyConfig(BaseModel):
    model_config = ConfigDict(frozen=True)

    day: int = Field(default=21, ge=1, le=31)  # day of month; clamped to the month's last day
    time: dt.time = dt.time(9, 0)
    timezone: str = "UTC"
    rate_per_second: float = Field(default=30.0, gt=0)  # per tenant
    max_tries: int = Field(default=5, ge=1, le=20)  # per conversation and run, first try included
    # A claim lasts this long unless its run renews it (every `heartbeat_seconds`, default a third of
    # it): a dead run's claims are taken over within about one lease, a live run's never.
    lease_seconds: float = Field(default=60.0, gt=0)
    heartbeat_seconds: float | None = Field(default=None, gt=0)
    # Once a send's request is written, how long its answer may take before the send is `uncertain`.
    answer_timeout_seconds: float = Field(default=20.0, gt=0)
    retry_after_max_seconds: float = Field(default=60.0, gt=0)  # a longer Retry-After: next run
    backoff_base_seconds: float = Field(default=1.0, gt=0)
    backoff_max_seconds: float = Field(default=60.0, gt=0)
    concurrency: int = Field(default=64, ge=1)  # sends in flight across tenants
    # How often a run re-checks conversations another run holds.
    poll_seconds: float = Field(default=2.0, gt=0)
    app_id: str = ""

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(
                f"unknown time zone {value!r} (use an IANA name such as Europe/Paris)"
            ) from error
        return value

    @property
    def heartbeat_interval(self) -> float:
        return self.heartbeat_seconds if self.heartbeat_seconds is not None else self.lease_seconds / 3

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def from_settings(cls, settings: Settings | None) -> NotifyConfig:
        """The NOTIFY_* values and the bot app id of the service settings; the defaults without them."""
        if settings is None:
            return cls()
        return cls(day=settings.notify_day, time=settings.notify_time, timezone=settings.notify_timezone,
                   rate_per_second=settings.notify_rate_per_second, max_tries=settings.notify_max_tries,
                   app_id=settings.app_id)

    @classmethod
    def from_services(cls, services: Services) -> NotifyConfig:
        # Tests and benchmarks put a ready config in `services.extras["notify_config"]`.
        extras = getattr(services, "extras", None)
        override = extras.get("notify_config") if isinstance(extras, dict) else None
        if isinstance(override, NotifyConfig):
            return override
        return cls.from_settings(getattr(services, "settings", None))
