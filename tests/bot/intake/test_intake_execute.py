"""Action.Execute (adaptiveCard/action invoke): the intake card is replaced in place; refresh keeps
an old copy of the card current. Action.Submit (message `value`) reaches the same code."""

from __future__ import annotations

from typing import Any

from backends import both_backends
from intake_harness import ORG, TENANT, USAGE, FakeServices, Harness, walk_to

pytestmark = both_backends  # cards refreshed in place read the stored step and session


def _card_actions(card: dict[str, Any]) -> list[dict[str, Any]]:
    from intake_harness import card_schema

    return card_schema.actions(card)


async def test_every_intake_button_is_execute_with_an_equivalent_submit_fallback(harness: Harness) -> None:
    await walk_to(harness, "people")
    card = {k: v for k, v in harness.last_card.items() if k != "refresh"}
    buttons = [a for a in _card_actions(card) if "intake" in (a.get("data") or {})]
    assert buttons
    for action in buttons:
        assert action["type"] == "Action.Execute" and action["verb"].startswith("intake.")
        assert action["fallback"]["type"] == "Action.Submit"
        assert action["fallback"]["data"] == action["data"]
    refresh = harness.last_card["refresh"]
    assert refresh["action"]["type"] == "Action.Execute" and refresh["userIds"] == ["29:user-ada"]


async def test_a_whole_intake_through_execute_updates_one_card_in_place(
    harness: Harness, services: FakeServices
) -> None:
    await harness.start()
    for inputs in (
        ORG,
        {"areas": "data_ai"},
        {"bulk": "Ada: AZ-305, AZ-104"},
        USAGE,
        {"services": "Azure Functions"},
    ):
        card = await harness.press("next", via="execute", **inputs)
        assert isinstance(card, dict)
    assert harness.step() == "review"
    card = await harness.press("confirm", via="execute")
    assert isinstance(card, dict) and "Partner capability score" in harness.text()
    assert (await services.profiles.get(TENANT)).partner.name == "Contoso Ltd"


async def test_validation_errors_come_back_in_place(harness: Harness) -> None:
    await harness.start()
    card = await harness.press("next", via="execute", **{**ORG, "partner_id": "abc"})
    assert harness.step() == "organisation"
    from intake_harness import field_error

    assert field_error(card, "partner_id") == "A partner ID is 4 to 10 digits."
    assert harness.inputs()["partner_id"]["value"] == "abc"


async def test_refresh_turns_an_old_copy_into_the_current_step(harness: Harness) -> None:
    await harness.start()
    first = harness.last_card
    await harness.press("next", **ORG)
    await harness.press("next", areas="data_ai")
    assert harness.step() == "people"
    refresh = first["refresh"]["action"]
    card = await harness.execute(refresh["verb"], refresh["data"])
    assert harness.step() == "people" and card is harness.last_card
    assert "That card is out of date" not in harness.text()  # a refresh is not a mistake


async def test_refresh_after_the_intake_ended_shows_it_closed(harness: Harness) -> None:
    await harness.start()
    refresh = harness.last_card["refresh"]["action"]
    await harness.press("cancel", via="execute")
    assert "Cancelled" in harness.text()
    card = await harness.execute(refresh["verb"], refresh["data"])
    assert card is not None and "This form is closed" in card["body"][0]["text"]


async def test_cancel_through_execute_replaces_the_card(
    harness: Harness, saved: Any, services: FakeServices
) -> None:
    await harness.start(section="usage")
    card = await harness.press("cancel", via="execute")
    assert card["body"][0]["text"].startswith("Cancelled. Nothing was saved")
    assert (await services.profiles.get(TENANT)).model_dump() == saved.model_dump()


async def test_questions_verbs_are_not_the_intakes(harness: Harness) -> None:
    await harness.start()
    assert await harness.execute("why", {"action": "why", "area": "data_ai"}) is None
    assert await harness.execute("", {"action": "plan"}) is None


async def test_submit_and_execute_can_be_mixed_in_one_intake(harness: Harness) -> None:
    await harness.start()
    await harness.press("next", via="execute", **ORG)
    await harness.press("next", via="submit", areas="infrastructure")
    await harness.press("back", via="execute")
    assert harness.step() == "areas" and harness.inputs()["areas"]["value"] == "infrastructure"


async def test_refresh_of_a_card_from_an_earlier_intake_closes_it(harness: Harness) -> None:
    await harness.start()
    old_refresh = harness.last_card["refresh"]["action"]
    await harness.press("cancel")
    await harness.start()
    assert harness.step() == "organisation"
    current = harness.action("next")
    card = await harness.execute(old_refresh["verb"], old_refresh["data"])
    assert card is not None and "This form is closed" in card["body"][0]["text"]
    await harness.submit({**current["data"], **ORG})  # the live intake is untouched
    assert harness.step() == "areas"
