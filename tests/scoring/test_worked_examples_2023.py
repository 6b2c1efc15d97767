"""docs/rules.md §5.1-5.3: every 2023-H2 worked example, one test each, named after its ID."""

from __future__ import annotations

from scoring_builders import area_profile, make_profile, metric_result, points, usage

from scoring import score_profile
from scoring.ids import ReasonCode

DA, INFRA, DAI = "data_ai", "infrastructure", "digital_app_innovation"
INT, ADV = "intermediate_certifications", "advanced_certifications"


# --- §5.1 the doc's examples ----------------------------------------------------------------------
def test_DA_1():
    p = make_profile(
        {"A": ["SAE"], "B": ["SAE"], "C": ["ADM"], "D": ["ADM"], "E": ["DBA"], "F": ["AIE"], "G": ["DS"]}
    )
    assert points(p, DA, INT) == 12


def test_DA_2():
    assert points(make_profile({"A": ["SAE", "ADM", "DBA"], "B": ["SAE", "ADM", "DE"]}), DA, INT) == 8


def test_DA_3a():
    p = make_profile({"A": ["SAE", "DBA"], "B": ["SAE", "DE"]})
    result = metric_result(score_profile(p), DA, INT)
    assert result.points == 0
    unmet = [r for r in result.reasons if r.code == ReasonCode.PREREQUISITE_UNMET]
    assert [(r.step, r.certifications, r.required, r.have, r.people) for r in unmet] == [
        (2, ["azure-administrator"], 2, 0, [])
    ]


def test_DA_3b():
    assert points(make_profile({"A": ["SAE", "DBA", "ADM"], "B": ["SAE", "DE", "ADM"]}), DA, INT) == 8
    assert (
        points(make_profile({"A": ["SAE", "DBA"], "B": ["SAE", "DE"], "C": ["ADM"], "D": ["ADM"]}), DA, INT)
        == 8
    )


def test_DA_4a():
    p = make_profile({"A": ["SAE"], "B": ["ADM", "DBA"], "C": ["ADM", "AIE"]})
    result = metric_result(score_profile(p), DA, INT)
    assert result.points == 0
    unmet = next(r for r in result.reasons if r.code == ReasonCode.PREREQUISITE_UNMET)
    assert (unmet.step, unmet.required, unmet.have, unmet.people) == (1, 2, 1, ["A"])


def test_DA_4b():
    assert points(make_profile({"A": ["SAE"], "B": ["ADM", "DBA", "SAE"], "C": ["ADM", "AIE"]}), DA, INT) == 8


def test_DI_1():
    assert points(make_profile({"A": ["ADM"], "B": ["ADM"], "C": ["DEV"], "D": ["PL-400"]}), DAI, INT) == 8


def test_DI_2():
    assert points(make_profile({"A": ["ADM", "DEV"], "B": ["ADM", "DEV"]}), DAI, INT) == 8


def test_DI_3a():
    assert points(make_profile({"A": ["ADM"], "B": ["DEV"], "C": ["DEV"]}), DAI, INT) == 0


def test_DI_3b():
    assert points(make_profile({"A": ["ADM"], "B": ["DEV", "ADM"], "C": ["DEV"]}), DAI, INT) == 8


def test_II_1():
    p = make_profile({"A": ["ADM"], "B": ["ADM"], "C": ["NET"], "D": ["AZ-800+AZ-801"]})
    assert points(p, INFRA, INT) == 8


def test_II_2():
    assert points(make_profile({"A": ["ADM", "NET"], "B": ["ADM", "NET"]}), INFRA, INT) == 8


def test_II_3a():
    assert points(make_profile({"A": ["ADM"], "B": ["NET"], "C": ["NET"]}), INFRA, INT) == 0


def test_II_3b():
    assert points(make_profile({"A": ["ADM"], "B": ["NET"], "C": ["NET", "ADM"]}), INFRA, INT) == 8


def test_DV_1():
    assert points(make_profile({"A": ["SAE"], "B": ["SAE"], "C": ["DEVOPS"], "D": ["PL-600"]}), DAI, ADV) == 8


def test_DV_2():
    assert points(make_profile({"A": ["SAE", "DEVOPS"], "B": ["SAE", "DEVOPS"]}), DAI, ADV) == 8


def test_DV_3a():
    assert points(make_profile({"A": ["SAE"], "B": ["DEVOPS"], "C": ["DEVOPS"]}), DAI, ADV) == 0


