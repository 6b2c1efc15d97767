"""Charts, the score trend and the qualification window on the scorecard: each chart with a fallback
that reads well, valid in every locale, within Teams' size limit; no history said, not invented."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from card_fixtures import big_data, contoso_data, scored
from card_schema import MAX_CARD_BYTES, assert_valid_card, card_bytes, card_problems, charts_in, texts
from history_fixtures import monthly, year_with_a_lapse

from cards.history_view import month_name, month_numeric, month_short, standing_text
from cards.i18n import SUPPORTED_LOCALES, t
from cards.scorecard import build_scorecard_card, metric_bars, score_gauge
from scoring.history import build_history
from scoring.ids import Area, Metric
from scoring.window import qualification_window

CURRENT = "2026-10"  # contoso_data is dated 2026-10-31


def test_months_are_named_the_way_each_locale_names_them() -> None:
    assert [month_name(loc, "2026-11") for loc in SUPPORTED_LOCALES] == [
        "November 2026",
        "novembre 2026",
        "November 2026",
        "2026년 11월",
        "2026年11月",
    ]
    assert month_short("en", "2027-03") == "Mar 2027"


def test_the_gauge_shows_the_score_out_of_100_against_the_threshold(contoso: Any) -> None:
    scorecard, _ = contoso
    dai = scorecard.designation(Area.DATA_AI)
    gauge = score_gauge("en", dai)
    assert (gauge["type"], gauge["value"], gauge["min"], gauge["max"]) == ("Chart.Gauge", dai.score, 0, 100)
    assert [(s["size"], s["legend"], s["color"]) for s in gauge["segments"]] == [
        (70, "Below 70", "attention"),
        (30, "Qualifies", "good"),
    ]
    assert gauge["subLabel"] == "70 needed"
    assert gauge["fallback"]["text"] == f"{dai.score} of 100 points · 70 needed to qualify"


def test_the_metric_bars_stack_points_and_points_still_possible(contoso: Any) -> None:
    scorecard, _ = contoso
    dai = scorecard.designation(Area.DATA_AI)
    chart = metric_bars("en", dai)
    assert chart["type"] == "Chart.HorizontalBar.Stacked"
    rows = {row["title"]: [(p["legend"], p["value"]) for p in row["data"]] for row in chart["data"]}
    for metric in dai.metrics:
        blocking = " ⚠" if metric.metric in dai.blocking_metrics else ""
        name = t("en", f"common.metric.{metric.metric}")
        assert rows[f"{name}{blocking} {metric.points}/{metric.max}"] == [
            ("Points", metric.points),
            ("Points still possible", metric.max - metric.points),
        ]
    # Data & AI has no advanced metric: no bar for it, in the chart or in its fallback.
    assert len(rows) == len(dai.metrics) == 4
    assert Metric.ADVANCED_CERTIFICATIONS not in [m.metric for m in dai.metrics]
    facts = [f["title"] for f in chart["fallback"]["facts"]]
    assert t("en", "common.metric.advanced_certifications") not in facts
    assert len(facts) == 4


def test_with_history_the_card_draws_the_last_months_per_area_and_says_where_each_area_stands() -> None:
    scorecard, profile = scored(contoso_data())
    history = year_with_a_lapse(contoso_data(), CURRENT)
    card = build_scorecard_card(scorecard, profile, "en", history=history)
    assert_valid_card(card)
    [line] = [c for c in charts_in(card) if c["type"] == "Chart.Line"]
    labels = [month_numeric("en", m) for m in history.months]
    assert labels[0] == "11/2025"
    assert [s["legend"] for s in line["data"]] == ["70 needed"] + [t("en", f"common.area.{a}") for a in Area]
    # The threshold line comes first with a point in every month, gaps included: the chart orders
    # its categories by first appearance, so every month is on the axis, in order.
    assert [v["x"] for v in line["data"][0]["values"]] == labels
    assert {v["y"] for v in line["data"][0]["values"]} == {70}
    dai = line["data"][1]
    scores = history.areas[Area.DATA_AI].scores
    assert [(v["x"], v["y"]) for v in dai["values"]] == [
        (label, score) for label, score in zip(labels, scores, strict=True) if score is not None
    ]
    assert len(dai["values"]) == 11  # twelve months, one without a score
    # Data & AI qualified until July, not since: held through December, at risk.
    window = qualification_window(scorecard, history)
    assert window.area(Area.DATA_AI).held_through == "2026-12"
    text = texts(card)
    assert standing_text("en", window.area(Area.DATA_AI)) in text
    assert "At risk: held through December 2026 unless you qualify again" in text
    # Without charts: the last six months as text per area, a gap shown as a dash.
    fallback = line["fallback"]["items"][0]["facts"][0]
    assert fallback["title"] == "Data & AI"
    assert fallback["value"].startswith("May 2026 ")
    assert fallback["value"].count(" · ") == 5


def test_a_first_score_says_there_is_no_history_yet_and_draws_no_trend() -> None:
    scorecard, profile = scored(contoso_data())
    only = build_history([monthly(contoso_data(), CURRENT)])
    card = build_scorecard_card(scorecard, profile, "en", history=only)
    assert t("en", "history.no_history") in texts(card)
    assert not [c for c in charts_in(card) if c["type"] == "Chart.Line"]
    # Nothing is claimed about months that were not kept.
    assert "No qualifying month" not in texts(card)
    not_known = build_scorecard_card(scorecard, profile, "en")
    assert t("en", "history.no_history") not in texts(not_known)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_cards_with_a_year_of_history_are_valid_and_fit_in_every_locale(locale: str) -> None:
    for data in (contoso_data(), big_data()):
        scorecard, profile = scored(data)
        card = build_scorecard_card(scorecard, profile, locale, history=year_with_a_lapse(data, CURRENT))
        assert_valid_card(card)
        assert card_bytes(card) <= MAX_CARD_BYTES
        kinds = {c["type"] for c in charts_in(card)}
        assert kinds == {"Chart.Gauge", "Chart.HorizontalBar.Stacked", "Chart.Line"}


def test_the_chart_check_refuses_a_chart_without_fallback_or_with_an_unknown_property(contoso: Any) -> None:
    scorecard, profile = contoso
    card = build_scorecard_card(scorecard, profile, "en")
    assert_valid_card(card)
    gauge = next(c for c in charts_in(card) if c["type"] == "Chart.Gauge")
    no_fallback = copy.deepcopy(card)
    next(c for c in charts_in(no_fallback) if c["type"] == "Chart.Gauge").pop("fallback")
    # (then the schema's own refusal of the card, which names no element)
    assert card_problems(no_fallback)[0] == "Chart.Gauge: no fallback element for clients without charts"
    misspelt = copy.deepcopy(card)
    next(c for c in charts_in(misspelt) if c == gauge)["valueFromat"] = "Fraction"
    assert card_problems(misspelt) == [
        "Chart.Gauge []: Additional properties are not allowed ('valueFromat' was unexpected)"
    ]
    bad_fallback = copy.deepcopy(card)
    next(c for c in charts_in(bad_fallback) if c == gauge)["fallback"] = {"type": "TextBlock"}
    assert card_problems(bad_fallback)  # the fallback is checked against the official schema
