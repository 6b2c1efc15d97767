"""Messages a clumsy user or a broken client sends, through the real service (real parts)."""

from __future__ import annotations

from typing import Any

from botcore_helpers import MockConnector, activity
from qa_helpers import cards, post, text_of

from cards.i18n import t


def mention(name: str, bot_id: str = "28:bot") -> dict[str, Any]:
    return {"type": "mention", "mentioned": {"id": bot_id, "name": name}, "text": f"<at>{name}</at>"}


async def test_broken_mention_entities_get_a_normal_answer_not_the_error_message(
    client, connector: MockConnector
) -> None:
    broken = [
        [{"type": "mention"}],
        [{"type": "mention", "mentioned": "28:bot"}],
        [{"type": "mention", "mentioned": {"id": "28:bot"}}],
        [{"type": "mention", "mentioned": {"id": "28:bot", "name": None}, "text": 5}],
    ]
    for entities in broken:
        connector.calls.clear()
        assert (await post(client, activity(connector.url, "help", entities=entities))).status == 201
        assert connector.texts() != [t("en", "service.error_generic")], entities
        assert len(connector.texts()) == 1


async def test_an_at_mention_with_brackets_in_the_bot_name_still_cancels_the_intake(
    client, connector: MockConnector
) -> None:
    start = activity(connector.url, "<at>Partner Score (Dev)</at> start", conversation="g",
                     entities=[mention("Partner Score (Dev)")])
    start["conversation"]["conversationType"] = "groupChat"
    await post(client, start)
    assert cards(connector.activities), connector.texts()  # the intake opened
    connector.calls.clear()
    body = activity(connector.url, "<at>Partner Score (Dev)</at> cancel", conversation="g",
                    entities=[mention("Partner Score (Dev)")])
    body["conversation"]["conversationType"] = "groupChat"  # where an @mention is required
    await post(client, body)
    shown = cards(connector.activities)
    assert len(shown) == 1 and t("en", "intake.closed.cancelled") in text_of(shown[0])


async def test_cancel_or_back_with_no_form_open_says_there_is_nothing_to_cancel(
    client, connector: MockConnector
) -> None:
    for text, locale in (("cancel", "en-US"), ("annuler", "fr-FR"), ("zurück", "de-DE"), ("back", "ko-KR")):
        connector.calls.clear()
        await post(client, activity(connector.url, text, locale=locale))
        assert connector.texts() == [t(locale[:2], "intake.nothing_open")], (text, locale)


async def test_the_nothing_open_reply_names_phrases_the_bot_understands(client, connector) -> None:
    """The reply suggests "update my data" and a score question: both must work when typed."""
    for locale in ("en", "fr", "de", "ko", "zh-TW"):
        text = t(locale, "intake.nothing_open")
        quoted = _quoted(text)
        assert len(quoted) == 2, (locale, text)
        connector.calls.clear()
        await post(client, activity(connector.url, quoted[0], locale=locale, conversation=f"q-{locale}"))
        opened = cards(connector.activities)
        assert opened, (locale, quoted[0], connector.texts())
        # The intake opened at its first step of five (organisation, areas, people, usage, services).
        assert t(locale, "intake.progress", step=1, total=5) in text_of(opened[0]), (locale, quoted[0])
        connector.calls.clear()
        await post(client, activity(connector.url, quoted[1], locale=locale, conversation=f"s-{locale}"))
        assert connector.texts() == [t(locale, "answers.no_profile")], (locale, quoted[1])


def _quoted(text: str) -> list[str]:
    import re

    return [m.strip() for m in re.findall(r"[\"“„«「]\s*([^\"”“»」]+?)\s*[\"”“»」]", text)]
