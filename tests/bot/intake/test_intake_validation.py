"""Every server-side validation message: the card comes back with the user's values kept and the
message right under the wrong field (Teams clients skip client-side checks)."""

from __future__ import annotations

import pytest
from intake_harness import ORG, USAGE, Harness, field_error, walk_to

CASES = [
    # step, inputs, field, message
    ("organisation", {**ORG, "partner_id": ""}, "partner_id", "Please fill this in."),
    ("organisation", {**ORG, "partner_id": "44-12345"}, "partner_id", "A partner ID is 4 to 10 digits."),
    ("organisation", {**ORG, "partner_name": "   "}, "partner_name", "Please fill this in."),
    ("organisation", {**ORG, "partner_name": "C" * 201}, "partner_name", "Too long: at most 200 characters."),
    ("organisation", {**ORG, "market": "mars"}, "market", "Choose one of the options."),
    (
        "organisation",
        {**ORG, "partner_name": "Contoso\nLtd"},
        "partner_name",
        "Remove the hidden control characters (line breaks, text-direction marks) from this field.",
    ),
    ("organisation", {**ORG, "track": "startup"}, "track", "Choose one of the options."),
    ("organisation", {**ORG, "rules": "1999"}, "rules", "Choose one of the options."),
    ("areas", {"areas": ""}, "areas", "Choose at least one area."),
    ("areas", {"areas": "data_ai,modern_work"}, "areas", "Choose from the list."),
    ("usage", {**USAGE, "customers_last_month": "-2"}, "customers_last_month", "This cannot be negative."),
    ("usage", {**USAGE, "acr_last_month": "-100"}, "acr_last_month", "This cannot be negative."),
    (
        "usage",
        {**USAGE, "acr_last_month": "lots"},
        "acr_last_month",
        "Enter a number, like 1200 or 1,200.50.",
    ),
    ("usage", {**USAGE, "customers_year_ago": "2.5"}, "customers_year_ago", "Enter a whole number."),
    (
        "usage",
        {**USAGE, "customers_last_month": "250000"},
        "customers_last_month",
        "That is more than the maximum of 100,000. Please check the figure.",
    ),
    (
        "usage",
        {**USAGE, "acr_year_ago": "5000000000"},
        "acr_year_ago",
        "That is more than the maximum of 1,000,000,000. Please check the figure.",
    ),
    (
        "usage",
        {**USAGE, "acr_year_ago": ""},
        "acr_year_ago",
        "The figure for the same month a year earlier is missing: growth is measured against it.",
    ),
    (
        "usage",
        {**USAGE, "customers_year_ago": ""},
        "customers_year_ago",
        "The figure for the same month a year earlier is missing: growth is measured against it.",
    ),
    ("usage", {**USAGE, "acr_last_month": ""}, "acr_last_month", "Please fill this in."),
    ("usage", {**USAGE, "consumption_12m": "-1"}, "consumption_12m", "This cannot be negative."),
    (
        "services",
        {"services": "Azure SQL Database,Azure Quantum Teleporter"},
        "services",
        "Choose from the list.",
    ),
    (
        "services",
        {"services_other": "S" * 101},
        "services_other",
        "A service name has at most 100 characters.",
    ),
]


@pytest.mark.parametrize(
    ("step", "inputs", "field", "message"), CASES, ids=[f"{c[0]}-{c[2]}-{i}" for i, c in enumerate(CASES)]
)
async def test_a_wrong_field_comes_back_with_its_message_and_the_values_kept(
    harness: Harness, step: str, inputs: dict, field: str, message: str
) -> None:
    await walk_to(harness, step)
    await harness.press("next", **inputs)
    assert harness.step() == step, "a wrong value never moves the intake on"
    assert field_error(harness.last_card, field) == message
    assert "Please correct the field marked below." in harness.text()
    for name, value in inputs.items():
        shown = harness.inputs()[name].get("value", "")
        assert shown == value.strip()[:200], name  # what the user typed is still there (long values cut)


