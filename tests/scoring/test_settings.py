"""Each docs/rules.md §6 interpretation is a named setting: the default is the recommendation, and the
alternative changes exactly what the rule says it changes."""

from __future__ import annotations

import pytest
from scoring_builders import make_profile, metric_result, points, usage

from scoring import ProfileError, Settings, score_profile
from scoring.ids import ReasonCode

DA, INFRA, DAI = "data_ai", "infrastructure", "digital_app_innovation"
INT = "intermediate_certifications"


def test_defaults_are_the_recommendations():
    s = Settings()
    assert (s.last_month_offset, s.last_year_offset) == (1, 13)  # E-2
    assert s.zero_baseline_growth == "zero"  # E-3
    assert s.usage_growth_window == "ttm"  # E-4
    assert s.min_acr_applies_to == "current"  # E-5
    assert s.thresholds_inclusive  # E-8
    assert s.deployment_net_of_credits  # E-9
    assert s.combine_tenant_associations  # E-10
    assert s.count_distinct_people  # E-11, E-14
    assert s.count_retired_until_cutoff and s.only_valid_certifications  # E-15, E-16
    assert not s.counts_on_expiry_date  # E-16: the `expires` day itself no longer counts
    assert s.data_ai_without_advanced  # E-17
    assert s.smb_gate_points_independent and s.smb_cap_includes_gate_points  # E-20, E-21
    assert s.exclude_sovereign_clouds  # E-23
    assert (
        s.cp_mixed_evidence == "any" and s.cp_window_months is None and s.cloud_platform_rules is None
    )  # E-26..28 (E-27: the catalog's window, 12 months; E-28: the version in force; test_cloud_platform)


def test_E11_counting_holdings_instead_of_people():
    p = make_profile({"A": ["SAE", "ADM"], "B": ["SAE", "ADM"], "C": ["DBA", "AIE", "DS", "DE"]})
    assert points(p, DA, INT) == 4
    assert points(p, DA, INT, settings=Settings(count_distinct_people=False)) == 16


def test_E15_retired_certifications_can_stop_at_retirement():
    p = make_profile({"A": ["ADM"], "B": ["ADM"], "C": ["Azure Stack Hub Operator"]}, as_of="2024-07-15")
    assert points(p, INFRA, INT, settings=Settings(count_retired_until_cutoff=False)) == 0


def test_E16_expired_certifications():
    people = {"A": ["ADM"], "B": [{"id": "ADM", "expires": "2026-10-31"}], "C": ["DEV"]}
    p = make_profile(people, as_of="2026-10-31")
    result = metric_result(score_profile(p), DAI, INT)
    assert result.points == 0
    expired = next(r for r in result.reasons if r.code == ReasonCode.CERTIFICATION_EXPIRED)
    assert (expired.person, expired.certification, str(expired.on)) == (
        "B",
        "azure-administrator",
        "2026-10-31",
    )
    assert points(make_profile(people, as_of="2026-10-30"), DAI, INT) == 4
    assert points(p, DAI, INT, settings=Settings(only_valid_certifications=False)) == 4


def test_E16_certifications_earned_after_the_scoring_date_do_not_count_yet():
    people = {"A": ["ADM"], "B": [{"id": "ADM", "earned": "2026-11-15"}], "C": ["DEV"]}
    assert points(make_profile(people, as_of="2026-10-31"), DAI, INT) == 0


def test_E17_data_ai_can_be_made_to_need_an_advanced_metric():
    card = score_profile(
        make_profile(usage=usage(3, 0, 120_000, 100_000, ["Storage"])),
        settings=Settings(data_ai_without_advanced=False),
    )
    data_ai = card.designation(DA)
    assert not data_ai.qualified and "advanced_certifications" in data_ai.blocking_metrics
    assert any(r.code == ReasonCode.NO_PLAN for r in data_ai.reasons) and data_ai.plan == []


