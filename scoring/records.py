"""ACR records (the detailed usage form), kept columnar: one numpy array per column, text columns as
integer codes into their distinct values. A million records never become a million Python objects:
CSV files and the rows of a profile file are read by Apache Arrow (`scoring.columnar`), and the
derivations are vectorized (see `scoring.derive`).

Amounts (`usd`) may be negative: Partner Center exports carry credit lines, and E-9 nets them per
service (a service credited to <= 0 is not deployed). Sums are exact (`amounts`, see scoring.money).

Customers (tenants) are the one high-cardinality column: they are only coded for the rows a window
needs (the eligible-customer months), see `Tenants.codes_for`.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, NotRequired, Protocol, TypedDict, cast

from scoring.errors import FieldError, ProfileError
from scoring.errors import short_value as _short
from scoring.fuzzy import close_matches
from scoring.jsonvalue import is_dict, is_list
from scoring.lazy import lazy_module
from scoring.money import Amounts

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from scoring import columnar
else:
    np = lazy_module("numpy")  # ACR records only: see scoring/lazy.py


def _arrow():
    """`scoring.columnar`, imported on first use: Arrow (pyarrow) reads files and profile rows only,
    so a process that scores stored profiles never loads it."""
    from scoring import columnar

    return columnar

COLUMNS = ("customer", "month", "service", "offer", "association", "usd")
OPTIONAL_COLUMNS = ("cloud",)  # E-23: "public" (or empty) unless the subscription is sovereign
TEXT_COLUMNS = ("month", "service", "offer", "association", "cloud")
ASSOCIATIONS = ("CSP_T1", "CSP_T2", "DPOR", "TPOR", "PAL", "NONE")
_ASSOCIATION_ALIASES = {
    "": "NONE", "-": "NONE", "NONE": "NONE", "NO_ASSOCIATION": "NONE",
    "CSP_TIER_1": "CSP_T1", "CSPT1": "CSP_T1", "CSP_DIRECT": "CSP_T1", "CSP_T1": "CSP_T1",
    "CSP_TIER_2": "CSP_T2", "CSPT2": "CSP_T2", "CSP_INDIRECT": "CSP_T2", "CSP_T2": "CSP_T2",
    "DIGITAL_PARTNER_OF_RECORD": "DPOR", "DPOR": "DPOR",
    "TRANSACTING_PARTNER_OF_RECORD": "TPOR", "TPOR": "TPOR",
    "PARTNER_ADMIN_LINK": "PAL", "PAL": "PAL",
}  # fmt: skip
PUBLIC_CLOUDS = ("", "public", "azure", "azurecloud", "global")
MAX_ERRORS = 50
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_Object = dict[str, Any]  # a row as read from JSON, before it is checked


class AcrRow(TypedDict):
    """One record as a profile's `acr_records` holds it (ARCHITECTURE.md)."""

    customer: str
    month: str  # YYYY-MM
    service: str
    offer: str
    association: str
    usd: float
    cloud: NotRequired[str]  # only where not public (E-23)


def month_index(text: str) -> int | None:
    """'2026-09' -> year*12 + month-1, or None when it is not a real YYYY-MM month."""
    match = _MONTH.match(text.strip())
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


def factorize(values: Iterable[Any], count: int) -> tuple[list[Any], np.ndarray]:
    """Distinct values (first-seen order) and each value's code, in one C-speed pass over the values.

    `setdefault(value, row)` returns the row where the value first appeared; those rows increase in
    insertion order, so a binary search turns them into dense codes 0..k-1.
    """
    first: dict[Any, int] = {}
    rows = np.fromiter(map(first.setdefault, values, itertools.count()), dtype=np.int64, count=count)
    starts = np.fromiter(first.values(), dtype=np.int64, count=len(first))
    return list(first), np.searchsorted(starts, rows).astype(np.int32)


