"""The monthly notification in the real client: the install subscribes the chat, `python -m bot notify`
(a separate process, as an operator or cron would run it) sends through the playground's connector with
continue_conversation, and the card appears in the chat; a second run sends nothing again."""

from __future__ import annotations

import datetime as dt
import re

from e2e_client import PlaygroundChat
from e2e_harness import Stack
from test_questions import worked_example_da_4a

from cards.i18n import t


def test_monthly_notification_arrives_in_the_chat_once(chat: PlaygroundChat, stack: Stack) -> None:
    stack.import_profile(worked_example_da_4a())
    chat.open()
    chat.wait_reply(0, t("en", "service.welcome")[:40])
    month = dt.datetime.now(dt.UTC).strftime("%Y-%m")
    before = chat.bot_message_count()

    run = stack.run_bot_command("notify", "--month", month)
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.search(rf"notify {month}: sent 1\b", run.stdout), run.stdout

    title = t("en", "notify.title", month="\x00").split("\x00")[0].strip()
    card = chat.wait_card(before, title)
    text = card.inner_text()
    assert "Contoso Ltd" in text
    assert t("en", "common.area.data_ai") in text
    chat.screenshot("monthly-notification", card)

    again = stack.run_bot_command("notify", "--month", month)
    assert again.returncode == 0, again.stdout + again.stderr
    assert re.search(rf"notify {month}: sent 0\b", again.stdout), again.stdout
    assert chat.page.locator(".ac-adaptiveCard", has_text=title).count() == 1
