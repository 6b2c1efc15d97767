"""Answer lines -> the text of one Teams message.

Teams (and the Agents Playground, which uses Teams' renderer) reads a bot message's text as
markdown: a single line break is not a break, so lines joined with "\\n" run together into one
paragraph. Each line is therefore its own paragraph (a blank line between), which every Teams
client renders, unlike markdown lists (desktop only). Bullets keep their "•" mark from the locale
files, so a list still reads as a list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from cards import explain
from cards.i18n import t
from scoring.results import PlanStep, Reason

PARAGRAPH = "\n\n"


def chat_text(lines: Iterable[str]) -> str:
    """One paragraph per non-blank line; line breaks inside a line (a locale string, a user's value)
    become paragraph breaks too, so no single "\\n" is left to collapse."""
    parts = (part.strip() for line in lines for part in line.splitlines())
    return PARAGRAPH.join(part for part in parts if part)


class Reply:
    """The lines of one answer in one locale; `text()` is the message text. Person ids in reasons and
    plan steps become names through `names`."""

    def __init__(self, locale: str, names: Mapping[str, str] | None = None) -> None:
        self.locale = locale
        self.names: Mapping[str, str] = names or {}
        self.lines: list[str] = []

    def say(self, key: str, **params: object) -> None:
        self.lines.append(t(self.locale, key, **params))

    def line(self, text: str) -> None:
        self.lines.append(text)

    def bullet(self, text: str) -> None:
        self.lines.append(t(self.locale, "answers.bullet", text=text))

    def bullets(self, texts: Iterable[str]) -> None:
        for text in texts:
            self.bullet(text)

    def reasons(self, reasons: Iterable[Reason]) -> None:
        self.bullets(explain.reason_text(self.locale, reason, self.names) for reason in reasons)

    def plan(self, steps: Iterable[PlanStep]) -> None:
        self.bullets(explain.plan_step_text(self.locale, step, self.names) for step in steps)

    def text(self) -> str:
        return chat_text(self.lines)