# --- customers ------------------------------------------------------------------------------------
def _one_code_per_tenant(distinct: list[str], codes: np.ndarray) -> tuple[int, np.ndarray]:
    """Tenant ids are GUIDs, which ignore letter case: `ABC-1` and `abc-1` are one customer (E-10).
    Folds only the distinct ids (a few thousand), never the rows."""
    folded = [value.casefold() for value in distinct]
    if len(set(folded)) == len(folded):
        return len(distinct), codes
    merged, remap = factorize(folded, len(folded))
    return len(merged), remap[codes]


class Tenants(Protocol):
    def __len__(self) -> int: ...
    def codes_for(self, rows: np.ndarray) -> tuple[int, np.ndarray]: ...
    def values(self) -> list[str]: ...


class _ListTenants:
    """Customer ids as the list of per-row strings (records given as JSON rows)."""

    def __init__(self, ids: list[str]):
        self.ids = ids

    def __len__(self) -> int:
        return len(self.ids)

    def codes_for(self, rows: np.ndarray) -> tuple[int, np.ndarray]:
        picked = itemgetter(*rows.tolist())(self.ids) if rows.size > 1 else [self.ids[int(r)] for r in rows]
        return _one_code_per_tenant(*factorize(picked, rows.size))

    def values(self) -> list[str]:
        return self.ids


class _ArrowTenants:
    """Customer ids as Arrow read them (a CSV file, a profile file's rows): coded only for the rows a
    window needs, never all million."""

    def __init__(self, ids: columnar.Texts):
        self.ids = ids

    def __len__(self) -> int:
        return len(self.ids)

    def codes_for(self, rows: NDArray[np.intp]) -> tuple[int, np.ndarray]:
        return _one_code_per_tenant(*_arrow().codes_of(self.ids, rows))

    def values(self) -> list[str]:
        return _arrow().texts(self.ids)


