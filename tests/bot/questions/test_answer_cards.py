"""The small cards that come with some answers pass the official Adaptive Cards 1.5 schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from qa_profiles import ADA_ONLY_ARCHITECT, context, make_profile

from bot.questions import AnswerContext, answer, answer_action
from cards.i18n import SUPPORTED_LOCALES

# The schema file H4 vendored (origin noted in tests/cards/schemas/ORIGIN.md), read from its path.
SCHEMA = Path(__file__).parents[2] / "cards" / "schemas" / "adaptive-card-1.5.json"
VALIDATOR = jsonschema.Draft6Validator(json.loads(SCHEMA.read_text("utf-8")))


def _cards(ctx: AnswerContext) -> list[dict[str, Any]]:
    replies = [answer(q, ctx) for q in ("why?", "why infra", "plan for d&ai", "which certifications count")]
    replies += [answer_action("rule", None, ctx), answer("score", AnswerContext(locale=ctx.locale))]
    return [r.card for r in replies if r.card is not None]


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_answer_cards_are_valid_adaptive_cards(locale: str) -> None:
    cards = _cards(context(make_profile(ADA_ONLY_ARCHITECT), locale))
    assert len(cards) >= 5
    for card in cards:
        errors = [e.message for e in VALIDATOR.iter_errors(card)]
        assert not errors, errors
        assert card["version"] == "1.5"
        for action in card["actions"]:
            assert action["type"] == "Action.Submit" and action["title"] and "action" in action["data"]
