"""Answer lines -> the text of one Teams message.

Teams (and the Agents Playground, which uses Teams' renderer) reads a bot message's text as
markdown: a single line break is not a break, so lines joined with "\\n" run together into one
paragraph. Each line is therefore its own paragraph (a blank line between), which every Teams
client renders, unlike markdown lists (desktop only). Bullets keep their "•" mark from the locale
files, so a list still reads as a list.
"""

from __future__ import annotations

from collections.abc import Iterable

PARAGRAPH = "\n\n"


def chat_text(lines: Iterable[str]) -> str:
    """One paragraph per non-blank line; line breaks inside a line (a locale string, a user's value)
    become paragraph breaks too, so no single "\\n" is left to collapse."""
    parts = (part.strip() for line in lines for part in line.splitlines())
    return PARAGRAPH.join(part for part in parts if part)
