"""Reading files: encodings, delimiters, decimal commas, Excel, and the column map (aliases)."""

from __future__ import annotations

import pytest
from import_files import xlsx

from bot.imports.columns import column_map, header_key, recognise
from bot.imports.preview import ReceivedFile, build_preview
from bot.imports.problems import ImportProblem
from bot.imports.table import read_table
from scoring import load_profile

BASE = load_profile(
    {
        "partner": {"id": "4412345", "name": "Contoso Ltd"},
        "as_of": "2026-10-31",
        "rules": "2023-H2",
        "people": [
            {"id": "p1", "name": "Ada", "certifications": ["AZ-305"]},
            {"id": "p2", "name": "Bob", "certifications": ["AZ-104"]},
        ],
        "usage": {
            "eligible_customers_last_month": 5,
            "eligible_customers_same_month_last_year": 3,
            "acr_last_month": 1000.0,
            "acr_same_month_last_year": 900.0,
            "deployed_services": ["Azure SQL Database"],
        },
    }
)


def preview(data: bytes, locale: str = "en", expected: str | None = None):
    return build_preview(BASE, [ReceivedFile("f", data, expected)], locale=locale, tenant_id="t")


def people_of(data: bytes, **kw) -> list[tuple[str, list[str]]]:
    return [(p.name, [c.id for c in p.certifications]) for p in preview(data, **kw).profile.people]


PEOPLE = "name,certification\nAda,AZ-305\nAda,AZ-104\nZoë Müller,DP-203\n"
EXPECTED = [
    ("Ada", ["azure-solutions-architect", "azure-administrator"]),
    ("Zoë Müller", ["azure-data-engineer"]),
]


@pytest.mark.parametrize(
    "encoded",
    [
        PEOPLE.encode("utf-8"),
        b"\xef\xbb\xbf" + PEOPLE.encode("utf-8"),
        PEOPLE.replace(",", "\t").encode("utf-16"),  # Excel's "Unicode text": UTF-16 with BOM, tabs
        PEOPLE.replace(",", ";").encode("cp1252"),  # European Excel "CSV": Windows-1252, semicolons
        PEOPLE.encode("latin-1"),
        PEOPLE.replace("\n", "\r\n").encode("utf-8"),
    ],
    ids=["utf-8", "utf-8 BOM", "utf-16 tabs", "cp1252 semicolons", "latin-1", "CRLF"],
)
def test_people_read_the_same_in_every_encoding_and_delimiter(encoded: bytes) -> None:
    assert people_of(encoded) == EXPECTED


def test_one_row_per_person_with_certifications_in_one_cell() -> None:
    data = 'Name,Certifications\nAda,"AZ-305, AZ-104"\nZoë Müller,Azure Data Engineer Associate\n'
    assert people_of(data.encode()) == EXPECTED


def test_an_excel_workbook_reads_like_its_csv() -> None:
    book = xlsx([["Name", "Certification"], ["Ada", "AZ-305"], ["Ada", "AZ-104"], ["Zoë Müller", "DP-203"]])
    assert people_of(book) == EXPECTED


def test_excel_dates_become_expiry_dates() -> None:
    import datetime as dt

    book = xlsx([["name", "certification", "expires"], ["Ada", "AZ-305", dt.datetime(2027, 3, 1)]])
    ada = preview(book).profile.people[0]
    assert ada.certifications[0].expires == dt.date(2027, 3, 1)


def test_people_missing_from_the_file_are_removed_and_shown() -> None:
    changes = preview(b"name,certification\nAda,AZ-305\nAda,AZ-104\n").view.people
    assert (
        changes.removed,
        changes.changed,
        changes.certifications_added,
        changes.certifications_removed,
    ) == (["Bob"], ["Ada"], ["Ada: AZ-104"], ["Bob: AZ-104"])


def test_a_person_with_a_refused_certification_keeps_the_ones_the_file_lost() -> None:
    result = preview(b"name,certification\nBob,AZ-10A\nAda,AZ-305\n")
    bob = result.profile.person("p2")
    assert [c.id for c in bob.certifications] == ["azure-administrator"]
    assert "AZ-104" in result.view.files[0].refused[0].suggestions


def test_a_file_equal_to_the_saved_data_changes_nothing() -> None:
    with pytest.raises(ImportProblem) as caught:
        preview(b"name,certification\nAda,AZ-305\nBob,AZ-104\n")
    assert caught.value.key == "nothing_to_change"


@pytest.mark.parametrize(
    "cell, locale, delimiter, amount",
    [
        ("1234.5", "en", ",", 1234.5),
        ('"1,234.50"', "en", ",", 1234.5),
        ("1234,5", "fr", ";", 1234.5),
        ("1.234,50", "de", ";", 1234.5),
        ("1 234,50", "fr", ";", 1234.5),
        ("-12,5", "de", "\t", -12.5),
    ],
)
def test_amounts_read_with_the_decimal_separator_of_the_file(
    cell: str, locale: str, delimiter: str, amount: float
) -> None:
    header = delimiter.join(["customer", "month", "service", "offer", "association", "usd"])
    row = delimiter.join(["c1", "2026-09", "Azure SQL Database", "CSP", "CSP_T1", cell])
    records = preview(f"{header}\n{row}\n".encode(), locale).profile.acr_records
    assert records.usd.tolist() == [amount]


