"""An ACR records table (the profile's `acr_records` columns, Partner Center's AzureUsage) -> records.

A million rows must preview within the 3 s target: a plain CSV is read column by column by Arrow and
dictionary-encoded there, and every check then runs once per distinct value (customers, months,
services, offers and associations repeat), never once per row in Python.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

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
_BLANK_LINE = re.compile(rb"\n\r?\n|\r\r")
_SPACES = re.compile(r"[\s\u00a0\u202f']")  # thousands separators: spaces, NBSP, narrow NBSP, 1'234


@dataclass
class AcrFile:
    records: AcrRecords
    refused: list[RefusedRow]
    refused_count: int
    customers: int
    services: list[str] = field(default_factory=list)


class _Columns:
    """The columns of an ACR table, each text column as (distinct values, codes), from Arrow or rows."""

    def __init__(self, table: Table, found: Recognised, limit: int) -> None:
        self.found = found
        self.kept: list[int] | None = None  # original row indexes when blank rows were dropped
        self.arrow = arrow_table(table, limit)
        if self.arrow is not None:
            self.n = self.arrow.num_rows
            self.rows: list[list[str]] = []
            return
        rows = table.rows(limit)
        width = max(found.index.values()) + 1
        if any(len(row) < width for row in rows):
            self.kept = [i for i, row in enumerate(rows) if any(row)]
            rows = [
                row + [""] * (width - len(row)) if len(row) < width else row
                for row in map(rows.__getitem__, self.kept)
            ]
        self.rows, self.n = rows, len(rows)

    def coded(self, name: str) -> tuple[list[str], np.ndarray]:
        """Distinct stripped values and each row's code (" CSP" and "CSP" are one offer)."""
        at = self.found.index[name]
        if self.arrow is not None:
            encoded = self.arrow.column(at).combine_chunks().dictionary_encode()
            raw: list[str] = encoded.dictionary.to_pylist()
            raw_codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int32)
        else:
            raw, raw_codes = factorize((row[at] for row in self.rows), self.n)
        values, remap = factorize(map(str.strip, raw), len(raw))
        return values, remap[raw_codes] if raw else raw_codes

    def texts(self, name: str) -> list[str]:
        at = self.found.index[name]
        if self.arrow is not None:
            return self.arrow.column(at).to_pylist()
        return [row[at] for row in self.rows]

    def amounts(self, decimal_comma: bool) -> np.ndarray:
        if self.arrow is not None:
            import pyarrow as pa
            import pyarrow.compute as pc

            usd = self.arrow.column(self.found.index["usd"])
            try:
                return _plausible(pc.cast(usd, pa.float64()).to_numpy())
            except pa.ArrowInvalid:  # not all plain numbers (decimal commas, "$"): one by one below
                pass
        return _amounts(self.texts("usd"), decimal_comma)


