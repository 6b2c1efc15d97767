"""Names a hostile user types in markdown: the cards show them as text, the profile keeps them."""

from __future__ import annotations

import json
import re
from typing import Any

from backends import both_backends
from intake_harness import ORG, TENANT, USAGE, FakeServices, Harness

LINK = "[Sign in to Microsoft](https://evil.example/login)"
# What Adaptive Cards render as a link: [text](url) with nothing between "]" and "(".
MARKDOWN_LINK = re.compile(r"\[[^\]]*\]\(")


def rendered_texts(card: Any) -> list[str]:
    """Every string a card renders as markdown (TextBlock text, FactSet titles and values)."""
    found: list[str] = []
    if isinstance(card, dict):
        if card.get("type") == "TextBlock" and isinstance(card.get("text"), str):
            found.append(card["text"])
        if card.get("type") == "FactSet":
            found += [str(v) for fact in card.get("facts", []) for v in (fact["title"], fact["value"])]
        for value in card.values():
            found += rendered_texts(value)
    elif isinstance(card, list):
        for item in card:
            found += rendered_texts(item)
    return found


def assert_no_link(card: Any) -> None:
    links = [text for text in rendered_texts(card) if MARKDOWN_LINK.search(text)]
    assert not links, links


@both_backends  # saved as typed, on either backend
async def test_markdown_links_typed_as_names_are_shown_as_text_and_saved_as_typed(
    harness: Harness, services: FakeServices
) -> None:
    await harness.start()
    await harness.press("next", **{**ORG, "partner_name": f"Contoso {LINK}"})
    await harness.press("next", areas="data_ai")
    await harness.press("save_person", person_name=LINK, person_certs="AZ-104")
    assert_no_link(harness.last_card)
    assert "Sign in to Microsoft" in json.dumps(harness.last_card)
    await harness.press("edit_person", 0)
    assert_no_link(harness.last_card)
    # An error message that names the person (a bulk line splits at its first colon: no scheme).
    await harness.press("bulk", bulk="[Sign in](//evil.example/login): AZ-999")
    assert "AZ-999" in harness.text() and "Sign in" in harness.text()
    assert_no_link(harness.last_card)
    await harness.press("next", person_name="", person_certs="", bulk="")
    await harness.press("next", **USAGE)
    await harness.press("next", services="Azure SQL Database", services_other="[Free credit](https://evil)")
    assert harness.step() == "review"
    assert_no_link(harness.last_card)

    replies = await harness.press("confirm")
    assert "Sign in to Microsoft" in json.dumps(replies[0].card)  # the scorecard names the partner
    assert_no_link(replies[0].card)

    data = (await services.profiles.get(TENANT)).model_dump(mode="json", exclude_none=True)
    assert data["partner"]["name"] == f"Contoso {LINK}"
    assert [p["name"] for p in data["people"]] == [LINK]
    assert "[Free credit](https://evil)" in data["usage"]["deployed_services"]

