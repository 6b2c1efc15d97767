"""Exam codes are aliases of the certification they earn (ARCHITECTURE.md), also when a certification
takes two exams: AZ-800 and AZ-801 together are Windows Server Hybrid Administrator Associate; one
of them alone is a real exam that earns nothing, and the error says exactly that."""

from __future__ import annotations

import pytest
from scoring_builders import make_profile, points

from scoring import ProfileError, load_profile
from scoring.catalog import CATALOG_DIR, exam_part_of

WSHA = "windows-server-hybrid-administrator"


def test_az_800_and_az_801_named_as_two_exams_are_the_certification():
    profile = make_profile({"C": ["AZ-800", "AZ-801"]})
    assert [h.id for h in profile.people[0].certifications] == [WSHA]


def test_the_two_exams_score_like_the_certification_II_1():
    exams = make_profile({"A": ["ADM"], "B": ["ADM"], "C": ["NET"], "D": ["az-801", "Exam AZ-800"]})
    assert points(exams, "infrastructure", "intermediate_certifications") == 8


def test_other_certifications_keep_their_place_and_dates_combine():
    profile = make_profile(
        {
            "C": [
                {"id": "AZ-800", "earned": "2025-01-10"},
                "AZ-104",
                {"id": "AZ-801", "earned": "2025-03-02", "expires": "2026-03-02"},
            ]
        }
    )
    held = [(h.id, str(h.earned), str(h.expires)) for h in profile.people[0].certifications]
    assert held == [(WSHA, "2025-03-02", "2026-03-02"), ("azure-administrator", "None", "None")]


@pytest.mark.parametrize("exam, missing", [("AZ-800", "AZ-801"), ("az-801", "AZ-800")])
def test_one_exam_alone_is_said_to_earn_nothing_not_unknown(exam, missing):
    with pytest.raises(ProfileError) as caught:
        make_profile({"C": ["AZ-104", exam]})
    [error] = caught.value.errors
    assert error.field == "people[0].certifications[1]"
    assert error.message == (
        f"'{exam}' is one of the 2 exams of Windows Server Hybrid Administrator Associate "
        f"(AZ-800 + AZ-801): on its own it earns no certification; add {missing} once passed"
    )
    assert error.suggestions == [WSHA]


def test_an_exam_next_to_its_certification_is_that_certification():
    profile = make_profile({"C": [WSHA, "AZ-800"]})
    assert [h.id for h in profile.people[0].certifications] == [WSHA]


def test_errors_after_a_merged_pair_keep_their_index():
    with pytest.raises(ProfileError) as caught:
        make_profile({"C": ["AZ-800", "AZ-801", "AZ-999"]})
    assert [e.field for e in caught.value.errors] == ["people[0].certifications[2]"]


def test_a_profile_with_the_exams_dumps_the_slug_and_loads_back_unchanged():
    profile = make_profile({"C": ["AZ-800", "AZ-801"]})
    assert load_profile(profile.model_dump(mode="json")) == profile


def test_exam_part_of_names_the_credential_for_the_intake():
    assert exam_part_of("AZ-800").slug == WSHA
    assert exam_part_of("AZ-104") is None  # a one-exam certification: the exam code is the certification


@pytest.mark.parametrize("typed", ["PL300", "pl 300", "Exam PL300", "PL-300", "pl_300"])
def test_an_exam_code_typed_without_its_hyphen_is_the_certification(typed):
    profile = make_profile({"C": [typed]})
    assert [h.id for h in profile.people[0].certifications] == ["data-analyst-associate"]


def test_both_exams_typed_without_hyphens_are_the_credential():
    profile = make_profile({"C": ["az800", "AZ 801"]})
    assert [h.id for h in profile.people[0].certifications] == [WSHA]


def test_a_compact_form_two_certifications_share_names_neither(tmp_path):
    import shutil

    from scoring.catalog import load_catalog

    for path in CATALOG_DIR.glob("*.toml"):
        shutil.copy(path, tmp_path / path.name)
    registry = tmp_path / "certifications.toml"
    registry.write_text(
        registry.read_text(encoding="utf-8")
        + '\n[[certification]]\nslug = "lookalike"\nname = "Lookalike"\nexams = ["PL.300"]\n',
        encoding="utf-8",
    )
    catalog = load_catalog(tmp_path)
    assert catalog.resolve("PL-300").slug == "data-analyst-associate"  # as written: no ambiguity
    assert catalog.resolve("PL.300").slug == "lookalike"
    assert catalog.resolve("PL300") is None  # either could be meant: a guess would be wrong half the time
