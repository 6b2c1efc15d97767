"""Install in the real client: the playground installs the app when the chat opens; a partner with no
saved data gets the welcome text and the first intake card, rendered by Teams' Adaptive Card renderer."""

from __future__ import annotations

from e2e_client import PlaygroundChat

from cards.i18n import t


def test_install_shows_welcome_and_starts_intake(chat: PlaygroundChat) -> None:
    chat.open()
    welcome = chat.wait_reply(0, t("en", "service.welcome")[:60])
    card = chat.wait_card(0, t("en", "intake.organisation.title"))

    assert card.get_by_label(t("en", "intake.organisation.partner_id")).first.is_visible()
    assert card.get_by_label(t("en", "intake.organisation.partner_name")).first.is_visible()
    assert welcome.is_visible()
    chat.screenshot("welcome-and-organisation-card", card)
