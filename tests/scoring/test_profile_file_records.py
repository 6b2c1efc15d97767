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


def errors_of(data) -> list:
    with pytest.raises(ProfileError) as caught:
        load_profile(data)
    return caught.value.errors


def test_an_indented_profile_file_is_read_by_arrow_like_the_parsed_rows(tmp_path):
    path = write(tmp_path, rows())
    path.write_text(json.dumps(json.loads(path.read_text()), indent=2))
    from_file = load_profile(path)
    assert type(from_file.acr_records.customer).__name__ == "_ArrowTenants"
    assert from_file == load_profile(json.loads(path.read_text()))


def test_clouds_given_on_some_rows_only_are_read_by_arrow(tmp_path):
    records = rows()
    records[0]["cloud"] = "China"
    records[9]["cloud"] = "public"
    from_file = load_profile(write(tmp_path, records))
    assert type(from_file.acr_records.customer).__name__ == "_ArrowTenants"
    assert from_file == load_profile(json.loads((tmp_path / "profile.json").read_text()))
    assert [r.get("cloud") for r in from_file.acr_records.to_rows()[:2]] == ["china", None]


def test_a_null_cloud_among_many_rows_is_refused_as_in_a_short_list(tmp_path):
    records = rows()
    records[3]["cloud"] = None
    (error,) = errors_of(write(tmp_path, records))
    assert (error.field, error.value, error.message) == ("acr_records[3].cloud", None, "must be text")
    assert errors_of(json.loads((tmp_path / "profile.json").read_text())) == [error]
    assert errors_of({**json.loads((tmp_path / "profile.json").read_text()), "acr_records": records[:5]}) == [
        error
    ]


def test_a_null_cloud_written_with_an_escaped_key_is_refused(tmp_path):
    records = rows()
    records[3]["cloud"] = None
    path = write(tmp_path, records)
    path.write_text(path.read_text().replace('"cloud": null', '"\\u0063loud": null'))
    (error,) = errors_of(path)
    assert (error.field, error.message) == ("acr_records[3].cloud", "must be text")


def test_null_inside_a_text_value_is_only_text(tmp_path):
    records = rows()
    records[3]["service"] = "null"
    from_file = load_profile(write(tmp_path, records))
    assert type(from_file.acr_records.customer).__name__ == "_ArrowTenants"
    assert from_file.acr_records.to_rows()[3]["service"] == "null"


NOT_A_RECORD = "must be an object with customer, month, service, offer, association, usd"


@pytest.mark.parametrize(
    ("bad_row", "field", "message"),
    [
        (None, "acr_records[3]", NOT_A_RECORD),
        ([1, 2], "acr_records[3]", NOT_A_RECORD),
        ({**rows(4)[3], "usd": True}, "acr_records[3].usd", "must be a number of US dollars"),
        ({**rows(4)[3], "customer": 7}, "acr_records[3].customer", "must be text"),
    ],
)
def test_a_row_arrow_refuses_gets_the_row_by_row_message(tmp_path, bad_row, field, message):
    records = rows()
    records[3] = bad_row
    errors = errors_of(write(tmp_path, records))
    assert [(e.field, e.message) for e in errors] == [(field, message)]
    assert errors == errors_of(json.loads((tmp_path / "profile.json").read_text()))


def test_a_missing_profile_file_is_told_so(tmp_path):
    (error,) = errors_of(tmp_path / "nope.json")
    assert (error.field, error.value) == ("(file)", str(tmp_path / "nope.json"))
    assert error.message.startswith("cannot read the profile: [Errno 2] No such file or directory")


def test_an_empty_profile_file_is_not_json(tmp_path):
    path = tmp_path / "profile.json"
    path.write_bytes(b"")
    (error,) = errors_of(path)
    assert (error.field, error.message) == ("(profile)", "not valid JSON: Expecting value at line 1 column 1")


def test_a_profile_file_with_a_byte_order_mark_is_read_by_arrow(tmp_path):
    path = write(tmp_path, rows())
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    from_file = load_profile(path)
    assert type(from_file.acr_records.customer).__name__ == "_ArrowTenants"
    assert len(from_file.acr_records) == N