# --- the records ----------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class AcrRecords:
    """Columns of ACR records: text columns as `<name>s` (distinct values) and `<name>` (codes)."""

    customer: Tenants
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

    @cached_property
    def amounts(self) -> Amounts:
        """`usd` as exact decimals (the way they were written), for exact sums and thresholds."""
        return Amounts(self.usd)

    def __eq__(self, other: object) -> bool:
        """The same rows in the same order. Column by column (numpy), not row dicts: a profile with a
        million records is compared at every save (score history), in milliseconds."""
        if not isinstance(other, AcrRecords):
            return False
        if other is self:
            return True
        if len(self) != len(other):
            return False
        if not (np.array_equal(self.month, other.month) and np.array_equal(self.usd, other.usd)):
            return False
        for values, codes in (("services", "service"), ("offers", "offer"),
                              ("associations", "association"), ("clouds", "cloud")):
            mine = np.asarray(getattr(self, values), dtype=object)[getattr(self, codes)]
            theirs = np.asarray(getattr(other, values), dtype=object)[getattr(other, codes)]
            if not np.array_equal(mine, theirs):
                return False
        return self.customer.values() == other.customer.values()

    __hash__ = None  # type: ignore[assignment]

    def to_rows(self) -> list[AcrRow]:
        """Records as JSON rows (the profile's `acr_records`); `cloud` only where not public."""
        if not len(self):
            return []
        serv, off, assoc, cloud = (
            np.asarray(v, dtype=object)[codes].tolist()
            for v, codes in ((self.services, self.service), (self.offers, self.offer),
                             (self.associations, self.association), (self.clouds, self.cloud))
        )  # fmt: skip
        months = {int(m): month_text(int(m)) for m in np.unique(self.month)}
        rows: list[AcrRow] = []
        for c, m, s, o, a, cl, u in zip(
            self.customer.values(),
            self.month.tolist(),
            serv,
            off,
            assoc,
            cloud,
            self.usd.tolist(),
            strict=True,
        ):
            row: AcrRow = {
                "customer": c, "month": months[m], "service": s, "offer": o, "association": a, "usd": u
            }  # fmt: skip
            if cl:
                row["cloud"] = cl
            rows.append(row)
        return rows

    def extended(self, rows: Iterable[AcrRow]) -> AcrRecords:
        """A copy with more (already valid) rows appended: used by the planner's apply_plan."""
        return AcrRecords.from_rows([*self.to_rows(), *rows])

    # --- from JSON rows ----------------------------------------------------------------------------
    @classmethod
    def from_rows(cls, rows: object, path: str = "acr_records") -> AcrRecords:
        """Validate and columnize a list of record dicts. Raises ProfileError naming row and column."""
        if not is_list(rows):
            raise ProfileError([FieldError(path, _short(rows), "must be a list of records")])
        errors: list[FieldError] = []
        # Shape: every row a dict with exactly the known columns (dict's __len__ rejects non-dicts in C).
        try:
            lengths: set[int] | None = set(map(_Object.__len__, rows))
        except TypeError:
            lengths = None
        has_cloud = False
        if lengths is None or not lengths <= {len(COLUMNS), len(COLUMNS) + 1}:
            _shape_errors(rows, path, errors)
        else:
            has_cloud = len(COLUMNS) + 1 in lengths
            if has_cloud and not all("cloud" in r for r in rows if len(r) == len(COLUMNS) + 1):
                _shape_errors(rows, path, errors)
        if errors:
            raise ProfileError(errors[:MAX_ERRORS])
        try:
            # Low-cardinality text columns are coded straight from the rows (no per-column list), all
            # four in one pass; a value that is not hashable (a list, an object) is then found and
            # named column by column.
            try:
                columns: dict[str, Any] = _coded_together(rows, _LOW_CARDINALITY)
            except TypeError:
                columns = {c: _getter(rows, c) for c in _LOW_CARDINALITY}
            if has_cloud:
                columns["cloud"] = lambda: map(
                    _Object.get, rows, itertools.repeat("cloud"), itertools.repeat("")
                )
            columns["customer"] = list(map(itemgetter("customer"), rows))
            columns["usd"] = list(map(itemgetter("usd"), rows))
            return _Builder(path, None).from_lists(columns, len(rows))
        except KeyError:
            _shape_errors(rows, path, errors)
            raise ProfileError(errors[:MAX_ERRORS]) from None

    # --- from columns -------------------------------------------------------------------------------
    @classmethod
    def from_columns(
        cls,
        customers: list[str],
        coded: dict[str, tuple[list[str], np.ndarray]],
        usd: np.ndarray,
        path: str = "acr_records",
    ) -> AcrRecords:
        """Records from columns a file reader already holds, validated like `from_rows`: customers per
        row, the text columns (`month` as YYYY-MM, `service`, `offer`, `association`, optional `cloud`)
        as (distinct values, per-row codes), `usd` as floats. A million rows are never re-coded."""
        builder = _Builder(path, None)
        if not all(customers):
            builder.error(customers.index(""), "customer", "", "must not be empty")
        usd = np.asarray(usd, dtype=np.float64)
        return builder.build(_ListTenants(customers), coded, usd, len(customers))

    # --- from CSV ----------------------------------------------------------------------------------
    @classmethod
    def from_csv(cls, source: Path | str | bytes | io.TextIOBase, path: str = "acr_records") -> AcrRecords:
        """Records from CSV with the same columns (header row required; `cloud` optional).

        `source` is a Path, CSV text (str), bytes, or an open text file. Arrow reads well-formed files;
        a file it refuses is read again by the csv module, which names the bad row.
        """
        # A file's header line is read here; its rows by Arrow, straight from the file.
        head = _first_line(source, path) if isinstance(source, Path) else None
        data = b"" if isinstance(source, Path) else _read_bytes(source, path)
        try:
            text_head = (head if head is not None else data.split(b"\n", 1)[0]).decode("utf-8")
        except UnicodeDecodeError:
            raise ProfileError([FieldError(path, "(bytes)", "the CSV file is not UTF-8 text")]) from None
        try:
            header = [h.strip().lower() for h in next(csv.reader([text_head.rstrip("\r")]))]
        except StopIteration:
            header = []
        if not header or header == [""]:
            raise ProfileError([FieldError(path, "", "the CSV file is empty: it needs a header row")])
        _check_header(header, path)
        builder = _Builder(path, line_of=2)
        columns = _arrow().read_csv(source if isinstance(source, Path) else data, header)
        if columns is not None:  # Arrow checks the cells are UTF-8
            return builder.from_columns(columns)
        if isinstance(source, Path):
            data = _read_bytes(source, path)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise ProfileError([FieldError(path, "(bytes)", "the CSV file is not UTF-8 text")]) from None
        return builder.from_lists(*_csv_module_columns(text, header, path))

    # --- from the raw JSON text of the records array (a profile file) ------------------------------
    @classmethod
    def from_json_array(cls, array: bytes | memoryview, path: str = "acr_records") -> AcrRecords | None:
        """Records from the JSON text of the whole `acr_records` array, read by Arrow; None when it is
        not an array of objects with exactly the record fields and types (then parse the rows and use
        `from_rows`, whose messages name the row and the field)."""
        columns = _arrow().read_json_array(array)
        return None if columns is None else _Builder(path, None).from_columns(columns)


