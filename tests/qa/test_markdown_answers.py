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
    partner, person = "[Sign in](https://evil.example/login)", "[Ada](https://evil.example/ada)"
    # As typed, with a zero-width space between "]" and "(" so that Teams renders no link.
    shown = {partner: "[Sign in]\u200b(https://evil.example/login)", person: "[Ada]\u200b(https://evil.example/ada)"}
    profile = copy.deepcopy(PROFILE)
    profile["partner"]["name"] = partner
    profile["people"][0]["name"] = person
    await services.profiles.put(TENANT, load_profile(profile))
    # Each answer names the person (the scorecard the partner too), as typed but never as a link.
    names_in_answer = {
        "what is my score?": [partner, person],
        "why am I not qualified for infrastructure?": [person],
        "who has AZ-305?": [person],
        "what do I need to qualify for infrastructure?": [person],
    }
    for question, names in names_in_answer.items():
        connector.calls.clear()
        await post(client, activity(connector.url, question))
        sent = json.dumps(connector.activities, ensure_ascii=False)
        assert [shown[name] in sent for name in names] == [True] * len(names), question
        assert not MARKDOWN_LINK.search(sent), (question, MARKDOWN_LINK.findall(sent))
    connector.calls.clear()
    invoke = activity(connector.url, None, type="invoke", name="adaptiveCard/action",
                      value={"action": {"type": "Action.Execute", "verb": "why",
                                        "data": {"action": "why", "area": "infrastructure"}}})
    response = await post(client, invoke)
    body = json.dumps(await response.json(), ensure_ascii=False)
    assert shown[person] in body and not MARKDOWN_LINK.search(body)
    assert not MARKDOWN_LINK.search(json.dumps(connector.activities, ensure_ascii=False))
