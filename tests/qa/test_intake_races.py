"""Turns of one conversation that race mid-intake (real service, real storage)."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from botcore_helpers import PROFILE, TENANT, MockConnector, activity
from qa_helpers import cards, intake_meta, post, text_of

from cards.i18n import t
from scoring import load_profile


async def test_a_turn_that_loses_a_race_mid_intake_is_told_so_and_shows_no_change_it_did_not_keep(
    client, connector: MockConnector, services
) -> None:
    await services.profiles.put(TENANT, load_profile(PROFILE))
    await post(client, activity(connector.url, "update people", conversation="conv-r"))
    meta = intake_meta(cards(connector.activities)[-1])
    assert meta["step"] == "people"
    connector.calls.clear()

    bodies = [
        activity(connector.url, None, conversation="conv-r",
                 value={"intake": {**meta, "nav": "bulk"}, "bulk": f"Person{i}: AZ-104"})
        for i in range(20)
    ]
    statuses = [r.status for r in await asyncio.gather(*(post(client, b) for b in bodies))]

    assert statuses == [201] * 20
    busy = t("en", "service.error_busy")
    shown = cards(connector.activities)
    claimed = {name for card in shown for name in re.findall(r"Person\d+", text_of(card))}
    texts = [a.get("text") for a in connector.activities if not a.get("attachments")]
    assert len(connector.activities) == 20  # one answer per turn: a card, or the busy message alone
    assert set(texts) <= {busy}
    # Every person a card showed as added is in the stored draft: no card claims a lost update.
    kept = set(re.findall(r"Person\d+", text_of(await _draft_card(client, connector))))
    assert claimed and claimed <= kept


async def _draft_card(client: Any, connector: MockConnector) -> dict[str, Any]:
    connector.calls.clear()
    await post(client, activity(connector.url, "update people", conversation="conv-r"))
    return cards(connector.activities)[-1]



async def test_racing_action_execute_invokes_answer_200_and_show_only_kept_changes(
    client, connector: MockConnector, services
) -> None:
    await services.profiles.put(TENANT, load_profile(PROFILE))
    await post(client, activity(connector.url, "update people", conversation="conv-r"))
    meta = intake_meta(cards(connector.activities)[-1])
    connector.calls.clear()
    datas = [{"intake": {**meta, "nav": "bulk"}, "bulk": f"Person{i}: AZ-104"} for i in range(20)]
    bodies = [
        activity(connector.url, None, type="invoke", name="adaptiveCard/action", conversation="conv-r",
                 value={"action": {"type": "Action.Execute", "verb": "intake.bulk", "data": data}})
        for data in datas
    ]
    responses = await asyncio.gather(*(post(client, b) for b in bodies))
    assert [r.status for r in responses] == [200] * 20
    answers = [await r.json() for r in responses]
    busy = t("en", "service.error_busy")
    shown = [a["value"] for a in answers if a["type"] == "application/vnd.microsoft.card.adaptive"]
    assert all(a["value"] == busy for a in answers if a["type"] != "application/vnd.microsoft.card.adaptive")
    claimed = {name for card in shown for name in re.findall(r"Person\d+", text_of(card))}
    kept = set(re.findall(r"Person\d+", text_of(await _draft_card(client, connector))))
    assert claimed and claimed <= kept
