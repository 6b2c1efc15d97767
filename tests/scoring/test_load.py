"""Bad input is rejected with an error naming the field and the value; good input round-trips."""

from __future__ import annotations

import json

import pytest
from scoring_builders import usage

from scoring import ProfileError, load_profile

BASE = {"partner": {"id": "4412345"}, "as_of": "2026-10-31", "usage": usage(5, 3, 112_700, 100_000)}


def errors_of(data) -> list:
    with pytest.raises(ProfileError) as caught:
        load_profile(data)
    return caught.value.errors


def test_unknown_certification_names_the_entry_and_suggests():
    data = BASE | {"people": [{"id": "p1", "certifications": ["AZ-305", "AZ-10"]}]}
    (err,) = errors_of(data)
    assert err.field == "people[0].certifications[1]"
    assert err.value == "AZ-10"
    assert "unknown certification 'AZ-10'" in err.message and "did you mean" in err.message
    assert "azure-administrator" in err.suggestions


def test_unknown_certification_in_object_form_names_the_entry():
    (err,) = errors_of(
        BASE | {"people": [{"id": "p1", "certifications": [{"id": "nope", "expires": "2027-01-01"}]}]}
    )
    assert err.field == "people[0].certifications[0]" and err.value == "nope"


def test_single_exam_of_a_two_exam_credential_is_not_the_credential():
    (err,) = errors_of(BASE | {"people": [{"id": "p1", "certifications": ["AZ-800"]}]})
    assert "windows-server-hybrid-administrator" in err.suggestions


@pytest.mark.parametrize(
    "name",
    [
        "az-305",
        "AZ-305",
        "Azure Solutions Architect Expert",
        "azure-solutions-architect",
        "  azure   solutions architect expert ",
        "Microsoft Certified: Azure Solutions Architect Expert",
    ],
)
def test_certifications_by_code_name_or_slug_case_insensitively(name):
    profile = load_profile(BASE | {"people": [{"id": "p1", "certifications": [name]}]})
    assert profile.people[0].certifications[0].id == "azure-solutions-architect"


def test_negative_money_and_counts_are_rejected():
    bad = usage(-1, 3, -5.0, 100_000)
    fields = {e.field: e for e in errors_of(BASE | {"usage": bad})}
    assert set(fields) == {"usage.eligible_customers_last_month", "usage.acr_last_month"}
    assert fields["usage.acr_last_month"].value == -5.0
    assert "negative" in fields["usage.acr_last_month"].message
    (err,) = errors_of(BASE | {"cloud_platform": {"consumption_usd_12m": -1}})
    assert err.field == "cloud_platform.consumption_usd_12m"


def test_malformed_dates_are_rejected():
    errs = errors_of(
        BASE
        | {
            "as_of": "2026-13-01",
            "people": [{"id": "p", "certifications": [{"id": "AZ-104", "expires": "soon"}]}],
        }
    )
    assert {e.field for e in errs} == {"as_of", "people[0].certifications[0].expires"}
    assert all("YYYY-MM-DD" in e.message for e in errs)


def test_expiry_before_earned_is_rejected():
    (err,) = errors_of(
        BASE
        | {
            "people": [
                {
                    "id": "p",
                    "certifications": [{"id": "AZ-104", "earned": "2026-01-01", "expires": "2025-01-01"}],
                }
            ]
        }
    )
    assert err.field == "people[0].certifications[0]"


def test_duplicate_person_ids_are_rejected_with_both_positions():
    errs = errors_of(BASE | {"people": [{"id": "a"}, {"id": "b"}, {"id": "a", "certifications": ["AZ-999"]}]})
    dup = next(e for e in errs if e.field == "people[2].id")
    assert dup.value == "a" and "people[0]" in dup.message
    assert any(e.field == "people[2].certifications[0]" for e in errs)  # reported together


@pytest.mark.parametrize("which", ["both", "neither"])
def test_both_or_neither_usage_and_records_are_rejected(which):
    data = dict(BASE)
    if which == "both":
        data["acr_records"] = []
    else:
        data.pop("usage")
    (err,) = errors_of(data)
    assert err.field == "usage" and which in err.message