def test_DV_3b():
    assert points(make_profile({"A": ["SAE"], "B": ["DEVOPS", "SAE"], "C": ["DEVOPS"]}), DAI, ADV) == 8


def test_IV_1():
    assert points(make_profile({"A": ["SAE"], "B": ["SAE"], "C": ["AVD"], "D": ["AZ-120"]}), INFRA, ADV) == 8


def test_IV_2():
    assert points(make_profile({"A": ["SAE", "AVD"], "B": ["SAE", "AVD"]}), INFRA, ADV) == 8


def test_IV_3a():
    assert points(make_profile({"A": ["SAE"], "B": ["AVD"], "C": ["AVD"]}), INFRA, ADV) == 0


def test_IV_3b():
    assert points(make_profile({"A": ["SAE"], "B": ["AVD", "SAE"], "C": ["AVD"]}), INFRA, ADV) == 8


# --- §5.2 derived skilling cases ------------------------------------------------------------------
def test_SK_1():
    people = {"A": ["SAE", "ADM"], "B": ["SAE", "ADM"]} | {f"P{i}": ["DBA"] for i in range(11)}
    result = metric_result(score_profile(make_profile(people)), DA, INT)
    assert result.points == 40
    assert any(r.code == ReasonCode.CAPPED and r.value == 44 for r in result.reasons)


def test_SK_2():
    assert (
        points(
            make_profile({"A": ["SAE", "ADM"], "B": ["SAE", "ADM"], "C": ["DBA", "AIE", "DS", "DE"]}), DA, INT
        )
        == 4
    )


def test_SK_3():
    result = metric_result(score_profile(make_profile({"A": ["SAE", "ADM"], "B": ["SAE", "ADM"]})), DA, INT)
    assert result.points == 0
    assert [r.code for r in result.reasons][-1] == ReasonCode.NO_SCORING_PEOPLE


def test_SK_4():
    p = make_profile({"A": ["ADM"], "B": ["ADM"], "C": ["Azure Stack Hub Operator"]}, as_of="2024-07-15")
    assert points(p, INFRA, INT) == 4


def test_SK_5():
    p = make_profile({"A": ["ADM"], "B": ["ADM"], "C": ["Azure Stack Hub Operator"]}, as_of="2024-08-01")
    result = metric_result(score_profile(p), INFRA, INT)
    assert result.points == 0
    retired = next(r for r in result.reasons if r.code == ReasonCode.CERTIFICATION_RETIRED)
    assert (retired.person, retired.certification, str(retired.on)) == (
        "C",
        "azure-stack-hub-operator",
        "2024-08-01",
    )


def test_SK_6():
    assert points(make_profile({"A": ["ADM", "AZ-104"], "B": ["DEV"], "C": ["DEV"]}), DAI, INT) == 0


def test_SK_7a():
    assert points(make_profile({"A": ["ADM", "SAE", "DEV", "DEVOPS"], "B": ["ADM", "SAE"]}), DAI, INT) == 4


def test_SK_7b():
    assert points(make_profile({"A": ["ADM", "SAE", "DEV", "DEVOPS"], "B": ["ADM", "SAE"]}), DAI, ADV) == 4


# --- §5.3 performance, customer success, qualification ---------------------------------------------
def _nca(current: int, baseline: int) -> int:
    return points(make_profile(usage=usage(current, baseline)), DA, "net_customer_adds")


def test_NC_1():
    assert _nca(5, 3) == 20


def test_NC_2():
    assert _nca(9, 2) == 30


def test_NC_3():
    assert _nca(3, 3) == 0


def test_NC_4():
    result = metric_result(score_profile(make_profile(usage=usage(2, 4))), DA, "net_customer_adds")
    assert result.points == 0 and result.value == -2
    assert result.reasons[0].code == ReasonCode.NET_ADDS_NOT_POSITIVE


def _records(
    *rows: tuple[str, str, float], offer: str = "Azure plan", association: str = "CSP_T1"
) -> list[dict]:
    return [
        {
            "customer": c,
            "month": m,
            "service": "Azure SQL Database",
            "offer": offer,
            "association": association,
            "usd": usd,
        }
        for c, m, usd in rows
    ]


