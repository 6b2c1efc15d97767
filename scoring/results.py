"""The scorecard (output) contract of ARCHITECTURE.md, as pydantic models.

`Scorecard.model_dump(mode="json", exclude_none=True)` is exactly the JSON other tools rely on.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from scoring.ids import Area, CloudPlatformLevel, Metric, PlanAction, ReasonCode


def _json_number(value: float) -> int | float:
    # The contract writes head counts and whole amounts as integers ("required": 2, "value": 3);
    # fractions such as a growth of 12.7 % stay as they are.
    return int(value) if value.is_integer() else value


# A float in Python (money and percentages need it), an integer in JSON when it is whole.
Number = Annotated[float, PlainSerializer(_json_number, return_type=int | float, when_used="json")]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Reason(_Model):
    """One structured explanation. Only the fields its code needs are set (see `ReasonCode`)."""

    code: ReasonCode
    metric: Metric | None = None
    metrics: list[Metric] | None = None
    step: int | None = None
    certifications: list[str] | None = None  # catalog slugs
    required: Number | None = None
    have: Number | None = None
    people: list[str] | None = None  # person ids
    points: int | None = None
    points_each: int | None = None
    value: Number | None = None
    max: int | None = None
    current: Number | None = None
    baseline: Number | None = None
    minimum: Number | None = None
    growth_pct: Number | None = None
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
    value: Number | None = None  # the raw measure: people counted, net adds, growth %, services
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
    rules: str = "2017-11"  # the Cloud Platform version applied: 2017-07 or 2017-11 (E-28)
    level: CloudPlatformLevel
    levels: dict[CloudPlatformLevel, LevelResult]  # keys: silver, gold
    consumption_usd_12m: Number | None = None


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
