"""Hostile and clumsy input: any text, any card data, any locale gets a real answer, never an error."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from qa_profiles import ADA_ONLY_ARCHITECT, context, make_profile

from bot.questions import AnswerContext, Intent, answer, answer_action

PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
PROFILE = make_profile(ADA_ONLY_ARCHITECT)
CONTEXTS = [context(PROFILE, loc) for loc in ("en", "fr-FR", "de", "ko-KR", "zh-TW", "xx", None)]  # type: ignore[arg-type]
CONTEXTS += [AnswerContext(locale="en"), AnswerContext(locale="zh-Hant")]
WORDS = [
    "why",
    "score",
    "infra",
    "D&AI",
    "AZ-305",
    "az-999",
    "plan",
    "help",
    "pourquoi",
    "왜",
    "為什麼",
    "update",
    "stop",
    "notifications",
    "Ada",
    "0점",
    "70",
    "&",
    "cloud platform",
    "gold",
    "who",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.one_of(st.text(max_size=300), st.lists(st.sampled_from(WORDS), max_size=8).map(" ".join)),
    which=st.integers(min_value=0, max_value=len(CONTEXTS) - 1),
)
def test_any_text_gets_a_non_empty_answer(text: str, which: int) -> None:
    reply = answer(text, CONTEXTS[which])
    assert isinstance(reply.intent, Intent)
    assert reply.text.strip()
    placeholders = set(PLACEHOLDER.findall(reply.text)) - set(PLACEHOLDER.findall(text))
    assert not placeholders, "an unfilled locale placeholder"
    assert "None" not in reply.text or "None" in text


@settings(max_examples=200, deadline=None)
@given(
    action=st.one_of(
        st.text(max_size=30), st.sampled_from(["why", "plan", "score", "help", "update", "rule"])
    ),
    area=st.one_of(
        st.none(),
        st.text(max_size=30),
        st.sampled_from(["data_ai", "infrastructure", "digital_app_innovation"]),
    ),
    which=st.integers(min_value=0, max_value=len(CONTEXTS) - 1),
)
def test_any_card_data_gets_a_non_empty_answer(action: str, area: str | None, which: int) -> None:
    reply = answer_action(action, area, CONTEXTS[which])
    assert reply.text.strip()
