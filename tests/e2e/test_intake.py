"""The guided intake in the real client: every step is filled through the rendered Adaptive Cards (typing,
choosing from the dropdowns, ticking, clicking), bad input comes back on the card next to the field, and
confirming shows the scorecard the scoring engine computes for the same data."""

from __future__ import annotations

import re

from e2e_client import PlaygroundChat
from e2e_harness import Stack
from test_questions import worked_example_da_4a

from cards.i18n import t
from scoring import load_profile, score_profile


def en(key: str, **params: object) -> str:
    return t("en", key, **params)


def test_invalid_partner_id_is_shown_on_the_card_next_to_the_field_with_values_kept(
        chat: PlaygroundChat) -> None:
    chat.open()
    card = chat.wait_card(0, en("intake.organisation.title"))
    chat.fill(card, en("intake.organisation.partner_id"), "12")
    chat.fill(card, en("intake.organisation.partner_name"), "Contoso Ltd")
    chat.click(card, en("intake.button.next"))

    card = chat.card_with(en("intake.error.partner_id"))
    chat.screenshot("partner-id-error-on-card", card)
    assert en("intake.notice.fix_errors", count=1) in card.inner_text()
    assert card.get_by_label(en("intake.organisation.partner_id")).first.input_value() == "12"
    assert card.get_by_label(en("intake.organisation.partner_name")).first.input_value() == "Contoso Ltd"
    # Still on the first step: nothing moved on with a bad value.
    assert en("intake.progress", step=1, total=5) in card.inner_text()


def test_whole_intake_through_the_cards_ends_with_the_scorecard(chat: PlaygroundChat, stack: Stack) -> None:
    chat.open()
    # 1. Organisation.
    card = chat.wait_card(0, en("intake.organisation.title"))
    chat.fill(card, en("intake.organisation.partner_id"), "4412345")
    chat.fill(card, en("intake.organisation.partner_name"), "Contoso Ltd")
    chat.screenshot("1-organisation", card)
    chat.click(card, en("intake.button.next"))

    # 2. Areas: Data & AI first.
    card = chat.card_with(en("intake.areas.title"))
    chat.tick(card, en("common.area.data_ai"))
    chat.screenshot("2-areas", card)
    chat.click(card, en("intake.button.next"))

    # 3. People: one through the form (certification chosen from the dropdown), two pasted as a list.
    card = chat.card_with(en("intake.people.title"))
    chat.fill(card, en("intake.people.name"), "Ada")
    chat.choose(card, en("intake.people.certifications"), re.compile(r"\(AZ-305\)"))
    chat.click(card, en("intake.button.add_person"))
    card = chat.card_with(en("intake.notice.person_added", name="Ada"))
    chat.fill(card, en("intake.people.bulk_label"), "Bo: AZ-104, DP-300\nCy: AZ-104, AI-102")
    chat.click(card, en("intake.button.bulk"))
    card = chat.card_with(en("intake.notice.bulk_added", count=2))
    assert en("intake.people.count", count=3) in card.inner_text()
    chat.screenshot("3-people", card)
    chat.click(card, en("intake.button.next"))

    # 4. Customers and usage: the year-ago customer figure forgotten first.
    card = chat.card_with(en("intake.usage.title"))
    chat.fill(card, en("intake.usage.customers_last_month"), "5")
    chat.fill(card, en("intake.usage.acr_last_month"), "112700")
    chat.fill(card, en("intake.usage.acr_year_ago"), "100000")
    chat.click(card, en("intake.button.next"))
    card = chat.card_with(en("intake.error.year_ago_missing"))
    assert card.get_by_label(en("intake.usage.acr_last_month")).first.input_value() == "112700"
    chat.screenshot("4-usage-error", card)
    chat.fill(card, en("intake.usage.customers_year_ago"), "3")
    chat.click(card, en("intake.button.next"))

    # 5. Deployed services, chosen from the list.
    card = chat.card_with(en("intake.services.title"))
    chat.choose(card, en("intake.services.label"), "Azure SQL Database", "Azure App Service")
    chat.screenshot("5-services", card)
    chat.click(card, en("intake.button.review"))

    # Review, then confirm.
    card = chat.card_with(en("intake.review.title"))
    review = card.inner_text()
    for fact in ("4412345", "Contoso Ltd", "Ada", "Bo", "Cy", "Azure SQL Database", "$112,700"):
        assert fact in review, fact
    chat.screenshot("6-review", card)
    chat.click(card, en("intake.button.confirm"))

    scorecard = chat.card_with(en("cards.title"))
    text = scorecard.inner_text()
    # What the steps above entered: the profile the question tests import.
    expected = score_profile(load_profile(worked_example_da_4a()))
    assert "Contoso Ltd" in text
    for designation in expected.designations:
        area = en(f"common.area.{designation.area}")
        block = text.split(area, 1)[1]
        assert block.lstrip().startswith(en("cards.score_of", score=designation.score)), (area, block[:80])
    chat.page.set_viewport_size({"width": 1280, "height": 2600})
    chat.screenshot("7-scorecard", scorecard)
    scorecard.screenshot(path=str(chat.screenshots / "scorecard-card.png"))
