"""The scorecard and explanation cards say what the engine computed: points against the maximum
per metric, the verdict, the blocking metric, the reasons and the plan, in the user's language."""

from __future__ import annotations

from typing import Any

from card_fixtures import contoso_data, qualified_data, scored
from card_schema import actions, assert_valid_card, texts

from cards.explain import names_of, plan_step_text, reason_text, step_reason_text
from cards.scorecard import (
    MAX_PLAN_LINES,
    area_section,
    bar,
    build_explanation_card,
    build_scorecard_card,
    top_reasons,
)
from scoring.ids import Area, Metric


def test_contoso_scorecard_shows_points_against_max_blocking_metric_reasons_and_plan(contoso: Any) -> None:
    scorecard, profile = contoso
    card = build_scorecard_card(scorecard, profile, "en")
    assert_valid_card(card)
    text = texts(card)
    dai = scorecard.designation(Area.DATA_AI)
    assert "Contoso Ltd (partner ID 4412345)" in text
    assert f"{dai.score}/100" in text
    assert "Not qualified yet (needs 70 points and at least 1 point in every metric)" in text
    for metric in dai.metrics:
        assert f"{metric.points}/{metric.max}" in text
    assert "Blocking qualification (0 points): Intermediate certifications" in text
    names = names_of(profile)
    for metric, reason in top_reasons(dai):
        # A reason about a step names its metric ("Intermediate certifications — Step 1 …").
        assert step_reason_text("en", metric, reason, names)[:200] in text
    for step in dai.plan:
        assert plan_step_text("en", step, names)[:200] in text
    # The unmet gate names who holds it and what to do (from the engine's reason, rendered by explain).
    assert "Ada" in text


def test_data_ai_has_no_advanced_metric_row_and_says_why(contoso: Any) -> None:
    scorecard, profile = contoso
    section = area_section("en", scorecard.designation(Area.DATA_AI), names_of(profile))
    [bars] = [i for i in section["items"] if i["type"] == "Chart.HorizontalBar.Stacked"]
    rows = [row["title"] for row in bars["data"]] + [fact["title"] for fact in bars["fallback"]["facts"]]
    assert len(rows) == 8
    assert not [row for row in rows if "Advanced certifications" in row]
    assert any(r.code == "not_applicable" for r in scorecard.designation(Area.DATA_AI).reasons)


def test_buttons_carry_the_questions_contract(contoso: Any) -> None:
    scorecard, profile = contoso
    card = build_scorecard_card(scorecard, profile, "en")
    data = [a["data"] for a in actions(card)]
    for area in Area:
        assert {"action": "why", "area": area.value} in data
        assert {"action": "plan", "area": area.value} in data
    assert {"action": "update"} in data
    assert all(a["type"] == "Action.Submit" for a in actions(card))  # works in every Teams client


def test_the_bar_is_proportional_and_coloured_by_outcome() -> None:
    half = bar(10, 20, good=True)
    assert [c["width"] for c in half["columns"]] == [50, 50]
    assert half["columns"][0]["style"] == "good"
    assert [c["width"] for c in bar(0, 30, good=False)["columns"]] == [100]
    full = bar(40, 40, good=True)
    assert [(c["width"], c["style"]) for c in full["columns"]] == [(100, "good")]
    assert [c["style"] for c in bar(4, 20, good=False)["columns"]] == ["warning", "emphasis"]


def test_qualified_partner_sees_qualified_and_no_plan(qualified: Any) -> None:
    scorecard, profile = qualified
    text = texts(build_scorecard_card(scorecard, profile, "en"))
    assert text.count("\n✓ Qualified\n") == 3
    assert "Plan to qualify" not in text and "Blocking" not in text


def test_cloud_platform_level_is_shown(qualified: Any, contoso: Any) -> None:
    scorecard, profile = qualified
    text = texts(build_scorecard_card(scorecard, profile, "en"))
    assert "Cloud Platform competency" in text
    level = scorecard.cloud_platform.level.value
    assert f"Level: {level.title() if level != 'none' else 'none'}" in text
    assert "Azure consumption, last 12 months (DPOR/TPOR): $150,000" in text


