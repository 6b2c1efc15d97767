"""The public API answers every kind of question without a bot around it."""

from __future__ import annotations

from bot.questions import AnswerContext, Intent, answer, answer_action
from scoring.ids import Area


def test_unmet_gate_is_named_with_step_certification_counts_and_person(ctx: AnswerContext) -> None:
    reply = answer("why zero intermediate points for D&AI?", ctx)
    assert reply.intent == Intent.WHY and reply.area == Area.DATA_AI
    assert "Step 1 is a prerequisite" in reply.text
    assert "Azure Solutions Architect Expert (AZ-305)" in reply.text
    assert "2 people must hold" in reply.text and "you have 1" in reply.text
    assert "one more person with Azure Solutions Architect Expert (AZ-305), not Ada" in reply.text


def test_no_profile_offers_the_intake() -> None:
    reply = answer("what is my score", AnswerContext(locale="en"))
    assert reply.intent == Intent.NO_PROFILE and reply.card is not None
    assert reply.card["actions"][0]["data"] == {"action": "update"}


def test_card_button_plan_for_an_area(ctx: AnswerContext) -> None:
    reply = answer_action("plan", "infrastructure", ctx)
    assert reply.intent == Intent.PLAN and reply.area == Area.INFRASTRUCTURE
    assert "To qualify for Infrastructure" in reply.text