async def test_several_wrong_fields_each_get_their_message(harness: Harness) -> None:
    await walk_to(harness, "usage")
    await harness.press(
        "next", customers_last_month="-1", customers_year_ago="x", acr_last_month="", acr_year_ago=""
    )
    assert field_error(harness.last_card, "customers_last_month") == "This cannot be negative."
    assert field_error(harness.last_card, "customers_year_ago") == "Enter a number, like 1200 or 1,200.50."
    assert field_error(harness.last_card, "acr_last_month") == "Please fill this in."
    assert field_error(harness.last_card, "acr_year_ago").startswith("The figure for the same month")
    assert "Please correct the 4 fields marked below." in harness.text()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("112,700", 112700.0),
        ("112 700.50", 112700.5),
        ("$1,000", 1000.0),
        ("1.234,5", 1234.5),
        ("100000", 100000.0),
    ],
)
async def test_money_is_read_as_people_type_it(harness: Harness, typed: str, expected: float) -> None:
    from bot.intake.validate import parse_number

    assert parse_number(typed) == expected


async def test_a_person_without_a_name(harness: Harness) -> None:
    await walk_to(harness, "people")
    await harness.press("save_person", person_name=" ", person_certs="azure-administrator")
    assert field_error(harness.last_card, "person_name") == "Every person needs a name."
    assert harness.inputs()["person_certs"]["value"] == "azure-administrator"


async def test_an_unknown_certification_gets_three_suggestions_the_closest_first(harness: Harness) -> None:
    await walk_to(harness, "people")
    await harness.press("save_person", person_name="Ada", person_certs="AZ-30")
    message = field_error(harness.last_card, "person_certs")
    head = 'Unknown certification "AZ-30". Did you mean: Azure Solutions Architect Expert (AZ-305), '
    assert message.startswith(head) and message.endswith("?")
    assert len(message.removeprefix(head).split("), ")) == 2  # two more suggestions after the closest


async def test_typed_codes_are_read_like_the_choices_and_typos_get_suggestions(harness: Harness) -> None:
    await walk_to(harness, "people")
    await harness.press(
        "save_person", person_name="Ada", person_certs="azure-administrator", person_codes="az-305; DP-30"
    )
    message = field_error(harness.last_card, "person_codes")
    assert message.startswith('Unknown certification "DP-30". Did you mean: ')
    assert harness.inputs()["person_codes"]["value"] == "az-305; DP-30"
    await harness.press(
        "save_person", person_name="Ada", person_certs="azure-administrator", person_codes="az-305"
    )
    assert "Added Ada." in harness.text() and "AZ-104, AZ-305" in harness.text()


async def test_every_wrong_field_of_the_person_form_is_reported_at_once(harness: Harness) -> None:
    await walk_to(harness, "people")
    await harness.press("save_person", person_name="", person_certs="not-a-cert", person_codes="XX-1")
    assert field_error(harness.last_card, "person_name") == "Every person needs a name."
    assert field_error(harness.last_card, "person_certs").startswith('Unknown certification "not-a-cert"')
    assert field_error(harness.last_card, "person_codes").startswith('Unknown certification "XX-1"')


async def test_the_same_person_twice_is_refused(harness: Harness) -> None:
    await walk_to(harness, "people")
    await harness.press("save_person", person_name="Ada", person_certs="azure-administrator")
    await harness.press("save_person", person_name="ada", person_certs="azure-developer")
    assert (
        field_error(harness.last_card, "person_name")
        == "ada is already in the list: edit that person instead."
    )


async def test_next_with_a_half_typed_person_checks_it_first(harness: Harness) -> None:
    await walk_to(harness, "people")
    await harness.press("next", person_name="", person_certs="azure-administrator", bulk="Grace: AZ-104")
    assert harness.step() == "people"
    assert field_error(harness.last_card, "person_name") == "Every person needs a name."
    assert harness.inputs()["bulk"]["value"] == "Grace: AZ-104"  # the paste is kept too


