"""Names in the profile that are markdown links never become links in the bot's answers."""

from __future__ import annotations

import copy
import json
import re

from botcore_helpers import PROFILE, TENANT, MockConnector, activity
from qa_helpers import post

from scoring import load_profile

# What Teams renders as a link in a message or a card: [text](url) with nothing between "]" and "(".
MARKDOWN_LINK = re.compile(r"\[[^\]\"]*\]\(")


async def test_a_profile_with_link_names_is_quoted_as_text_in_answers_and_cards(
    client, connector: MockConnector, services
) -> None:
    profile = copy.deepcopy(PROFILE)
    profile["partner"]["name"] = "[Sign in](https://evil.example/login)"
    profile["people"][0]["name"] = "[Ada](https://evil.example/ada)"
    await services.profiles.put(TENANT, load_profile(profile))
    questions = ["what is my score?", "why am I not qualified for infrastructure?", "who has AZ-305?",
                 "what do I need to qualify for infrastructure?"]
    for question in questions:
        connector.calls.clear()
        await post(client, activity(connector.url, question))
        sent = json.dumps(connector.activities, ensure_ascii=False)
        assert "Ada" in sent or "Sign in" in sent, question  # the names are quoted...
        assert not MARKDOWN_LINK.search(sent), (question, MARKDOWN_LINK.findall(sent))  # ...as text
    connector.calls.clear()
    invoke = activity(connector.url, None, type="invoke", name="adaptiveCard/action",
                      value={"action": {"type": "Action.Execute", "verb": "why",
                                        "data": {"action": "why", "area": "infrastructure"}}})
    response = await post(client, invoke)
    body = json.dumps(await response.json(), ensure_ascii=False)
    assert "Ada" in body and not MARKDOWN_LINK.search(body)
    assert not MARKDOWN_LINK.search(json.dumps(connector.activities, ensure_ascii=False))