def arrow_table(table: Table, limit: int) -> Any | None:
    """The CSV read by Arrow's columnar reader (C++, all cores): the plain files a million rows come
    in. None when the csv module must read it instead: Excel sheets, and files with blank lines or
    ragged rows (Arrow would renumber or refuse them; the csv module keeps row numbers exact)."""
    if table.source != "csv" or table.utf8 is None or table.header_row != 1 or table.delimiter is None:
        return None
    data = table.utf8
    if _blank_line(data):
        return None
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [f"c{i}" for i in range(len(table.header))]
    try:
        # pyarrow-stubs type `input_file` as a path or a Python file; Arrow reads its own NativeFile too.
        read = pacsv.read_csv(
            pa.BufferReader(data),  # pyright: ignore[reportArgumentType]
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pacsv.ParseOptions(delimiter=table.delimiter, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    if read.num_rows > limit:
        raise ImportProblem("too_many_rows", limit=limit)
    return read


def _blank_line(data: bytes) -> bool:
    return _BLANK_LINE.search(data) is not None


def read_acr(table: Table, found: Recognised, limit: int, decimal_comma: bool) -> AcrFile:
    source = _Columns(table, found, limit)
    n, kept = source.n, source.kept
    if n == 0:
        raise ImportProblem("no_rows")
    number_of = row_numbers(table)
    bad = np.zeros(n, dtype=bool)
    refused: list[RefusedRow] = []

    def refuse(
        mask: np.ndarray,
        reason: str,
        values: list[str] | np.ndarray,
        suggest: dict[str, list[str]] | None = None,
    ) -> None:
        fresh = mask & ~bad
        for i in np.flatnonzero(fresh)[:MAX_LISTED].tolist():
            number = number_of(kept[i] if kept is not None else i)
            value = str(values[i])
            refused.append(RefusedRow(number, reason, value, (suggest or {}).get(value, [])))
        bad[:] |= mask

    text: dict[str, tuple[list[str], np.ndarray]] = {}
    for name in ("customer", "service", "offer", "association", "month", "cloud"):
        if name in found.index:
            text[name] = source.coded(name)
            _check_distinct(name, *text[name], refuse)
    amounts = source.amounts(decimal_comma)
    if np.isnan(amounts).any():
        refuse(np.isnan(amounts), "bad_amount", source.texts("usd"))
    keep = np.flatnonzero(~bad)
    if not keep.size:
        raise ImportProblem("every_row_refused", count=n, first=refused[0].row if refused else 0)
    months, month_codes = text["month"]
    text["month"] = ([month_text(i) if (i := _month(v)) is not None else "" for v in months], month_codes)
    coded = {name: _compact(values, codes[keep]) for name, (values, codes) in text.items()}
    customer_values, customer_codes = coded.pop("customer")
    customers = np.asarray(customer_values, dtype=object)[customer_codes].tolist()
    try:
        records = AcrRecords.from_columns(customers, coded, amounts[keep])
    except ProfileError as error:  # a check above missed something: refuse the file, say what
        raise ImportProblem("records_invalid", detail=str(error.errors[0]) if error.errors else "") from None
    return AcrFile(
        records=records,
        refused=sorted(refused, key=lambda r: r.row)[:MAX_LISTED],
        refused_count=int(bad.sum()),
        customers=len({c.casefold() for c in customer_values}),
        services=sorted(coded["service"][0]),
    )


def _compact(values: list[str], codes: np.ndarray) -> tuple[list[str], np.ndarray]:
    """The values still used by `codes` (rows were left out), and codes into them."""
    used, inverse = np.unique(codes, return_inverse=True)
    return [values[i] for i in used.tolist()], inverse.astype(np.int32)


def _check_distinct(name: str, values: list[str], codes: np.ndarray, refuse: Callable[..., None]) -> None:
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
                ASSOCIATIONS
            )
        elif name in ("customer", "service", "offer") and not value:
            reasons[code] = "value_missing"
    if not reasons:
        return
    shown = np.asarray(values, dtype=object)[codes].tolist()
    for reason in sorted(set(reasons.values())):
        bad_codes = [code for code, why in reasons.items() if why == reason]
        refuse(np.isin(codes, bad_codes), reason, shown, suggest)


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
    return _plausible(out)


def _plausible(amounts: np.ndarray) -> np.ndarray:
    """NaN (refused) for what no ACR line can be: infinities, NaN, more than 10^13 dollars."""
    amounts = np.array(amounts, dtype=np.float64)
    amounts[~np.isfinite(amounts) | (np.abs(amounts) > 1e13)] = math.nan
    return amounts


def _amount(text: str, decimal_comma: bool) -> float:
    cleaned = _SPACES.sub("", text.strip()).removeprefix("$").removesuffix("$").strip()
    cleaned = cleaned.removeprefix("USD").removesuffix("USD").strip()
    # 1.234,50 where the comma is the decimal separator, 1,234.50 where it groups thousands.
    cleaned = cleaned.replace(".", "").replace(",", ".") if decimal_comma else cleaned.replace(",", "")
    try:
        return float(cleaned)
    except ValueError:
        return math.nan