class _Builder:
    """Validation shared by every input form; collects errors with row, column and CSV line."""

    def __init__(self, path: str, line_of: int | None):
        self.path = path
        self.line_of = line_of
        self.errors: list[FieldError] = []

    def where(self, i: int, col: str) -> str:
        return f"{self.path}[{i}].{col}"

    def note(self, i: int) -> str:
        return f" (CSV line {self.line_of + i})" if self.line_of is not None else ""

    def error(self, i: int, col: str, value: Any, message: str, suggestions: list[str] | None = None) -> None:
        self.errors.append(
            FieldError(self.where(i, col), _short(value), message + self.note(i), suggestions or [])
        )

    def raise_if_errors(self) -> None:
        if self.errors:
            raise ProfileError(self.errors[:MAX_ERRORS])

    def from_lists(self, columns: dict[str, Any], n: int) -> AcrRecords:
        """Columns as lists; text columns also as callables giving a fresh iterator of the values, or
        already coded (distinct values, codes)."""
        customers = columns["customer"]
        try:
            ok = all(map(str.__len__, customers))  # one C pass: a non-str raises, "" is falsy
        except TypeError:
            ok = False
        if not ok:
            i = next(i for i, v in enumerate(customers) if not isinstance(v, str) or not v)
            message = "must not be empty" if customers[i] == "" else "must be text"
            self.error(i, "customer", customers[i], message)
        coded: dict[str, tuple[list[Any], np.ndarray]] = {}
        for col in TEXT_COLUMNS:
            if col not in columns:
                continue
            source = columns[col]
            if isinstance(source, tuple):
                coded[col] = cast(tuple[list[Any], np.ndarray], source)
                continue
            try:
                coded[col] = factorize(_column(source), n)
            except TypeError:  # unhashable values (lists, dicts)
                values = list(_column(source))
                i = next(i for i, v in enumerate(values) if not isinstance(v, str))
                self.error(i, col, values[i], "must be text")
                self.raise_if_errors()
        amounts = columns["usd"]
        if not set(map(type, amounts)) <= {int, float}:
            i = next(i for i, v in enumerate(amounts) if type(v) not in (int, float))
            self.error(i, "usd", amounts[i], "must be a number of US dollars")
            amounts = [0.0] * n  # the other columns are still checked, and all errors reported together
        return self.build(_ListTenants(list(customers)), coded, np.array(amounts, dtype=np.float64), n)

    def from_columns(self, columns: columnar.Columns) -> AcrRecords:
        """Columns as Arrow gives them: text columns coded, amounts a float64 array."""
        coded: dict[str, tuple[list[Any], np.ndarray]] = {
            col: columns.coded[col] for col in TEXT_COLUMNS if col in columns.coded
        }
        if (first := _arrow().first_empty(columns.customer)) is not None:
            self.error(first, "customer", "", "must not be empty")
        return self.build(_ArrowTenants(columns.customer), coded, columns.usd, len(columns.usd))

    def build(
        self, customer: Tenants, coded: dict[str, tuple[list[Any], np.ndarray]], usd: np.ndarray, n: int
    ) -> AcrRecords:
        def first_row(col: str, code: int) -> int:
            return int(np.flatnonzero(coded[col][1] == code)[0])

        for col in ("service", "offer", "cloud"):
            for code, value in enumerate(coded[col][0] if col in coded else []):
                if not isinstance(value, str):
                    self.error(first_row(col, code), col, value, "must be text")
                elif col != "cloud" and not value.strip():
                    self.error(first_row(col, code), col, value, "must not be empty")
        month_values, month_codes = coded["month"]
        month_table = np.zeros(len(month_values), dtype=np.int32)
        for code, value in enumerate(month_values):
            index = month_index(value) if isinstance(value, str) else None
            if index is None:
                self.error(
                    first_row("month", code),
                    "month",
                    value,
                    f"{_short(value)!r} is not a month: expected YYYY-MM, e.g. 2026-09",
                )
            else:
                month_table[code] = index
        assoc_values, assoc_codes = coded["association"]
        normalized: list[str] = []
        for code, value in enumerate(assoc_values):
            norm = normalize_association(value) if isinstance(value, str) else None
            if norm is None:
                near = close_matches(str(value).upper(), ASSOCIATIONS, n=2, cutoff=0.4)
                hint = f"; did you mean {' or '.join(near)}?" if near else ""
                self.error(
                    first_row("association", code),
                    "association",
                    value,
                    f"unknown association type {_short(value)!r}; expected one of "
                    f"{', '.join(ASSOCIATIONS)}{hint}",
                    near,
                )
            normalized.append(norm or "NONE")
        if usd.size and not np.isfinite(usd).all():
            i = int(np.flatnonzero(~np.isfinite(usd))[0])
            self.error(i, "usd", float(usd[i]), "must be a finite amount")
        elif usd.size and np.abs(usd).max() > 1e13:
            i = int(np.argmax(np.abs(usd)))
            self.error(i, "usd", float(usd[i]), "is not a plausible amount")
        self.raise_if_errors()
        # Merge association spellings that normalize to the same code ("CSP Tier 1" and "CSP_T1").
        assoc_unique, assoc_remap = factorize(normalized, len(normalized))
        cloud_values, cloud_codes = coded.get("cloud", ([""], np.zeros(n, dtype=np.int32)))
        return AcrRecords(
            customer=customer,
            month=month_table[month_codes] if n else np.zeros(0, dtype=np.int32),
            services=coded["service"][0],
            service=coded["service"][1],
            offers=coded["offer"][0],
            offer=coded["offer"][1],
            associations=assoc_unique,
            association=assoc_remap[assoc_codes] if n else assoc_codes,
            clouds=[str(c).strip().lower() for c in cloud_values],
            cloud=cloud_codes,
            usd=usd,
        )


