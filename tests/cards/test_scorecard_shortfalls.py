"""One list of shortfall reasons (scoring.ids.SHORTFALL_CODES): every reason code is placed on one
side on purpose, and the scorecard puts the shortfall first wherever it explains something."""

from __future__ import annotations

from card_fixtures import contoso_data, scored
from card_schema import texts

from cards.explain import names_of, reason_text
from cards.scorecard import build_scorecard_card, cloud_platform_section, top_reasons
from scoring.ids import SHORTFALL_CODES, Market, ReasonCode
from scoring.results import CloudPlatformResult, ConsumptionUnknown, LevelResult, PeoplePassed

# What earned points or met a level, and remarks that are not a cause (a missing metric, no plan).
NOT_SHORTFALLS = {
    ReasonCode.NOT_APPLICABLE,
    ReasonCode.NO_PLAN,
    ReasonCode.GATE_MET,
    ReasonCode.GATE_POINTS,
    ReasonCode.PEOPLE_COUNTED,
    ReasonCode.NET_ADDS,
    ReasonCode.GROWTH,
    ReasonCode.SERVICES_COUNTED,
    ReasonCode.QUALIFIED,
    ReasonCode.CONSUMPTION_MET,
    ReasonCode.PEOPLE_PASSED,
}


def test_every_reason_code_is_either_a_shortfall_or_not_never_both() -> None:
    assert not SHORTFALL_CODES & NOT_SHORTFALLS
    unplaced = set(ReasonCode) - SHORTFALL_CODES - NOT_SHORTFALLS
    assert not unplaced, f"place these codes in scoring.ids.SHORTFALL_CODES or not: {sorted(unplaced)}"


def test_top_reasons_name_the_shortfall_of_each_metric_below_its_maximum() -> None:
    scorecard, _ = scored(contoso_data())
    for result in scorecard.designations:
        for named, reason in top_reasons(result, limit=99):
            metric = next((m for m in result.metrics if m.metric == named), None)
            if metric is not None and any(r.code in SHORTFALL_CODES for r in metric.reasons):
                assert reason.code in SHORTFALL_CODES, (result.area, metric.metric, reason.code)


def test_an_unknown_consumption_explains_an_unmet_cloud_platform_level() -> None:
    unknown = ConsumptionUnknown(required=150000, market=Market.DEVELOPED)
    passed = PeoplePassed(certifications=[], required=2, have=2, people=["p1", "p2"])
    levels = {
        "silver": LevelResult(met=False, reasons=[unknown, passed]),
        "gold": LevelResult(met=False, reasons=[unknown, passed]),
    }
    section = cloud_platform_section("en", CloudPlatformResult(level="none", levels=levels))
    assert reason_text("en", unknown) in texts(section)
    assert reason_text("en", passed) not in texts(section)  # met: not a cause


def test_scorecard_shows_the_unmet_gate_before_what_earned_points() -> None:
    scorecard, profile = scored(contoso_data())
    text = texts(build_scorecard_card(scorecard, profile, "en"))
    names = names_of(profile)
    for result in scorecard.designations:
        for metric in result.metrics:
            unmet = [r for r in metric.reasons if r.code == ReasonCode.PREREQUISITE_UNMET]
            if unmet and metric.points < metric.max:
                assert reason_text("en", unmet[0], names)[:200] in text
