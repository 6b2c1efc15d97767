"""ACR records read by Apache Arrow (pyarrow): CSV files, and the records array of a profile file,
become columns without a Python object per cell. Each text column is dictionary-encoded (its distinct
values and one integer code per row), the amounts a float64 array.

Arrow only reads well-formed input here: any file it refuses (a ragged row, an amount that is not a
number, a missing or extra field, a value of the wrong type) returns None, and the caller takes the
row-by-row path, whose messages name the row, the column and the CSV line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias, cast

import msgspec
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.json as pa_json
from numpy.typing import NDArray

if TYPE_CHECKING:  # types of pyarrow-stubs only (pyarrow has no class per data type)
    from pyarrow.lib import Int32Type, StringType

Codes = NDArray[np.int32]
Coded = tuple[list[str], Codes]  # distinct values (first-seen order), each row's code
# A text column as Arrow keeps it (strings only: both readers give text columns that type).
Texts: TypeAlias = "pa.ChunkedArray[pa.StringScalar]"
# A coded column's chunks: int32 codes into string values (`_CODED`, or `dictionary_encode()`'s default).
_Dictionary: TypeAlias = "pa.DictionaryArray[Int32Type, StringType]"
# The low-cardinality text columns arrive coded from the CSV reader, block by block in parallel.
_CODED = pa.dictionary(pa.int32(), pa.string())


@dataclass(frozen=True)
class Columns:
    """ACR records as Arrow read them."""

    usd: NDArray[np.float64]
    # Thousands of distinct ids: kept as Arrow keeps them, coded only for the rows a window needs
    # (`codes_of`).
    customer: Texts
    coded: dict[str, Coded]  # the other text columns


def _columns(table: pa.Table, names: Sequence[str]) -> Columns | None:
    usd = table.column("usd")
    if usd.null_count:
        return None  # an empty amount: the row-by-row path names it
    amounts = usd.to_numpy()
    table = table.unify_dictionaries()  # one dictionary for every chunk of a coded column
    customer: Texts | None = None
    coded: dict[str, Coded] = {}
    for name in names:
        if name == "usd":
            continue
        column = table.column(name)
        if column.null_count:
            return None
        if name == "customer":
            customer = cast(Texts, column)  # read as pa.string()
            continue
        if not pa.types.is_dictionary(column.type):
            column = column.dictionary_encode()  # one memo table across the chunks
        if column.num_chunks == 0:
            coded[name] = ([], np.zeros(0, dtype=np.int32))
            continue
        chunks = cast(list[_Dictionary], column.chunks)
        codes = [chunk.indices.to_numpy(zero_copy_only=False) for chunk in chunks]
        coded[name] = (texts(chunks[0].dictionary), np.concatenate(codes))
    assert customer is not None, "both readers have a customer column"
    return Columns(usd=amounts, customer=customer, coded=coded)


def texts(values: pa.Array[Any] | pa.ChunkedArray[Any]) -> list[str]:
    """The values of a text column without nulls (`_columns` returns None on a null)."""
    return cast(list[str], values.to_pylist())


def codes_of(ids: Texts, rows: NDArray[np.intp]) -> Coded:
    """The distinct values of some rows of a text column (first-seen order) and each row's code."""
    # pyarrow-stubs leave the index and value types of dictionary_encode()'s result open.
    encoded = cast(_Dictionary, ids.take(rows).combine_chunks().dictionary_encode())  # pyright: ignore[reportUnknownMemberType]
    return texts(encoded.dictionary), encoded.indices.to_numpy(zero_copy_only=False)


def first_empty(ids: Texts) -> int | None:
    """The first row whose text is empty, or None."""
    lengths = pc.binary_length(ids)
    # pyarrow-stubs leave index()'s `value` unannotated. (-1: no such row)
    at = pc.index(lengths, 0).as_py()  # pyright: ignore[reportUnknownMemberType]
    return None if at < 0 else at


