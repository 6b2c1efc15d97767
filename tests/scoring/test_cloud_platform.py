"""docs/rules.md §5.5: the Cloud Platform (2017) cases, one test each, and E-26/E-28."""

from __future__ import annotations

from scoring_builders import make_profile, usage

from scoring import Settings, score_profile
from scoring.catalog import get_catalog
from scoring.ids import ReasonCode

AS_OF = "2017-09-30"  # the 07/07/2017 rules, before the 11/03/2017 update


def _cp(
    consumption: float | None,
    people: dict[str, list[str]],
    market: str = "developed",
    as_of: str = AS_OF,
    settings: Settings | None = None,
    **extra,
):
    cloud = {"cloud_platform": {"consumption_usd_12m": consumption}} if consumption is not None else {}
    profile = make_profile(people, as_of=as_of, market=market, **cloud, **extra)
    return score_profile(profile, settings=settings).cloud_platform


def test_CP_1():
    assert _cp(15_000, {"p1": ["70-533"]}).level == "silver"


def test_CP_2():
    assert (
        _cp(10_000, {"p1": ["Technical Assessment for Cloud Platform"]}, market="developing").level
        == "silver"
    )


def test_CP_3():
    cp = _cp(10_000, {"p1": ["70-532"]})
    assert cp.level == "none"
    reason = cp.levels["silver"].reasons[0]
    assert (reason.code, reason.value, reason.required, reason.market) == (
        ReasonCode.CONSUMPTION_BELOW_THRESHOLD,
        10_000,
        15_000,
        "developed",
    )


def test_CP_4():
    assert _cp(100_000, {"p1": ["70-532"], "p2": ["70-534"]}).level == "gold"


def test_CP_5():
    cp = _cp(99_999, {"p1": ["70-532"], "p2": ["70-534"]})
    assert cp.level == "silver" and not cp.levels["gold"].met


def test_CP_6():
    assert _cp(60_000, {"p1": ["70-532"], "p2": ["70-473"]}, market="developing").level == "silver"


def test_CP_7():
    def row(customer: str, association: str, usd: float) -> dict:
        return {
            "customer": customer,
            "month": "2017-08",
            "service": "Storage",
            "offer": "Azure plan",
            "association": association,
            "usd": usd,
        }

    records = [row("a", "DPOR", 60_000), row("b", "TPOR", 30_000), row("c", "CSP_T1", 30_000)]
    cp = _cp(None, {"p1": ["70-532"], "p2": ["70-534"]}, acr_records=records)
    assert cp.consumption_usd_12m == 90_000
    assert cp.level == "silver"


def test_CP_8():
    people = {"p1": ["assessment:13736"], "p2": ["70-533"]}
    assert _cp(100_000, people).level == "gold"
    assert _cp(100_000, people, settings=Settings(cp_mixed_evidence="same_list")).level == "silver"


def test_CP_window_is_trailing_12_complete_months():
    def row(month: str) -> dict:
        return {
            "customer": "a",
            "month": month,
            "service": "Storage",
            "offer": "Azure plan",
            "association": "DPOR",
            "usd": 10_000,
        }

    records = [row("2016-08"), row("2016-09"), row("2017-08"), row("2017-09")]
    assert _cp(None, {}, acr_records=records).consumption_usd_12m == 20_000  # 2016-09 .. 2017-08
    # The window is the catalog's (the bot quotes the same number), unless a setting overrides it.
    assert get_catalog("2017-07").window_months == 12
    last_month_only = Settings(cp_window_months=1)
    assert _cp(None, {}, acr_records=records, settings=last_month_only).consumption_usd_12m == 10_000


def test_E28_70_534_counts_until_end_of_2018_and_70_535_from_2017_11_03():
    assert _cp(15_000, {"p1": ["70-534"]}, as_of="2018-12-31").level == "silver"
    late = _cp(15_000, {"p1": ["70-534"]}, as_of="2019-01-01")
    assert late.level == "none"
    assert any(r.code == ReasonCode.CERTIFICATION_RETIRED for r in late.levels["silver"].reasons)
    assert _cp(15_000, {"p1": ["70-535"]}, as_of="2017-11-02").level == "none"
    assert _cp(15_000, {"p1": ["70-535"]}, as_of="2017-11-03").level == "silver"


def test_E28_the_label_names_the_cloud_platform_text_in_force_on_the_scoring_date():
    assert _cp(15_000, {"p1": ["70-533"]}, as_of="2017-11-02").rules == "2017-07"
    assert _cp(15_000, {"p1": ["70-533"]}, as_of="2017-11-03").rules == "2017-11"
    assert _cp(15_000, {"p1": ["70-533"]}, as_of="2026-10-31").rules == "2017-11"


def test_E28_2017_07_is_scored_as_written_70_534_never_retires_and_70_535_is_not_listed():
    as_written = Settings(cloud_platform_rules="2017-07")
    old = _cp(15_000, {"p1": ["70-534"]}, as_of="2019-01-01", settings=as_written)
    assert (old.rules, old.level) == ("2017-07", "silver")
    newer_exam = _cp(15_000, {"p1": ["70-535"]}, as_of="2019-01-01", settings=as_written)
    assert (newer_exam.rules, newer_exam.level) == ("2017-07", "none")
    assert newer_exam.levels["silver"].reasons[1].code == ReasonCode.NOT_ENOUGH_PEOPLE_PASSED


def test_E28_the_2017_11_text_applied_before_its_date_is_labelled_2017_11():
    amended = Settings(cloud_platform_rules="2017-11")
    cp = _cp(15_000, {"p1": ["70-534"]}, as_of="2017-09-30", settings=amended)
    assert (cp.rules, cp.level) == ("2017-11", "silver")


def test_cloud_platform_is_always_present_even_without_a_consumption_figure():
    card = score_profile(make_profile({"p1": ["70-533"]}, usage=usage()))
    assert card.cloud_platform.level == "none"
    assert card.cloud_platform.levels["silver"].reasons[0].code == ReasonCode.CONSUMPTION_UNKNOWN


def test_strict_evidence_mode_with_nobody():
    cp = _cp(100_000, {}, settings=Settings(cp_mixed_evidence="same_list"))
    assert cp.level == "none"
    reason = cp.levels["silver"].reasons[1]
    assert (reason.code, reason.have, reason.people) == (ReasonCode.NOT_ENOUGH_PEOPLE_PASSED, 0, [])
