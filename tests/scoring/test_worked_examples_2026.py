"""docs/rules.md §5.4: the 2026 examples (Enterprise and SMB tracks), one test each, named after its ID.

In 2026, D&AI Step 1 = ADM and Step 2 = SAE.
"""

from __future__ import annotations

import pytest
from scoring_builders import make_profile, metric_result, points

from scoring import score_profile
from scoring.ids import ReasonCode

DA, INFRA, DAI = "data_ai", "infrastructure", "digital_app_innovation"
INT, ADV = "intermediate_certifications", "advanced_certifications"


def _p(people: dict[str, list[str]], track: str):
    return make_profile(people, rules="2026", track=track)


def _da(adm: int, sae: int, step3: int, same_people: bool = False) -> dict[str, list[str]]:
    if same_people:
        return {"A": ["ADM", "SAE", "DBA"], "B": ["ADM", "SAE", "DP-600"]}
    people = {f"adm{i}": ["ADM"] for i in range(adm)} | {f"sae{i}": ["SAE"] for i in range(sae)}
    return people | {f"s{i}": ["DBA"] for i in range(step3)}


def test_26_DA_E1():
    assert points(_p(_da(2, 2, 3), "enterprise"), DA, INT) == 12


def test_26_DA_E2():
    assert points(_p(_da(0, 0, 0, same_people=True), "enterprise"), DA, INT) == 8


def test_26_DA_E3():
    assert points(_p(_da(2, 0, 2), "enterprise"), DA, INT) == 0


def test_26_DA_E4():
    result = metric_result(score_profile(_p(_da(1, 2, 2), "enterprise")), DA, INT)
    assert result.points == 0
    unmet = next(r for r in result.reasons if r.code == ReasonCode.PREREQUISITE_UNMET)
    assert (unmet.step, unmet.certifications, unmet.required, unmet.have) == (
        1,
        ["azure-administrator"],
        2,
        1,
    )


def test_26_DA_S1():
    assert points(_p(_da(2, 2, 3), "smb"), DA, INT) == 20


def test_26_DA_S2():
    assert points(_p(_da(0, 0, 0, same_people=True), "smb"), DA, INT) == 16


def test_26_DA_S3():
    result = metric_result(score_profile(_p(_da(2, 0, 2), "smb")), DA, INT)
    assert result.points == 4
    codes = [r.code for r in result.reasons]
    assert ReasonCode.GATE_POINTS in codes and ReasonCode.PREREQUISITE_UNMET in codes


def test_26_DA_S4():
    assert points(_p(_da(0, 0, 2), "smb"), DA, INT) == 0


def _one_gate(
    gate: str, n_gate: int, scoring: str, n_scoring: int, same: bool = False
) -> dict[str, list[str]]:
    if same:
        return {"A": [gate, scoring], "B": [gate, scoring]}
    return {f"g{i}": [gate] for i in range(n_gate)} | {f"s{i}": [scoring] for i in range(n_scoring)}


def test_26_DI_E1():
    assert points(_p(_one_gate("ADM", 2, "DEV", 5), "enterprise"), DAI, INT) == 20


def test_26_DI_E2():
    assert points(_p(_one_gate("ADM", 2, "DEV", 2), "enterprise"), DAI, INT) == 8


def test_26_DI_E3():
    assert points(_p(_one_gate("ADM", 1, "DEV", 2), "enterprise"), DAI, INT) == 0


@pytest.mark.parametrize("example", ["26-DI-S1", "26-DI-S2"])
def test_26_DI_S1_S2(example):
    assert points(_p(_one_gate("ADM", 2, "DEV", 2), "smb"), DAI, INT) == 12


def test_26_DI_S3():
    assert points(_p(_one_gate("ADM", 1, "DEV", 2), "smb"), DAI, INT) == 12


def test_26_DI_S4():
    assert points(_p(_one_gate("ADM", 0, "DEV", 2), "smb"), DAI, INT) == 0


