"""The intake conversation, turn by turn, over the real storage (both backends): every step and branch."""

from __future__ import annotations

from typing import Any

import pytest
from backends import both_backends
from intake_harness import (
    ORG,
    TENANT,
    USAGE,
    FakeServices,
    Harness,
    records_profile,
    walk_to,
)

from cards.i18n import t

pytestmark = both_backends  # drafts, resumes and saves are what the store keeps


async def test_full_intake_to_scorecard_saves_only_on_confirm(
    harness: Harness, services: FakeServices
) -> None:
    await harness.start()
    assert harness.step() == "organisation"
    assert "Rules in force today: 2026" in harness.text()  # the rule version is shown
    await harness.press("next", **ORG)
    assert harness.step() == "areas"
    await harness.press("next", areas="data_ai,infrastructure")
    assert harness.step() == "people"
    await harness.press(
        "save_person", person_name="Ada", person_certs="azure-solutions-architect,azure-administrator"
    )
    assert "Added Ada." in harness.text()
    await harness.press("bulk", bulk="Grace: AZ-305, AZ-104, DP-300\nLin: AI-102")
    assert "Added 2 people from the list." in harness.text()
    await harness.press("next")
    assert harness.step() == "usage"
    await harness.press("next", **USAGE, consumption_12m="20000")
    assert harness.step() == "services"
    await harness.press(
        "next", services="Azure SQL Database,Azure App Service", services_other="Azure Spring Apps"
    )
    assert harness.step() == "review"
    review = harness.text()
    assert "Nothing has been saved yet." in review and "Your score with this data" in review
    assert "Grace" in review and "AZ-305, AZ-104, DP-300" in review
    assert await services.profiles.get(TENANT) is None  # nothing saved before confirm

    replies = await harness.press("confirm")

    assert replies[0].text == (
        "Saved. Here is your scorecard. Saved as version 1. Say \"undo\" to go back, or \"history of "
        "changes\" to see every change. You saved your organisation's first data here, so you are its "
        "owner: only owners can change it. Add others with \"add @Name as owner\".")
    card = replies[0].card
    assert card is not None and "Partner capability score" in harness.text()
    # A first profile has no score history: the card says so rather than drawing an invented trend.
    assert t("en", "history.no_history") in harness.text()
    saved = await services.profiles.get(TENANT)
    assert saved is not None
    data = saved.model_dump(mode="json", exclude_none=True)
    assert data["partner"] == {"id": "4412345", "name": "Contoso Ltd", "market": "developed"}
    assert [(p["name"], p["certifications"]) for p in data["people"]] == [
        ("Ada", ["azure-solutions-architect", "azure-administrator"]),
        (
            "Grace",
            ["azure-solutions-architect", "azure-administrator", "azure-database-administrator-associate"],
        ),
        ("Lin", ["azure-ai-engineer"]),
    ]
    assert data["usage"] == {
        "eligible_customers_last_month": 5,
        "eligible_customers_same_month_last_year": 3,
        "acr_last_month": 112700.0,
        "acr_same_month_last_year": 100000.0,
        "deployed_services": ["Azure SQL Database", "Azure App Service", "Azure Spring Apps"],
    }
    assert data["cloud_platform"] == {"consumption_usd_12m": 20000.0}
    assert data["as_of"] == "2026-10-31" and "rules" not in data  # auto: the rules in force on as_of
    # The interests come first on the scorecard; the intake is over.
    area_titles = [
        t for t in ("Data & AI", "Infrastructure", "Digital & App Innovation") if t in harness.text()
    ]
    assert harness.text().index("Data & AI") < harness.text().index("Digital & App Innovation")
    assert len(area_titles) == 3
    # No form is open any more: "cancel" says so instead of reaching the questions.
    assert [r.text for r in await harness.say("cancel")] == [t("en", "intake.nothing_open")]
    assert harness.consumed is True


async def test_back_returns_to_the_previous_step_with_its_values(harness: Harness) -> None:
    await walk_to(harness, "people")
    await harness.press("back")
    assert harness.step() == "areas"
    assert harness.inputs()["areas"]["value"] == "data_ai,infrastructure"
    await harness.press("back")
    assert harness.step() == "organisation"
    assert harness.inputs()["partner_id"]["value"] == "4412345"
    assert all(a["data"]["intake"]["nav"] != "back" for a in _navs(harness))  # first step: no Back


