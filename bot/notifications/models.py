"""Stored records and the run summary of the notification job (pydantic at the storage edge)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Delivery(StrEnum):
    """The state of one conversation for one month."""

    CLAIMED = "claimed"  # a run is delivering it; `lease_until` says until when the claim holds
    SENT = "sent"  # delivered: never again this month
    FAILED = "failed"  # gave up this run (non-retryable error or tries exhausted); a later run retries
    DEACTIVATED = "deactivated"  # 403/404: the reference is no longer usable
    # Sent, but the connector's answer timed out: maybe delivered. Never resent automatically (a
    # second copy is worse than a missing one an operator can see in the summary and send by hand).
    UNCERTAIN = "uncertain"


class MonthEntry(BaseModel):
    model_config = ConfigDict(extra="ignore")

    state: Delivery
    owner: str | None = None  # the run id holding the claim
    lease_until: dt.datetime | None = None
    at: dt.datetime | None = None  # when the state was set
    tries: int = 0  # delivery attempts made for this month, all runs together
    error: str | None = None


class ConversationRecord(BaseModel):
    """One conversation the bot is installed in (or was: `installed` False is a tombstone)."""

    model_config = ConfigDict(extra="ignore")

    tenant_id: str
    conversation_id: str
    reference: dict[str, Any] | None = None  # ConversationReference.serialize(); None once removed
    installed: bool = True
    subscribed: bool = True
    active: bool = True  # False after 403/404 until the conversation speaks to the bot again
    inactive_reason: str | None = None
    locale: str = "en"
    team_id: str | None = None
    conversation_type: str | None = None  # personal, groupChat, channel
    updated_at: dt.datetime | None = None
    months: dict[str, MonthEntry] = Field(default_factory=dict)

    @property
    def deliverable(self) -> bool:
        return self.installed and self.subscribed and self.active and self.reference is not None


class RunRecord(BaseModel):
    model_config = ConfigDict(extra="ignore")

    month: str
    started_at: dt.datetime
    completed_at: dt.datetime | None = None
    summary: dict[str, Any] | None = None


class NotifySummary(BaseModel):
    """What one run did. `str()` is the line `python -m bot notify` prints and the job logs."""

    month: str
    run_id: str
    sent: int = 0
    skipped: int = 0
    retried: int = 0  # retry attempts after a 412/429/502/503/504
    failed: int = 0
    deactivated: int = 0
    uncertain: int = 0  # sent, answer timed out: maybe delivered, not resent (Delivery.UNCERTAIN)
    skip_reasons: dict[str, int] = Field(default_factory=dict)
    failures: list[str] = Field(default_factory=list)  # "tenant/conversation: error", for the log
    unconfirmed: list[str] = Field(default_factory=list)  # "tenant/conversation: error" of the uncertain
    elapsed_seconds: float = 0.0

    def skip(self, reason: str) -> None:
        self.skipped += 1
        self.skip_reasons[reason] = self.skip_reasons.get(reason, 0) + 1

    def __str__(self) -> str:
        reasons = ", ".join(f"{name} {count}" for name, count in sorted(self.skip_reasons.items()))
        skipped = f"skipped {self.skipped}" + (f" ({reasons})" if reasons else "")
        line = (
            f"notify {self.month}: sent {self.sent}, {skipped}, retried {self.retried}, "
            f"failed {self.failed}, deactivated {self.deactivated}, uncertain {self.uncertain}"
            + (" (maybe delivered: not resent automatically)" if self.uncertain else "")
            + f" in {self.elapsed_seconds:.1f}s"
        )
        return "\n".join([line, *(f"  failed: {failure}" for failure in self.failures),
                          *(f"  uncertain: {entry}" for entry in self.unconfirmed)])
