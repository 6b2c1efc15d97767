"""Small helpers for the QA tests: read what the bot sent like a user reads it."""

from __future__ import annotations

import json
from typing import Any


async def post(client: Any, body: Any) -> Any:
    """POST an activity to the service under test."""
    return await client.post("/api/messages", json=body)


def cards(sent: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        attachment["content"]
        for activity in sent
        for attachment in activity.get("attachments") or []
        if attachment.get("contentType") == "application/vnd.microsoft.card.adaptive"
    ]


def intake_meta(card: dict[str, Any]) -> dict[str, Any]:
    """The intake data ({"session", "step", ...}) of the card's first intake button."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            data = node.get("data")
            is_action = str(node.get("type", "")).startswith("Action.")
            if is_action and isinstance(data, dict) and isinstance(data.get("intake"), dict):
                found.append(data["intake"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    assert found, "the card has no intake button"
    return found[0]


def text_of(card: dict[str, Any]) -> str:
    return json.dumps(card, ensure_ascii=False)