def test_partner_center_azure_usage_columns_are_recognised_by_their_aliases() -> None:
    header = [
        "MPNId",
        "CustomerTenantId",
        "CustomerTenantName",
        "Month",
        "ServiceLevel1",
        "AzureLicenseType",
        "PartnerAttributionType",
        "ACR_USD",
    ]
    found = recognise(header)
    assert found.kind == "acr"
    assert found.index == {"customer": 1, "month": 3, "service": 4, "offer": 5, "association": 6, "usd": 7}


def test_month_start_dates_and_association_spellings_are_understood() -> None:
    data = (
        b"Customer Tenant Id,Month Start Date,Service Name,Offer Type,Association Type,ACR\n"
        b"c1,2026-09-01,Azure SQL Database,CSP,CSP Tier 1,10\n"
    )
    rows = preview(data).profile.acr_records.to_rows()
    assert rows == [
        {
            "customer": "c1",
            "month": "2026-09",
            "service": "Azure SQL Database",
            "offer": "CSP",
            "association": "CSP_T1",
            "usd": 10.0,
        }
    ]


def test_bad_acr_rows_are_refused_by_row_and_the_rest_kept() -> None:
    data = (
        b"customer,month,service,offer,association,usd\n"
        b"c1,2026-09,SQL,CSP,CSP_T1,10\n"
        b"c2,2026-13,SQL,CSP,CSP_T1,10\n"
        b"c3,2026-09,SQL,CSP,CSP_T9,10\n"
        b"c4,2026-09,SQL,CSP,CSP_T1,ten\n"
        b",2026-09,SQL,CSP,CSP_T1,10\n"
    )
    result = preview(data)
    refused = [(r.row, r.reason, r.value, r.suggestions) for r in result.view.files[0].refused]
    assert refused == [
        (3, "bad_month", "2026-13", []),
        (4, "unknown_association", "CSP_T9", ["CSP_T2", "CSP_T1"]),
        (5, "bad_amount", "ten", []),
        (6, "value_missing", "", []),
    ]
    assert (
        result.profile.acr_records.to_rows()[0]["customer"] == "c1" and len(result.profile.acr_records) == 1
    )


def test_the_customers_and_tenants_download_is_explained_not_guessed_at() -> None:
    with pytest.raises(ImportProblem) as caught:
        preview(b"PGAMpnID,CustomerName,CustomerTenantId,CustomerTenantName,Month\n1,C,c1,C,2026-09\n")
    assert caught.value.key == "customers_only"


def test_headers_match_ignoring_case_spaces_and_punctuation() -> None:
    assert header_key(" Customer Tenant-Id ") == header_key("customertenantid") == "customertenantid"


def test_a_repeated_column_is_refused_naming_both() -> None:
    with pytest.raises(ImportProblem) as caught:
        recognise(["Name", "Certification", "name "])
    assert (caught.value.key, caught.value.params) == (
        "repeated_column",
        {"column": "name", "found": "Name, name "},
    )


def test_the_command_line_kind_must_match_the_file() -> None:
    with pytest.raises(ImportProblem) as caught:
        preview(PEOPLE.encode(), expected="acr")
    assert caught.value.key == "columns_not_recognised"


def test_every_alias_belongs_to_one_column_of_its_kind() -> None:
    for kind, spec in column_map().kinds.items():
        keys = [header_key(a) for c, s in spec.columns.items() for a in [c, *s.aliases]]
        assert len(keys) == len(set(keys)), kind


def test_every_template_is_recognised_as_its_kind() -> None:
    from bot.imports.columns import TEMPLATES_DIR

    kinds = {"people.csv": "people", "people-one-row.csv": "people", "acr-records.csv": "acr"}
    for name, kind in kinds.items():
        table = read_table((TEMPLATES_DIR / name).read_bytes())
        assert recognise(table.header).kind == kind


@pytest.mark.parametrize(
    "data, key",
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old_excel"),
        (b"PK\x03\x04 not really a zip", "binary_file"),
        (b"name,certification\n", "no_rows_or_every_row_refused"),
        (b" \n\n ,,\n", "empty_file"),
        (b'name,certification\n"Ada,AZ-305\n', "not_csv"),
    ],
)
def test_broken_files_are_named_for_what_they_are(data: bytes, key: str) -> None:
    with pytest.raises(ImportProblem) as caught:
        preview(data)
    assert caught.value.key in key.split("_or_")


@pytest.mark.parametrize("blank", ["", "\n"], ids=["read by Arrow", "blank line: read by the csv module"])
def test_both_readers_give_the_same_records_and_exact_row_numbers(blank: str) -> None:
    from bot.imports.acr import arrow_table

    data = (
        "customer,month,service,offer,association,usd\n"
        f"c1,2026-09,SQL,CSP,CSP_T1,10\n{blank}"
        'c2,2026-09,"SQL, managed",CSP,CSP_T1,20\n'
        "c3,2026-99,SQL,CSP,CSP_T1,30\n"
    ).encode()
    table = read_table(data)
    assert (arrow_table(table, 10) is None) == bool(blank)
    result = preview(data)
    assert [(r.row, r.value) for r in result.view.files[0].refused] == [(4 + len(blank), "2026-99")]
    assert [(r["customer"], r["service"], r["usd"]) for r in result.profile.acr_records.to_rows()] == [
        ("c1", "SQL", 10.0),
        ("c2", "SQL, managed", 20.0),
    ]