def read_csv(source: Path | bytes, header: list[str]) -> Columns | None:
    """The data rows of a CSV file or bytes whose (checked, normalized) header is `header`, or None.
    A file is read by Arrow itself (no copy in Python); amounts and codes are made in C++."""
    types = {
        name: pa.float64() if name == "usd" else pa.string() if name == "customer" else _CODED
        for name in header
    }
    try:
        # pyarrow-stubs type `input_file` as a path or a Python file; Arrow reads a Buffer as well.
        table = pa_csv.read_csv(
            str(source) if isinstance(source, Path) else pa.py_buffer(source),  # pyright: ignore[reportArgumentType]
            read_options=pa_csv.ReadOptions(column_names=header, skip_rows=1),
            convert_options=pa_csv.ConvertOptions(
                column_types=types, strings_can_be_null=False, quoted_strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError):
        return None
    return _columns(table, header)


_ROW = pa.struct(
    [
        pa.field(name, pa.float64() if name == "usd" else pa.string())
        for name in ("customer", "month", "service", "offer", "association", "usd", "cloud")
    ]
)
# The records array read as the one value of a one-field object: Arrow's JSON reader takes objects,
# not a top-level array, and so reads the array as written (no split into rows, no copy per row).
_ARRAY = pa.schema([pa.field("acr_records", pa.list_(_ROW))])
_MAX_BLOCK = 2**31 - 1  # Arrow's block size is an int32; a larger array takes the plain path
_NULL = re.compile(rb"null")  # JSON writes a null only so (no escapes outside strings)


def read_json_array(array: bytes | memoryview) -> Columns | None:
    """Records given as the JSON text of the whole `acr_records` array (bytes-like), as columns; None
    when it is not a non-empty array of objects with exactly the record fields and types."""
    doc = b"".join((b'{"acr_records":', array, b"}"))
    if len(doc) >= _MAX_BLOCK:
        return None
    try:
        table = pa_json.read_json(
            pa.py_buffer(doc),  # pyright: ignore[reportArgumentType]  (a Buffer: see read_csv)
            # One block: an object must fit in a block, and this one object is the whole array.
            read_options=pa_json.ReadOptions(use_threads=False, block_size=len(doc) + 1),
            parse_options=pa_json.ParseOptions(
                explicit_schema=_ARRAY,
                unexpected_field_behavior="error",
                newlines_in_values=True,  # an indented file: the array spans lines
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return None
    # The schema makes the column a list of structs (pyarrow-stubs leave a column's array and
    # flatten()'s open).
    lists = cast("pa.ListArray[pa.StructScalar]", table.column("acr_records").combine_chunks())
    if table.num_rows != 1 or lists.null_count:
        return None
    rows = cast(pa.StructArray, lists.flatten())  # pyright: ignore[reportUnknownMemberType]
    if not len(rows) or rows.null_count:  # an empty array, or a row that is `null`
        return None
    table = pa.Table.from_struct_array(rows)
    cloud = table.column("cloud")
    if cloud.null_count and _NULL.search(doc) and _a_cloud_is_null(doc):
        return None  # Arrow reads `"cloud": null` as a missing cloud; the row-by-row path refuses it
    has_cloud = cloud.null_count < table.num_rows
    if has_cloud:
        at = table.schema.get_field_index("cloud")
        table = table.set_column(at, "cloud", cloud.fill_null(pa.scalar("")))
    names = ["customer", "month", "service", "offer", "association", "usd"] + (["cloud"] if has_cloud else [])
    return _columns(table, names)


class _Cloud(msgspec.Struct, gc=False):
    cloud: str = ""  # missing is public; `null` is not text


def _a_cloud_is_null(doc: bytes) -> bool:
    """Whether a record writes `"cloud": null` (the key may be written with escapes)."""
    try:
        msgspec.json.decode(doc, type=dict[str, list[_Cloud]])
    except (msgspec.ValidationError, msgspec.DecodeError):
        return True  # (or text msgspec refuses where Arrow did not: the plain path decides)
    return False