def test_E20_E21_smb_gate_points():
    people = {"adm1": ["ADM"], "adm2": ["ADM"]} | {f"s{i}": ["DBA"] for i in range(2)}
    p = make_profile(people, rules="2026", track="smb")
    assert points(p, DA, INT) == 4
    assert points(p, DA, INT, settings=Settings(smb_gate_points_independent=False)) == 0
    full = make_profile(
        {"a": ["ADM", "SAE"]} | {f"s{i}": ["DBA"] for i in range(10)}, rules="2026", track="smb"
    )
    assert points(full, DA, INT) == 40
    outside = metric_result(
        score_profile(full, settings=Settings(smb_cap_includes_gate_points=False)), DA, INT
    )
    assert (outside.points, outside.max) == (48, 48)


def test_E20_gate_points_reason_only_when_the_points_are_awarded():
    people = {"adm1": ["ADM"], "adm2": ["ADM"]} | {f"s{i}": ["DBA"] for i in range(2)}
    p = make_profile(people, rules="2026", track="smb")
    codes = [r.code for r in metric_result(score_profile(p), DA, INT).reasons]
    assert ReasonCode.GATE_POINTS in codes
    strict = metric_result(score_profile(p, settings=Settings(smb_gate_points_independent=False)), DA, INT)
    assert strict.points == 0
    assert ReasonCode.GATE_POINTS not in [r.code for r in strict.reasons]


def test_E8_thresholds_can_be_exclusive():
    rows = [
        {
            "customer": "X",
            "month": "2026-08",
            "service": "Storage",
            "offer": "Azure plan",
            "association": "CSP_T1",
            "usd": 1000.0,
        }
    ]
    p = make_profile(acr_records=rows)
    assert metric_result(score_profile(p), DA, "net_customer_adds").reasons[0].current == 1
    strict = score_profile(p, settings=Settings(thresholds_inclusive=False))
    assert metric_result(strict, DA, "net_customer_adds").reasons[0].current == 0


def test_E2_same_month_last_year_offset():
    rows = [
        {
            "customer": "X",
            "month": "2025-10",
            "service": "Storage",
            "offer": "Azure plan",
            "association": "CSP_T1",
            "usd": 5000.0,
        }
    ]
    p = make_profile(acr_records=rows)
    assert metric_result(score_profile(p), DA, "net_customer_adds").reasons[0].baseline == 0
    twelve = score_profile(p, settings=Settings(last_year_offset=12))
    assert metric_result(twelve, DA, "net_customer_adds").reasons[0].baseline == 1


def test_settings_reject_unknown_names_and_values():
    with pytest.raises(ValueError):
        Settings(usage_growth_window="weekly")
    with pytest.raises(ValueError):
        Settings(usage_growth="ttm")


def test_score_profile_rejects_unknown_rules_and_bad_dates():
    with pytest.raises(ProfileError) as caught:
        score_profile(make_profile(), rules="2030")
    assert caught.value.errors[0].field == "rules"
    with pytest.raises(ProfileError):
        score_profile(make_profile(), as_of="yesterday")


def test_E16_a_certification_expiring_on_the_scoring_date_does_not_count_that_day_by_default():
    people = {"A": ["ADM"], "B": ["ADM"], "C": [{"id": "AZ-204", "expires": "2026-10-31"}]}
    profile = make_profile(people, as_of="2026-10-31")
    default = metric_result(score_profile(profile), DAI, INT)
    assert default.points == 0
    expired = [r for r in default.reasons if r.code == ReasonCode.CERTIFICATION_EXPIRED]
    assert [(r.person, str(r.on)) for r in expired] == [("C", "2026-10-31")]
    last_day = Settings(counts_on_expiry_date=True)
    counted = score_profile(profile, settings=last_day)
    assert metric_result(counted, DAI, INT).points == 4
    day_after = score_profile(profile, as_of="2026-11-01", settings=last_day)
    lapsed = metric_result(day_after, DAI, INT)
    assert [str(r.on) for r in lapsed.reasons if r.code == ReasonCode.CERTIFICATION_EXPIRED] == ["2026-11-01"]