def test_areas_of_interest_come_first() -> None:
    scorecard, profile = scored(contoso_data())
    card = build_scorecard_card(scorecard, profile, "en", areas=["digital_app_innovation"])
    text = texts(card)
    assert text.index("Digital & App Innovation") < text.index("Data & AI")


def test_explanation_card_lists_every_metric_with_its_reasons(contoso: Any) -> None:
    scorecard, profile = contoso
    card = build_explanation_card(scorecard, Area.INFRASTRUCTURE, profile, "en")
    assert_valid_card(card)
    text = texts(card)
    assert "Why this score for Infrastructure?" in text
    infra = scorecard.designation(Area.INFRASTRUCTURE)
    for metric in infra.metrics:
        assert f"{metric.points}/{metric.max}" in text
        for reason in metric.reasons[:6]:
            assert reason_text("en", reason, names_of(profile))[:200] in text
    assert {"action": "plan", "area": "infrastructure"} in [a["data"] for a in actions(card)]


def test_cards_are_in_the_users_language() -> None:
    scorecard, profile = scored(qualified_data())
    assert "Qualifiziert" in texts(build_scorecard_card(scorecard, profile, "de-DE"))
    assert "已符合資格" in texts(build_scorecard_card(scorecard, profile, "zh-TW"))
    assert "Pourquoi ce score pour Données et IA ?" in texts(
        build_explanation_card(scorecard, Area.DATA_AI, profile, "fr-CA")
    )
    assert "자격 충족" in texts(build_scorecard_card(scorecard, profile, "ko-KR"))


def test_metric_names_come_from_common_locale() -> None:
    scorecard, profile = scored(contoso_data())
    text = texts(build_scorecard_card(scorecard, profile, "ko"))
    assert "배포" in text  # common.metric.deployments in Korean
    assert Metric.DEPLOYMENTS.value not in text


def test_a_plan_longer_than_the_card_shows_says_how_many_steps_are_left_out(contoso: Any) -> None:
    scorecard, profile = contoso
    dai = scorecard.designation(Area.DATA_AI)
    assert dai.plan
    long_plan = (dai.plan * 20)[:MAX_PLAN_LINES + 3]
    longer = scorecard.model_copy(
        update={
            "designations": [
                d.model_copy(update={"plan": long_plan}) if d.area == Area.DATA_AI else d
                for d in scorecard.designations
            ]
        }
    )
    for card in (
        build_scorecard_card(longer, profile, "en"),
        build_explanation_card(longer, Area.DATA_AI, profile, "en"),
    ):
        assert_valid_card(card)
        text = texts(card)
        assert f"{MAX_PLAN_LINES}. " in text and f"{MAX_PLAN_LINES + 1}. " not in text
        assert "… and 3 more steps" in text


def test_a_scorecard_card_asked_again_is_the_same_card_and_each_caller_gets_its_own() -> None:
    scorecard, profile = scored(contoso_data())
    first = build_scorecard_card(scorecard, profile, "en")
    expected = texts(first)
    first["body"].clear()  # a caller changing its card changes no one else's
    again = build_scorecard_card(scorecard, profile, "en")
    assert texts(again) == expected and again is not first
    assert texts(build_scorecard_card(scorecard, profile, "de-DE")) != expected  # per language
    other_scorecard, other_profile = scored(qualified_data())  # a saved profile change: other objects
    assert texts(build_scorecard_card(other_scorecard, other_profile, "en")) != expected


def test_built_scorecard_cards_are_kept_for_the_most_recent_scorecards_only(monkeypatch) -> None:
    import cards.scorecard as module

    monkeypatch.setattr(module, "_BUILT", type(module._BUILT)())
    monkeypatch.setattr(module, "_BUILT_MAX", 2)
    kept = [scored(contoso_data()) for _ in range(3)]
    for scorecard, profile in kept:
        build_scorecard_card(scorecard, profile, "en")
    assert [id(entry[0]) for entry in module._BUILT.values()] == [id(kept[1][0]), id(kept[2][0])]
