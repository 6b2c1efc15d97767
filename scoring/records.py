"""ACR records (the detailed usage form), kept columnar: one numpy array per column, text columns as
integer codes into their distinct values. A million records never become a million Python objects
after parsing, and the derivations are vectorized (see `scoring.derive`).

Amounts (`usd`) may be negative: Partner Center exports carry credit lines, and E-9 nets them per
service (a service credited to <= 0 is not deployed). Sums are rounded to cents before thresholds.
"""

from __future__ import annotations

import csv
import difflib
import io
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

import numpy as np

from scoring.errors import FieldError, ProfileError

COLUMNS = ("customer", "month", "service", "offer", "association", "usd")
OPTIONAL_COLUMNS = ("cloud",)  # E-23: "public" (or empty) unless the subscription is sovereign
ASSOCIATIONS = ("CSP_T1", "CSP_T2", "DPOR", "TPOR", "PAL", "NONE")
_ASSOCIATION_ALIASES = {
    "": "NONE",
    "-": "NONE",
    "NONE": "NONE",
    "NO_ASSOCIATION": "NONE",
    "CSP_TIER_1": "CSP_T1",
    "CSPT1": "CSP_T1",
    "CSP_DIRECT": "CSP_T1",
    "CSP_T1": "CSP_T1",
    "CSP_TIER_2": "CSP_T2",
    "CSPT2": "CSP_T2",
    "CSP_INDIRECT": "CSP_T2",
    "CSP_T2": "CSP_T2",
    "DIGITAL_PARTNER_OF_RECORD": "DPOR",
    "DPOR": "DPOR",
    "TRANSACTING_PARTNER_OF_RECORD": "TPOR",
    "TPOR": "TPOR",
    "PARTNER_ADMIN_LINK": "PAL",
    "PAL": "PAL",
}
PUBLIC_CLOUDS = ("", "public", "azure", "azurecloud", "global")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def month_index(text: str) -> int | None:
    """'2026-09' -> year*12 + month-1, or None when it is not a real YYYY-MM month."""
    match = _MONTH.match(text.strip()) if isinstance(text, str) else None
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or year < 1900:
        return None
    return year * 12 + month - 1


