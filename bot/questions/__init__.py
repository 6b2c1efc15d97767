"""Questions and answers: plain-language questions in five languages -> localized answers.

Pure Python (no botbuilder, no aiohttp): the handler passes the text and an `AnswerContext`, and
sends back `Answer.text` (+ `Answer.card`), or acts on `Answer.intent` (intake, notifications).
"""

from __future__ import annotations

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
    """Answer a typed message."""
    return respond(understand(without_names(ctx, text or "")), ctx, text or "")


def answer_action(action: str, area: str | None, ctx: AnswerContext, section: str | None = None) -> Answer:
    """Answer a card button: `{"action": "why"|"plan"|"score"|"help"|"update"|..., "area": ...}`."""
    # An unknown action or area value (stale card, forged submit) is dropped: the answer then asks.
    return respond(query_for_action(action, area, section), ctx, action or "")
