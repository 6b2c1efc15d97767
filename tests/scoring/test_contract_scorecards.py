"""The scorecard JSON is a contract: every reason keeps its field names, order and omissions.

contract_scorecards.jsonl holds, one per line, a profile (with the rules, date and settings it was
scored with) and the scorecard main wrote for it before reasons became one model per code (commit
6006044): the 2023-H2 and 2026 worked examples, the ARCHITECTURE.md example, and profiles from the
scoring tests that together show every reason code with every combination of fields it carries.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scoring import Profile, Scorecard, Settings, score_profile
from scoring.ids import ReasonCode

CASES = [
    json.loads(line)
    for line in (Path(__file__).with_name("contract_scorecards.jsonl")).read_text("utf-8").splitlines()
]


def _codes(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["code"]} if "code" in node else set()
        return found.union(*(_codes(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_codes(v) for v in node))
    return set()


def test_the_cases_show_every_reason_code() -> None:
    assert set().union(*(_codes(case["scorecard"]) for case in CASES)) == set(ReasonCode)


@pytest.mark.parametrize("case", CASES, ids=[f"case{i}" for i in range(len(CASES))])
def test_the_scorecard_json_is_byte_identical_to_the_recorded_one(case: dict[str, Any]) -> None:
    settings = Settings.model_validate(case["settings"]) if "settings" in case else None
    profile = Profile.model_validate(case["profile"])
    card = score_profile(profile, case.get("rules"), case.get("as_of"), settings)
    # json.loads keeps key order and int/float, so dumping the recording again gives main's bytes.
    assert json.dumps(card.to_json()) == json.dumps(case["scorecard"])


@pytest.mark.parametrize("case", CASES, ids=[f"case{i}" for i in range(len(CASES))])
def test_a_stored_scorecard_reads_back_to_the_same_json(case: dict[str, Any]) -> None:
    # The bot stores scorecards and validates them again on reading (bot/stores.py, bot/history.py).
    assert json.dumps(Scorecard.model_validate(case["scorecard"]).to_json()) == json.dumps(case["scorecard"])