def test_unknown_fields_are_rejected_with_a_suggestion():
    (err,) = errors_of(BASE | {"rulez": "2026"})
    assert err.field == "rulez" and err.suggestions == ["rules"]


def test_unknown_rules_and_track_and_market():
    errs = errors_of(BASE | {"rules": "2025", "track": "mid", "partner": {"id": "1", "market": "emerging"}})
    assert {e.field for e in errs} == {"rules", "track", "partner.market"}
    assert "2023-H2" in next(e for e in errs if e.field == "rules").message


def test_records_errors_name_row_and_column():
    rows = [
        {
            "customer": "t",
            "month": "2026-09",
            "service": "S",
            "offer": "Azure plan",
            "association": "CSP_T1",
            "usd": 1.0,
        },
        {
            "customer": "t",
            "month": "2026-13",
            "service": "S",
            "offer": "Azure plan",
            "association": "CSP T9",
            "usd": "12",
        },
    ]
    errs = errors_of({"partner": {"id": "1"}, "acr_records": rows})
    assert {e.field for e in errs} == {
        "acr_records[1].month",
        "acr_records[1].association",
        "acr_records[1].usd",
    }


def test_not_json_and_not_an_object():
    (err,) = errors_of("{not json")
    assert "not valid JSON" in err.message
    (err,) = errors_of("[1, 2]")
    assert "JSON object" in err.message


def test_str_lists_one_readable_line_per_error():
    with pytest.raises(ProfileError) as caught:
        load_profile(BASE | {"as_of": "x", "track": "y"})
    assert str(caught.value).count("\n") == 1


def test_profile_round_trips_through_load_profile(tmp_path):
    data = BASE | {
        "partner": {"id": "4412345", "name": "Contoso", "market": "developing"},
        "rules": "2026",
        "track": "smb",
        "people": [
            {
                "id": "p1",
                "name": "Ada",
                "certifications": [
                    "AZ-305",
                    {"id": "AZ-104", "earned": "2025-01-02", "expires": "2027-03-01"},
                ],
            }
        ],
        "cloud_platform": {"consumption_usd_12m": 20000},
    }
    profile = load_profile(data)
    dumped = profile.model_dump(mode="json", exclude_none=True)
    assert load_profile(dumped) == profile
    path = tmp_path / "p.json"
    path.write_text(json.dumps(dumped))
    assert load_profile(path) == profile
    assert dumped["people"][0]["certifications"][0] == "azure-solutions-architect"


def test_records_from_a_csv_file_named_in_the_profile(tmp_path):
    (tmp_path / "acr.csv").write_text(
        "customer,month,service,offer,association,usd\nt1,2026-09,Azure SQL Database,Azure plan,CSP_T1,1500\n"
    )
    (tmp_path / "p.json").write_text(
        json.dumps({"partner": {"id": "1"}, "as_of": "2026-10-31", "acr_records": "acr.csv"})
    )
    profile = load_profile(tmp_path / "p.json")
    assert len(profile.acr_records) == 1
    assert load_profile(profile.model_dump(mode="json", exclude_none=True)) == profile


def test_numbers_must_be_json_numbers_not_text_or_booleans():
    errs = errors_of(BASE | {"usage": usage(True, "3") | {"acr_last_month": "12.5"}})
    assert {e.field for e in errs} == {
        "usage.eligible_customers_last_month",
        "usage.eligible_customers_same_month_last_year",
        "usage.acr_last_month",
    }


def test_a_csv_name_outside_a_profile_file_is_explained():
    (err,) = errors_of({"partner": {"id": "1"}, "acr_records": "acr.csv"})
    assert err.field == "acr_records" and "profile file" in err.message


def test_hostile_sizes_are_rejected_quickly_and_quoted_short():
    errs = errors_of(
        BASE | {"people": [{"id": "p", "certifications": ["x" * 5_000_000]}], "as_of": "y" * 10_000}
    )
    assert {e.field for e in errs} == {"people[0].certifications[0]", "as_of"}
    assert all(len(str(e)) < 300 and len(e.value) <= 80 for e in errs)