def _column(source: Any) -> Iterable[Any]:
    """A column's values: a list, or a function giving them afresh (read lazily from row dicts)."""
    return cast(Iterable[Any], source() if callable(source) else source)


_LOW_CARDINALITY = ("month", "service", "offer", "association")


def _coded_together(rows: list[dict[str, Any]], names: tuple[str, ...]) -> dict[str, Any]:
    """Columns coded in one pass over the rows: each row's tuple of their values is coded (a few
    thousand distinct tuples), then each column's codes are read off its tuples'. A value's first row
    is the first row of its first tuple, so the values come in the order `factorize` gives them
    column by column. Raises KeyError (a missing field) or TypeError (an unhashable value)."""
    values_of = cast("itemgetter[tuple[str, ...]]", itemgetter(*names))  # (a tuple of names: typed open)
    tuples, codes = factorize(map(values_of, rows), len(rows))
    out: dict[str, Any] = {}
    for i, name in enumerate(names):
        values, of_tuple = factorize([t[i] for t in tuples], len(tuples))
        out[name] = (values, of_tuple[codes])
    return out


def _getter(rows: list[dict[str, Any]], column: str) -> Any:
    return lambda: map(itemgetter(column), rows)


def _read_bytes(source: Path | str | bytes | io.TextIOBase, path: str) -> bytes:
    if isinstance(source, Path):
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise ProfileError([FieldError(path, str(source), f"cannot read CSV file: {exc}")]) from exc
    elif isinstance(source, bytes):
        data = source
    elif isinstance(source, str):
        data = source.encode("utf-8")
    else:
        data = source.read().encode("utf-8")
    return data.removeprefix(b"\xef\xbb\xbf")


