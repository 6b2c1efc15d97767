"""Every question and dialogue turn of the evaluation set (eval/<locale>.txt) answered right for
EVAL_PROFILE: the intent, the areas the answer is about (decided by the data when the question names
none) and the exact facts it must state (scores, names, certifications, numbers)."""

from __future__ import annotations

import dataclasses

import pytest
from eval_set import LOCALES, Case, check, context, load

from bot.questions import answer

SINGLES = [case for locale in LOCALES for case in load(locale)[0]]
DIALOGUES = [dialogue for locale in LOCALES for dialogue in load(locale)[1]]


@pytest.mark.parametrize("locale", LOCALES)
def test_each_language_has_60_questions_and_15_dialogues(locale: str) -> None:
    singles, dialogues = load(locale)
    assert len(singles) >= 60
    assert len(dialogues) >= 15


@pytest.fixture(scope="module")
def contexts() -> dict[str, object]:
    return {locale: context(locale) for locale in LOCALES}


@pytest.mark.parametrize("case", SINGLES, ids=[f"{c.locale}:{c.question}" for c in SINGLES])
def test_question(case: Case, contexts: dict[str, object]) -> None:
    outcome = check(case, answer(case.question, contexts[case.locale]))  # type: ignore[arg-type]
    assert outcome.ok, f"{outcome.why}: {outcome.text}"


@pytest.mark.parametrize(
    "dialogue", DIALOGUES, ids=[f"{d[0].locale}:{' / '.join(c.question for c in d)}" for d in DIALOGUES]
)
def test_dialogue(dialogue: list[Case], contexts: dict[str, object]) -> None:
    ctx = contexts[dialogue[0].locale]
    for case in dialogue:
        reply = answer(case.question, ctx)  # type: ignore[arg-type]
        outcome = check(case, reply)
        assert outcome.ok, f"turn {case.turn} {case.question!r}: {outcome.why}: {outcome.text}"
        ctx = dataclasses.replace(ctx, memory=reply.memory)  # type: ignore[type-var]


def test_a_follow_up_is_not_read_against_a_topic_older_than_the_memory_lasts() -> None:
    from bot.questions.model import MEMORY_TTL

    ctx = context("en")
    first = answer("why is intermediate 0 for data & ai?", ctx)
    assert first.memory is not None
    stale = first.memory.model_copy(update={"at": first.memory.at - MEMORY_TTL - 1})
    reply = answer("who has it?", dataclasses.replace(ctx, memory=stale))
    assert "Ada" not in reply.text  # no certification to refer to: asked which area, not answered
