"""Questions and answers: plain-language questions in five languages -> localized answers.

Pure Python (no botbuilder, no aiohttp): the handler passes the text and an `AnswerContext`, and
sends back `Answer.text` (+ `Answer.card`), or acts on `Answer.intent` (intake, notifications).
"""

from __future__ import annotations

import re
from dataclasses import replace

from .knowledge import without_names
from .model import Answer, AnswerContext, Intent, Memory, Section
from .respond import query_for_action, respond
from .understand import Query, understand

__all__ = [
    "Answer",
    "AnswerContext",
    "Intent",
    "Memory",
    "Query",
    "Section",
    "answer",
    "answer_action",
    "understand",
]


def answer(text: str, ctx: AnswerContext) -> Answer:
    """Answer a typed message; "what's our score? and who has AZ-305?" gets both answers, in order."""
    parts = _questions(text or "")
    if len(parts) < 2:
        parts = _two_asks(text or "", ctx)
    if len(parts) < 2:
        return _one(text or "", ctx)
    answers: list[Answer] = []
    turn = ctx
    for part in parts:
        answers.append(_one(part, turn))
        turn = replace(turn, memory=answers[-1].memory)
    if any(a.intent in _NOT_AN_ANSWER for a in answers):
        return _one(text or "", ctx)  # one of them is no question of its own: the message is one
    last = answers[-1]
    return replace(last, text="\n\n".join(a.text for a in answers), intent=answers[0].intent)


def _one(text: str, ctx: AnswerContext) -> Answer:
    return respond(understand(without_names(ctx, text)), ctx, text)


# A message of several questions is split only when each part ends with its own question mark and
# each is understood on its own; otherwise it is one question (the preamble of a long message is
# context, not a question).
_QUESTION = re.compile(r"[^?？]*\w[^?？]*[?？]+")
_NOT_AN_ANSWER = {Intent.UNKNOWN, Intent.HELP, Intent.START_INTAKE, Intent.NO_PROFILE}


# "what's our infra score and who holds AZ-305?", "인프라 점수랑 AZ-140 가진 사람": two asks in one sentence.
_AND = re.compile(r"\s+(?:and|et|und|y)\s+|(?<=\S)(?:이랑|랑|하고|그리고|和|還有|以及)")
_SCORES = {Intent.SCORE, Intent.WHY, Intent.PLAN}


def _two_asks(text: str, ctx: AnswerContext) -> list[str]:
    """Split at an "and" only where one side asks who holds a certification and the other about the
    scores, or a score is followed by a plan: other "and"s join areas or people ("why are infra and
    DAI not qualified?")."""
    for found in _AND.finditer(text):
        left, right = text[: found.start()].strip(), text[found.end() :].strip()
        if not left or not right:
            continue
        first, second = (understand(without_names(ctx, side)) for side in (left, right))
        holders = [q for q in (first, second) if q.intent == Intent.CERTIFICATIONS and q.certification]
        scores = [q for q in (first, second) if q.intent in _SCORES and q.cued and not q.certification]
        if len(holders) == 1 and len(scores) == 1:
            return [left, right]
        short = first.words + second.words <= 20  # a long message's preamble is context, not an ask
        score_then_plan = first.intent == Intent.SCORE and second.intent == Intent.PLAN
        if short and score_then_plan and first.cued and second.cued:
            return [left, right]  # "which area is closest and what's the quickest win there?"
    return [text]


def _questions(text: str) -> list[str]:
    parts = [p.strip() for p in _QUESTION.findall(text)]
    rest = _QUESTION.sub("", text).strip()
    if len(parts) < 2 or rest or any(len(p.rstrip("?？ ")) < 4 for p in parts):
        return [text]
    return parts


def answer_action(action: str, area: str | None, ctx: AnswerContext, section: str | None = None) -> Answer:
    """Answer a card button: `{"action": "why"|"plan"|"score"|"help"|"update"|..., "area": ...}`."""
    # An unknown action or area value (stale card, forged submit) is dropped: the answer then asks.
    return respond(query_for_action(action, area, section), ctx, action or "")