async def test_bulk_paste_takes_good_lines_and_returns_bad_ones_with_a_message_each(harness: Harness) -> None:
    await walk_to(harness, "people")
    paste = "\n".join(
        [
            "Ada: AZ-305, AZ-104",
            ": AZ-104",
            "Grace: AZ-999",
            "Lin",
            "Ada: DP-300",
            "Bo\tAZ-204; PL-400",
        ]
    )
    await harness.press("bulk", bulk=paste)
    text = harness.text()
    assert "Added 2 from the list; 3 lines need fixing (kept in the box below)." in text
    assert "Line 1: the name is missing (write it as Name: AZ-305, AZ-104)." in text
    assert 'Line 2 (Grace): unknown certification "AZ-999". Did you mean:' in text
    assert "Line 3 (Lin): no certifications (write it as Lin: AZ-305, AZ-104)." in text
    assert harness.inputs()["bulk"]["value"] == ": AZ-104\nGrace: AZ-999\nLin"
    # The second Ada line adds to Ada; a spreadsheet row (a tab after the name) works.
    assert "2 people so far\nAda\nAZ-305, AZ-104, DP-300\nEdit\nBo\nAZ-204, PL-400\nEdit\n" in text


async def test_too_many_bad_lines_are_counted_not_all_listed(harness: Harness) -> None:
    await walk_to(harness, "people")
    await harness.press("bulk", bulk="\n".join(f"P{i}: NOPE-{i}" for i in range(9)))
    assert "… and 4 more lines with problems." in harness.text()


async def test_a_paste_over_the_maximum_is_refused_whole(harness: Harness) -> None:
    await walk_to(harness, "people")
    await harness.press("bulk", bulk="\n".join(f"P{i}: AZ-104" for i in range(301)))
    assert field_error(harness.last_card, "bulk") == "At most 300 lines at a time."
    assert "0 people so far" in harness.text()


async def test_more_people_than_the_maximum_are_refused(harness: Harness) -> None:
    await walk_to(harness, "people")
    await harness.press("bulk", bulk="\n".join(f"P{i}: AZ-104" for i in range(300)))
    assert "300 people so far" in harness.text()
    await harness.press("save_person", person_name="One more", person_certs="azure-administrator")
    assert field_error(harness.last_card, "person_name") == "At most 300 people."


async def test_messages_are_in_the_users_language(services) -> None:  # type: ignore[no-untyped-def]
    h = Harness(services, locale="fr-FR")
    await walk_to(h, "usage")
    await h.press("next", **{**USAGE, "acr_last_month": "-5"})
    assert field_error(h.last_card, "acr_last_month") == "Cette valeur ne peut pas être négative."
    h2 = Harness(services, locale="zh-TW")  # the same conversation, now in Traditional Chinese
    await h2.start()
    assert "歡迎回來" in h2.text() and "客戶與使用量" in h2.text()


@pytest.mark.parametrize(
    ("typed", "locale", "expected"),
    [
        ("1.500", "de", 1500.0),
        ("1.500", "en", 1.5),
        ("1,500", "fr", 1.5),
        ("1,500", "en", 1500.0),
        ("1 500,5", "fr", 1500.5),
        ("112 700 $ US", "fr", 112700.0),
        ("1500.5", "de", 1500.5),  # what Input.Number sends, whatever the client's language
        ("1.234,5", "en", 1234.5),  # not English, but unambiguous
        ("12 34", "fr", None),
    ],
)
def test_typed_numbers_are_read_the_way_the_users_locale_writes_them(typed: str, locale: str,
                                                                    expected: float | None) -> None:
    from bot.intake.validate import parse_number

    assert parse_number(typed, locale) == expected


async def test_a_german_user_typing_1_500_customers_means_fifteen_hundred(services) -> None:
    harness = Harness(services, locale="de")
    await walk_to(harness, "usage")
    await harness.press("next", **{**USAGE, "customers_last_month": "1.500", "customers_year_ago": "1.200"})
    assert harness.step() == "services"


async def test_an_english_user_typing_1_500_customers_is_asked_for_a_whole_number(services) -> None:
    harness = Harness(services, locale="en")
    await walk_to(harness, "usage")
    await harness.press("next", **{**USAGE, "customers_last_month": "1.500", "customers_year_ago": "1.200"})
    assert harness.step() == "usage"
    assert field_error(harness.last_card, "customers_last_month") == "Enter a whole number."
