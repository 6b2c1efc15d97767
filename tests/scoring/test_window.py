"""The qualification window (E-19): held while qualified in the current month or the previous five
full months; the window's length comes from the rule version; history after the month is ignored."""

from __future__ import annotations

import datetime as dt

import pytest

from scoring.catalog import default_catalog
from scoring.history import SnapshotKind, build_history, snapshot_of
from scoring.ids import Area
from scoring.results import DesignationResult, Scorecard
from scoring.window import Standing, evaluate_window, qualification_window, window_months

AT = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def card(as_of: str, scores: dict[Area, int], rules: str = "2026") -> Scorecard:
    return Scorecard(
        partner_id="p",
        as_of=dt.date.fromisoformat(as_of),
        rules=rules,
        designations=[
            DesignationResult(area=a, score=s, threshold=70, qualified=s >= 70, metrics=[])
            for a, s in scores.items()
        ],
    )


def history(*cards: Scorecard):
    return build_history(snapshot_of(c, SnapshotKind.MONTHLY, AT) for c in cards)


DAI = Area.DATA_AI


def test_the_window_is_six_months_in_both_rule_versions_and_read_from_the_catalog():
    assert window_months("2026") == 6
    assert window_months("2023-H2") == 6
    assert default_catalog().rule_set("2026").qualification_window_months == 6


def test_qualified_now_is_held_through_five_months_later():
    result = evaluate_window(card("2026-11-21", {DAI: 74}), history(), months=6)
    area = result.area(DAI)
    assert (area.standing, area.held_through) == (Standing.QUALIFIED, "2027-04")
    assert area.qualified_months == ["2026-11"]
    assert not area.at_risk
    assert (result.month, result.first_month, result.has_history) == ("2026-11", "2026-06", False)


def test_qualified_five_months_ago_is_still_held_this_month_and_at_risk():
    past = history(card("2026-06-21", {DAI: 71}), card("2026-07-21", {DAI: 60}))
    area = evaluate_window(card("2026-11-21", {DAI: 48}), past, months=6).area(DAI)
    assert (area.standing, area.held_through, area.last_qualified) == (Standing.HELD, "2026-11", "2026-06")
    assert area.at_risk


def test_qualified_six_months_ago_has_left_the_window():
    past = history(card("2026-05-21", {DAI: 71}), card("2026-06-21", {DAI: 60}))
    area = evaluate_window(card("2026-11-21", {DAI: 48}), past, months=6).area(DAI)
    assert (area.standing, area.held_through, area.qualified_months) == (Standing.NOT_QUALIFIED, None, [])
    assert not area.at_risk


def test_months_without_a_score_are_gaps_not_qualifications():
    past = history(card("2026-08-21", {DAI: 80}))  # nothing kept for 2026-09 and 2026-10
    result = evaluate_window(card("2026-11-21", {DAI: 40}), past, months=6)
    assert result.area(DAI).standing == Standing.HELD
    assert result.area(DAI).held_through == "2027-01"
    assert result.area(DAI).qualified_months == ["2026-08"]
    assert past.months == ["2026-08"]


def test_the_latest_qualifying_month_of_the_window_sets_the_end_of_the_hold():
    past = history(
        card("2026-07-01", {DAI: 90}), card("2026-08-01", {DAI: 50}), card("2026-09-30", {DAI: 70})
    )
    area = evaluate_window(card("2026-11-02", {DAI: 10}), past, months=6).area(DAI)
    assert area.held_through == "2027-02"
    assert area.qualified_months == ["2026-07", "2026-09"]


def test_the_window_crosses_the_year_boundary():
    past = history(card("2025-08-31", {DAI: 70}))
    def standing(as_of: str) -> Standing:
        return evaluate_window(card(as_of, {DAI: 0}), past, months=6).area(DAI).standing

    assert standing("2026-01-15") == Standing.HELD
    assert standing("2026-02-01") == Standing.NOT_QUALIFIED


def test_a_qualifying_snapshot_earlier_in_the_current_month_holds_the_area():
    past = build_history([snapshot_of(card("2026-11-03", {DAI: 75}), SnapshotKind.CHANGE, AT)])
    area = evaluate_window(card("2026-11-21", {DAI: 65}), past, months=6).area(DAI)
    assert (area.standing, area.held_through) == (Standing.HELD, "2027-04")


def test_history_after_the_evaluated_month_is_ignored():
    past = history(card("2026-12-21", {DAI: 90}))
    area = evaluate_window(card("2026-11-21", {DAI: 20}), past, months=6).area(DAI)
    assert area.standing == Standing.NOT_QUALIFIED


def test_a_shorter_window_setting_shortens_the_hold():
    past = history(card("2026-09-21", {DAI: 71}))
    def standing(months: int) -> Standing:
        return evaluate_window(card("2026-11-21", {DAI: 0}), past, months=months).area(DAI).standing

    assert standing(3) == Standing.HELD
    assert standing(2) == Standing.NOT_QUALIFIED


def test_at_risk_lists_only_areas_held_by_an_earlier_month():
    infra = Area.INFRASTRUCTURE
    past = history(card("2026-10-21", {DAI: 75, infra: 30}))
    result = qualification_window(card("2026-11-21", {DAI: 40, infra: 80}), past)
    assert result.at_risk == [DAI]
    assert result.has_history
    assert result.area(infra).standing == Standing.QUALIFIED


def test_a_window_of_no_months_is_refused():
    with pytest.raises(ValueError, match="at least one month"):
        evaluate_window(card("2026-11-21", {DAI: 0}), history(), months=0)
