"""The monthly card as a new user reads it: the score out of 100 with the 70 needed, the month by
its name, the data date used, the change since last month, the trend, areas at risk with their
plan, and a plan button that covers every area; valid and within Teams' size limit in every locale."""

from __future__ import annotations

import datetime as dt

import pytest
from card_fixtures import big_data
from card_schema import MAX_CARD_BYTES, assert_valid_card, card_bytes, charts_in, texts
from history_fixtures import monthly, year_with_a_lapse
from notify_helpers import profile, profile_data

from bot.notifications.card import build_card, summary_text
from bot.notifications.content import score_month, with_history
from cards.explain import date_text, plan_step_text
from cards.history_view import month_name
from cards.i18n import SUPPORTED_LOCALES, t
from scoring import load_profile
from scoring.history import build_history

AS_OF = dt.date(2026, 11, 21)


def _facts(card: dict) -> dict[str, str]:
    return {f["title"]: f["value"] for b in card["body"] if b["type"] == "FactSet" for f in b["facts"]}


def test_a_first_month_reads_out_of_100_with_the_70_needed_and_names_the_month_and_the_data_date():
    scorecard, content = score_month(profile(), "2026-11", AS_OF, None, None)
    card = build_card(content, "en")
    assert card["body"][0]["text"] == "Your partner capability score for November 2026"
    assert card["body"][1]["text"] == (
        f"Contoso Ltd · scored as of {date_text('en', AS_OF)} from your data dated "
        f"{date_text('en', dt.date(2026, 10, 31))} · 2023-H2 rules"
    )
    facts = _facts(card)
    for result in scorecard.designations:
        status = "qualified" if result.qualified else "not qualified"
        assert facts[t("en", f"common.area.{result.area}")] == (
            f"{result.score} / 100 (70 needed) · {status} · no score kept for October 2026"
        )


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_the_title_names_the_month_in_every_locale(locale):
    _, content = score_month(profile(), "2026-11", AS_OF, None, None)
    title = build_card(content, locale)["body"][0]["text"]
    assert month_name(locale, "2026-11") in title
    assert "2026-11" not in title


def test_the_change_since_last_month_names_last_month():
    october = monthly(profile_data(), "2026-10")
    _, content = score_month(profile(), "2026-11", AS_OF, None, None)
    content = with_history(content, _scored(), build_history([october]))
    infra = next(line for line in content.areas if line.area == "infrastructure")
    assert infra.previous_score == october.areas["infrastructure"].score
    assert _facts(build_card(content, "en"))["Infrastructure"].endswith(
        "· ±0 since October 2026"
    )


def _scored():
    from scoring import score_profile

    return score_profile(profile(), as_of=AS_OF)


def test_an_area_held_by_an_earlier_month_is_at_risk_with_its_plan_and_the_trend_is_drawn():
    scorecard, content = score_month(profile(), "2026-11", AS_OF, None, None)
    content = with_history(content, scorecard, year_with_a_lapse(profile_data(), "2026-11"))
    card = build_card(content, "en")
    assert_valid_card(card)
    text = texts(card)
    dai = next(line for line in content.areas if line.area == "digital_app_innovation")
    assert not dai.qualified and content.window.area("digital_app_innovation").held_through == "2027-01"
    assert t("en", "history.at_risk_heading") in text
    line = "Digital & App Innovation: held through January 2027 unless you qualify again. To qualify now:"
    assert line in text
    assert f"• {plan_step_text('en', dai.plan[0], content.names)}" in text
    assert "not qualified this month, held through January 2027" in _facts(card)["Digital & App Innovation"]

    assert [c["type"] for c in charts_in(card)] == ["Chart.Line"]
    plan_buttons = [a for a in card["actions"] if a["title"] == t("en", "notify.action_plan")]
    assert [b["data"] for b in plan_buttons] == [{"action": "plan", "scope": "all"}]


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_the_biggest_monthly_card_with_a_year_of_history_fits_in_every_locale(locale):
    data = big_data()
    big = load_profile(data)
    scorecard, content = score_month(big, "2026-10", dt.date(2026, 10, 21), None, None)
    content = with_history(content, scorecard, year_with_a_lapse(data, "2026-10"))
    card = build_card(content, locale)
    assert_valid_card(card)
    assert card_bytes(card) <= MAX_CARD_BYTES


def test_the_summary_names_areas_held_by_an_earlier_month_when_none_qualifies_now():
    data = profile_data()
    data["people"][3]["certifications"] = ["AZ-104"]  # without Ken's AZ-700 nothing qualifies
    scorecard, content = score_month(load_profile(data), "2026-11", AS_OF, None, None)
    assert not any(line.qualified for line in content.areas)
    content = with_history(content, scorecard, year_with_a_lapse(data, "2026-11"))
    assert summary_text(content, "en") == (
        "Contoso Ltd: your partner capability score for November 2026 is in. No designation qualifies "
        "this month; still held thanks to an earlier month: Data & AI, Infrastructure, "
        "and Digital & App Innovation."
    )


def test_what_changed_lists_the_metrics_that_moved_and_the_certifications_that_lapsed():
    november = _scored()
    december, content = score_month(profile(), "2026-12", dt.date(2026, 12, 21), november, None)
    text = texts(build_card(content, "en"))
    infra_before = november.designation("infrastructure")
    infra_after = december.designation("infrastructure")
    moved = [
        (a.metric, a.points, b.points)
        for a, b in zip(infra_before.metrics, infra_after.metrics, strict=True)
        if a.points != b.points
    ]
    assert moved  # Ada's AZ-140 lapsed on 2026-12-15
    line = "Infrastructure: " + ", ".join(
        f"{t('en', f'common.metric.{metric}')} {before} → {after}" for metric, before, after in moved
    )
    assert line in text
    lapsed = date_text("en", dt.date(2026, 12, 15))
    assert f"Ada: Azure Virtual Desktop Specialty (AZ-140) lapsed on {lapsed}" in text
