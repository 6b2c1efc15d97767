"""Every validation message the intake has is produced by some input and shown on the card: the
table below covers each `intake.error.*` key (a test checks none is missing)."""

from __future__ import annotations

from typing import Any

import pytest
from intake_harness import ORG, USAGE, Harness, field_error, walk_to

from cards.i18n import catalog, t
from scoring.catalog import certifications

SLUGS = [c.slug for c in certifications()]
LONG = "N" * 101

# key: (step, button, inputs, field the message sits under or None for the paste box, message params)
CASES: dict[str, tuple[str, str, dict[str, Any], str | None, dict[str, Any]]] = {
    "error.invalid": ("organisation", "next", {**ORG, "partner_id": {"$ne": 1}}, "partner_id", {}),
    "error.too_long": (
        "organisation",
        "next",
        {**ORG, "partner_name": "C" * 201},
        "partner_name",
        {"max": 200},
    ),
    "error.required": ("organisation", "next", {**ORG, "partner_id": ""}, "partner_id", {}),
    "error.partner_id": ("organisation", "next", {**ORG, "partner_id": "12"}, "partner_id", {}),
    "error.choose_one": ("organisation", "next", {**ORG, "track": "huge"}, "track", {}),
    "error.areas_none": ("areas", "next", {"areas": ""}, "areas", {}),
    "error.choose_from_list": ("areas", "next", {"areas": "modern_work"}, "areas", {}),
    "error.not_a_number": ("usage", "next", {**USAGE, "acr_year_ago": "about 5k"}, "acr_year_ago", {}),
    "error.negative": ("usage", "next", {**USAGE, "customers_year_ago": "-3"}, "customers_year_ago", {}),
    "error.whole_number": (
        "usage",
        "next",
        {**USAGE, "customers_last_month": "4.5"},
        "customers_last_month",
        {},
    ),
    "error.too_large": (
        "usage",
        "next",
        {**USAGE, "acr_last_month": "2e9"},
        "acr_last_month",
        {"max": "1,000,000,000"},
    ),
    "error.year_ago_missing": ("usage", "next", {**USAGE, "acr_year_ago": " "}, "acr_year_ago", {}),
    "error.service_name_too_long": (
        "services",
        "next",
        {"services_other": "S" * 101},
        "services_other",
        {"max": 100},
    ),
    "error.control_characters": (
        "people",
        "save_person",
        # A right-to-left override makes "Ada" + "txt.exe" display as something else: a forged submit.
        {"person_name": "Ada\u202etxt.exe", "person_certs": "azure-developer"},
        "person_name",
        {},
    ),
    "error.person_without_name": (
        "people",
        "save_person",
        {"person_name": "", "person_certs": "azure-developer"},
        "person_name",
        {},
    ),
    "error.unknown_certification": (
        "people",
        "save_person",
        {"person_name": "Ada", "person_codes": "qqqqqqqqqq"},
        "person_codes",
        {"code": "qqqqqqqqqq"},
    ),
    "error.unknown_certification_suggest": (
        "people",
        "save_person",
        {"person_name": "Ada", "person_codes": "AZ-10"},
        "person_codes",
        None,
    ),
    "error.too_many": (
        "people",
        "save_person",
        {"person_name": "Ada", "person_certs": ",".join(SLUGS[:41])},
        "person_certs",
        {"max": 40},
    ),
    "error.duplicate_person": (
        "people",
        "save_person",
        {"person_name": "grace", "person_certs": ""},
        "person_name",
        {"name": "grace"},
    ),
    "error.too_many_people": (
        "people",
        "bulk",
        {"bulk": "One more: AZ-104"},  # after 300 people (set up in the test)
        None,
        {"max": 300},
    ),
    "error.too_many_lines": (
        "people",
        "bulk",
        {"bulk": "\n".join(f"P{i}: AZ-104" for i in range(301))},
        "bulk",
        {"max": 300},
    ),
    "error.bulk_no_name": ("people", "bulk", {"bulk": ": AZ-104"}, None, {"line": 1}),
    "error.bulk_name_too_long": (
        "people",
        "bulk",
        {"bulk": f"{LONG}: AZ-104"},
        None,
        {"line": 1, "max": 100},
    ),
    "error.bulk_no_certifications": ("people", "bulk", {"bulk": "Lin"}, None, {"line": 1, "name": "Lin"}),
    "error.bulk_too_many": (
        "people",
        "bulk",
        {"bulk": "Lin: " + ", ".join(["AZ-104"] * 41)},
        None,
        {"line": 1, "name": "Lin", "max": 40},
    ),
    "error.bulk_unknown": (
        "people",
        "bulk",
        {"bulk": "Lin: qqqqqqqqqq"},
        None,
        {"line": 1, "name": "Lin", "code": "qqqqqqqqqq"},
    ),
    "error.bulk_unknown_suggest": ("people", "bulk", {"bulk": "Lin: AZ-10"}, None, None),
    "error.bulk_more": (
        "people",
        "bulk",
        {"bulk": "\n".join(f"P{i}: qqqqqqqqqq" for i in range(7))},
        None,
        {"count": 2},
    ),
}


def test_the_table_covers_every_validation_message() -> None:
    keys = {k.removeprefix("intake.") for k in catalog("en") if k.startswith("intake.error.")}
    assert keys == set(CASES)


@pytest.mark.parametrize("key", sorted(CASES))
async def test_each_validation_message_is_shown_where_it_belongs(harness: Harness, key: str) -> None:
    step, nav, inputs, field, params = CASES[key]
    await walk_to(harness, step)
    if key == "error.duplicate_person":
        await harness.press("save_person", person_name="Grace", person_certs="azure-administrator")
    if key == "error.too_many_people":
        await harness.press("bulk", bulk="\n".join(f"P{i}: AZ-104" for i in range(300)))
    await harness.press(nav, **inputs)
    assert harness.step() == step
    if params is None:  # a message with catalog suggestions: its fixed part is checked
        expected = t("en", f"intake.{key}", line=1, name="Lin", code="AZ-10", suggestions="\0").split("\0")[0]
        assert expected in harness.text(), key
        return
    expected = t("en", f"intake.{key}", **params)
    if field is not None:
        assert field_error(harness.last_card, field) == expected
    assert expected in harness.text()
