"""Small Adaptive Cards that come with some answers (buttons only; H4's cards/ builds the big ones)."""

from __future__ import annotations

from typing import Any

from cards.explain import area_name
from cards.i18n import t
from scoring.ids import Area


def submit_card(text: str, buttons: list[tuple[str, dict[str, str]]]) -> dict[str, Any]:
    """One line of text and Action.Submit buttons; the handler routes their data to `answer_action`."""
    return {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.5",
        "body": [{"type": "TextBlock", "text": text, "wrap": True}],
        "actions": [{"type": "Action.Submit", "title": title, "data": data} for title, data in buttons],
    }


def area_buttons(locale: str, action: str) -> list[tuple[str, dict[str, str]]]:
    return [(area_name(locale, area), {"action": action, "area": str(area)}) for area in Area]


def ask_area_card(locale: str, action: str) -> tuple[str, dict[str, Any]]:
    text = t(locale, "answers.ask_area")
    return text, submit_card(text, area_buttons(locale, action))


def follow_up_card(locale: str, area: Area) -> dict[str, Any]:
    return submit_card(
        area_name(locale, area),
        [
            (t(locale, "answers.button_why"), {"action": "why", "area": str(area)}),
            (t(locale, "answers.button_plan"), {"action": "plan", "area": str(area)}),
        ],
    )


def start_intake_card(locale: str, text: str) -> dict[str, Any]:
    return submit_card(text, [(t(locale, "answers.button_start_intake"), {"action": "update"})])
