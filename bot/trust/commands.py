"""Recognising the trust commands in a message: a small, local check the handler runs before the
question answering ("undo", "history of changes", "add @Ada as owner"... in the five languages).

Phrases are locale data (`trust.cmd_*` in cards/locales/<lang>/trust.json, `|`-separated); `{who}`
stands for a person. The user's language and English are both accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

from cards.i18n import t

Kind = Literal["undo", "history", "owners", "add_owner", "remove_owner"]
_COMMANDS: tuple[tuple[Kind, str], ...] = (
    ("undo", "trust.cmd_undo"),
    ("history", "trust.cmd_history"),
    ("owners", "trust.cmd_owners"),
    ("add_owner", "trust.cmd_add_owner"),
    ("remove_owner", "trust.cmd_remove_owner"),
)
_MENTION = re.compile(r"<at>(.*?)</at>", re.IGNORECASE | re.DOTALL)
_EDGE_PUNCTUATION = " \t\r\n?!.。？！,，:：;；\"'«»“”„「」"
_MAX_LENGTH = 200  # longer messages are questions, not commands


@dataclass(frozen=True)
class Command:
    kind: Kind
    who: str | None = None  # the person named or @mentioned (add/remove owner), as typed


def _tidy(text: str) -> str:
    """Mentions as their names, white space folded, edge punctuation dropped; the case kept."""
    text = _MENTION.sub(lambda m: m.group(1), text)
    return " ".join(text.split()).strip(_EDGE_PUNCTUATION)


def normalise(text: str) -> str:
    return _tidy(text).casefold()


def _pattern(phrase: str) -> re.Pattern[str]:
    """A phrase as a full-match pattern: spaces optional (Korean and Chinese are written without
    them), `{who}` any text."""
    def literal(part: str) -> str:
        return r"\s*".join(re.escape(word) for word in part.split())

    parts = phrase.strip().casefold().split("{who}")
    body = r"\s*(?P<who>.+?)\s*".join(literal(part) for part in parts)
    # IGNORECASE only for reading {who} back in the user's case (see recognise).
    return re.compile(rf"^{body}$", re.DOTALL | re.IGNORECASE)


@cache
def _patterns(locale: str) -> tuple[tuple[Kind, re.Pattern[str]], ...]:
    found: list[tuple[Kind, re.Pattern[str]]] = []
    for kind, key in _COMMANDS:
        for phrase in t(locale, key).split("|"):
            if phrase.strip():
                found.append((kind, _pattern(phrase)))
    return tuple(found)


def recognise(text: str | None, locale: str) -> Command | None:
    """The trust command this message is, or None (then it is a question for the questions layer)."""
    if not isinstance(text, str) or not text.strip() or len(text) > _MAX_LENGTH:
        return None
    typed = _tidy(text)
    said = typed.casefold()
    for candidate in dict.fromkeys((locale, "en")):
        for kind, pattern in _patterns(candidate):
            match = pattern.match(said)
            if match:
                # The person as typed ("Bob Builder", not "bob builder"); the casefolded words only
                # where casefolding changed more than the case (German ß -> ss).
                who = (pattern.match(typed) or match).groupdict().get("who")
                return Command(kind, who.strip().lstrip("@").strip() if who else None)
    return None