def test_26_II_E1_E3():
    assert points(_p(_one_gate("ADM", 2, "NET", 2), "enterprise"), INFRA, INT) == 8
    assert points(_p(_one_gate("ADM", 0, "NET", 0, same=True), "enterprise"), INFRA, INT) == 8
    assert points(_p(_one_gate("ADM", 1, "NET", 2), "enterprise"), INFRA, INT) == 0


def test_26_II_S1_S4():
    assert points(_p(_one_gate("ADM", 2, "NET", 2), "smb"), INFRA, INT) == 12
    assert points(_p(_one_gate("ADM", 0, "NET", 0, same=True), "smb"), INFRA, INT) == 12
    assert points(_p(_one_gate("ADM", 1, "NET", 2), "smb"), INFRA, INT) == 12
    assert points(_p(_one_gate("ADM", 0, "NET", 2), "smb"), INFRA, INT) == 0


@pytest.mark.parametrize(("area", "scoring"), [(DAI, "GH-300"), (INFRA, "AVD")])
def test_26_DV_IV_E1_E3(area, scoring):
    assert points(_p(_one_gate("SAE", 2, scoring, 2), "enterprise"), area, ADV) == 8
    assert points(_p(_one_gate("SAE", 0, scoring, 0, same=True), "enterprise"), area, ADV) == 8
    assert points(_p(_one_gate("SAE", 1, scoring, 2), "enterprise"), area, ADV) == 0


@pytest.mark.parametrize(("area", "scoring"), [(DAI, "DEVOPS"), (INFRA, "AZ-120")])
def test_26_DV_IV_S1_S4(area, scoring):
    assert points(_p(_one_gate("SAE", 2, scoring, 2), "smb"), area, ADV) == 12
    assert points(_p(_one_gate("SAE", 0, scoring, 0, same=True), "smb"), area, ADV) == 12
    assert points(_p(_one_gate("SAE", 1, scoring, 2), "smb"), area, ADV) == 12
    assert points(_p(_one_gate("SAE", 0, scoring, 2), "smb"), area, ADV) == 0


def test_26_NC_S():
    rows = [
        {
            "customer": "T",
            "month": "2026-09",
            "service": "Azure SQL Database",
            "offer": "Azure plan",
            "association": "CSP_T2",
            "usd": 600.0,
        }
    ]
    for track, expected in (("smb", 1), ("enterprise", 0)):
        card = score_profile(make_profile(rules="2026", track=track, acr_records=rows))
        assert metric_result(card, DA, "net_customer_adds").value == expected
        assert card.track == track


def test_2026_drops_retired_2023_certifications():
    """Azure Data Engineer is not in the 2026 D&AI list; AI-102 counts until a year after 2026-06-30."""
    people = {"A": ["ADM", "SAE"], "B": ["ADM", "SAE"], "C": ["DE"]}
    assert points(make_profile(people, rules="2026"), DA, INT) == 0
    later = {"A": ["ADM", "SAE"], "B": ["ADM", "SAE"], "C": [{"id": "AI-102", "earned": "2025-05-01"}]}
    assert points(make_profile(later, rules="2026", as_of="2027-06-30"), DA, INT) == 4
    assert points(make_profile(later, rules="2026", as_of="2027-07-01"), DA, INT) == 0


def test_2023_rules_have_no_smb_track():
    card = score_profile(make_profile(_da(2, 2, 3), rules="2023-H2", track="smb"))
    assert card.track == "enterprise"


def test_E15_a_certification_earned_after_its_retirement_does_not_count():
    people = {"A": ["ADM", "SAE"], "B": ["ADM", "SAE"], "C": [{"id": "AI-102", "earned": "2026-07-15"}]}
    result = metric_result(score_profile(make_profile(people, rules="2026", as_of="2026-10-31")), DA, INT)
    assert result.points == 0
    retired = next(r for r in result.reasons if r.code == ReasonCode.CERTIFICATION_RETIRED)
    assert (retired.person, retired.certification, str(retired.on)) == (
        "C",
        "azure-ai-engineer",
        "2026-07-01",
    )
