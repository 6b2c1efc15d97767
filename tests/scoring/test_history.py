"""Score history built from snapshots (trend, gaps, qualified months) and what changed between two
scorecards or two saved profiles, computed from real engine results."""

from __future__ import annotations

import datetime as dt

from card_fixtures import contoso_data, qualified_data

from scoring import load_profile, score_profile
from scoring.history import (
    ProfileChanges,
    SnapshotKind,
    add_months,
    build_history,
    month_range,
    profile_changes,
    scorecard_changes,
    snapshot_of,
)
from scoring.ids import Area, Metric

T0 = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)


def scored(data):
    return score_profile(load_profile(data))


def with_as_of(data, as_of):
    return {**data, "as_of": as_of}


def test_months_move_across_years():
    assert add_months("2026-11", 2) == "2027-01"
    assert add_months("2026-01", -1) == "2025-12"
    assert month_range("2026-11", "2027-02") == ["2026-11", "2026-12", "2027-01", "2027-02"]
    assert month_range("2026-11", "2026-10") == []


def test_no_snapshot_means_an_empty_history_not_an_invented_one():
    history = build_history([])
    assert history.empty
    assert (history.months, history.areas, history.snapshots) == ([], {}, 0)


def test_the_trend_has_one_score_per_month_and_none_for_a_month_without_a_score():
    october = scored(with_as_of(contoso_data(), "2026-10-21"))
    december = scored(with_as_of(qualified_data(), "2026-12-21"))
    history = build_history([
        snapshot_of(october, SnapshotKind.MONTHLY, T0),
        snapshot_of(december, SnapshotKind.MONTHLY, T0 + dt.timedelta(days=60)),
    ])
    assert history.months == ["2026-10", "2026-11", "2026-12"]
    dai = history.areas[Area.DATA_AI]
    assert dai.scores == [october.designation("data_ai").score, None, december.designation("data_ai").score]
    assert dai.qualified_months == ["2026-12"]
    assert history.score("data_ai", "2026-11") is None
    assert history.last(2).months == ["2026-11", "2026-12"]
    assert history.last(2).areas[Area.DATA_AI].scores == [None, december.designation("data_ai").score]


def test_a_month_scores_its_latest_snapshot_but_qualifies_if_any_snapshot_did():
    good = scored(with_as_of(qualified_data(), "2026-11-03"))
    bad = scored(with_as_of(contoso_data(), "2026-11-20"))
    assert good.designation("data_ai").qualified and not bad.designation("data_ai").qualified
    history = build_history([
        snapshot_of(bad, SnapshotKind.CHANGE, T0),
        snapshot_of(good, SnapshotKind.CHANGE, T0 - dt.timedelta(days=18)),
    ])
    assert history.months == ["2026-11"]
    assert history.areas[Area.DATA_AI].scores == [bad.designation("data_ai").score]
    assert history.qualified_in("data_ai", "2026-11")


def test_scorecard_changes_name_areas_metric_points_and_people_who_started_counting():
    before = scored(contoso_data())
    data = contoso_data()
    data["people"].append({"id": "p3", "name": "Linus", "certifications": ["AZ-305", "DP-300"]})
    after = scored(data)
    changes = scorecard_changes(before, after)
    dai = next(a for a in changes.areas if a.area == Area.DATA_AI)
    assert dai.score_before == before.designation("data_ai").score
    assert dai.score_after == after.designation("data_ai").score
    assert dai.delta == after.designation("data_ai").score - before.designation("data_ai").score
    assert dai.delta > 0
    certs = next(m for m in dai.metrics if m.metric == Metric.INTERMEDIATE_CERTIFICATIONS)
    assert certs.points_after - certs.points_before == certs.delta > 0
    assert any("p3" in c.added for c in dai.people)
    assert not any(c.removed for c in dai.people)
    unchanged = [m.metric for m in dai.metrics]
    assert Metric.NET_CUSTOMER_ADDS not in unchanged


def test_scorecard_changes_report_a_lost_designation_and_a_lapsed_certification():
    data = qualified_data()
    data["people"][0]["certifications"][0] = {"id": "AZ-305", "expires": "2026-12-01"}
    before = scored(with_as_of(data, "2026-11-21"))
    after = scored(with_as_of(data, "2026-12-21"))
    changes = scorecard_changes(before, after)
    assert [(e.person, e.certification) for e in changes.expired] == [("p0", "azure-solutions-architect")]
    assert changes.gained == []


def test_profile_changes_list_people_certifications_usage_and_services():
    before = load_profile(contoso_data())
    data = contoso_data()
    data["people"][0]["certifications"] = ["AZ-305", "DP-203"]
    data["people"].append({"id": "p9", "name": "Linus", "certifications": ["AZ-104"]})
    data["usage"]["eligible_customers_last_month"] = 6
    data["usage"]["deployed_services"] = ["Azure SQL Database", "Azure Functions"]
    changes = profile_changes(before, load_profile(data))
    assert changes.people_added == ["p9"]
    assert changes.people_removed == []
    assert [(c.person, c.added, c.removed) for c in changes.certifications] == [
        ("p1", ["azure-data-engineer"], ["azure-administrator"])
    ]
    assert changes.usage == ["eligible_customers_last_month"]
    assert (changes.services_added, changes.services_removed) == (["Azure Functions"], ["Azure App Service"])
    assert changes.fields == []
    assert changes.names == {"p1": "Ada", "p9": "Linus"}
    assert not changes.empty


def test_a_first_profile_is_a_first_change_and_the_same_profile_changes_nothing():
    profile = load_profile(contoso_data())
    assert profile_changes(None, profile) == ProfileChanges(first=True)
    assert profile_changes(profile, load_profile(contoso_data())).empty
    later = load_profile(with_as_of(contoso_data(), "2026-11-30"))
    assert profile_changes(profile, later).fields == ["as_of"]