async def test_review_back_and_edit_buttons_lead_to_sections_and_next_returns_to_review(
    harness: Harness,
) -> None:
    await walk_to(harness, "review")
    await harness.press("back")
    assert harness.step() == "services"
    await harness.press("next", services="Azure SQL Database")
    assert harness.step() == "review"
    await harness.press("goto", "usage")
    assert harness.step() == "usage"
    assert harness.inputs()["acr_last_month"]["value"] == "112700"
    await harness.press("next", **{**USAGE, "acr_last_month": "150000"})
    assert harness.step() == "review"  # straight back to review, not through services again
    assert "$150,000" in harness.text()


async def test_cancel_keeps_the_saved_profile_exactly(
    harness: Harness, services: FakeServices, saved: Any
) -> None:
    await harness.start()
    await harness.press("next", **{**ORG, "partner_name": "Renamed Ltd"})
    replies = await harness.press("cancel")
    assert "Cancelled. Nothing was saved" in replies[0].card["body"][0]["text"]
    after = await services.profiles.get(TENANT)
    assert after.model_dump(mode="json") == saved.model_dump(mode="json")
    # No intake any more: "back" is answered that nothing is open, and the profile stays as it was.
    assert [r.text for r in await harness.say("back")] == [t("en", "intake.nothing_open")]
    assert (await services.profiles.get(TENANT)).model_dump(mode="json") == saved.model_dump(mode="json")


async def test_cancel_by_typing_in_any_language(services: FakeServices) -> None:
    h = Harness(services, locale="de-DE")
    await h.start()
    assert "Ihre Organisation" in h.text()
    replies = await h.say("Abbrechen")
    assert h.consumed is True
    assert "Abgebrochen" in replies[0].card["body"][0]["text"]


async def test_other_text_during_an_intake_goes_to_the_questions(harness: Harness) -> None:
    await walk_to(harness, "areas")
    assert await harness.say("what is my score?") == []
    assert harness.consumed is False
    await harness.say("back")
    assert harness.consumed is True and harness.step() == "organisation"


async def test_resume_after_a_service_restart(harness: Harness, open_services: Any) -> None:
    await walk_to(harness, "people")
    await harness.press("bulk", bulk="Ada: AZ-305")
    old_card = harness.last_card
    # A new process: new storage instance over the same files.
    restarted = Harness(open_services())
    restarted.last_card = old_card
    await restarted.press("next")
    assert restarted.step() == "usage"
    # "start" again resumes where the user is, without losing the draft.
    await restarted.start()
    assert restarted.step() == "usage" and "Welcome back" in restarted.text()
    await restarted.press("next", **USAGE)
    await restarted.press("next")
    assert restarted.step() == "review" and "Ada" in restarted.text()


async def test_returning_user_edits_one_section_without_reentering_the_rest(
    harness: Harness, services: FakeServices, saved: Any
) -> None:
    await harness.start(section="people")
    assert harness.step() == "people"
    assert "Editing one section of your saved data" in harness.text()
    assert "Ada" in harness.text() and "Grace" in harness.text()
    await harness.press("edit_person", 1)
    assert harness.inputs()["person_name"]["value"] == "Grace"
    await harness.press(
        "save_person",
        person_name="Grace Hopper",
        person_certs="azure-administrator,azure-database-administrator-associate,azure-ai-engineer",
    )
    assert "Saved Grace Hopper." in harness.text()
    await harness.press("next")
    assert harness.step() == "review"
    await harness.press("confirm")
    after = (await services.profiles.get(TENANT)).model_dump(mode="json", exclude_none=True)
    before = saved.model_dump(mode="json", exclude_none=True)
    assert after["people"][1] == {
        "id": "p2",
        "name": "Grace Hopper",
        "certifications": [
            "azure-administrator",
            "azure-database-administrator-associate",
            "azure-ai-engineer",
        ],
    }
    assert after["people"][0] == before["people"][0]  # Ada keeps her expiry date
    for key in ("partner", "usage", "cloud_platform", "rules", "track"):
        assert after[key] == before[key], key


async def test_a_section_name_from_the_questions_maps_to_its_step(harness: Harness, saved: Any) -> None:
    await harness.start(section="customers")
    assert harness.step() == "usage"
    assert harness.inputs()["customers_last_month"]["value"] == "5"


async def test_without_a_saved_profile_a_section_request_walks_every_section(harness: Harness) -> None:
    await harness.start(section="people")
    assert harness.step() == "organisation"
    assert "no saved data yet" in harness.text()


