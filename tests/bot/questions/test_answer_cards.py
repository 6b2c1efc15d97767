"""The cards that come with answers pass the official Adaptive Cards 1.5 schema (with Teams' `msteams`
property and the message size limit, as tests/cards/card_schema.py checks every card), and "why"
answers carry one small card of buttons: the explanation is the message text, said once."""

from __future__ import annotations

from typing import Any

import pytest
from qa_profiles import ADA_ONLY_ARCHITECT, big_data, card_schema, context, make_profile

from bot.questions import AnswerContext, Intent, answer, answer_action
from cards.i18n import SUPPORTED_LOCALES, t
from scoring import load_profile
from scoring.ids import Area


def _cards(ctx: AnswerContext) -> list[dict[str, Any]]:
    questions = ("why infra", "plan for d&ai", "which certifications count", "help", "what is my score?")
    replies = [answer(q, ctx) for q in questions]
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
def test_typed_why_questions_say_the_reasons_once_with_plan_and_why_buttons(locale: str) -> None:
    ctx = context(make_profile(ADA_ONLY_ARCHITECT), locale)
    for question, area in zip(WHY_QUESTIONS[locale], (Area.DATA_AI, Area.INFRASTRUCTURE), strict=True):
        reply = answer(question, ctx)
        assert (reply.intent, reply.area) == (Intent.WHY, area)
        assert reply.card is not None
        card_schema.assert_valid_card(reply.card)
        # The card holds buttons only: nothing of the text is repeated in it.
        assert [a["data"] for a in reply.card["actions"]] == [
            {"action": "why", "area": str(area)},
            {"action": "plan", "area": str(area)},
        ]
        # Its only text is the area's name as a title and the two buttons.
        assert card_schema.texts(reply.card).split("\n")[0] == t(locale, f"common.area.{area}")


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_explanation_cards_of_a_very_large_partner_stay_under_the_teams_limit(locale: str) -> None:
    ctx = context(load_profile(big_data()), locale)  # 300 people, 150 services, long names
    for area in Area:
        card_schema.assert_valid_card(answer_action("why", area.value, ctx).card)
