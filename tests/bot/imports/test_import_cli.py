"""`python -m bot import-profile --tenant T --people FILE --records FILE [--yes]`, as real processes."""

from __future__ import annotations

from pathlib import Path

from botcore_helpers import PROFILE, TENANT
from test_bot_cli import run, stored, write

from bot.imports.columns import TEMPLATES_DIR
from cards.i18n import t


def seeded(tmp_path: Path) -> Path:
    data_dir = tmp_path / "data"
    assert (
        run(["import-profile", str(write(tmp_path, PROFILE)), "--tenant", TENANT], data_dir).returncode == 0
    )
    return data_dir


def saved_bytes(data_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(data_dir.glob("profiles*"))}


def test_without_yes_the_preview_is_printed_and_nothing_saved(tmp_path: Path) -> None:
    data_dir = seeded(tmp_path)
    before = saved_bytes(data_dir)
    result = run(
        ["import-profile", "--tenant", TENANT, "--people", str(TEMPLATES_DIR / "people.csv")], data_dir
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "Preview: nothing is saved yet",
        "people.csv: people and certifications, 3 rows",
        "People: 1 → 2",
    ]
    assert lines[-1] == "nothing was saved; run again with --yes to apply"
    assert saved_bytes(data_dir) == before


def test_yes_applies_people_and_records_together(tmp_path: Path) -> None:
    data_dir = seeded(tmp_path)
    result = run(
        [
            "import-profile",
            "--tenant",
            TENANT,
            "--people",
            str(TEMPLATES_DIR / "people-one-row.csv"),
            "--records",
            str(TEMPLATES_DIR / "acr-records.csv"),
            "--yes",
        ],
        data_dir,
    )
    assert result.returncode == 0, result.stderr
    profile = stored(data_dir)
    assert [p.name for p in profile.people] == ["Ada Lovelace", "Grace Hopper"]
    assert len(profile.acr_records) == 3 and profile.usage is None


def test_a_records_file_given_as_people_is_refused_with_the_expected_columns(tmp_path: Path) -> None:
    data_dir = seeded(tmp_path)
    before = saved_bytes(data_dir)
    result = run(
        ["import-profile", "--tenant", TENANT, "--people", str(TEMPLATES_DIR / "acr-records.csv"), "--yes"],
        data_dir,
    )
    assert result.returncode == 2
    assert result.stderr.startswith(
        "error: "
        + t(
            "en",
            "imports.columns_not_recognised",
            found="customer, month, service, offer, association, usd, cloud",
        )
    )
    assert "name,email,certification,expires" in result.stderr
    assert saved_bytes(data_dir) == before


def test_a_tenant_without_a_profile_is_told_to_start_with_the_organisation(tmp_path: Path) -> None:
    result = run(
        ["import-profile", "--tenant", TENANT, "--people", str(TEMPLATES_DIR / "people.csv")],
        tmp_path / "data",
    )
    assert (result.returncode, result.stderr) == (2, f"error: {t('en', 'imports.no_profile')}\n")