async def test_remove_a_person_and_page_through_a_long_list(harness: Harness) -> None:
    await walk_to(harness, "people")
    lines = "\n".join(f"Person {i}: AZ-104" for i in range(20))
    await harness.press("bulk", bulk=lines)
    assert "20 people so far" in harness.text()
    assert "Page 1 of 3" in harness.text() and "Person 19" not in harness.text()
    await harness.press("page", 1)
    assert "Page 2 of 3" in harness.text()
    await harness.press("page", 2)
    assert "Page 3 of 3" in harness.text() and "Person 19" in harness.text()
    await harness.press("edit_person", 19)
    assert "Edit Person 19" in harness.text()
    await harness.press("remove_person", 19)
    assert "Removed Person 19 (not saved until you confirm)." in harness.text()
    assert "19 people so far" in harness.text() and "Person 19:" not in harness.text()


async def test_a_saved_profile_with_detailed_records_keeps_them_when_figures_are_left_empty(
    harness: Harness, services: FakeServices
) -> None:
    from scoring import load_profile

    data = records_profile()
    data["acr_records"] = data["acr_records"][:1]  # one record: the singular text
    await services.profiles.put(TENANT, load_profile(data))
    await harness.start(section="usage")
    assert "1 detailed ACR record" in harness.text()
    await harness.press(
        "next",
        customers_last_month="",
        customers_year_ago="",
        acr_last_month="",
        acr_year_ago="",
        consumption_12m="20000",
    )
    await harness.press("confirm")
    after = (await services.profiles.get(TENANT)).model_dump(mode="json", exclude_none=True)
    assert "usage" not in after and len(after["acr_records"]) == 1
    # Typed figures replace the records.
    await harness.start(section="usage")
    await harness.press("next", **USAGE)
    await harness.press("confirm")
    after = (await services.profiles.get(TENANT)).model_dump(mode="json", exclude_none=True)
    assert "acr_records" not in after and after["usage"]["acr_last_month"] == 112700.0


async def test_a_card_from_a_finished_intake_is_refused_politely(
    harness: Harness, services: FakeServices
) -> None:
    await walk_to(harness, "review")
    old = harness.action("back")["data"]
    await harness.press("confirm")
    replies = await harness.submit(old)
    assert harness.consumed is True
    assert "This form is closed" in replies[0].card["body"][0]["text"]
    card = await harness.execute("intake.back", old)
    assert card is not None and "This form is closed" in card["body"][0]["text"]


async def test_a_failed_save_leaves_the_old_profile_and_the_intake_at_review(
    harness: Harness, services: FakeServices, saved: Any, open_services: Any
) -> None:
    await harness.start(section="organisation")
    await harness.press("next", **{**ORG, "partner_name": "Renamed Ltd"})

    async def broken_put(tenant_id: str, profile: Any) -> None:
        raise OSError("disk full")

    services.profiles.put = broken_put  # type: ignore[method-assign]
    with pytest.raises(OSError):
        await harness.press("confirm")
    fresh = open_services()
    assert (await fresh.profiles.get(TENANT)).model_dump(mode="json") == saved.model_dump(mode="json")
    again = Harness(fresh)
    await again.start()
    assert again.step() == "review" and "Renamed Ltd" in again.text()


async def test_a_profile_the_engine_refuses_is_reported_on_the_review_card_and_not_saved(
    harness: Harness, services: FakeServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    import scoring
    from scoring.errors import FieldError as ScoringFieldError
    from scoring.errors import ProfileError

    await walk_to(harness, "review")

    def refuse(data: Any) -> Any:
        raise ProfileError(
            [ScoringFieldError("people[0].certifications[0]", "X", "unknown certification 'X'")]
        )

    monkeypatch.setattr(scoring, "load_profile", refuse)
    await harness.press("confirm")
    assert harness.step() == "review"
    assert (
        "The data could not be saved: people[0].certifications[0]: unknown certification 'X'"
        in harness.text()
    )
    assert await services.profiles.get(TENANT) is None


def _navs(h: Harness) -> list[dict[str, Any]]:
    from intake_harness import card_schema

    return [
        a
        for a in card_schema.actions(h.last_card)
        if isinstance(a.get("data"), dict) and "intake" in a["data"]
    ]


async def test_jumping_ahead_cannot_save_an_incomplete_profile(
    harness: Harness, services: FakeServices
) -> None:
    await harness.start()
    await harness.start(section="services")  # "update my services" while the organisation is still empty
    assert harness.step() == "services"
    await harness.press("next", services="Azure Functions")
    assert harness.step() == "review"
    await harness.press("confirm")
    assert harness.step() == "organisation"
    assert "This section is needed before your data can be saved" in harness.text()
    assert await services.profiles.get(TENANT) is None
