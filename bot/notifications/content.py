"""What a month's notification says for one partner, computed from its profile and score history.

Pure (no botbuilder): profile + this month's scorecard + last month's scorecard (from history) +
the profile scored at a future date -> `NotificationContent`, which `card.py` renders per locale.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict

from scoring import score_profile
from scoring.history import ScorecardChanges, ScoreHistory, add_months, scorecard_changes
from scoring.ids import Area, CloudPlatformLevel, Metric
from scoring.results import DesignationResult, PlanStep, Scorecard
from scoring.window import WindowResult, qualification_window

TREND_MONTHS = 12  # history carried to the card: the last year

EXPIRY_HORIZON_DAYS = 60


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class AreaLine(_Model):
    area: Area
    score: int
    threshold: int
    qualified: bool
    previous_score: int | None = None  # None: no history for last month
    previous_qualified: bool | None = None
    blocking: list[Metric] = []
    plan: list[PlanStep] = []

    @property
    def change(self) -> int | None:
        return None if self.previous_score is None else self.score - self.previous_score


class ExpiringCertification(_Model):
    person: str  # display name
    certification: str  # catalog slug
    expires: dt.date


class AreaCost(_Model):
    area: Area
    score_now: int
    score_then: int
    qualified_now: bool
    qualified_then: bool


class NotificationContent(_Model):
    month: str
    partner_name: str
    as_of: dt.date
    rules: str
    areas: list[AreaLine]
    has_previous: bool
    gained: list[Area]
    lost: list[Area]
    expiring: list[ExpiringCertification]
    horizon: dt.date
    costs: list[AreaCost]
    names: dict[str, str] = {}  # person id -> display name, for plan steps that name people
    cloud_platform: CloudPlatformLevel | None = None
    previous_cloud_platform: CloudPlatformLevel | None = None
    data_as_of: dt.date | None = None  # the date of the partner's data (the profile's `as_of`)
    changes: ScorecardChanges | None = None  # since last month's scorecard, when there is one
    history: ScoreHistory | None = None  # the last months kept, this one included (None: not read)
    window: WindowResult | None = None  # each area's standing in the qualification window


def _certification_entries(person: Any) -> list[tuple[str, dt.date | None]]:
    """(certification id, expiry) of a person, whatever form the profile model keeps them in."""
    entries: list[tuple[str, dt.date | None]] = []
    for item in getattr(person, "certifications", None) or []:
        if isinstance(item, str):
            entries.append((item, None))
            continue
        if isinstance(item, dict):
            ident = item.get("slug") or item.get("id") or item.get("certification")
            expires = item.get("expires")
        else:
            ident = (
                getattr(item, "slug", None)
                or getattr(item, "id", None)
                or getattr(item, "certification", None)
            )
            expires = getattr(item, "expires", None)
        if isinstance(expires, str):
            expires = dt.date.fromisoformat(expires)
        if ident:
            entries.append((str(ident), expires))
    return entries


def _slug(certification: str) -> str:
    try:
        from scoring.catalog import resolve_certification
    except ImportError:  # catalog not available: keep what the profile says
        return certification
    found = resolve_certification(certification)
    return found.slug if found is not None else certification


def expiring_certifications(profile: Any, as_of: dt.date, horizon: dt.date) -> list[ExpiringCertification]:
    found = []
    for person in getattr(profile, "people", None) or []:
        name = getattr(person, "name", None) or getattr(person, "id", "?")
        for certification, expires in _certification_entries(person):
            if expires is not None and as_of < expires <= horizon:
                found.append(
                    ExpiringCertification(person=name, certification=_slug(certification), expires=expires)
                )
    return sorted(found, key=lambda item: (item.expires, item.person, item.certification))


def _by_area(scorecard: Scorecard | None) -> dict[Area, DesignationResult]:
    return {d.area: d for d in scorecard.designations} if scorecard is not None else {}


def compose(
    month: str,
    profile: Any,
    scorecard: Scorecard,
    previous: Scorecard | None,
    future: Scorecard | None,
    expiring: list[ExpiringCertification],
    horizon: dt.date,
) -> NotificationContent:
    """Assemble the content; `future` is the profile scored at `horizon` (None if nothing expires)."""
    areas: list[AreaLine] = []
    gained: list[Area] = []
    lost: list[Area] = []
    last_month, at_horizon = _by_area(previous), _by_area(future)
    for result in scorecard.designations:
        before = last_month.get(result.area)
        areas.append(
            AreaLine(
                area=result.area,
                score=result.score,
                threshold=result.threshold,
                qualified=result.qualified,
                previous_score=before.score if before is not None else None,
                previous_qualified=before.qualified if before is not None else None,
                blocking=list(result.blocking_metrics),
                plan=list(result.plan),
            )
        )
        if before is not None and result.qualified and not before.qualified:
            gained.append(result.area)
        if before is not None and before.qualified and not result.qualified:
            lost.append(result.area)
    costs: list[AreaCost] = []
    if future is not None:
        for result in scorecard.designations:
            then = at_horizon.get(result.area)
            if then is not None and (then.score < result.score or then.qualified != result.qualified):
                costs.append(
                    AreaCost(
                        area=result.area,
                        score_now=result.score,
                        score_then=then.score,
                        qualified_now=result.qualified,
                        qualified_then=then.qualified,
                    )
                )
    partner = getattr(profile, "partner", None)
    name = getattr(partner, "name", None) or scorecard.partner_name or scorecard.partner_id
    return NotificationContent(
        month=month,
        partner_name=name,
        as_of=scorecard.as_of,
        rules=scorecard.rules,
        areas=areas,
        has_previous=previous is not None,
        gained=gained,
        lost=lost,
        expiring=expiring,
        horizon=horizon,
        costs=costs,
        names={
            str(p.id): str(getattr(p, "name", None) or p.id) for p in getattr(profile, "people", None) or []
        },
        cloud_platform=scorecard.cloud_platform.level if scorecard.cloud_platform else None,
        previous_cloud_platform=(
            previous.cloud_platform.level if previous is not None and previous.cloud_platform else None
        ),
        data_as_of=getattr(profile, "as_of", None),
        changes=scorecard_changes(previous, scorecard) if previous is not None else None,
    )


def with_history(
    content: NotificationContent, scorecard: Scorecard, history: ScoreHistory
) -> NotificationContent:
    """The content with the tenant's kept history: the trend of the last months and each area's
    standing in the qualification window (held, at risk) for the notification's month."""
    past = history.until(content.month)
    window = qualification_window(scorecard, past, month=content.month)
    update: dict[str, Any] = {"history": past.last(TREND_MONTHS), "window": window}
    if not content.has_previous:
        # No monthly scorecard last month, but maybe a saved change dated then: compare with that,
        # so the change column and the trend chart tell the same story.
        last_month = add_months(content.month, -1)
        areas = [
            line.model_copy(
                update={
                    "previous_score": score,
                    "previous_qualified": past.qualified_in(line.area, last_month),
                }
            )
            if (score := past.score(line.area, last_month)) is not None
            else line
            for line in content.areas
        ]
        if any(line.previous_score is not None for line in areas):
            update |= {
                "areas": areas,
                "has_previous": True,
                "gained": [a.area for a in areas if a.qualified and a.previous_qualified is False],
                "lost": [a.area for a in areas if not a.qualified and a.previous_qualified],
            }
    return content.model_copy(update=update)


def score_month(
    profile: Any, month: str, as_of: dt.date, previous: Scorecard | None, current: Scorecard | None
) -> tuple[Scorecard, NotificationContent]:
    """Score the profile for the month (unless history has it) and at the expiry horizon: the
    certifications expiring within 60 days are priced by scoring the same profile, under the same
    rule version, on the horizon date, when they no longer count."""
    scorecard = current if current is not None else score_profile(profile, as_of=as_of)
    as_of = scorecard.as_of  # a month already in the history keeps the date it was scored on
    horizon = as_of + dt.timedelta(days=EXPIRY_HORIZON_DAYS)
    expiring = expiring_certifications(profile, as_of, horizon)
    future = score_profile(profile, rules=scorecard.rules, as_of=horizon) if expiring else None
    return scorecard, compose(month, profile, scorecard, previous, future, expiring, horizon)