def month_text(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def normalize_association(text: str) -> str | None:
    key = re.sub(r"[\s\-]+", "_", text.strip().upper())
    return _ASSOCIATION_ALIASES.get(key)


def _factorize(values: Sequence[Any]) -> tuple[list[Any], np.ndarray]:
    """Distinct values (first-seen order) and each value's code, in one C-speed pass over the values.

    `setdefault(value, row)` returns the row where the value first appeared; those rows increase in
    insertion order, so a binary search turns them into dense codes 0..k-1.
    """
    first: dict[Any, int] = {}
    rows = np.fromiter(map(first.setdefault, values, itertools.count()), dtype=np.int64, count=len(values))
    starts = np.fromiter(first.values(), dtype=np.int64, count=len(first))
    return list(first), np.searchsorted(starts, rows).astype(np.int32)


@dataclass(frozen=True, eq=False)
class AcrRecords:
    """Columns of ACR records. Text columns: `<name>s` (distinct values) and `<name>` (codes)."""

    customers: list[str]
    customer: np.ndarray
    month: np.ndarray  # month index, see month_index()
    services: list[str]
    service: np.ndarray
    offers: list[str]
    offer: np.ndarray
    associations: list[str]  # normalized (ASSOCIATIONS)
    association: np.ndarray
    clouds: list[str]
    cloud: np.ndarray
    usd: np.ndarray

    def __len__(self) -> int:
        return int(self.usd.shape[0])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AcrRecords) and self.to_rows() == other.to_rows()

    __hash__ = None  # type: ignore[assignment]

    def to_rows(self) -> list[dict[str, Any]]:
        """Records as JSON rows (the profile's `acr_records`); `cloud` only where not public."""
        cust, serv, off, assoc, cloud = (
            np.asarray(v, dtype=object)
            for v in (self.customers, self.services, self.offers, self.associations, self.clouds)
        )
        months = {int(m): month_text(int(m)) for m in np.unique(self.month)}
        rows = []
        for c, m, s, o, a, cl, u in zip(
            cust[self.customer] if len(self) else [],
            self.month.tolist(),
            serv[self.service] if len(self) else [],
            off[self.offer] if len(self) else [],
            assoc[self.association] if len(self) else [],
            cloud[self.cloud] if len(self) else [],
            self.usd.tolist(),
            strict=True,
        ):
            row = {"customer": c, "month": months[m], "service": s, "offer": o, "association": a, "usd": u}
            if cl:
                row["cloud"] = cl
            rows.append(row)
        return rows

    def extended(self, rows: Iterable[dict[str, Any]]) -> AcrRecords:
        """A copy with more (already valid) rows appended: used by the planner's apply_plan."""
        return AcrRecords.from_rows([*self.to_rows(), *rows])

    # --- parsing ---------------------------------------------------------------------------------
    @classmethod
    def from_rows(cls, rows: Any, path: str = "acr_records", line_of: int | None = None) -> AcrRecords:
        """Validate and columnize a list of record dicts. Raises ProfileError naming row and column.

        `line_of`: for CSV input, the file line of row 0, so messages can name the line too.
        """
        if not isinstance(rows, list):
            raise ProfileError([FieldError(path, _short(rows), "must be a list of records")])
        errors: list[FieldError] = []

        def where(i: int, col: str) -> str:
            return f"{path}[{i}].{col}"

        def note(i: int) -> str:
            return f" (CSV line {line_of + i})" if line_of is not None else ""

        # Shape: every row a dict with exactly the known columns.
        lengths = set(map(len, rows)) if set(map(type, rows)) <= {dict} else None
        has_cloud = False
        if lengths is None or not lengths <= {len(COLUMNS), len(COLUMNS) + 1}:
            _shape_errors(rows, path, errors, note)
        else:
            has_cloud = len(COLUMNS) + 1 in lengths
            if has_cloud and not all("cloud" in r for r in rows if len(r) == len(COLUMNS) + 1):
                _shape_errors(rows, path, errors, note)
        if errors:
            raise ProfileError(errors[:50])
        try:
            columns = {c: list(map(itemgetter(c), rows)) for c in COLUMNS}
        except KeyError:
            _shape_errors(rows, path, errors, note)
            raise ProfileError(errors[:50]) from None
        columns["cloud"] = [r.get("cloud", "") for r in rows] if has_cloud else []

        coded: dict[str, tuple[list[Any], np.ndarray]] = {}
        for col in ("customer", "month", "service", "offer", "association", "cloud"):
            try:
                coded[col] = _factorize(columns[col])
            except TypeError:  # unhashable values (lists, dicts)
                for i, v in enumerate(columns[col]):
                    if not isinstance(v, str):
                        errors.append(FieldError(where(i, col), _short(v), f"must be text{note(i)}"))
                        break
                raise ProfileError(errors) from None

        def first_row(col: str, code: int) -> int:
            return int(np.flatnonzero(coded[col][1] == code)[0])

        for col in ("customer", "service", "offer", "cloud"):
            for code, value in enumerate(coded[col][0]):
                if not isinstance(value, str) or (col != "cloud" and not value.strip()):
                    i = first_row(col, code)
                    msg = "must be text" if not isinstance(value, str) else "must not be empty"
                    errors.append(FieldError(where(i, col), _short(value), msg + note(i)))
        month_values, month_codes = coded["month"]
        month_table = np.zeros(len(month_values), dtype=np.int32)
        for code, value in enumerate(month_values):
            index = month_index(value) if isinstance(value, str) else None
            if index is None:
                i = first_row("month", code)
                errors.append(
                    FieldError(
                        where(i, "month"),
                        _short(value),
                        f"{_short(value)!r} is not a month: expected YYYY-MM, e.g. 2026-09{note(i)}",
                    )
                )
            else:
                month_table[code] = index
        assoc_values, assoc_codes = coded["association"]
        normalized_assoc: list[str] = []
        for code, value in enumerate(assoc_values):
            norm = normalize_association(value) if isinstance(value, str) else None
            if norm is None:
                i = first_row("association", code)
                near = difflib.get_close_matches(str(value).upper(), ASSOCIATIONS, n=2, cutoff=0.4)
                hint = f"; did you mean {' or '.join(near)}?" if near else ""
                errors.append(
                    FieldError(
                        where(i, "association"),
                        _short(value),
                        f"unknown association type {_short(value)!r}; expected one of "
                        f"{', '.join(ASSOCIATIONS)}{hint}{note(i)}",
                        near,
                    )
                )
            normalized_assoc.append(norm or "NONE")
        usd_list = columns["usd"]
        if not set(map(type, usd_list)) <= {int, float}:
            for i, v in enumerate(usd_list):
                if type(v) not in (int, float):
                    errors.append(
                        FieldError(where(i, "usd"), _short(v), f"must be a number of US dollars{note(i)}")
                    )
                    break
        if errors:
            raise ProfileError(errors[:50])
        usd = np.array(usd_list, dtype=np.float64)
        if usd.size and not np.isfinite(usd).all():
            i = int(np.flatnonzero(~np.isfinite(usd))[0])
            raise ProfileError(
                [FieldError(where(i, "usd"), usd_list[i], f"must be a finite amount{note(i)}")]
            )
        if usd.size and np.abs(usd).max() > 1e13:
            i = int(np.argmax(np.abs(usd)))
            raise ProfileError(
                [FieldError(where(i, "usd"), usd_list[i], f"is not a plausible amount{note(i)}")]
            )
        # Merge association spellings that normalize to the same code ("CSP Tier 1" and "CSP_T1").
        assoc_unique, assoc_remap = _factorize(normalized_assoc)
        assoc = np.asarray(assoc_remap, dtype=np.int32)[assoc_codes] if len(rows) else assoc_codes
        cloud_values, cloud_codes = coded["cloud"]
        if not has_cloud:
            cloud_values, cloud_codes = [""], np.zeros(len(rows), dtype=np.int32)
        return cls(
            customers=coded["customer"][0],
            customer=coded["customer"][1],
            month=month_table[month_codes] if len(rows) else np.zeros(0, dtype=np.int32),
            services=coded["service"][0],
            service=coded["service"][1],
            offers=coded["offer"][0],
            offer=coded["offer"][1],
            associations=assoc_unique,
            association=assoc,
            clouds=[str(c).strip().lower() for c in cloud_values],
            cloud=cloud_codes,
            usd=usd,
        )

    @classmethod
    def from_csv(cls, source: Path | str | bytes | io.TextIOBase, path: str = "acr_records") -> AcrRecords:
        """Records from CSV text with the same columns (header row required; `cloud` optional).

        `source` is a Path, CSV text (str), bytes, or an open text file.
        """
        if isinstance(source, Path):
            try:
                text = source.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as exc:
                raise ProfileError([FieldError(path, str(source), f"cannot read CSV file: {exc}")]) from exc
        elif isinstance(source, bytes):
            try:
                text = source.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise ProfileError([FieldError(path, "(bytes)", "CSV is not UTF-8 text")]) from exc
        elif isinstance(source, str):
            text = source.lstrip("\ufeff")
        else:
            text = source.read()
        reader = csv.reader(io.StringIO(text))
        try:
            header = [h.strip().lower() for h in next(reader)]
        except StopIteration:
            raise ProfileError(
                [FieldError(path, "", "the CSV file is empty: it needs a header row")]
            ) from None
        except csv.Error as exc:
            raise ProfileError([FieldError(path, "", f"not valid CSV: {exc}")]) from None
        missing = [c for c in COLUMNS if c not in header]
        unknown = [h for h in header if h not in COLUMNS and h not in OPTIONAL_COLUMNS]
        if missing or unknown or len(set(header)) != len(header):
            parts = []
            if missing:
                parts.append(f"missing column(s) {', '.join(missing)}")
            if unknown:
                parts.append(f"unknown column(s) {', '.join(unknown)}")
            if len(set(header)) != len(header):
                parts.append("repeated column names")
            raise ProfileError(
                [
                    FieldError(
                        f"{path} (CSV header)",
                        ",".join(header),
                        "; ".join(parts) + f"; expected {','.join(COLUMNS)}[,cloud]",
                    )
                ]
            )
        try:
            raw = [row for row in reader if row]
        except csv.Error as exc:
            raise ProfileError(
                [FieldError(path, "", f"not valid CSV (line {reader.line_num}): {exc}")]
            ) from None
        width = len(header)
        for i, row in enumerate(raw):
            if len(row) != width:
                raise ProfileError(
                    [
                        FieldError(
                            f"{path}[{i}]",
                            ",".join(row),
                            f"has {len(row)} values, the header has {width} (CSV line {i + 2})",
                        )
                    ]
                )
        usd_at = header.index("usd")
        try:
            amounts = [float(row[usd_at]) for row in raw]
        except ValueError:
            for i, row in enumerate(raw):
                try:
                    float(row[usd_at])
                except ValueError:
                    raise ProfileError(
                        [
                            FieldError(
                                f"{path}[{i}].usd",
                                row[usd_at],
                                f"{row[usd_at]!r} is not a number of US dollars (CSV line {i + 2})",
                            )
                        ]
                    ) from None
            raise
        keyed = [dict(zip(header, row, strict=True)) for row in raw]
        for row, amount in zip(keyed, amounts, strict=True):
            row["usd"] = amount
        return cls.from_rows(keyed, path=path, line_of=2)


def _short(value: Any) -> Any:
    """A value fit to quote in an error: scalars as they are, long text cut."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _shape_errors(rows: list[Any], path: str, errors: list[FieldError], note: Any) -> None:
    allowed = set(COLUMNS) | set(OPTIONAL_COLUMNS)
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            errors.append(
                FieldError(f"{path}[{i}]", _short(row), f"must be an object with {', '.join(COLUMNS)}")
            )
        else:
            missing = [c for c in COLUMNS if c not in row]
            unknown = [k for k in row if k not in allowed]
            if missing:
                errors.append(
                    FieldError(f"{path}[{i}]", _short(row), f"missing {', '.join(missing)}{note(i)}")
                )
            for key in unknown:
                near = difflib.get_close_matches(str(key), [*COLUMNS, *OPTIONAL_COLUMNS], n=1)
                hint = f"; did you mean {near[0]!r}?" if near else ""
                errors.append(
                    FieldError(
                        f"{path}[{i}].{key}", _short(row[key]), f"unknown column {key!r}{hint}{note(i)}", near
                    )
                )
        if len(errors) >= 20:
            return
