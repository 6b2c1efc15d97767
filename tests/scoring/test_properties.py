"""Property tests (hypothesis) over generated profiles: caps, monotonicity, the plan, round-trips."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import Profile, Settings, load_profile, score_profile
from scoring.ids import ReasonCode
from scoring.planner import apply_plan
from scoring.results import Scorecard

CERTS = [
    "AZ-305",
    "AZ-104",
    "DP-300",
    "AI-102",
    "DP-100",
    "DP-203",
    "PL-300",
    "MB-260",
    "DP-420",
    "DP-600",
    "DP-700",
    "AZ-204",
    "PL-400",
    "AZ-700",
    "AZ-600",
    "AZ-800+AZ-801",
    "AZ-220",
    "AZ-400",
    "PL-600",
    "GH-300",
    "AZ-140",
    "AZ-120",
    "70-533",
    "assessment:13736",
]
SERVICES = [
    "Azure SQL Database",
    "Azure App Service",
    "Storage",
    "Virtual Machines",
    "Azure Functions",
    "Key Vault",
    "Virtual Machines Licenses",
]
DAYS = st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2027, 12, 31))
QUICK = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def held(draw):
    code = draw(st.sampled_from(CERTS))
    if draw(st.booleans()):
        return code
    earned = draw(st.one_of(st.none(), DAYS))
    expires = draw(st.one_of(st.none(), DAYS.filter(lambda d: earned is None or d > earned)))
    return {"id": code, "earned": earned and earned.isoformat(), "expires": expires and expires.isoformat()}


@st.composite
def profiles(draw, records: bool = False) -> Profile:
    people = [
        {"id": f"p{i}", "certifications": draw(st.lists(held(), max_size=4))}
        for i in range(draw(st.integers(0, 14)))
    ]
    data = {
        "partner": {"id": "x", "market": draw(st.sampled_from(["developed", "developing"]))},
        "as_of": draw(DAYS).isoformat(),
        "rules": draw(st.sampled_from(["2023-H2", "2026"])),
        "track": draw(st.sampled_from(["enterprise", "smb"])),
        "people": people,
    }
    if records:
        months = ["2026-08", "2026-09", "2025-08", "2025-09", "2026-03", "2025-03"]
        data["as_of"] = "2026-10-15"
        data["acr_records"] = draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "customer": st.sampled_from(["a", "b", "c", "d"]),
                        "month": st.sampled_from(months),
                        "service": st.sampled_from(SERVICES),
                        "offer": st.sampled_from(["Azure plan", "Trial"]),
                        "association": st.sampled_from(["CSP_T1", "PAL", "DPOR", "TPOR", "NONE"]),
                        "usd": st.floats(-200, 3000, allow_nan=False).map(lambda v: round(v, 2)),
                    }
                ),
                max_size=30,
            )
        )
    else:
        data["usage"] = {
            "eligible_customers_last_month": draw(st.integers(0, 12)),
            "eligible_customers_same_month_last_year": draw(st.integers(0, 12)),
            "acr_last_month": draw(st.floats(0, 300_000, allow_nan=False)),
            "acr_same_month_last_year": draw(st.one_of(st.just(0.0), st.floats(0, 200_000, allow_nan=False))),
            "deployed_services": draw(st.lists(st.sampled_from(SERVICES), max_size=7, unique=True)),
        }
        data["cloud_platform"] = {"consumption_usd_12m": draw(st.floats(0, 200_000, allow_nan=False))}
    return load_profile(data)


def _points(card: Scorecard) -> dict[tuple[str, str], int]:
    return {(d.area, m.metric): m.points for d in card.designations for m in d.metrics}


@QUICK
@given(profiles())
def test_points_never_exceed_caps_and_zeros_are_explained(profile):
    card = score_profile(profile)
    for d in card.designations:
        assert d.score == sum(m.points for m in d.metrics) <= 100
        for m in d.metrics:
            assert 0 <= m.points <= m.max
            assert m.reasons, f"{d.area}/{m.metric} has no reason"
        assert d.qualified == (d.score >= d.threshold and not d.blocking_metrics)
        assert d.reasons


@QUICK
@given(profiles(), st.sampled_from(CERTS), st.integers(0, 20))
def test_adding_a_valid_certification_never_lowers_a_metric(profile, code, who):
    before = _points(score_profile(profile))
    people = [p.model_dump(mode="json") for p in profile.people] or [{"id": "new", "certifications": []}]
    people[who % len(people)]["certifications"].append(code)
    after = _points(score_profile(load_profile(profile.model_dump(mode="json") | {"people": people})))
    assert all(after[k] >= v for k, v in before.items())


@QUICK
@given(profiles())
def test_adding_a_customer_never_lowers_a_metric(profile):
    before = _points(score_profile(profile))
    usage = profile.usage.model_copy(
        update={"eligible_customers_last_month": profile.usage.eligible_customers_last_month + 1}
    )
    after = _points(score_profile(profile.model_copy(update={"usage": usage})))
    assert all(after[k] >= v for k, v in before.items())


def _check_plan(profile: Profile) -> None:
    card = score_profile(profile)
    for d in card.designations:
        unfixable = any(r.code == ReasonCode.NO_PLAN for r in d.reasons)
        if d.qualified:
            assert d.plan == []
            continue
        if unfixable:
            assert d.plan == []
            continue
        assert d.plan, f"{d.area}: not qualified, no plan and no no_plan reason"
        assert all(s.count > 0 for s in d.plan)
        assert sum(s.points_gained for s in d.plan) + d.score >= d.threshold
        rescored = score_profile(apply_plan(profile, d.plan)).designation(d.area)
        assert rescored.qualified, f"{d.area}: plan {d.plan} gave {rescored}"


@QUICK
@given(profiles())
def test_the_plan_always_qualifies(profile):
    _check_plan(profile)


@QUICK
@given(profiles(records=True))
def test_the_plan_always_qualifies_with_records(profile):
    _check_plan(profile)


@QUICK
@given(profiles())
def test_json_output_and_profile_round_trip_through_the_models(profile):
    card = score_profile(profile)
    assert Scorecard.model_validate(card.to_json()) == card
    assert load_profile(profile.model_dump(mode="json", exclude_none=True)) == profile


@QUICK
@given(profiles(records=True))
def test_records_profiles_round_trip(profile):
    assert load_profile(profile.model_dump(mode="json", exclude_none=True)) == profile


SETTINGS = st.builds(
    Settings,
    zero_baseline_growth=st.sampled_from(["zero", "max"]),
    min_acr_applies_to=st.sampled_from(["current", "baseline", "both"]),
    thresholds_inclusive=st.booleans(),
    count_retired_until_cutoff=st.booleans(),
    only_valid_certifications=st.booleans(),
    smb_gate_points_independent=st.booleans(),
    smb_cap_includes_gate_points=st.booleans(),
)


@QUICK
@given(profiles(), SETTINGS)
def test_the_plan_qualifies_under_any_interpretation(profile, chosen):
    card = score_profile(profile, settings=chosen)
    for d in card.designations:
        if d.qualified or any(r.code == ReasonCode.NO_PLAN for r in d.reasons):
            continue
        rescored = score_profile(apply_plan(profile, d.plan, settings=chosen), settings=chosen)
        assert rescored.designation(d.area).qualified, f"{d.area}: {d.plan}"


@QUICK
@given(profiles())
def test_cloud_platform_level_matches_its_levels(profile):
    cp = score_profile(profile).cloud_platform
    gold, silver = cp.levels["gold"].met, cp.levels["silver"].met
    assert cp.level == ("gold" if gold else "silver" if silver else "none")
    assert not gold or silver  # Gold's bars are above Silver's in both markets
