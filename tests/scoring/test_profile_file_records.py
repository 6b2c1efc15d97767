"""A profile file with its ACR records inline: read by Arrow when every row is a well-formed record,
with the same result as the row-by-row path, and the same messages when a row is not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_records import row

from scoring import ProfileError, load_profile, score_profile
from scoring.load import COLUMNAR_MIN_RECORDS

N = COLUMNAR_MIN_RECORDS + 7


def rows(n: int = N) -> list[dict]:
    return [
        row(f"Tenant-{i % 37}", f"2026-0{1 + i % 9}", round(i % 1013 * 1.25 - 40.005, 3),
            service=f"svc {i % 11}", association=("CSP_T1", "PAL", "DPOR", "csp tier 2")[i % 4])
        for i in range(n)
    ]  # fmt: skip


def write(tmp_path: Path, records: list) -> Path:
    data = {"partner": {"id": "p"}, "as_of": "2026-10-31", "rules": "2026", "acr_records": records}
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(data))
    return path


def test_inline_records_read_by_arrow_equal_the_parsed_rows(tmp_path):
    records = rows()
    records[5]["cloud"] = "public"
    path = write(tmp_path, records)
    from_file = load_profile(path)
    assert type(from_file.acr_records.customer).__name__ == "_ArrowTenants"  # Arrow read them
    from_dicts = load_profile(json.loads(path.read_text()))
    assert from_file == from_dicts
    assert score_profile(from_file).to_json() == score_profile(from_dicts).to_json()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"usd": "12"}, "acr_records[3].usd", "must be a number of US dollars"),
        ({"month": "09/2026"}, "acr_records[3].month", "is not a month"),
        ({"colour": "red"}, "acr_records[3].colour", "unknown column 'colour'"),
    ],
)
def test_a_bad_row_among_many_gets_the_row_by_row_message(tmp_path, change, field, message):
    records = rows()
    records[3] = {**records[3], **change}
    with pytest.raises(ProfileError) as caught:
        load_profile(write(tmp_path, records))
    errors = [e for e in caught.value.errors if e.field == field]
    assert errors and message in errors[0].message


def test_a_profile_file_that_is_not_json_is_told_so(tmp_path):
    path = tmp_path / "profile.json"
    path.write_text('{"partner": {"id": "p"}, "acr_records": [')
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    assert caught.value.errors[0].message.startswith("not valid JSON")
