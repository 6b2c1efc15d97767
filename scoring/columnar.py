"""ACR records read by Apache Arrow (pyarrow): CSV files, and the JSON rows of a profile file, become
columns without a Python object per cell. Each text column is dictionary-encoded (its distinct
values and one integer code per row), the amounts a float64 array.

Arrow only reads well-formed input here: any file it refuses (a ragged row, an amount that is not a
number, a missing or extra field, a value of the wrong type) returns None, and the caller takes the
row-by-row path, whose messages name the row, the column and the CSV line.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.json as pa_json

Coded = tuple[list[str], np.ndarray]  # distinct values (first-seen order), each row's code
Columns = dict[str, Coded | np.ndarray]  # text columns coded; "usd" as float64


def _columns(table: pa.Table, names: Sequence[str]) -> Columns | None:
    usd = table.column("usd")
    if usd.null_count:
        return None  # an empty amount: the row-by-row path names it
    out: Columns = {"usd": usd.to_numpy()}
    for name in names:
        if name == "usd":
            continue
        column = table.column(name)
        if column.null_count:
            return None
        encoded = column.combine_chunks().dictionary_encode()
        out[name] = (encoded.dictionary.to_pylist(), encoded.indices.to_numpy(zero_copy_only=False))
    return out


def read_csv(data: bytes, header: list[str]) -> Columns | None:
    """The data rows of CSV bytes whose (checked, normalized) header is `header`, or None."""
    types = {name: pa.float64() if name == "usd" else pa.string() for name in header}
    try:
        table = pa_csv.read_csv(
            pa.py_buffer(data),
            read_options=pa_csv.ReadOptions(column_names=header, skip_rows=1),
            convert_options=pa_csv.ConvertOptions(
                column_types=types, strings_can_be_null=False, quoted_strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return _columns(table, header)


_ROW = pa.struct(
    [
        pa.field(name, pa.float64() if name == "usd" else pa.string())
        for name in ("customer", "month", "service", "offer", "association", "usd", "cloud")
    ]
)


def read_json_rows(rows: Sequence[bytes]) -> tuple[Columns, bool] | None:
    """Records given as the raw JSON text of each row (objects with exactly the record fields), as
    columns and whether any row has a `cloud`; None when a row is not such an object."""
    if not rows:
        return None
    try:
        table = pa_json.read_json(
            pa.py_buffer(b"\n".join(rows)),
            parse_options=pa_json.ParseOptions(
                explicit_schema=pa.schema(list(_ROW)), unexpected_field_behavior="error"
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return None
    if table.num_rows != len(rows):
        return None
    cloud = table.column("cloud")
    has_cloud = cloud.null_count < table.num_rows
    if has_cloud:
        table = table.set_column(
            table.schema.get_field_index("cloud"), "cloud", pc.fill_null(cloud, pa.scalar(""))
        )
    names = ["customer", "month", "service", "offer", "association", "usd"] + (["cloud"] if has_cloud else [])
    columns = _columns(table, names)
    return None if columns is None else (columns, has_cloud)