def _eligible_now(records: list[dict]) -> float:
    card = score_profile(make_profile(acr_records=records))
    return metric_result(card, DA, "net_customer_adds").reasons[0].current


def test_NC_5():
    assert _eligible_now(_records(("X", "2026-09", 999.99), ("X", "2026-08", 0.0))) == 0


def test_NC_6():
    assert _eligible_now(_records(("X", "2026-09", 0.0), ("X", "2026-08", 1000.00))) == 1


def test_NC_7():
    assert _eligible_now(_records(("X", "2026-09", 1200.0), offer="Trial")) == 0
    assert _eligible_now(_records(("X", "2026-09", 1200.0), association="NONE")) == 0
    assert _eligible_now(_records(("X", "2026-09", 1200.0), association="TPOR")) == 0


def _growth(current: float, baseline: float):
    return metric_result(
        score_profile(make_profile(usage=usage(acr=current, acr_base=baseline))), DA, "usage_growth"
    )


def test_UG_1():
    assert _growth(112_700, 100_000).points == 12


def test_UG_2():
    result = _growth(150_000, 100_000)
    assert result.points == 20 and any(r.code == ReasonCode.CAPPED for r in result.reasons)


def test_UG_3():
    assert _growth(95_000, 100_000).points == 0


def test_UG_4():
    result = _growth(100_999, 100_000)
    assert result.points == 0 and result.reasons[0].code == ReasonCode.NO_GROWTH


def test_UG_5():
    result = _growth(50_000, 0)
    assert result.points == 0 and result.reasons[0].code == ReasonCode.ZERO_BASELINE


def test_UG_6():
    result = _growth(900, 400)
    assert result.points == 0 and result.reasons[0].code == ReasonCode.BELOW_MINIMUM_ACR
    assert result.reasons[0].minimum == 1000


def _deployments(services: list[str]):
    return metric_result(score_profile(make_profile(usage=usage(services=services))), DA, "deployments")


def test_DP_1():
    result = _deployments(["Azure SQL Database", "Azure App Service", "Storage", "Virtual Machines"])
    assert result.points == 6
    assert result.reasons[0].excluded == ["Virtual Machines"]


def test_DP_2():
    assert _deployments([f"Service {i}" for i in range(7)]).points == 10


def test_DP_3():
    result = _deployments(["Virtual Machines", "Virtual Machines Licenses"])
    assert result.points == 0 and result.reasons[0].code == ReasonCode.NO_ELIGIBLE_SERVICES


def test_DP_4():
    rows = [
        {
            "customer": f"T{i}",
            "month": "2026-09",
            "service": "Azure App Service",
            "offer": "Azure plan",
            "association": "CSP_T1",
            "usd": 10.0,
        }
        for i in range(4)
    ]
    assert metric_result(score_profile(make_profile(acr_records=rows)), DA, "deployments").points == 2


def _verdict(area: str, **points_by_metric):
    card = score_profile(area_profile(area, **points_by_metric))
    return card.designation(area)


def test_Q_1():
    d = _verdict(INFRA, net=3, intermediate=5, advanced=5, growth=0, services=5)
    assert [m.points for m in d.metrics] == [30, 20, 20, 0, 10]
    assert not d.qualified and d.blocking_metrics == ["usage_growth"]


def test_Q_2():
    d = _verdict(INFRA, net=3, intermediate=3, advanced=2, growth=12, services=4)
    assert [m.points for m in d.metrics] == [30, 12, 8, 12, 8]
    assert d.qualified and d.reasons[0].code == ReasonCode.QUALIFIED and d.plan == []


def test_Q_3():
    d = _verdict(DA, net=3, intermediate=10, growth=1, services=1)
    assert [m.points for m in d.metrics] == [30, 40, 1, 2] and d.score == 73
    assert d.qualified
    assert any(r.code == ReasonCode.NOT_APPLICABLE and r.metric == ADV for r in d.reasons)
    assert ADV not in [m.metric for m in d.metrics]


def test_Q_4():
    d = _verdict(DA, net=2, intermediate=7, growth=12, services=4)
    assert d.score == 68 and not d.qualified
    assert d.reasons[0].code == ReasonCode.BELOW_THRESHOLD and d.blocking_metrics == []


def test_Q_5():
    d = _verdict(DAI, net=3, intermediate=5, advanced=0, growth=20, services=5)
    assert d.score == 80 and not d.qualified and d.blocking_metrics == [ADV]
