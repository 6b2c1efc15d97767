"""An ACR records table (the profile's `acr_records` columns, Partner Center's AzureUsage) -> records.

A million rows must preview in well under the 3 s target, so checks run per distinct value (months,
services, offers and associations repeat) or over a whole column at once, never per row in Python
beyond the one pass that reads the amounts.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field

import numpy as np

from bot.imports.columns import Recognised
from bot.imports.problems import ImportProblem
from bot.imports.refused import HIDDEN, row_numbers
from bot.imports.table import Table
from cards.import_cards import RefusedRow
from scoring import AcrRecords, ProfileError
from scoring.records import ASSOCIATIONS, factorize, month_index, month_text, normalize_association

MAX_LISTED = 50  # refused rows listed (the count says how many there are in all)
MAX_TEXT = 200
_MONTH_FORMS = (
    re.compile(r"^(\d{4})-(\d{1,2})$"),  # 2026-09
    re.compile(r"^(\d{4})-(\d{1,2})-\d{1,2}(?:[ T].*)?$"),  # 2026-09-01, a month start date
    re.compile(r"^(\d{4})(\d{2})$"),  # 202609
    re.compile(r"^(\d{4})/(\d{1,2})(?:/\d{1,2})?$"),  # 2026/09
)
_SPACES = re.compile(r"[\s\u00a0\u202f']")  # thousands separators: spaces, NBSP, narrow NBSP, 1'234


@dataclass
class AcrFile:
    records: AcrRecords
    refused: list[RefusedRow]
    refused_count: int
    customers: int
    services: list[str] = field(default_factory=list)


def read_acr(table: Table, found: Recognised, limit: int, decimal_comma: bool) -> AcrFile:
    rows = table.rows(limit)
    number_of = row_numbers(table)
    width = max(found.index.values()) + 1
    lengths = set(map(len, rows))
    kept: list[int] | None = None  # original indexes when blank rows were dropped
    if min(lengths, default=width) < width or 0 in lengths:
        kept = [i for i, row in enumerate(rows) if any(row)]
        rows = [row + [""] * (width - len(row)) if len(row) < width else row for row in map(rows.__getitem__, kept)]
    n = len(rows)
    if n == 0:
        raise ImportProblem("no_rows")
    transposed = list(zip(*rows, strict=False)) if len({len(r) for r in rows}) == 1 else None

    def column(name: str) -> list[str]:
        at = found.index[name]
        return list(transposed[at]) if transposed is not None else [row[at] for row in rows]

    bad = np.zeros(n, dtype=bool)
    refused: list[RefusedRow] = []

    def refuse(mask: np.ndarray, reason: str, values: list[str], suggest: dict[str, list[str]] | None = None
               ) -> None:
        fresh = mask & ~bad
        for i in np.flatnonzero(fresh)[: MAX_LISTED].tolist():
            number = number_of(kept[i] if kept is not None else i)
            refused.append(RefusedRow(number, reason, values[i], (suggest or {}).get(values[i], [])))
        bad[:] |= mask

    customers = [value.strip() for value in column("customer")]
    refuse(np.fromiter(map(_unreadable_text, customers), dtype=bool, count=n), "control_characters", customers)
    refuse(np.fromiter((not c for c in customers), dtype=bool, count=n), "value_missing", customers)
    text: dict[str, tuple[list[str], np.ndarray]] = {}
    for name in ("service", "offer", "association", "month", "cloud"):
        if name not in found.index:
            continue
        values, codes = factorize((v.strip() for v in column(name)), n)
        text[name] = (values, codes)
        _check_distinct(name, values, codes, refuse)
    amounts = _amounts(column("usd"), decimal_comma)
    raw_usd = column("usd") if np.isnan(amounts).any() else []
    refuse(np.isnan(amounts), "bad_amount", raw_usd)
    keep = np.flatnonzero(~bad)
    months, month_codes = text["month"]
    month_texts = [month_text(index) if (index := _month(v)) is not None else "" for v in months]
    columns: dict[str, list] = {
        "customer": [customers[i] for i in keep.tolist()] if bad.any() else customers,
        "month": np.asarray(month_texts, dtype=object)[month_codes[keep]].tolist(),
        "usd": amounts[keep].tolist(),
    }
    for name in ("service", "offer", "association", "cloud"):
        if name in text:
            values, codes = text[name]
            columns[name] = np.asarray(values, dtype=object)[codes[keep]].tolist()
    if not keep.size:
        raise ImportProblem("every_row_refused", count=n, first=refused[0].row if refused else 0)
    try:
        records = AcrRecords.from_columns(columns)
    except ProfileError as error:  # a check above missed something: refuse the file, say what
        raise ImportProblem("records_invalid", detail=str(error.errors[0]) if error.errors else "") from None
    return AcrFile(records=records, refused=sorted(refused, key=lambda r: r.row)[:MAX_LISTED],
                   refused_count=int(bad.sum()), customers=len({c.casefold() for c in columns["customer"]}),
                   services=sorted(set(columns["service"])))


def _unreadable_text(value: str) -> bool:
    return bool(HIDDEN.search(value)) or value.startswith("=") or len(value) > MAX_TEXT


def _check_distinct(name: str, values: list[str], codes: np.ndarray, refuse: object) -> None:
    """Checks of one text column, once per distinct value."""
    reasons: dict[int, str] = {}
    suggest: dict[str, list[str]] = {}
    for code, value in enumerate(values):
        if HIDDEN.search(value):
            reasons[code] = "control_characters"
        elif value.startswith("=") or len(value) > MAX_TEXT:
            reasons[code] = "formula" if value.startswith("=") else "too_long"
        elif name == "month" and _month(value) is None:
            reasons[code] = "bad_month"
        elif name == "association" and normalize_association(value) is None:
            reasons[code] = "unknown_association"
            suggest[value] = difflib.get_close_matches(value.upper(), ASSOCIATIONS, n=2, cutoff=0.4) or list(
                ASSOCIATIONS)
        elif name in ("service", "offer") and not value:
            reasons[code] = "value_missing"
    if not reasons:
        return
    shown = np.asarray(values, dtype=object)[codes].tolist()
    for reason in sorted(set(reasons.values())):
        bad_codes = [code for code, why in reasons.items() if why == reason]
        refuse(np.isin(codes, bad_codes), reason, shown, suggest)  # type: ignore[operator]


def _month(text: str) -> int | None:
    for form in _MONTH_FORMS:
        match = form.match(text)
        if match:
            return month_index(f"{match[1]}-{int(match[2]):02d}")
    return None


def _amounts(values: list[str], decimal_comma: bool) -> np.ndarray:
    """Amounts as floats, NaN where a cell is not an amount. `1234.5` always reads; the rest by the
    file's convention: with decimal commas `1.234,50` and `1234,5`, else `1,234.50`."""
    try:
        out = np.fromiter(map(float, values), dtype=np.float64, count=len(values))
    except ValueError:
        out = np.fromiter((_amount(v, decimal_comma) for v in values), dtype=np.float64, count=len(values))
    out[~np.isfinite(out) | (np.abs(out) > 1e13)] = math.nan
    return out


def _amount(text: str, decimal_comma: bool) -> float:
    cleaned = _SPACES.sub("", text.strip()).removeprefix("$").removesuffix("$").strip()
    cleaned = cleaned.removeprefix("USD").removesuffix("USD").strip()
    if decimal_comma:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    else:
        cleaned = cleaned.replace(",", "")
    try:
        return float(cleaned)
    except ValueError:
        return math.nan
