"""The scorecard (output) contract of ARCHITECTURE.md, as pydantic models.

`Scorecard.model_dump(mode="json", exclude_none=True)` is exactly the JSON other tools rely on.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, TypeGuard, get_args

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from scoring.ids import Area, CloudPlatformLevel, Market, Metric, PlanAction, ReasonCode


def _json_number(value: float) -> int | float:
    # The contract writes head counts and whole amounts as integers ("required": 2, "value": 3);
    # fractions such as a growth of 12.7 % stay as they are.
    return int(value) if value.is_integer() else value


# A float in Python (money and percentages need it), an integer in JSON when it is whole.
Number = Annotated[float, PlainSerializer(_json_number, return_type=int | float, when_used="json")]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# One model per reason code: the fields each code carries, nothing optional that the code always has.
# The scorecard JSON is a contract (ARCHITECTURE.md): every model declares its fields in the order
# the single `Reason` model of before did (code, metric, metrics, step, certifications, required,
# have, people, points, points_each, value, max, current, baseline, minimum, growth_pct, services,
# excluded, person, certification, on, market), so each reason's JSON keeps its bytes
# (tests/scoring/test_contract_scorecards.py). A new code: a `ReasonCode`, a model here, a member of
# `Reason`, its text per locale; the type checker then names every `match` that lacks it.


# --- zeros, limits and failures -----------------------------------------------------------------
class PrerequisiteUnmet(_Model):
    """A gate step lacks people: the metric scores 0."""

    code: Literal[ReasonCode.PREREQUISITE_UNMET] = ReasonCode.PREREQUISITE_UNMET
    step: int
    certifications: list[str]  # catalog slugs, any of which meets the step
    required: int
    have: int
    people: list[str]  # person ids holding the step


class Capped(_Model):
    code: Literal[ReasonCode.CAPPED] = ReasonCode.CAPPED
    value: int  # the uncapped points
    max: int


class NotApplicable(_Model):
    """A metric the area does not have (e.g. D&AI advanced certifications)."""

    code: Literal[ReasonCode.NOT_APPLICABLE] = ReasonCode.NOT_APPLICABLE
    metric: Metric


class NoGrowth(_Model):
    """Usage growth under 1 %."""

    code: Literal[ReasonCode.NO_GROWTH] = ReasonCode.NO_GROWTH
    current: Number  # USD, last month
    baseline: Number  # USD, the same month a year before
    growth_pct: Number


class ZeroBaseline(_Model):
    """No usage a year before: growth is undefined (E-3)."""

    code: Literal[ReasonCode.ZERO_BASELINE] = ReasonCode.ZERO_BASELINE
    current: Number
    baseline: Number


class BelowMinimumAcr(_Model):
    code: Literal[ReasonCode.BELOW_MINIMUM_ACR] = ReasonCode.BELOW_MINIMUM_ACR
    current: Number
    baseline: Number
    minimum: Number  # USD a month


class NetAddsNotPositive(_Model):
    code: Literal[ReasonCode.NET_ADDS_NOT_POSITIVE] = ReasonCode.NET_ADDS_NOT_POSITIVE
    value: int  # net adds
    current: int  # eligible customers last month
    baseline: int  # the same month a year before


class NoScoringPeople(_Model):
    """Every gate is met, but nobody holds the scoring step."""

    code: Literal[ReasonCode.NO_SCORING_PEOPLE] = ReasonCode.NO_SCORING_PEOPLE
    step: int
    certifications: list[str]
    have: int
    people: list[str]


class NoEligibleServices(_Model):
    code: Literal[ReasonCode.NO_ELIGIBLE_SERVICES] = ReasonCode.NO_ELIGIBLE_SERVICES
    excluded: list[str]  # services seen but not eligible


class CertificationExpired(_Model):
    code: Literal[ReasonCode.CERTIFICATION_EXPIRED] = ReasonCode.CERTIFICATION_EXPIRED
    person: str  # person id
    certification: str  # catalog slug
    on: dt.date  # the day it stopped counting


class CertificationRetired(_Model):
    """A retired certification past its count-until date."""

    code: Literal[ReasonCode.CERTIFICATION_RETIRED] = ReasonCode.CERTIFICATION_RETIRED
    person: str
    certification: str
    on: dt.date


LapsedCertification = CertificationExpired | CertificationRetired


class MetricZeroBlocksQualification(_Model):
    code: Literal[ReasonCode.METRIC_ZERO_BLOCKS_QUALIFICATION] = ReasonCode.METRIC_ZERO_BLOCKS_QUALIFICATION
    metrics: list[Metric]


class BelowThreshold(_Model):
    code: Literal[ReasonCode.BELOW_THRESHOLD] = ReasonCode.BELOW_THRESHOLD
    required: int  # the threshold
    value: int  # the score


# --- what earned points -------------------------------------------------------------------------
class GateMet(_Model):
    code: Literal[ReasonCode.GATE_MET] = ReasonCode.GATE_MET
    step: int
    certifications: list[str]
    required: int
    have: int
    people: list[str]


class GatePoints(_Model):
    """2026 SMB: a met gate earns flat points."""

    code: Literal[ReasonCode.GATE_POINTS] = ReasonCode.GATE_POINTS
    step: int
    points: int


class PeopleCounted(_Model):
    code: Literal[ReasonCode.PEOPLE_COUNTED] = ReasonCode.PEOPLE_COUNTED
    step: int
    certifications: list[str]
    have: int
    people: list[str]
    points_each: int


class NetAdds(_Model):
    code: Literal[ReasonCode.NET_ADDS] = ReasonCode.NET_ADDS
    points_each: int
    value: int
    current: int
    baseline: int


class Growth(_Model):
    code: Literal[ReasonCode.GROWTH] = ReasonCode.GROWTH
    current: Number
    baseline: Number
    growth_pct: Number


class ServicesCounted(_Model):
    code: Literal[ReasonCode.SERVICES_COUNTED] = ReasonCode.SERVICES_COUNTED
    points_each: int
    services: list[str]
    excluded: list[str] | None = None  # absent when nothing was excluded


class Qualified(_Model):
    code: Literal[ReasonCode.QUALIFIED] = ReasonCode.QUALIFIED
    required: int
    value: int


# --- Cloud Platform competency ------------------------------------------------------------------
class ConsumptionBelowThreshold(_Model):
    code: Literal[ReasonCode.CONSUMPTION_BELOW_THRESHOLD] = ReasonCode.CONSUMPTION_BELOW_THRESHOLD
    required: Number  # USD over 12 months
    value: Number
    market: Market


class ConsumptionMet(_Model):
    code: Literal[ReasonCode.CONSUMPTION_MET] = ReasonCode.CONSUMPTION_MET
    required: Number
    value: Number
    market: Market


class ConsumptionUnknown(_Model):
    """No consumption figure and no records."""

    code: Literal[ReasonCode.CONSUMPTION_UNKNOWN] = ReasonCode.CONSUMPTION_UNKNOWN
    required: Number
    market: Market


class NotEnoughPeoplePassed(_Model):
    code: Literal[ReasonCode.NOT_ENOUGH_PEOPLE_PASSED] = ReasonCode.NOT_ENOUGH_PEOPLE_PASSED
    certifications: list[str]  # the exams and assessments they passed
    required: int
    have: int
    people: list[str]


class PeoplePassed(_Model):
    code: Literal[ReasonCode.PEOPLE_PASSED] = ReasonCode.PEOPLE_PASSED
    certifications: list[str]
    required: int
    have: int
    people: list[str]


# --- plan ---------------------------------------------------------------------------------------
class NoPlan(_Model):
    """No addition can make these metrics score (e.g. a zero usage baseline, E-3)."""

    code: Literal[ReasonCode.NO_PLAN] = ReasonCode.NO_PLAN
    metrics: list[Metric]


# One structured explanation; `code` says which model it is.
Reason = Annotated[
    PrerequisiteUnmet
    | Capped
    | NotApplicable
    | NoGrowth
    | ZeroBaseline
    | BelowMinimumAcr
    | NetAddsNotPositive
    | NoScoringPeople
    | NoEligibleServices
    | CertificationExpired
    | CertificationRetired
    | MetricZeroBlocksQualification
    | BelowThreshold
    | GateMet
    | GatePoints
    | PeopleCounted
    | NetAdds
    | Growth
    | ServicesCounted
    | Qualified
    | ConsumptionBelowThreshold
    | ConsumptionMet
    | ConsumptionUnknown
    | NotEnoughPeoplePassed
    | PeoplePassed
    | NoPlan,
    Field(discriminator="code"),
]
# The models of that union, for `isinstance` (an Annotated union is not a class).
REASON_MODELS: tuple[type[BaseModel], ...] = get_args(get_args(Reason)[0])


def is_reason(value: object) -> TypeGuard[Reason]:
    return isinstance(value, REASON_MODELS)


def step_of(reason: Reason) -> int | None:
    """The certification step a reason speaks of, if it speaks of one."""
    match reason:
        case PrerequisiteUnmet() | GateMet() | GatePoints() | PeopleCounted() | NoScoringPeople():
            return reason.step
        case _:
            return None


class MetricResult(_Model):
    metric: Metric
    points: int
    max: int
    value: Number | None = None  # the raw measure: people counted, net adds, growth %, services
    reasons: list[Reason] = Field(default_factory=list[Reason])


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
    # qualification verdict, not_applicable metrics
    reasons: list[Reason] = Field(default_factory=list[Reason])
    # metrics at 0 that block qualification
    blocking_metrics: list[Metric] = Field(default_factory=list[Metric])
    plan: list[PlanStep] = Field(default_factory=list[PlanStep])


class LevelResult(_Model):
    met: bool
    reasons: list[Reason] = Field(default_factory=list[Reason])


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

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)
