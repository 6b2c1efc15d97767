"""Property tests: the figures every reason shows are the ones its points were computed from.

Amounts are drawn around the boundaries the rules floor or compare at (a whole percent of growth,
the $1,000 minimum, a customer's $1,000), with up to four decimals, so a rounding anywhere between
the points and the reason shows up as a contradiction."""

from __future__ import annotations

import math
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_properties import profiles

from scoring import Settings, load_profile, score_profile
from scoring.ids import Metric, ReasonCode
from scoring.results import MetricResult, Scorecard

QUICK = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SETTINGS = Settings()


def dollars(value: float | None) -> Decimal:
    assert value is not None
    return Decimal(repr(float(value)))


def _check_growth(m: MetricResult, minimum: float) -> None:
    [first, *rest] = m.reasons
    if first.code == ReasonCode.GROWTH:
        whole = math.floor(first.growth_pct)
        assert m.value == first.growth_pct
        assert m.points == min(m.max, whole) >= 1
        # ... and the growth the reason's own amounts give floors to the same whole percent.
        current, baseline = dollars(first.current), dollars(first.baseline)
        assert math.floor((current - baseline) * 100 / baseline) == whole
        assert [r.code for r in rest] == ([ReasonCode.CAPPED] if whole > m.max else [])
        if rest:
            assert (rest[0].value, rest[0].max) == (whole, m.max)
    elif first.code == ReasonCode.NO_GROWTH:
        current, baseline = dollars(first.current), dollars(first.baseline)
        assert m.points == 0 and first.growth_pct < 1 and m.value == first.growth_pct
        assert (current - baseline) * 100 / baseline < 1
    elif first.code == ReasonCode.ZERO_BASELINE:
        assert m.points == 0 and first.baseline <= 0  # credits can net a baseline below 0
    else:
        assert first.code == ReasonCode.BELOW_MINIMUM_ACR
        assert m.points == 0 and dollars(first.current) < Decimal(repr(minimum)) == dollars(first.minimum)


def _check_metric(m: MetricResult) -> None:
    codes = [r.code for r in m.reasons]
    capped = [r for r in m.reasons if r.code == ReasonCode.CAPPED]
    if capped:
        assert m.points == m.max < capped[0].value
    if m.metric == Metric.NET_CUSTOMER_ADDS:
        first = m.reasons[0]
        assert first.value == m.value == first.current - first.baseline
        if first.code == ReasonCode.NET_ADDS:
            assert m.points == min(m.max, first.value * first.points_each) > 0
        else:
            assert first.code == ReasonCode.NET_ADDS_NOT_POSITIVE and first.value <= 0 and m.points == 0
    elif m.metric == Metric.DEPLOYMENTS:
        first = m.reasons[0]
        if first.code == ReasonCode.SERVICES_COUNTED:
            assert m.value == len(first.services) > 0
            assert m.points == min(m.max, len(first.services) * first.points_each)
        else:
            assert first.code == ReasonCode.NO_ELIGIBLE_SERVICES and m.points == 0 == m.value
    elif m.metric in (Metric.INTERMEDIATE_CERTIFICATIONS, Metric.ADVANCED_CERTIFICATIONS):
        gates = [r for r in m.reasons if r.code in (ReasonCode.GATE_MET, ReasonCode.PREREQUISITE_UNMET)]
        for gate in gates:
            assert gate.have == len(gate.people)
            assert (gate.have >= gate.required) == (gate.code == ReasonCode.GATE_MET)
        flat = sum(r.points for r in m.reasons if r.code == ReasonCode.GATE_POINTS)
        counted = [r for r in m.reasons if r.code == ReasonCode.PEOPLE_COUNTED]
        scoring = counted[0].have * counted[0].points_each if counted else 0
        if counted:
            assert counted[0].have == len(counted[0].people) == m.value
        if ReasonCode.PREREQUISITE_UNMET in codes:
            assert not counted and m.points == min(m.max, flat)
        else:
            assert m.points == min(m.max, flat + scoring)


def _check_card(card: Scorecard, minimum: float = 1000) -> None:
    for d in card.designations:
        assert d.score == sum(m.points for m in d.metrics)
        for m in d.metrics:
            _check_metric(m)
            if m.metric == Metric.USAGE_GROWTH:
                _check_growth(m, minimum)
        verdict = d.reasons[0]
        if verdict.code == ReasonCode.BELOW_THRESHOLD:
            assert (verdict.value, verdict.required) == (d.score, d.threshold) and d.score < d.threshold
        if verdict.code == ReasonCode.METRIC_ZERO_BLOCKS_QUALIFICATION:
            assert verdict.metrics == [m.metric for m in d.metrics if m.points == 0]
    cloud = card.cloud_platform
    for level in cloud.levels.values():
        money, people = level.reasons[0], level.reasons[1]
        if money.code in (ReasonCode.CONSUMPTION_MET, ReasonCode.CONSUMPTION_BELOW_THRESHOLD):
            assert money.value == cloud.consumption_usd_12m
            met = dollars(money.value) >= dollars(money.required)
            assert met == (money.code == ReasonCode.CONSUMPTION_MET)
        assert people.have == len(people.people)
        assert (people.have >= people.required) == (people.code == ReasonCode.PEOPLE_PASSED)
        assert level.met == (
            money.code == ReasonCode.CONSUMPTION_MET and people.code == ReasonCode.PEOPLE_PASSED
        )


# Amounts near the boundaries: a baseline, and a current a whole percentage away give or take a
# hundredth of a cent or a cent; and amounts on either side of the $1,000 minimum.
BASELINE = st.integers(1, 50_000_000).map(lambda c: Decimal(c) / 100)
NUDGE = st.sampled_from(
    [Decimal("-0.01"), Decimal("-0.0001"), Decimal(0), Decimal("0.0001"), Decimal("0.01")]
)


@st.composite
def boundary_usage(draw) -> tuple[float, float]:
    baseline = draw(BASELINE)
    pct = draw(st.integers(-5, 25))
    current = max(Decimal(0), baseline * (100 + pct) / 100 + draw(NUDGE)).quantize(Decimal("0.0001"))
    if draw(st.booleans()):
        current = Decimal(1000) + draw(NUDGE)
    return float(current), float(baseline)


@QUICK
@given(profiles(), boundary_usage())
def test_every_reason_agrees_with_its_points_for_aggregates(profile, amounts):
    current, baseline = amounts
    data = profile.model_dump(mode="json")
    data["usage"] |= {"acr_last_month": current, "acr_same_month_last_year": baseline}
    _check_card(score_profile(load_profile(data)))


@QUICK
@given(profiles(records=True))
def test_every_reason_agrees_with_its_points_for_records(profile):
    _check_card(score_profile(profile))


@QUICK
@given(
    profiles(records=True),
    st.lists(
        st.tuples(
            st.sampled_from(["2026-09", "2025-09", "2026-08", "2025-08"]),
            st.integers(-100_000, 5_000_000).map(lambda c: c / 10_000),  # four decimals
        ),
        min_size=1,
        max_size=12,
    ),
)
def test_every_reason_agrees_with_its_points_for_sub_cent_records(profile, extra):
    data = profile.model_dump(mode="json")
    data["acr_records"] += [
        {"customer": "z", "month": month, "service": "Key Vault", "offer": "Azure plan",
         "association": "CSP_T1", "usd": usd}
        for month, usd in extra
    ]  # fmt: skip
    _check_card(score_profile(load_profile(data), settings=SETTINGS))
