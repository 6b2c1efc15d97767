"""The app in a group chat of the real client (the manifest's groupChat scope): installing it there welcomes
the chat, and a question that @mentions the bot, as Teams requires outside personal chats, is answered from
the organisation's profile."""

from __future__ import annotations

import re

from e2e_client import PlaygroundChat
from e2e_harness import Stack
from test_questions import worked_example_da_4a

from cards.i18n import t
from scoring import load_profile, score_profile


def test_group_chat_install_and_mentioned_question(chat: PlaygroundChat, stack: Stack) -> None:
    profile = worked_example_da_4a()
    stack.import_profile(profile)
    expected = score_profile(load_profile(profile))
    chat.open()
    chat.wait_reply(0, t("en", "service.welcome")[:40])

    chat.open_conversation(str(stack.config["groupChat"]["name"]))
    chat.wait_reply(0, t("en", "service.welcome")[:40])
    before = chat.send_mentioning(str(stack.config["bot"]["name"]), "What is my Infrastructure score?")
    infrastructure = next(d for d in expected.designations if d.area == "infrastructure")
    area = re.escape(t("en", "common.area.infrastructure"))
    answer = chat.wait_reply(before, re.compile(rf"{area}.*\b{infrastructure.score}/100"))
    chat.screenshot("group-chat-score", answer)
