"""The cards that come with answers pass the official Adaptive Cards 1.5 schema (with Teams' `msteams`
property and the message size limit, as tests/cards/card_schema.py checks every card), and "why"
answers carry the explanation card of their area."""

from __future__ import annotations

from typing import Any

import pytest
from qa_profiles import ADA_ONLY_ARCHITECT, big_data, card_schema, context, make_profile

from bot.questions import AnswerContext, Intent, answer, answer_action
from cards.i18n import SUPPORTED_LOCALES, t
from cards.scorecard import build_explanation_card
from scoring import load_profile
from scoring.ids import Area


def _cards(ctx: AnswerContext) -> list[dict[str, Any]]:
    replies = [answer(q, ctx) for q in ("why?", "why infra", "plan for d&ai", "which certifications count")]
    replies += [answer_action("rule", None, ctx), answer("score", AnswerContext(locale=ctx.locale))]
    return [r.card for r in replies if r.card is not None]


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_answer_cards_are_valid_adaptive_cards(locale: str) -> None:
    cards = _cards(context(make_profile(ADA_ONLY_ARCHITECT), locale))
    assert len(cards) >= 5
    for card in cards:
        card_schema.assert_valid_card(card)
        for action in card["actions"]:
            assert action["type"] == "Action.Submit" and action["title"] and "action" in action["data"]


# Typed "why" questions in each language: one about a metric of Data & AI, one about Infrastructure.
WHY_QUESTIONS = {
    "en": ("Why zero intermediate points for Data & AI?", "Why am I not qualified for Infrastructure?"),
    "fr": (
        "Pourquoi zéro point en certifications intermédiaires pour Données et IA ?",
        "Pourquoi ne suis-je pas qualifié pour l’infrastructure ?",
    ),
    "de": (
        "Warum null Punkte bei den fortgeschrittenen Zertifizierungen für Daten und KI?",
        "Warum bin ich für Infrastruktur nicht qualifiziert?",
    ),
    "ko": ("데이터 및 AI 중급 인증 점수가 왜 0점인가요?", "인프라 자격이 안 되는 이유는?"),
    "zh-TW": ("為什麼資料與 AI 的中級認證是零分？", "為什麼基礎結構沒有資格？"),
}


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_typed_why_questions_carry_the_explanation_card(locale: str) -> None:
    ctx = context(make_profile(ADA_ONLY_ARCHITECT), locale)
    for question, area in zip(WHY_QUESTIONS[locale], (Area.DATA_AI, Area.INFRASTRUCTURE), strict=True):
        reply = answer(question, ctx)
        assert (reply.intent, reply.area) == (Intent.WHY, area)
        assert reply.card == build_explanation_card(ctx.scorecard, area, ctx.profile, locale)
        card_schema.assert_valid_card(reply.card)
        shown = card_schema.texts(reply.card)
        assert t(locale, "cards.why_title", area=t(locale, f"common.area.{area}")) in shown
        # The text is still the message: a client that shows no card reads the whole answer.
        assert reply.text and reply.text not in shown


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_the_why_button_answers_with_the_explanation_card(locale: str) -> None:
    ctx = context(make_profile(ADA_ONLY_ARCHITECT), locale)
    for area in Area:
        reply = answer_action("why", area.value, ctx)
        assert (reply.intent, reply.area) == (Intent.WHY, area)
        assert reply.card == build_explanation_card(ctx.scorecard, area, ctx.profile, locale)
        card_schema.assert_valid_card(reply.card)
        data = [a["data"] for a in card_schema.actions(reply.card)]
        assert {"action": "plan", "area": area.value} in data
        assert {"action": "score", "area": area.value} in data
        # The plan button reads like the other answers' plan button (the real-client test clicks it).
        assert t(locale, "answers.button_plan") in [a["title"] for a in card_schema.actions(reply.card)]


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_why_with_the_area_from_the_conversation_carries_its_card(locale: str) -> None:
    ctx = context(make_profile(ADA_ONLY_ARCHITECT), locale, last_area="infrastructure")
    reply = answer("why?", ctx)
    assert reply.card == build_explanation_card(ctx.scorecard, Area.INFRASTRUCTURE, ctx.profile, locale)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_explanation_cards_of_a_very_large_partner_stay_under_the_teams_limit(locale: str) -> None:
    ctx = context(load_profile(big_data()), locale)  # 300 people, 150 services, long names
    for area in Area:
        card_schema.assert_valid_card(answer_action("why", area.value, ctx).card)


def test_why_without_an_area_card_keeps_the_area_buttons_or_none() -> None:
    ctx = context(make_profile(ADA_ONLY_ARCHITECT))
    asked = answer("why?", ctx)  # no area in the question or the conversation: the card asks for one
    assert [a["data"] for a in asked.card["actions"]] == [{"action": "why", "area": a.value} for a in Area]
    # Customers count the same in every area: no one area's card would be right.
    shared = answer("why so few customer points?", ctx)
    assert (shared.intent, shared.area, shared.card) == (Intent.WHY, None, None)
    gold = answer("why am I not gold?", ctx)  # Cloud Platform: it has no area explanation card
    assert (gold.intent, gold.card) == (Intent.WHY, None) and "Gold" in gold.text
