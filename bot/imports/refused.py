"""Checks every text cell of a file gets, and row numbers as the spreadsheet shows them."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.imports.table import Table
from cards.import_cards import RefusedRow

# C0/C1 controls and the text-direction overrides that can make a name read as something else
# (the same characters the intake refuses in a typed name).
HIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def check_text(row: int, value: str, limit: int) -> RefusedRow | None:
    """A cell a person typed: refused when it hides control characters, is a spreadsheet formula
    (`=HYPERLINK(...)` saved as text by a CSV export) or is too long."""
    if HIDDEN.search(value):
        return RefusedRow(row, "control_characters", value)
    if value.startswith("="):
        return RefusedRow(row, "formula", value)
    if len(value) > limit:
        return RefusedRow(row, "too_long", value)
    return None


def row_numbers(table: Table) -> Callable[[int], int]:
    """Data row i -> its row number in the spreadsheet (blank rows are kept, so it is exact)."""
    first = table.header_row + 1
    return lambda i: first + i
