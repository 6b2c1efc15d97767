"""The rules catalog: versioned data files, validated when loaded, extensible by adding a file."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from scoring_builders import make_profile, metric_result

from scoring import Settings, score_profile
from scoring.catalog import (
    CATALOG_DIR,
    CatalogError,
    certifications,
    default_catalog,
    get_catalog,
    load_catalog,
    resolve_certification,
    suggest_certifications,
    version_in_force,
    versions,
)


def test_versions_and_effective_dates():
    assert versions() == ["2023-H2", "2026"]
    assert get_catalog("2017-07").kind == "cloud_platform"
    assert version_in_force(dt.date(2023, 10, 1)) == "2023-H2"
    assert version_in_force(dt.date(2025, 12, 31)) == "2023-H2"
    assert version_in_force(dt.date(2026, 1, 1)) == "2026"
    assert version_in_force(dt.date(2020, 1, 1)) == "2023-H2"  # before launch: the earliest version


def test_profile_without_rules_is_scored_with_the_version_in_force_on_as_of():
    assert score_profile(make_profile(rules=None, as_of="2025-06-30")).rules == "2023-H2"
    assert score_profile(make_profile(rules=None, as_of="2026-02-28")).rules == "2026"
    assert score_profile(make_profile(rules=None, as_of="2026-02-28"), as_of="2025-02-28").rules == "2023-H2"
    assert score_profile(make_profile(rules=None), rules="2023-H2").rules == "2023-H2"


def test_rule_parameters_are_data():
    rules = get_catalog("2026")
    data_ai = rules.areas["data_ai"].metrics["intermediate_certifications"]
    assert (data_ai.points_each, data_ai.max) == (4, 40)
    assert [s.certifications for s in data_ai.gates] == [
        ("azure-administrator",),
        ("azure-solutions-architect",),
    ]
    assert rules.tracks["smb"].customer_min_acr == 500 and rules.tracks["smb"].gate_points == 4
    assert "advanced_certifications" not in rules.areas["data_ai"].metrics


def test_certification_registry():
    sae = resolve_certification("az-305")
    assert (sae.slug, sae.name, sae.exams) == (
        "azure-solutions-architect",
        "Azure Solutions Architect Expert",
        ("AZ-305",),
    )
    stack = resolve_certification("AZ-600")
    assert (stack.retired, stack.count_until) == (dt.date(2023, 7, 31), dt.date(2024, 7, 31))
    ai = resolve_certification("AI-102")
    assert ai.count_until == dt.date(2027, 6, 30)  # EN-2026: valid one year after retirement
    assert resolve_certification("assessment:13736") is resolve_certification(
        "Technical Assessment for Cloud Platform"
    )
    assert resolve_certification("mcsa-linux-on-azure").name == "MCSA: Linux on Azure"
    assert resolve_certification("SQL AI Developer Associate").exams == ()  # 2026-only, code unknown
    assert resolve_certification("AZ-999") is None
    assert suggest_certifications("Azure Administrater")[0].slug == "azure-administrator"
    assert {c.slug for c in certifications("2017-07")} >= {"70-532", "70-534", "assessment:16571"}
    assert "70-535" not in {c.slug for c in certifications("2017-07")}  # added by the 2017-11 text
    assert {c.slug for c in certifications("2017-11")} >= {"70-534", "70-535"}
    assert "fabric-data-engineer-associate" in {c.slug for c in certifications("2026")}
    assert "fabric-data-engineer-associate" not in {c.slug for c in certifications("2023-H2")}


def _copy_catalog(tmp_path):
    target = tmp_path / "catalog"
    target.mkdir()
    for path in CATALOG_DIR.glob("*.toml"):
        shutil.copy(path, target / path.name)
    return target


def test_next_years_rules_are_a_data_change(tmp_path):
    directory = _copy_catalog(tmp_path)
    text = (directory / "2026.toml").read_text()
    text = text.replace('version = "2026"', 'version = "2027"').replace(
        "effective_from = 2026-01-01", "effective_from = 2027-01-01"
    )
    text = text.replace("threshold = 70", "threshold = 75", 1)
    (directory / "2027.toml").write_text(text)
    catalog = load_catalog(directory)
    assert catalog.in_force(dt.date(2027, 3, 1)).version == "2027"
    settings = Settings(catalog_dir=directory)
    card = score_profile(make_profile(rules=None, as_of="2027-03-31"), settings=settings)
    assert card.rules == "2027" and card.designations[0].threshold == 75
    assert metric_result(card, "data_ai", "net_customer_adds").max == 30


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "2026.toml",
            "points_each = 4\nmax = 40",
            "points_each = -4\nmax = 40",
            "2026.toml: areas.data_ai.metrics.intermediate_certifications.points_each",
        ),
        (
            "2026.toml",
            '"fabric-data-engineer-associate",',
            '"fabric-data-engineer",',
            "'fabric-data-engineer' is not in",
        ),
        ("2023-H2.toml", 'role = "scoring"', 'role = "bonus"', "2023-H2.toml: areas.data_ai"),
        ("2023-H2.toml", "threshold = 70", "threshold = ", "2023-H2.toml: not valid TOML"),
        ("2023-H2.toml", 'version = "2023-H2"', 'version = "2023"', "does not match the file name"),
        (
            "certifications.toml",
            'slug = "azure-developer"',
            'slug = "azure-administrator"',
            "certifications.toml",
        ),
        ("2017-07.toml", "developing = 10000", "", "2017-07.toml: levels.silver.min_consumption_usd"),
        ("2017-07.toml", "[levels.gold]", "[levels.platinum]", "2017-07.toml: levels"),
    ],
)
def test_a_broken_catalog_fails_loudly_naming_file_and_field(tmp_path, file, old, new, expected):
    directory = _copy_catalog(tmp_path)
    path = directory / file
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new, 1))
    with pytest.raises(CatalogError) as caught:
        load_catalog(directory)
    assert expected in str(caught.value)


def test_the_packaged_catalog_loads():
    catalog = load_catalog(CATALOG_DIR)
    assert set(catalog.rule_sets) == {"2023-H2", "2026"}
    assert set(catalog.cloud_platform) == {"2017-07", "2017-11"}


def test_the_package_catalog_is_one_catalog_however_its_folder_is_named():
    catalog = default_catalog()
    assert default_catalog(CATALOG_DIR) is catalog
    assert default_catalog(str(CATALOG_DIR / ".." / "catalog")) is catalog
    assert catalog.rule_set("2026").version == "2026"
