"""Pydantic models of the catalog data files: a broken file fails loudly, naming the file and field."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from scoring.ids import Area, Market, Metric, Track

SKILLING_METRICS = (Metric.INTERMEDIATE_CERTIFICATIONS, Metric.ADVANCED_CERTIFICATIONS)


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Certification(_Data):
    slug: str = Field(min_length=1)
    name: str = Field(min_length=1)
    exams: tuple[str, ...] = ()
    all_exams: bool = False  # the credential needs every exam: a single code does not name it
    aliases: tuple[str, ...] = ()
    retired: dt.date | None = None
    count_until: dt.date | None = None  # last day it counts (E-15)
    available_from: dt.date | None = None

    @model_validator(mode="after")
    def _default_count_until(self) -> Certification:
        if self.retired is not None and self.count_until is None:
            # EN-2026: completed before retirement stays valid for one year (E-15).
            until = _add_years(self.retired, 1)
            object.__setattr__(self, "count_until", until)
        if self.count_until is not None and self.retired is not None and self.count_until < self.retired:
            raise ValueError("count_until is before retired")
        return self

    @property
    def exam_label(self) -> str:
        """Exam codes as people write them: 'AZ-305', 'AZ-800 + AZ-801', or '' when unknown."""
        return " + ".join(self.exams)


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class CertificationRegistry(_Data):
    certification: tuple[Certification, ...]

    @model_validator(mode="after")
    def _unique(self) -> CertificationRegistry:
        seen: dict[str, str] = {}
        for cert in self.certification:
            keys = {cert.slug, cert.name, *cert.aliases}
            if not cert.all_exams:
                keys.update(cert.exams)
            for key in keys:
                folded = key.casefold()
                if folded in seen and seen[folded] != cert.slug:
                    raise ValueError(f"name {key!r} is used by both {seen[folded]!r} and {cert.slug!r}")
                seen[folded] = cert.slug
        return self


class Step(_Data):
    step: int = Field(ge=1)
    role: Literal["gate", "scoring"]
    certifications: tuple[str, ...] = Field(min_length=1)


class MetricRules(_Data):
    points_each: int = Field(gt=0)
    max: int = Field(gt=0)
    min_acr: float | None = Field(default=None, ge=0)  # usage growth only
    steps: tuple[Step, ...] = ()  # skilling metrics only

    @property
    def gates(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.role == "gate")

    @property
    def scoring_step(self) -> Step:
        return next(s for s in self.steps if s.role == "scoring")


class AreaRules(_Data):
    metrics: dict[Metric, MetricRules]

    @model_validator(mode="after")
    def _check_metrics(self) -> AreaRules:
        for metric, rules in self.metrics.items():
            if metric in SKILLING_METRICS:
                if [s.role for s in rules.steps].count("scoring") != 1:
                    raise ValueError(f"{metric}: needs exactly one step with role 'scoring'")
                numbers = [s.step for s in rules.steps]
                if numbers != sorted(set(numbers)):
                    raise ValueError(f"{metric}: step numbers must be unique and in order")
            elif rules.steps:
                raise ValueError(f"{metric}: only certification metrics have steps")
            if metric == Metric.USAGE_GROWTH and rules.min_acr is None:
                raise ValueError("usage_growth: min_acr is required")
        missing = {
            Metric.NET_CUSTOMER_ADDS,
            Metric.INTERMEDIATE_CERTIFICATIONS,
            Metric.USAGE_GROWTH,
            Metric.DEPLOYMENTS,
        } - set(self.metrics)
        if missing:
            raise ValueError(f"missing metrics: {', '.join(sorted(missing))}")
        return self

    def ordered(self) -> list[tuple[Metric, MetricRules]]:
        """Metrics in the contract's order (the Metric enum), whatever the file's order."""
        return [(m, self.metrics[m]) for m in Metric if m in self.metrics]


class TrackRules(_Data):
    customer_min_acr: float = Field(gt=0)
    gate_min_people: int = Field(ge=1)
    gate_points: int = Field(ge=0)


class Filters(_Data):
    excluded_offers: tuple[str, ...]
    eligible_associations: tuple[str, ...]
    excluded_deployment_services: tuple[str, ...]


class RuleSet(_Data):
    """One Solutions Partner for Azure rule version."""

    version: str
    kind: Literal["solutions_partner"]
    title: str
    effective_from: dt.date
    threshold: int = Field(gt=0, le=100)
    # Months in the qualification window, the current one included (E-19): a designation is held
    # while it qualified in any of them.
    qualification_window_months: int = Field(ge=1, le=24)
    filters: Filters
    tracks: dict[Track, TrackRules]
    areas: dict[Area, AreaRules]

    @field_validator("tracks")
    @classmethod
    def _has_enterprise(cls, tracks: dict[Track, TrackRules]) -> dict[Track, TrackRules]:
        if Track.ENTERPRISE not in tracks:
            raise ValueError("an 'enterprise' track is required (the default track)")
        return tracks

    @field_validator("areas")
    @classmethod
    def _all_areas(cls, areas: dict[Area, AreaRules]) -> dict[Area, AreaRules]:
        missing = set(Area) - set(areas)
        if missing:
            raise ValueError(f"missing areas: {', '.join(sorted(missing))}")
        return areas

    def track_rules(self, track: Track | str) -> tuple[Track, TrackRules]:
        """The track's rules; a version without that track (2023-H2 has no SMB) uses enterprise."""
        key = Track(track)
        if key not in self.tracks:
            key = Track.ENTERPRISE
        return key, self.tracks[key]

    def certification_slugs(self) -> list[str]:
        slugs: list[str] = []
        for area in self.areas.values():
            for rules in area.metrics.values():
                for step in rules.steps:
                    slugs.extend(s for s in step.certifications if s not in slugs)
        return slugs


class LevelRules(_Data):
    people: int = Field(ge=1)
    min_consumption_usd: dict[Market, float]

    @field_validator("min_consumption_usd")
    @classmethod
    def _both_markets(cls, value: dict[Market, float]) -> dict[Market, float]:
        if set(value) != set(Market):
            raise ValueError("give a threshold for both 'developed' and 'developing'")
        if any(v < 0 for v in value.values()):
            raise ValueError("thresholds cannot be negative")
        return value


class Evidence(_Data):
    assessments: tuple[str, ...]
    exams: tuple[str, ...]
    # Whether the exams' retirement dates (certifications.toml) apply: a text that names no
    # retirement (2017-07) is scored as written, its exams counting whatever the scoring date.
    retirements_apply: bool


class CloudPlatformRules(_Data):
    version: str
    kind: Literal["cloud_platform"]
    title: str
    effective_from: dt.date
    window_months: int = Field(ge=1)
    associations: tuple[str, ...]
    levels: dict[Literal["silver", "gold"], LevelRules]
    evidence: Evidence

    @field_validator("levels")
    @classmethod
    def _both_levels(cls, levels: dict[str, LevelRules]) -> dict[str, LevelRules]:
        if set(levels) != {"silver", "gold"}:
            raise ValueError("give both levels: silver and gold")
        return levels

    def certification_slugs(self) -> list[str]:
        return [*self.evidence.assessments, *self.evidence.exams]
