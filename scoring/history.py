"""Score history: a partner's scorecards over time, and what changed between two of them.

Pure (no storage): the bot keeps `Snapshot`s (one per month from the monthly job, one per saved change
of the profile) and hands them back here. `build_history` turns them into months and per-area scores
(the trend) and the months each area qualified in; `scorecard_changes` and `profile_changes` say
what changed, as data a card or an answer words per locale. The qualification window is
`scoring.window`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from scoring.ids import Area, Metric
from scoring.models import Person, Profile
from scoring.results import DesignationResult, GateMet, LapsedCertification, Number, PeopleCounted, Scorecard

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --- months ------------------------------------------------------------------------------------------


def check_month(month: object) -> str:
    """`month` if it is a YYYY-MM text (it may come from storage or the command line), else ValueError."""
    if not isinstance(month, str) or not _MONTH.match(month):
        raise ValueError(f"month must be YYYY-MM, got {month!r}")
    return month


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def add_months(month: str, count: int) -> str:
    """`month` moved by `count` months (negative: back)."""
    year, number = (int(part) for part in check_month(month).split("-"))
    index = year * 12 + number - 1 + count
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_range(first: str, last: str) -> list[str]:
    """Every month from `first` to `last`, both included (empty if `last` is before `first`)."""
    out: list[str] = []
    month = check_month(first)
    while month <= check_month(last):
        out.append(month)
        month = add_months(month, 1)
    return out


def first_day(month: str) -> dt.date:
    year, number = (int(part) for part in check_month(month).split("-"))
    return dt.date(year, number, 1)


# --- what a saved change of the profile changed ------------------------------------------------------


class PersonChange(_Model):
    person: str  # person id
    name: str | None = None
    added: list[str] = Field(default_factory=list[str])  # certification slugs
    removed: list[str] = Field(default_factory=list[str])


class ProfileChanges(_Model):
    """What one save changed in the profile. `first`: there was no profile before (no history yet)."""

    first: bool = False
    people_added: list[str] = Field(default_factory=list[str])  # person ids
    people_removed: list[str] = Field(default_factory=list[str])
    # people kept, certifications changed
    certifications: list[PersonChange] = Field(default_factory=list[PersonChange])
    usage: list[str] = Field(default_factory=list[str])  # usage fields whose value changed
    services_added: list[str] = Field(default_factory=list[str])
    services_removed: list[str] = Field(default_factory=list[str])
    fields: list[str] = Field(default_factory=list[str])  # other top-level fields changed (partner, track...)
    names: dict[str, str] = Field(default_factory=dict[str, str])  # person id -> name, for the ids above

    @property
    def empty(self) -> bool:
        return not (
            self.first
            or self.people_added
            or self.people_removed
            or self.certifications
            or self.usage
            or self.services_added
            or self.services_removed
            or self.fields
        )


def _people(profile: Profile | None) -> dict[str, Person]:
    return {person.id: person for person in profile.people} if profile else {}


def _certs(person: Person) -> list[str]:
    return [item.id for item in person.certifications]


def _dump(profile: Profile, field: str) -> Any:
    value = getattr(profile, field, None)
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return value  # dates compare as dates; ACR records with their own (columnar) equality


_OTHER_FIELDS = ("partner", "as_of", "rules", "track", "acr_records", "cloud_platform")


def profile_changes(before: Profile | None, after: Profile) -> ProfileChanges:
    """What changed from the profile `before` (None: none saved yet) to `after`."""
    names = {pid: p.name or pid for pid, p in {**_people(before), **_people(after)}.items()}
    if before is None:
        return ProfileChanges(first=True)
    old, new = _people(before), _people(after)
    changed_people: list[PersonChange] = []
    for pid in sorted(set(old) & set(new)):
        was, now = _certs(old[pid]), _certs(new[pid])
        added = [c for c in now if c not in was]
        removed = [c for c in was if c not in now]
        if added or removed:
            changed_people.append(PersonChange(person=pid, name=names[pid], added=added, removed=removed))
    old_usage, new_usage = before.usage, after.usage
    usage_fields = [
        name
        for name in ("eligible_customers_last_month", "eligible_customers_same_month_last_year",
                     "acr_last_month", "acr_same_month_last_year")
        if getattr(old_usage, name, None) != getattr(new_usage, name, None)
    ]
    old_services = list(old_usage.deployed_services) if old_usage else []
    new_services = list(new_usage.deployed_services) if new_usage else []
    people_added = [pid for pid in new if pid not in old]
    people_removed = [pid for pid in old if pid not in new]
    mentioned = set(people_added) | set(people_removed) | {c.person for c in changed_people}
    return ProfileChanges(
        people_added=people_added,
        people_removed=people_removed,
        certifications=changed_people,
        usage=usage_fields,
        services_added=[s for s in new_services if s not in old_services],
        services_removed=[s for s in old_services if s not in new_services],
        fields=[f for f in _OTHER_FIELDS if _dump(before, f) != _dump(after, f)],
        names={pid: name for pid, name in names.items() if pid in mentioned},
    )


# --- snapshots and the history built from them --------------------------------------------------------


class SnapshotKind(StrEnum):
    MONTHLY = "monthly"  # the monthly job's scorecard of the month
    CHANGE = "change"  # scored when the profile was saved


class AreaPoint(_Model):
    score: int
    threshold: int
    qualified: bool
    metrics: dict[Metric, int] = Field(default_factory=dict[Metric, int])  # points per metric


class Snapshot(_Model):
    """One scorecard kept in the history, reduced to what trends and the window need."""

    kind: SnapshotKind
    id: str = ""  # set by whoever stores it, to find it again
    month: str  # the month it counts for (YYYY-MM)
    as_of: dt.date  # the date the profile was scored on
    recorded_at: dt.datetime
    rules: str
    areas: dict[Area, AreaPoint]
    changes: ProfileChanges | None = None  # for `change` snapshots

    @field_validator("month")
    @classmethod
    def _month(cls, value: str) -> str:
        return check_month(value)


def snapshot_of(
    scorecard: Scorecard,
    kind: SnapshotKind,
    recorded_at: dt.datetime,
    *,
    month: str | None = None,
    changes: ProfileChanges | None = None,
    snapshot_id: str = "",
) -> Snapshot:
    """The snapshot of a scorecard; it counts for `month`, by default the month of its date."""
    return Snapshot(
        kind=kind,
        id=snapshot_id,
        month=month or month_of(scorecard.as_of),
        as_of=scorecard.as_of,
        recorded_at=recorded_at,
        rules=scorecard.rules,
        areas={
            d.area: AreaPoint(
                score=d.score,
                threshold=d.threshold,
                qualified=d.qualified,
                metrics={m.metric: m.points for m in d.metrics},
            )
            for d in scorecard.designations
        },
        changes=changes,
    )


class AreaTrend(_Model):
    area: Area
    scores: list[int | None]  # one per `ScoreHistory.months`; None: nothing kept for that month
    qualified_months: list[str]  # months with at least one qualified snapshot (any day counts, E-19)


class ScoreHistory(_Model):
    """Months (continuous, oldest first) and, per area, the score of each month and the months it
    qualified in. A month's score is its latest snapshot's. Empty when nothing is kept yet."""

    months: list[str] = Field(default_factory=list[str])
    areas: dict[Area, AreaTrend] = Field(default_factory=dict[Area, AreaTrend])
    snapshots: int = 0

    @property
    def empty(self) -> bool:
        return not self.months

    def score(self, area: Area | str, month: str) -> int | None:
        trend = self.areas.get(Area(area))
        if trend is None or month not in self.months:
            return None
        return trend.scores[self.months.index(month)]

    def qualified_in(self, area: Area | str, month: str) -> bool:
        trend = self.areas.get(Area(area))
        return trend is not None and month in trend.qualified_months

    def until(self, month: str) -> ScoreHistory:
        """The history as it stood at the end of `month` (later months left out)."""
        keep = [m for m in self.months if m <= month]
        return ScoreHistory(
            months=keep,
            areas={
                area: AreaTrend(
                    area=area,
                    scores=trend.scores[: len(keep)],
                    qualified_months=[m for m in trend.qualified_months if m <= month],
                )
                for area, trend in self.areas.items()
            },
            snapshots=self.snapshots,
        )

    def last(self, count: int) -> ScoreHistory:
        """The last `count` months only (for a chart)."""
        keep = self.months[-count:] if count > 0 else []
        start = len(self.months) - len(keep)
        return ScoreHistory(
            months=keep,
            areas={
                area: AreaTrend(
                    area=area,
                    scores=trend.scores[start:],
                    qualified_months=[m for m in trend.qualified_months if m in keep],
                )
                for area, trend in self.areas.items()
            },
            snapshots=self.snapshots,
        )


def build_history(snapshots: Iterable[Snapshot]) -> ScoreHistory:
    kept = sorted(snapshots, key=lambda s: (s.month, s.recorded_at, s.as_of))
    if not kept:
        return ScoreHistory()
    months = month_range(kept[0].month, kept[-1].month)
    latest: dict[str, Snapshot] = {s.month: s for s in kept}  # sorted: the last one of a month wins
    areas: dict[Area, AreaTrend] = {}
    for area in Area:
        if not any(area in s.areas for s in kept):
            continue
        qualified = sorted({s.month for s in kept if (p := s.areas.get(area)) is not None and p.qualified})
        scores = [
            point.score if (snap := latest.get(m)) is not None and (point := snap.areas.get(area)) else None
            for m in months
        ]
        areas[area] = AreaTrend(area=area, scores=scores, qualified_months=qualified)
    return ScoreHistory(months=months, areas=areas, snapshots=len(kept))


# --- what changed between two scorecards ---------------------------------------------------------------


class MetricChange(_Model):
    metric: Metric
    points_before: int
    points_after: int
    value_before: Number | None = None
    value_after: Number | None = None

    @property
    def delta(self) -> int:
        return self.points_after - self.points_before


class CountedChange(_Model):
    """People who started or stopped counting for a certification step of a metric."""

    metric: Metric
    step: int | None
    certifications: list[str]
    added: list[str] = Field(default_factory=list[str])  # person ids
    removed: list[str] = Field(default_factory=list[str])


class AreaChange(_Model):
    area: Area
    score_before: int | None  # None: the area was not scored before
    score_after: int
    qualified_before: bool | None
    qualified_after: bool
    # metrics whose points or value changed
    metrics: list[MetricChange] = Field(default_factory=list[MetricChange])
    people: list[CountedChange] = Field(default_factory=list[CountedChange])

    @property
    def delta(self) -> int | None:
        return None if self.score_before is None else self.score_after - self.score_before

    @property
    def gained(self) -> bool:
        return self.qualified_after and self.qualified_before is False

    @property
    def lost(self) -> bool:
        return not self.qualified_after and self.qualified_before is True


class ExpiredCertification(_Model):
    person: str
    certification: str
    on: dt.date | None = None


class ScorecardChanges(_Model):
    """Everything that differs between two scorecards (last month's and this month's, typically)."""

    as_of_before: dt.date
    as_of_after: dt.date
    areas: list[AreaChange]
    # lapsed since `before`
    expired: list[ExpiredCertification] = Field(default_factory=list[ExpiredCertification])

    @property
    def gained(self) -> list[Area]:
        return [a.area for a in self.areas if a.gained]

    @property
    def lost(self) -> list[Area]:
        return [a.area for a in self.areas if a.lost]


def _counted(result: DesignationResult) -> dict[tuple[Metric, int | None, tuple[str, ...]], set[str]]:
    found: dict[tuple[Metric, int | None, tuple[str, ...]], set[str]] = {}
    for metric in result.metrics:
        for reason in metric.reasons:
            if isinstance(reason, PeopleCounted | GateMet):
                key = (metric.metric, reason.step, tuple(reason.certifications))
                found.setdefault(key, set()).update(reason.people)
    return found


def _expired(scorecard: Scorecard) -> set[tuple[str, str, dt.date | None]]:
    return {
        (r.person, r.certification, r.on)
        for d in scorecard.designations
        for m in d.metrics
        for r in m.reasons
        if isinstance(r, LapsedCertification)
    }


def _area_change(before: DesignationResult | None, after: DesignationResult) -> AreaChange:
    old_metrics = {m.metric: m for m in before.metrics} if before is not None else {}
    metrics: list[MetricChange] = []
    for metric in after.metrics:
        was = old_metrics.get(metric.metric)
        if was is not None and (was.points, was.value) == (metric.points, metric.value):
            continue
        metrics.append(
            MetricChange(
                metric=metric.metric,
                points_before=was.points if was is not None else 0,
                points_after=metric.points,
                value_before=was.value if was is not None else None,
                value_after=metric.value,
            )
        )
    old_counted = _counted(before) if before is not None else {}
    new_counted = _counted(after)
    people: list[CountedChange] = []
    order = list(Metric)
    for key in sorted(set(old_counted) | set(new_counted), key=lambda k: (order.index(k[0]), k[1] or 0)):
        was_set, now_set = old_counted.get(key, set()), new_counted.get(key, set())
        if was_set != now_set:
            people.append(
                CountedChange(
                    metric=key[0],
                    step=key[1],
                    certifications=list(key[2]),
                    added=sorted(now_set - was_set),
                    removed=sorted(was_set - now_set),
                )
            )
    return AreaChange(
        area=after.area,
        score_before=before.score if before is not None else None,
        score_after=after.score,
        qualified_before=before.qualified if before is not None else None,
        qualified_after=after.qualified,
        metrics=metrics,
        people=people,
    )


def scorecard_changes(before: Scorecard, after: Scorecard) -> ScorecardChanges:
    """What changed from `before` to `after`: per area the score, the verdict, the metrics whose
    points or measure moved and the people who started or stopped counting; certifications that
    lapsed in between."""
    old = {d.area: d for d in before.designations}
    lapsed = _expired(after) - _expired(before)
    return ScorecardChanges(
        as_of_before=before.as_of,
        as_of_after=after.as_of,
        areas=[_area_change(old.get(d.area), d) for d in after.designations],
        expired=[
            ExpiredCertification(person=p, certification=c, on=on)
            for p, c, on in sorted(lapsed, key=lambda item: (item[2] or dt.date.min, item[0], item[1]))
        ],
    )

