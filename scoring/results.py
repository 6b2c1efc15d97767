"""The scorecard (output) contract of ARCHITECTURE.md, as pydantic models.

`Scorecard.model_dump(mode="json", exclude_none=True)` is exactly the JSON other tools rely on.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from scoring.ids import Area, CloudPlatformLevel, Metric, PlanAction, ReasonCode


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Reason(_Model):
    """One structured explanation. Only the fields its code needs are set (see `ReasonCode`)."""

    code: ReasonCode
    metric: Metric | None = None
    metrics: list[Metric] | None = None
    step: int | None = None
    certifications: list[str] | None = None  # catalog slugs
    required: float | None = None
    have: float | None = None
    people: list[str] | None = None  # person ids
    points: int | None = None
    points_each: int | None = None
    value: float | None = None
    max: int | None = None
    current: float | None = None
    baseline: float | None = None
    minimum: float | None = None
    growth_pct: float | None = None
    services: list[str] | None = None
    excluded: list[str] | None = None
    person: str | None = None
    certification: str | None = None
    on: dt.date | None = None  # the date a certification expired or stopped counting
    market: str | None = None


class MetricResult(_Model):
    metric: Metric
    points: int
    max: int
    value: float | None = None  # the raw measure: people counted, net adds, growth %, services
    reasons: list[Reason] = Field(default_factory=list)


class PlanStep(_Model):
    action: PlanAction
    metric: Metric
    count: int
    points_gained: int
    certification: str | None = None  # slug, for `certify`
    people: list[str] | None = None  # person ids who could take it (already holding other steps), if any


class DesignationResult(_Model):
    area: Area
    score: int
    threshold: int
    qualified: bool
    metrics: list[MetricResult]
    reasons: list[Reason] = Field(default_factory=list)  # qualification verdict, not_applicable metrics
    blocking_metrics: list[Metric] = Field(default_factory=list)  # metrics at 0 that block qualification
    plan: list[PlanStep] = Field(default_factory=list)


class LevelResult(_Model):
    met: bool
    reasons: list[Reason] = Field(default_factory=list)


class CloudPlatformResult(_Model):
    rules: str = "2017-07"
    level: CloudPlatformLevel
    levels: dict[CloudPlatformLevel, LevelResult]  # keys: silver, gold
    consumption_usd_12m: float | None = None


class Scorecard(_Model):
    partner_id: str
    partner_name: str | None = None
    as_of: dt.date
    rules: str
    track: str = "enterprise"
    designations: list[DesignationResult]
    cloud_platform: CloudPlatformResult | None = None

    def designation(self, area: Area | str) -> DesignationResult:
        for result in self.designations:
            if result.area == area:
                return result
        raise KeyError(area)

    def to_json(self) -> dict:
        return self.model_dump(mode="json", exclude_none=True)
