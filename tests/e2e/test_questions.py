"""Questions in the real client, on a profile an admin imported: "why zero intermediate points?" is answered
with the unmet prerequisite (which step, which certification, how many, who, what to do), in English from
the message box and in French from a French Teams client (activity locale fr-FR)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from contract_profile import example_profile
from e2e_client import PlaygroundChat
from e2e_harness import Stack

from cards.i18n import t
from scoring import load_profile, score_profile
from scoring.ids import Area, Metric


def worked_example_da_4a() -> dict[str, Any]:
    """RULES.md §5 DA-4a: only one Solutions Architect Expert, so Data & AI intermediate scores 0."""
    data = example_profile(
        as_of=dt.datetime.now(dt.UTC).date().isoformat(),
        people=[
            {"id": "p1", "name": "Ada", "certifications": ["AZ-305"]},
            {"id": "p2", "name": "Bo", "certifications": ["AZ-104", "DP-300"]},
            {"id": "p3", "name": "Cy", "certifications": ["AZ-104", "AI-102"]},
        ],
    )
    del data["rules"]  # the rules in force today
    return data


def literal_parts(locale: str, key: str, **params: Any) -> list[str]:
    """The fixed wording of a localized template (the text between its {fields}), for matching answers
    whose field values are rendered elsewhere (names, certification titles)."""
    fields = {name: value if name == "count" else "\x00" for name, value in params.items()}
    template = t(locale, key, **fields)
    return [part.strip() for part in template.split("\x00") if len(part.strip()) >= 4]


def assert_prerequisite_answer(text: str, locale: str) -> None:
    for part in literal_parts(
        locale, "reasons.prerequisite_unmet_todo_not", count=1, certifications=1, people=1
    ):
        assert part in text, (part, text)
    assert "AZ-305" in text and "Ada" in text
    assert "0/40" in text  # Data & AI intermediate: 0 of 40 points


def test_why_zero_intermediate_points_names_the_unmet_prerequisite(
    chat: PlaygroundChat, stack: Stack
) -> None:
    profile = worked_example_da_4a()
    card = score_profile(load_profile(profile))
    data_ai = next(d for d in card.designations if d.area == Area.DATA_AI)
    intermediate = next(m for m in data_ai.metrics if m.metric == Metric.INTERMEDIATE_CERTIFICATIONS)
    assert intermediate.points == 0
    assert any(reason.code == "prerequisite_unmet" for reason in intermediate.reasons)
    stack.import_profile(profile)
    chat.open()
    chat.wait_reply(0, t("en", "service.welcome")[:40])

    # The area comes from the conversation: ask about Data & AI first, then just "why zero ...?".
    before = chat.send("What is my Data & AI score?")
    score = chat.wait_reply(
        before, re.compile(rf"{re.escape(t('en', 'common.area.data_ai'))}.*{data_ai.score}")
    )
    chat.screenshot("data-ai-score", score)
    before = chat.send("why zero intermediate points?")
    answer = chat.wait_reply(before, re.compile(r"AZ-305"))
    chat.screenshot("why-zero-intermediate", answer)
    assert_prerequisite_answer(answer.inner_text(), "en")

    # The answer's card buttons work in the client too: "What do we need?" gives the plan for the area.
    buttons = chat.wait_card(before)
    before = chat.bot_message_count()
    chat.click(buttons, t("en", "answers.button_plan"))
    header = t("en", "answers.plan_header", area=t("en", "common.area.data_ai"), score=data_ai.score,
               threshold=data_ai.threshold)
    plan = chat.wait_reply(before, header)
    chat.screenshot("plan-from-button", plan)
    assert "AZ-305" in plan.inner_text()


def test_question_in_french_is_answered_in_french(chat: PlaygroundChat, stack: Stack) -> None:
    stack.import_profile(worked_example_da_4a())
    chat.open()
    chat.wait_reply(0, t("en", "service.welcome")[:40])

    before = chat.send_as_activity(
        "Pourquoi zéro point en certifications intermédiaires pour Data & AI ?", "fr-FR"
    )
    answer = chat.wait_reply(before, re.compile(r"AZ-305"))
    chat.screenshot("pourquoi-zero-intermediaire", answer)
    text = answer.inner_text()
    assert_prerequisite_answer(text, "fr")
    assert t("fr", "common.area.data_ai") in text


def test_a_conversation_follows_up_who_has_it_and_a_what_if_in_the_client(
    chat: PlaygroundChat, stack: Stack
) -> None:
    """The headline question with no area, then elliptical follow-ups, as a partner types them."""
    stack.import_profile(worked_example_da_4a())
    chat.open()
    chat.wait_reply(0, t("en", "service.welcome")[:40])

    before = chat.send("why zero intermediate points?")  # the data decides: only Data & AI is at zero
    answer = chat.wait_reply(before, re.compile(r"AZ-305"))
    chat.screenshot("why-zero-no-area", answer)
    assert t("en", "common.area.data_ai") in answer.inner_text()

    before = chat.send("who has it?")
    holders = chat.wait_reply(before, re.compile(r"Ada"))
    chat.screenshot("who-has-it", holders)
    assert "Azure Solutions Architect Expert (AZ-305)" in holders.inner_text()

    before = chat.send("what if Bo gets it?")
    simulated = chat.wait_reply(before, re.compile(r"→"))
    chat.screenshot("what-if-bo-gets-it", simulated)
    text = simulated.inner_text()
    assert "Bo" in text and "AZ-305" in text
    assert f"{t('en', 'common.area.data_ai')}: " in text
