"""The identifiers of ARCHITECTURE.md: one name for one thing in code, catalog, cards and locales."""

from enum import StrEnum


class Area(StrEnum):
    DATA_AI = "data_ai"
    INFRASTRUCTURE = "infrastructure"
    DIGITAL_APP_INNOVATION = "digital_app_innovation"


class Metric(StrEnum):
    NET_CUSTOMER_ADDS = "net_customer_adds"
    INTERMEDIATE_CERTIFICATIONS = "intermediate_certifications"
    ADVANCED_CERTIFICATIONS = "advanced_certifications"
    USAGE_GROWTH = "usage_growth"
    DEPLOYMENTS = "deployments"


class Track(StrEnum):
    ENTERPRISE = "enterprise"
    SMB = "smb"


class Market(StrEnum):
    DEVELOPED = "developed"
    DEVELOPING = "developing"


class CloudPlatformLevel(StrEnum):
    NONE = "none"
    SILVER = "silver"
    GOLD = "gold"


class PlanAction(StrEnum):
    CERTIFY = "certify"  # `count` more people holding `certification`
    ADD_CUSTOMERS = "add_customers"  # `count` more net new eligible customers
    GROW_USAGE = "grow_usage"  # `count` more whole percentage points of usage growth
    DEPLOY_SERVICES = "deploy_services"  # `count` more distinct eligible Azure services


class ReasonCode(StrEnum):
    """Stable, machine-readable reason codes. Text for each lives in the bot's locale files.

    Each code has its own model in `scoring.results` (the fields listed beside it here, in order).
    """

    # --- zeros, limits and failures -------------------------------------------------------------
    PREREQUISITE_UNMET = "prerequisite_unmet"  # step, certifications, required, have, people
    CAPPED = "capped"  # value (uncapped points), max
    NOT_APPLICABLE = "not_applicable"  # metric (a metric the area does not have, e.g. D&AI advanced)
    NO_GROWTH = "no_growth"  # growth_pct (< 1 %), current, baseline
    ZERO_BASELINE = "zero_baseline"  # current, baseline (growth undefined, E-3)
    BELOW_MINIMUM_ACR = "below_minimum_acr"  # current/baseline, minimum
    NET_ADDS_NOT_POSITIVE = "net_adds_not_positive"  # value, current, baseline
    NO_SCORING_PEOPLE = "no_scoring_people"  # step, certifications (gates met, nobody in scoring step)
    NO_ELIGIBLE_SERVICES = "no_eligible_services"  # excluded (services seen but not eligible)
    CERTIFICATION_EXPIRED = "certification_expired"  # person, certification, on
    CERTIFICATION_RETIRED = "certification_retired"  # person, certification, on (past its count-until)
    METRIC_ZERO_BLOCKS_QUALIFICATION = "metric_zero_blocks_qualification"  # metrics
    BELOW_THRESHOLD = "below_threshold"  # value (score), required (threshold)
    # --- what earned points ---------------------------------------------------------------------
    GATE_MET = "gate_met"  # step, certifications, required, have, people
    GATE_POINTS = "gate_points"  # step, points (2026 SMB flat gate points)
    PEOPLE_COUNTED = "people_counted"  # step, certifications, have, people, points_each
    NET_ADDS = "net_adds"  # value, current, baseline, points_each
    GROWTH = "growth"  # growth_pct, current, baseline
    SERVICES_COUNTED = "services_counted"  # services, excluded, points_each
    QUALIFIED = "qualified"  # value (score), required (threshold)
    # --- Cloud Platform competency --------------------------------------------------------------
    CONSUMPTION_BELOW_THRESHOLD = "consumption_below_threshold"  # value, required, market
    CONSUMPTION_MET = "consumption_met"  # value, required, market
    NOT_ENOUGH_PEOPLE_PASSED = "not_enough_people_passed"  # required, have, people, certifications
    PEOPLE_PASSED = "people_passed"  # required, have, people, certifications
    CONSUMPTION_UNKNOWN = "consumption_unknown"  # required, market (no consumption figure and no records)
    # --- plan -----------------------------------------------------------------------------------
    NO_PLAN = "no_plan"  # metrics (no addition can make them score: e.g. a zero usage baseline, E-3)


# Reasons that explain a shortfall: something is missing, too low, lapsed or capped, so a metric,
# an area or a Cloud Platform level has fewer points than it could (or is not met). The other codes
# say what earned points or met a level (GATE_MET, PEOPLE_COUNTED, ..., CONSUMPTION_MET), or are
# remarks rather than causes (NOT_APPLICABLE: a metric the area does not have; NO_PLAN: no plan
# exists). "Why" answers and the cards show these first. A new code must be placed deliberately:
# tests/cards/test_scorecard_shortfalls.py lists every code on one side or the other.
SHORTFALL_CODES: frozenset[ReasonCode] = frozenset(
    {
        # a metric's points
        ReasonCode.PREREQUISITE_UNMET,
        ReasonCode.CAPPED,
        ReasonCode.NO_GROWTH,
        ReasonCode.ZERO_BASELINE,
        ReasonCode.BELOW_MINIMUM_ACR,
        ReasonCode.NET_ADDS_NOT_POSITIVE,
        ReasonCode.NO_SCORING_PEOPLE,
        ReasonCode.NO_ELIGIBLE_SERVICES,
        ReasonCode.CERTIFICATION_EXPIRED,
        ReasonCode.CERTIFICATION_RETIRED,
        # an area's qualification
        ReasonCode.METRIC_ZERO_BLOCKS_QUALIFICATION,
        ReasonCode.BELOW_THRESHOLD,
        # a Cloud Platform level
        ReasonCode.CONSUMPTION_BELOW_THRESHOLD,
        ReasonCode.CONSUMPTION_UNKNOWN,
        ReasonCode.NOT_ENOUGH_PEOPLE_PASSED,
    }
)
