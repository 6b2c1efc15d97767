"""Answer lines -> the text of one Teams message.

Teams (and the Agents Playground, which uses Teams' renderer) reads a bot message's text as
markdown: a single line break is not a break, so lines joined with "\\n" run together into one
paragraph. Each line is therefore its own paragraph (a blank line between), which every Teams
client renders, unlike markdown lists (desktop only). Bullets keep their "•" mark from the locale
files, so a list still reads as a list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from cards.i18n import t
from scoring.results import PlanStep, Reason

from .render import Text, render_text

PARAGRAPH = "\n\n"


def chat_text(lines: Iterable[str]) -> str:
    """One paragraph per non-blank line; line breaks inside a line (a locale string, a user's value)
    become paragraph breaks too, so no single "\\n" is left to collapse."""
    parts = (part.strip() for line in lines for part in line.splitlines())
    return PARAGRAPH.join(part for part in parts if part)


class Reply:
    """One answer, decided as data: lines and bullets of locale keys with typed values (see
    `render`). `text()` renders it once, in `locale`, when the answer is decided; person ids in
    reasons and plan steps become names through `names`."""

    def __init__(self, locale: str, names: Mapping[str, str] | None = None) -> None:
        self.locale = locale
        self.names: Mapping[str, str] = names or {}
        self.lines: list[tuple[bool, object]] = []  # (is a bullet, what it says)

    def say(self, key: str, **params: object) -> None:
        self.lines.append((False, Text(key, params)))

    def line(self, value: object) -> None:
        self.lines.append((False, value))

    def bullet(self, value: object) -> None:
        self.lines.append((True, value))

    def bullets(self, values: Iterable[object]) -> None:
        for value in values:
            self.bullet(value)

    def reasons(self, reasons: Iterable[Reason]) -> None:
        self.bullets(reasons)

    def plan(self, steps: Iterable[PlanStep]) -> None:
        self.bullets(steps)

    def text(self) -> str:
        rendered = []
        for is_bullet, value in self.lines:
            line = render_text(self.locale, value, self.names)
            rendered.append(t(self.locale, "answers.bullet", text=line) if is_bullet else line)
        return chat_text(rendered)
