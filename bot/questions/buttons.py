"""Small Adaptive Cards that come with some answers (buttons only; H4's cards/ builds the big ones)."""

from __future__ import annotations

from typing import Any

from cards.explain import area_name
from cards.i18n import t
from scoring.ids import Area


def submit_card(text: str | None, buttons: list[tuple[str, dict[str, str]]]) -> dict[str, Any]:
    """Action.Submit buttons (the handler routes their data to `answer_action`), under a short title
    when given. The answer's text is the message's own text: the card never repeats it."""
    return {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.5",
        "body": [{"type": "TextBlock", "text": text, "wrap": True, "weight": "Bolder"}] if text else [],
        "actions": [{"type": "Action.Submit", "title": title, "data": data} for title, data in buttons],
    }


def area_buttons(locale: str, action: str) -> list[tuple[str, dict[str, str]]]:
    return [(area_name(locale, area), {"action": action, "area": str(area)}) for area in Area]


def ask_area_card(locale: str, action: str) -> tuple[str, dict[str, Any]]:
    text = t(locale, "answers.ask_area")
    return text, submit_card(None, area_buttons(locale, action))


def follow_up_card(locale: str, area: Area) -> dict[str, Any]:
    return submit_card(
        area_name(locale, area),
        [
            (t(locale, "answers.button_why"), {"action": "why", "area": str(area)}),
            (t(locale, "answers.button_plan"), {"action": "plan", "area": str(area)}),
        ],
    )


def start_intake_card(locale: str, text: str) -> dict[str, Any]:
    return submit_card(None, [(t(locale, "answers.button_start_intake"), {"action": "update"})])


def help_card(locale: str, examples: list[str]) -> dict[str, Any]:
    """Help: a short list of questions to ask and three buttons with labels that fit a phone."""
    card = submit_card(
        t(locale, "conversation.help_title"),
        [
            (t(locale, "conversation.button_score"), {"action": "score"}),
            (t(locale, "conversation.button_plan"), {"action": "plan"}),
            (t(locale, "conversation.button_update"), {"action": "update"}),
        ],
    )
    card["body"].extend(
        {"type": "TextBlock", "text": f"• {e}", "wrap": True, "spacing": "Small"} for e in examples
    )
    return card