def _first_line(source: Path, path: str) -> bytes:
    try:
        with source.open("rb") as handle:
            return handle.readline(1 << 20).removeprefix(b"\xef\xbb\xbf").rstrip(b"\n")
    except OSError as exc:
        raise ProfileError([FieldError(path, str(source), f"cannot read CSV file: {exc}")]) from exc


def _check_header(header: list[str], path: str) -> None:
    missing = [c for c in COLUMNS if c not in header]
    unknown = [h for h in header if h not in COLUMNS and h not in OPTIONAL_COLUMNS]
    repeated = len(set(header)) != len(header)
    if missing or unknown or repeated:
        parts: list[str] = []
        if missing:
            parts.append(f"missing column(s) {', '.join(missing)}")
        if unknown:
            parts.append(f"unknown column(s) {', '.join(unknown)}")
        if repeated:
            parts.append("repeated column names")
        message = "; ".join(parts) + f"; expected {','.join(COLUMNS)}[,cloud]"
        raise ProfileError([FieldError(f"{path} (CSV header)", ",".join(header), message)])


def _csv_module_columns(text: str, header: list[str], path: str) -> tuple[dict[str, list[Any]], int]:
    """Columns by the csv module: quoted fields, blank lines; names the first ragged row."""
    reader = csv.reader(io.StringIO(text))
    try:
        next(reader)
        raw = [row for row in reader if row]
    except csv.Error as exc:
        raise ProfileError([FieldError(path, "", f"not valid CSV (line {reader.line_num}): {exc}")]) from None
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
    transposed: Iterable[Sequence[str]] = zip(*raw, strict=True) if raw else ([] for _ in header)
    columns: dict[str, list[Any]] = {h: list(col) for h, col in zip(header, transposed, strict=True)}
    text_amounts = columns["usd"]
    try:
        columns["usd"] = list(map(float, text_amounts))
    except ValueError:
        i = next(i for i, v in enumerate(text_amounts) if not _is_float(v))
        raise ProfileError(
            [
                FieldError(
                    f"{path}[{i}].usd",
                    text_amounts[i],
                    f"{text_amounts[i]!r} is not a number of US dollars (CSV line {i + 2})",
                )
            ]
        ) from None
    return columns, len(raw)


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _shape_errors(rows: list[Any], path: str, errors: list[FieldError]) -> None:
    allowed = set(COLUMNS) | set(OPTIONAL_COLUMNS)
    for i, row in enumerate(rows):
        if not is_dict(row):
            errors.append(
                FieldError(f"{path}[{i}]", _short(row), f"must be an object with {', '.join(COLUMNS)}")
            )
        else:
            missing = [c for c in COLUMNS if c not in row]
            if missing:
                errors.append(FieldError(f"{path}[{i}]", _short(row), f"missing {', '.join(missing)}"))
            for key in (k for k in row if k not in allowed):
                near = close_matches(str(key), [*COLUMNS, *OPTIONAL_COLUMNS], n=1)
                hint = f"; did you mean {near[0]!r}?" if near else ""
                message = f"unknown column {key!r}{hint}"
                errors.append(FieldError(f"{path}[{i}].{key}", _short(row[key]), message, near))
        if len(errors) >= 20:
            return
