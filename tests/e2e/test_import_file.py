"""A file sent in the personal chat, in the real client. The playground cannot attach files, so the
message Teams sends for one (an attachment `application/vnd.microsoft.teams.file.download.info` with
a downloadUrl) goes through its "Custom activity" editor; the URL is a file server on loopback."""

from __future__ import annotations

import json
import sys

from e2e_client import PlaygroundChat
from e2e_harness import Stack
from test_questions import worked_example_da_4a

from cards.i18n import t

FILES_PORT = 56191
PEOPLE = "name,email,certification\nAda,,AZ-305\nBo,,AZ-104\nCy,,AZ-104\nGrace,grace@contoso.com,AZ-305\n"


def send_file(chat: PlaygroundChat, url: str, name: str) -> int:
    before = chat.bot_message_count()
    template = chat.page.evaluate(
        "async (id) => (await fetch('/_internal/v1/customActivities/template?conversationId='"
        " + encodeURIComponent(id))).json()",
        chat.conversation_id(),
    )
    activity = {
        **template,
        "type": "message",
        "text": "",
        "locale": "en-US",
        "channelData": {"tenant": {"id": template["conversation"]["tenantId"]}},
        "attachments": [{
            "contentType": "application/vnd.microsoft.teams.file.download.info",
            "name": name,
            "content": {"downloadUrl": url, "uniqueId": "e2e-1", "fileType": "csv"},
        }],
    }
    chat.page.get_by_text("Mock an Activity").click()
    chat.page.get_by_role("menuitem", name="Custom activity").click()
    dialog = chat.page.get_by_role("dialog")
    dialog.locator(".monaco-editor").first.click()
    chat.page.keyboard.press("Control+A")
    chat.page.keyboard.press("Delete")
    chat.page.keyboard.insert_text(json.dumps(activity))
    chat.page.keyboard.press("Shift+Control+End")  # the editor auto-closes brackets: drop them
    chat.page.keyboard.press("Delete")
    dialog.get_by_role("button", name="Send activity").click()
    dialog.wait_for(state="hidden")
    return before


def test_a_people_file_is_previewed_then_applied(chat: PlaygroundChat, stack: Stack) -> None:
    stack.import_profile(worked_example_da_4a())
    folder = stack.artifacts / "files"
    folder.mkdir(exist_ok=True)
    (folder / "people.csv").write_text(PEOPLE, encoding="utf-8")
    server = stack._spawn("files", [sys.executable, "-m", "http.server", str(FILES_PORT), "--bind",
                                    "127.0.0.1", "--directory", str(folder)], stack.bot_env())
    url = f"http://127.0.0.1:{FILES_PORT}/people.csv"
    stack._wait(server, url, timeout=30)
    chat.open()
    chat.wait_reply(0, t("en", "service.welcome")[:40])

    before = send_file(chat, url, "people.csv")
    card = chat.wait_card(before, t("en", "imports.preview_title"))
    chat.screenshot("import-preview", card)
    text = card.inner_text()
    assert "people.csv: people and certifications, 4 rows" in text
    assert "People: 3 → 4" in text and "Grace" in text

    before = chat.bot_message_count()
    chat.click(card, t("en", "imports.apply"))
    saved = chat.wait_reply(before, "Saved. Your organisation now has 4 people on file.")
    chat.screenshot("import-applied", saved)
