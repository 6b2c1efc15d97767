"""The plan to qualify: fewest additions, points each, named people, and apply_plan."""

from __future__ import annotations

from scoring_builders import area_profile, make_profile, metric_result, usage

from scoring import Profile, score_profile
from scoring.ids import Metric, PlanAction, ReasonCode
from scoring.planner import apply_plan, in_usage_form, measures_of
from scoring.results import PlanStep

DA, INFRA = "data_ai", "infrastructure"


def test_missing_gate_holder_unlocks_the_scoring_step_points():
    """ARCHITECTURE.md's example: one more Solutions Architect unlocks the Step 3 people."""
    people = {"p1": ["SAE", "ADM"], "p2": ["ADM", "DBA"], "p3": ["AIE"], "p4": ["DS"]}
    profile = make_profile(
        people,
        usage=usage(
            3,
            0,
            120_000,
            100_000,
            ["Storage", "Azure App Service", "Key Vault", "Azure Functions", "Azure Monitor"],
        ),
    )
    d = score_profile(profile).designation(DA)
    assert [m.points for m in d.metrics] == [30, 0, 20, 10] and not d.qualified
    (step,) = d.plan
    assert (step.action, step.certification, step.count, step.points_gained) == (
        "certify",
        "azure-solutions-architect",
        1,
        12,
    )
    assert step.people == ["p2"]  # already in the metric, not yet an architect
    assert score_profile(apply_plan(profile, d.plan)).designation(DA).qualified


def test_the_plan_takes_the_fewest_additions():
    d = score_profile(area_profile(DA, net=2, intermediate=7, growth=12, services=4)).designation(DA)
    assert d.score == 68
    assert sum(s.count for s in d.plan) == 1 and d.plan[0].points_gained >= 2


def test_every_blocking_metric_gets_a_step():
    d = score_profile(
        area_profile(INFRA, net=3, intermediate=5, advanced=5, growth=0, services=5)
    ).designation(INFRA)
    assert [(s.action, s.metric, s.count, s.points_gained) for s in d.plan] == [
        ("grow_usage", "usage_growth", 1, 1)
    ]


def test_no_plan_when_usage_growth_cannot_be_measured():
    profile = area_profile(INFRA, net=3, intermediate=5, advanced=5, services=5)
    profile = profile.model_copy(
        update={"usage": profile.usage.model_copy(update={"acr_same_month_last_year": 0})}
    )
    d = score_profile(profile).designation(INFRA)
    assert d.plan == []
    assert any(r.code == ReasonCode.NO_PLAN and r.metrics == ["usage_growth"] for r in d.reasons)


def test_plan_renews_a_lapsed_certification_first():
    people = {"ada": [{"id": "ADM", "expires": "2026-01-01"}, "NET"], "bob": ["ADM", "NET"]}
    d = score_profile(make_profile(people, usage=usage(3, 0, 120_000, 100_000, ["Storage"]))).designation(
        INFRA
    )
    gate = next(s for s in d.plan if s.certification == "azure-administrator")
    assert gate.people == ["ada"]


def test_plan_never_suggests_a_retired_certification():
    people = {"a": ["ADM"], "b": ["ADM"]}
    d = score_profile(make_profile(people, as_of="2026-10-31")).designation("digital_app_innovation")
    assert "azure-developer" not in {s.certification for s in d.plan}  # AZ-204 retired 2026-07-31


def test_apply_plan_to_records_adds_synthetic_rows_that_qualify():
    rows = [
        {
            "customer": "t1",
            "month": "2025-09",
            "service": "Storage",
            "offer": "Azure plan",
            "association": "CSP_T1",
            "usd": 2000.0,
        },
        {
            "customer": "t1",
            "month": "2026-09",
            "service": "Storage",
            "offer": "Azure plan",
            "association": "CSP_T1",
            "usd": 2000.0,
        },
    ]
    people = {"a": ["ADM", "SAE", "DBA"], "b": ["ADM", "SAE"]}
    profile = make_profile(people, acr_records=rows)
    card = score_profile(profile)
    assert not card.designation(DA).qualified
    applied = apply_plan(profile, card)
    assert len(applied.acr_records) > len(rows)
    assert all(d.qualified for d in score_profile(applied).designations)


def _row(customer: str, month: str, service: str, usd: float, offer: str = "Azure plan") -> dict[str, object]:
    return {
        "customer": customer,
        "month": month,
        "service": service,
        "offer": offer,
        "association": "CSP_T1",
        "usd": usd,
    }


RECORDS = [
    _row("t1", "2025-09", "Storage", 2000.0),
    _row("t1", "2026-09", "Storage", 2500.0),
    _row("t2", "2026-09", "Azure SQL Database", 1200.0),
    _row("t3", "2026-08", "Virtual Machines", 3000.0),
    _row("t4", "2026-09", "Functions", 5000.0, offer="Free Trial"),
    _row("t5", "2026-09", "Key Vault", 400.0),
]


def _points(profile: Profile) -> list[tuple[str, str, int]]:
    return [(d.area, m.metric, m.points) for d in score_profile(profile).designations for m in d.metrics]


def test_in_usage_form_scores_exactly_as_the_records_it_sums():
    profile = make_profile({"a": ["ADM", "SAE"]}, acr_records=RECORDS)
    assert _points(in_usage_form(profile)) == _points(profile)


def test_in_usage_form_changes_only_the_figure_named():
    profile = make_profile({"a": ["ADM", "SAE"]}, acr_records=RECORDS)
    measures = measures_of(profile)
    fewer = in_usage_form(profile, eligible_customers_last_month=measures.customers_current - 1)
    changed = {
        (a, m) for (a, m, p), (_, _, q) in zip(_points(profile), _points(fewer), strict=True) if p != q
    }
    assert changed == {(d.area, "net_customer_adds") for d in score_profile(profile).designations}


def test_growing_usage_on_records_adds_growth_points_and_no_customer():
    rows = [_row("t1", "2025-09", "Storage", 2000.0), _row("t1", "2026-09", "Storage", 2000.0)]
    profile = make_profile({"a": ["ADM"]}, acr_records=rows)
    grown = apply_plan(
        profile,
        [PlanStep(action=PlanAction.GROW_USAGE, metric=Metric.USAGE_GROWTH, count=20, points_gained=0)],
    )
    before, after = measures_of(profile), measures_of(grown)
    assert (after.customers_current, after.customers_baseline) == (
        before.customers_current,
        before.customers_baseline,
    )
    assert metric_result(score_profile(grown), DA, "usage_growth").points == 20
