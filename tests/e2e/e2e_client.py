"""Drives the Agents Playground web UI (Playwright, sync API) the way a user does: type, choose, click.

Selectors are what the pinned playground (0.2.28) renders: bot messages are Fluent `fai-OutputCard`
bubbles, Adaptive Cards are rendered by the Adaptive Cards JS renderer (`ac-adaptiveCard`), the composer is
a Lexical rich-text editor. Waits are explicit (a reply appears, a text shows up), never fixed sleeps.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

BOT_MESSAGE = ".fai-OutputCard"
CARD = ".ac-adaptiveCard"
REPLY_TIMEOUT_MS = 45_000

# Index of the first bot message at or after `start` whose text (or whose `inner` element's text) matches;
# false while none does (an object, because wait_for_function treats a returned 0 as "not yet").
_FIND_JS = """([selector, inner, start, pattern, flags]) => {
  const nodes = document.querySelectorAll(selector);
  const re = pattern === null ? null : new RegExp(pattern, flags);
  for (let i = start; i < nodes.length; i++) {
    const node = inner === null ? nodes[i] : nodes[i].querySelector(inner);
    if (node === null) continue;
    const text = node.innerText || "";
    if (re === null ? text.trim().length > 0 : re.test(text)) return {index: i};
  }
  return false;
}"""


class PlaygroundChat:
    """The personal chat with the bot in the playground, plus numbered screenshots of each step."""

    def __init__(self, page: Page, url: str, screenshots: Path) -> None:
        self.page = page
        self.url = url
        self.screenshots = screenshots
        self.screenshots.mkdir(parents=True, exist_ok=True)

    # --- navigation -----------------------------------------------------------------------------------
    def open(self) -> None:
        """Loads the client; the playground sends installationUpdate + conversationUpdate on each load."""
        self.page.goto(self.url, wait_until="domcontentloaded")
        self.composer.wait_for(state="visible", timeout=60_000)

    @property
    def composer(self) -> Locator:
        # The message box is a Lexical rich-text editor; card inputs are textboxes too, so not by role.
        return self.page.locator('[data-lexical-editor="true"]').first

    @property
    def bot_messages(self) -> Locator:
        return self.page.locator(BOT_MESSAGE)

    def bot_message_count(self) -> int:
        return self.bot_messages.count()

    # --- sending --------------------------------------------------------------------------------------
    def send(self, text: str) -> int:
        """Types `text` into the composer and sends it; returns the bot message count before sending."""
        before = self.bot_message_count()
        self.composer.click()
        self.page.keyboard.type(text)
        self.page.keyboard.press("Enter")
        # Sent: the composer is cleared once the playground accepted the message.
        expect(self.composer).to_have_text("", timeout=10_000)
        return before

    def open_conversation(self, name: str) -> None:
        """Switches to another conversation of the left rail (a group chat or a team channel); the
        playground installs the app there on first visit."""
        shown = self.bot_messages.first.element_handle() if self.bot_message_count() else None
        self.page.get_by_role("treeitem", name=name).first.click()
        if shown is not None:  # the previous conversation's messages are gone: the switch happened
            self.page.wait_for_function("node => !node.isConnected", arg=shown)
        self.composer.wait_for(state="visible")

    def send_mentioning(self, bot_name: str, text: str) -> int:
        """Sends `@bot text` picking the bot in the mention picker, as group chats and channels require
        (Teams only delivers messages that @mention the bot there)."""
        before = self.bot_message_count()
        self.composer.click()
        self.page.keyboard.type("@" + bot_name.split()[0])
        self.page.get_by_role("menuitem", name=bot_name).first.click()
        self.page.keyboard.type(" " + text)
        self.page.keyboard.press("Enter")
        expect(self.composer).to_have_text("", timeout=10_000)
        return before

    def send_as_activity(self, text: str, locale: str) -> int:
        """Sends a message with another client language, the way a Teams client set to that language
        does (its `locale`), through the playground's "Mock an Activity > Custom activity" editor (the
        composer always sends en-US). Returns the bot message count before sending."""
        before = self.bot_message_count()
        template = self.page.evaluate(
            "async (id) => (await fetch('/_internal/v1/customActivities/template?conversationId='"
            " + encodeURIComponent(id))).json()",
            self.conversation_id(),
        )
        tenant = template["conversation"]["tenantId"]
        activity = {
            **template,
            "type": "message",
            "text": text,
            "textFormat": "plain",
            "locale": locale,
            "channelData": {"tenant": {"id": tenant}},
        }
        self.page.get_by_text("Mock an Activity").click()
        self.page.get_by_role("menuitem", name="Custom activity").click()
        dialog = self.page.get_by_role("dialog")
        editor = dialog.locator(".monaco-editor").first
        editor.click()
        self.page.keyboard.press("Control+A")
        self.page.keyboard.press("Delete")
        self.page.keyboard.insert_text(json.dumps(activity, ensure_ascii=False))
        # The editor auto-closes brackets: drop whatever it added after the pasted JSON.
        self.page.keyboard.press("Shift+Control+End")
        self.page.keyboard.press("Delete")
        dialog.get_by_role("button", name="Send activity").click()
        dialog.wait_for(state="hidden")
        return before

    def conversation_id(self) -> str:
        config = self.page.evaluate("async () => (await fetch('/_internal/v1/testConfig')).json()")
        return str(config["config"]["personalChat"]["id"])

    # --- waiting for replies ---------------------------------------------------------------------------
    def _find(
        self, inner: str | None, after: int, pattern: str | re.Pattern[str] | None, timeout_ms: int
    ) -> Locator:
        if isinstance(pattern, re.Pattern):
            source, flags = pattern.pattern, "i" if pattern.flags & re.IGNORECASE else ""
        elif pattern is None:
            source, flags = None, ""
        else:
            source, flags = re.escape(pattern), "i"
        handle = self.page.wait_for_function(
            _FIND_JS, arg=[BOT_MESSAGE, inner, after, source, flags], timeout=timeout_ms, polling=100
        )
        message = self.bot_messages.nth(int(handle.json_value()["index"]))
        message.scroll_into_view_if_needed()
        return message

    def wait_reply(
        self, after: int, pattern: str | re.Pattern[str] | None = None, timeout_ms: int = REPLY_TIMEOUT_MS
    ) -> Locator:
        """The first bot message with index >= `after` whose text matches `pattern` (any text if None);
        a plain string matches case-insensitively as a substring."""
        return self._find(None, after, pattern, timeout_ms)

    def wait_card(
        self, after: int, pattern: str | re.Pattern[str] | None = None, timeout_ms: int = REPLY_TIMEOUT_MS
    ) -> Locator:
        """The first Adaptive Card, in a bot message with index >= `after`, whose text matches."""
        return self._find(CARD, after, pattern, timeout_ms).locator(CARD).first

    def last_card(self) -> Locator:
        return self.page.locator(CARD).last

    # --- cards ----------------------------------------------------------------------------------------
    @staticmethod
    def fill(card: Locator, label: str | re.Pattern[str], value: str) -> None:
        """Types into the text/number input whose label matches."""
        field = card.get_by_label(label).first
        field.click()
        field.fill("")
        field.press_sequentially(value)

    def choose(self, card: Locator, label: str | re.Pattern[str], *options: str | re.Pattern[str]) -> None:
        """Opens a compact choice set (a combobox) and clicks the option(s): single choice sets list
        `option`s, multi-select ones `menuitemcheckbox`es that stay open until Escape."""
        card.get_by_role("combobox", name=label).first.click()
        for option in options:
            single = self.page.get_by_role("option", name=option)
            multi = self.page.get_by_role("menuitemcheckbox", name=option)
            single.or_(multi).first.click()
        if self.page.get_by_role("menuitemcheckbox").first.is_visible():
            self.page.keyboard.press("Escape")

    def card_with(self, text: str | re.Pattern[str], timeout_ms: int = REPLY_TIMEOUT_MS) -> Locator:
        """The latest card showing `text` (cards updated in place by Action.Execute keep their message)."""
        card = self.page.locator(CARD, has_text=text).last
        card.wait_for(timeout=timeout_ms)
        return card

    @staticmethod
    def tick(card: Locator, option: str | re.Pattern[str], on: bool = True) -> None:
        """Checks or unchecks an expanded multi-select choice or a toggle."""
        box = card.get_by_role("checkbox", name=option).first
        box.set_checked(on)

    @staticmethod
    def click(card: Locator, button: str | re.Pattern[str]) -> None:
        card.get_by_role("button", name=button).first.click()

    # --- evidence -------------------------------------------------------------------------------------
    def screenshot(self, name: str, element: Locator | None = None) -> Path:
        """Saves `NN-name.png` (the viewport, with `element` scrolled into view) under the screenshots dir."""
        number = len(list(self.screenshots.glob("*.png"))) + 1
        path = self.screenshots / f"{number:02d}-{name}.png"
        if element is not None:
            element.scroll_into_view_if_needed()
        self.page.screenshot(path=str(path))
        return path
