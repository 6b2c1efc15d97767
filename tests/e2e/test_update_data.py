"""A returning partner in the real client: "update my data" opens the intake on the saved profile (values
filled in), a change that is cancelled leaves the saved profile as it was."""

from __future__ import annotations

import re

from e2e_client import PlaygroundChat
from e2e_harness import Stack
from test_questions import worked_example_da_4a

from cards.i18n import t


def en(key: str, **params: object) -> str:
    return t("en", key, **params)


def test_update_my_data_shows_saved_values_and_cancel_keeps_them(chat: PlaygroundChat, stack: Stack) -> None:
    stack.import_profile(worked_example_da_4a())
    chat.open()
    chat.wait_reply(0, en("service.welcome")[:40])

    before = chat.send("update my data")
    card = chat.wait_card(before, en("intake.organisation.title"))
    name = card.get_by_label(en("intake.organisation.partner_name")).first
    assert name.input_value() == "Contoso Ltd"
    assert card.get_by_label(en("intake.organisation.partner_id")).first.input_value() == "4412345"
    chat.fill(card, en("intake.organisation.partner_name"), "Renamed Ltd")
    chat.screenshot("update-organisation", card)
    chat.click(card, en("intake.button.cancel"))
    closed = chat.card_with(en("intake.closed.cancelled"))
    chat.screenshot("cancelled", closed)

    before = chat.send("What is my score?")
    score = chat.wait_reply(before, re.compile(r"\d+/100"))
    chat.screenshot("score-after-cancel", score)
    text = "\n".join(chat.bot_messages.all_inner_texts()[before:])
    assert "Contoso Ltd" in text and "Renamed Ltd" not in text
