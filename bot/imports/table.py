"""A received file's bytes -> a header and rows of text cells.

The content decides the format, never the file name: an XLSX is a zip with a workbook in it, and
anything else must decode to text. CSV goes through Python's csv module (UTF-8 with or without BOM,
UTF-16 with BOM as Excel's "Unicode text" writes it, else Windows-1252/Latin-1; `,`, `;` or tab).
XLSX goes through openpyxl in read-only mode with `data_only=True`: formulas are never evaluated,
a formula cell gives the value Excel saved with it.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import gc
import io
import itertools
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.imports.problems import ImportProblem

DELIMITERS = (",", ";", "\t")
# An XLSX of this project's kinds unzips to a few times its size; a zip bomb to thousands of times.
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_RATIO = 200
MAX_ZIP_ENTRIES = 2000
MAX_COLUMNS = 200
# Signatures of files people attach by mistake: a specific answer beats "not text".
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97-2003) and other OLE documents
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!")

Source = Literal["csv", "xlsx"]


@dataclass
class Table:
    """The header and the data rows of one sheet or CSV file, every cell as stripped-later text."""

    header: list[str]
    source: Source
    delimiter: str | None  # CSV only
    header_row: int  # the row number of the header, as a spreadsheet shows it (1-based)
    _rows: Iterator[list[str]] = field(repr=False)
    utf8: bytes | None = field(default=None, repr=False)  # the CSV's bytes when UTF-8 (for Arrow)

    def rows(self, limit: int) -> list[list[str]]:
        """The data rows (blank rows kept as [] so row numbers stay exact), at most `limit`.
        More than `limit` raises ImportProblem("too_many_rows") without reading the rest."""
        try:
            rows = list(itertools.islice(self._rows, limit + 1))
        except csv.Error:
            raise ImportProblem("not_csv") from None
        if len(rows) > limit:
            raise ImportProblem("too_many_rows", limit=limit)
        return rows


def read_table(data: bytes) -> Table:
    """The table in a received file, or ImportProblem naming what is wrong with it."""
    if not data or data.isspace():
        raise ImportProblem("empty_file")
    if data.startswith(b"PK\x03\x04"):
        return _xlsx(data)
    if data.startswith(_OLE):
        raise ImportProblem("old_excel")
    if data.startswith(_BINARY_MAGIC):
        raise ImportProblem("binary_file")
    return _csv(*_decode(data))


# --- CSV ------------------------------------------------------------------------------------------
def _decode(data: bytes) -> tuple[str, bytes | None]:
    """The text, and its UTF-8 bytes without BOM when the file was UTF-8 (Arrow reads those)."""
    utf8: bytes | None = None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportProblem("binary_file") from None
    elif b"\x00" in data[:4096]:
        raise ImportProblem("binary_file")  # no text encoding we read has NUL bytes without a BOM
    else:
        try:
            text, utf8 = data.decode("utf-8"), data.removeprefix(codecs.BOM_UTF8)
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")  # Excel's "CSV" on Western Windows: Latin-1 plus € and quotes
            except UnicodeDecodeError:
                text = data.decode("latin-1")  # every byte is a Latin-1 character
    if _looks_binary(text[:4096]):
        raise ImportProblem("binary_file")
    return text.removeprefix("\ufeff"), utf8


def _looks_binary(sample: str) -> bool:
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n") + sample.count("\ufffd")
    return controls > max(8, len(sample) // 50)


def _csv(text: str, utf8: bytes | None = None) -> Table:
    skipped, start = 0, 0
    while True:  # the header: the first line with something in it
        end = text.find("\n", start)
        first = text[start:] if end < 0 else text[start : end + 1]
        if first.strip(" \t\r\n,;") or end < 0:
            break
        skipped, start = skipped + 1, end + 1
    if not first.strip(" \t\r\n,;"):
        raise ImportProblem("empty_file")
    counts = {d: first.count(d) for d in DELIMITERS}
    delimiter = max(DELIMITERS, key=lambda d: counts[d])  # ties: "," (the order of DELIMITERS)
    try:
        header = next(csv.reader([first], delimiter=delimiter, strict=True))
    except (csv.Error, StopIteration):
        raise ImportProblem("not_csv") from None
    if len(header) > MAX_COLUMNS:
        raise ImportProblem("too_many_columns", limit=MAX_COLUMNS)
    rest = len(first) + start
    return Table(header=header, source="csv", delimiter=delimiter, header_row=skipped + 1,
                 _rows=_csv_rows(text, rest, delimiter), utf8=utf8)


def _csv_rows(text: str, start: int, delimiter: str) -> Iterator[list[str]]:
    """The rows after the header, read only if asked for (Arrow reads big files without them)."""
    yield from csv.reader(io.StringIO(text[start:], newline=""), delimiter=delimiter, strict=True)


@contextlib.contextmanager
def no_gc_pauses() -> Iterator[None]:
    """Reading a million rows makes millions of lists and strings, none in a reference cycle; the
    cyclic collector would rescan them all again and again (10x the reading time, measured)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --- XLSX -----------------------------------------------------------------------------------------
def _xlsx(data: bytes) -> Table:
    import openpyxl  # imported on the first spreadsheet: start-up stays light

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        raise ImportProblem("binary_file") from None
    # zipfile never inflates an entry beyond its declared size, so the declared sizes bound the work.
    unzipped = sum(entry.file_size for entry in entries)
    if (len(entries) > MAX_ZIP_ENTRIES or unzipped > MAX_UNZIPPED_BYTES
            or any(entry.file_size > MAX_ZIP_RATIO * max(entry.compress_size, 1024) for entry in entries)):
        raise ImportProblem("zip_bomb")
    if "xl/workbook.xml" not in archive.namelist():
        raise ImportProblem("not_a_spreadsheet")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types (KeyError, ValueError, XML errors) on a broken file
        raise ImportProblem("broken_spreadsheet") from None
    if len(book.worksheets) > 1:  # which sheet holds the data is a guess we do not make
        raise ImportProblem("several_sheets", sheets=", ".join(book.sheetnames[:10]))
    rows = _xlsx_rows(book.worksheets[0].iter_rows(values_only=True))
    skipped = 0
    for row in rows:
        if any(row):
            header = row
            break
        skipped += 1
    else:
        raise ImportProblem("empty_file")
    while header and not header[-1]:
        header = header[:-1]
    if len(header) > MAX_COLUMNS:
        raise ImportProblem("too_many_columns", limit=MAX_COLUMNS)
    return Table(header=header, source="xlsx", delimiter=None, header_row=skipped + 1, _rows=rows)


def _xlsx_rows(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[str]]:
    try:
        for row in rows:
            cells = [_cell_text(value) for value in row[:MAX_COLUMNS]]
            yield cells if any(cells) else []
    except ImportProblem:
        raise
    except Exception:
        raise ImportProblem("broken_spreadsheet") from None


def _cell_text(value: Any) -> str:
    """A cell's saved value as the text a CSV of it would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)
