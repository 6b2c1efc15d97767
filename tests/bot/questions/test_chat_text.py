"""Answers read as paragraphs and lists in Teams: Teams renders a message's text as markdown, where a
single line break is no break, so every line of an answer is its own paragraph (a blank line between)
and each bullet starts one. Checked on the answers' text, in every locale."""

from __future__ import annotations

import re

import pytest
from qa_profiles import ADA_ONLY_ARCHITECT, context, make_profile

from bot.questions import answer, answer_action
from bot.questions.chat import chat_text
from cards.i18n import SUPPORTED_LOCALES

LONE_BREAK = re.compile(r"(?<!\n)\n(?!\n)")


def test_each_line_is_a_paragraph() -> None:
    assert chat_text(["To qualify:", "• one", "• two"]) == "To qualify:\n\n• one\n\n• two"


def test_one_line_stays_as_it_is() -> None:
    assert chat_text(["Cloud Platform competency: Gold"]) == "Cloud Platform competency: Gold"


def test_breaks_inside_a_line_become_paragraphs_and_blank_lines_go() -> None:
    assert chat_text(["a\nb", "", "  ", "c\r\n\r\nd  "]) == "a\n\nb\n\nc\n\nd"
    assert chat_text([]) == ""


# Questions whose answers run over several lines: lists of reasons, plans, rules, examples.
MULTI_LINE = [
    "help",
    "qwertz uiop",
    "what is my score",
    "what is my infrastructure score",
    "why am I not qualified for infrastructure",
    "why zero intermediate points for data & ai",
    "what do I need to qualify",
    "what do I need to qualify for infrastructure",
    "how is usage growth calculated",
    "how are intermediate certifications scored for infrastructure",
    "how do I qualify",
    "which certifications count for digital & app innovation",
    "who has AZ-305",
    "what does Grace hold",
    "why am I not gold",
]


def _paragraphs(text: str) -> list[str]:
    return text.split("\n\n")


def _assert_paragraphs(text: str) -> None:
    assert not LONE_BREAK.search(text), text
    assert "\n\n\n" not in text
    for paragraph in _paragraphs(text):
        assert paragraph == paragraph.strip() and paragraph, text
        # A bullet never sits inside another paragraph, where Teams would run it into the line before.
        assert "•" not in paragraph[1:], paragraph


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_multi_line_answers_are_paragraphs_with_one_bullet_each(locale: str) -> None:
    ctx = context(make_profile(ADA_ONLY_ARCHITECT), locale)
    for question in MULTI_LINE:
        text = answer(question, ctx).text
        assert len(_paragraphs(text)) >= 2, (question, text)
        _assert_paragraphs(text)
    for action in ("why", "plan", "score"):
        _assert_paragraphs(answer_action(action, "data_ai", ctx).text)


def test_why_answer_keeps_its_order_header_reasons_then_plan() -> None:
    text = answer("why am I not qualified for infrastructure", context(make_profile(ADA_ONLY_ARCHITECT))).text
    paragraphs = _paragraphs(text)
    assert paragraphs[0] == "Infrastructure is not qualified: 40/100."
    assert paragraphs[paragraphs.index("Advanced certifications (0/20):") + 1].startswith("• Step 1")
    plan = paragraphs.index("To qualify:")
    assert paragraphs[plan + 1 :] and all(p.startswith("• ") for p in paragraphs[plan + 1 :])
