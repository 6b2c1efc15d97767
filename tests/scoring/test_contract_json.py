"""The scorecard JSON is written exactly as ARCHITECTURE.md shows it: head counts and whole figures as
integers (`"required": 2, "have": 1`, `"value": 3`), fractions as they are."""

from __future__ import annotations

import json

from contract_profile import example_profile

from scoring import load_profile, score_profile

EXAMPLE = example_profile()


def test_the_architecture_example_prints_its_prerequisite_reason_with_integer_counts() -> None:
    text = json.dumps(score_profile(load_profile(EXAMPLE)).to_json())
    card = json.loads(text)
    data_ai = next(d for d in card["designations"] if d["area"] == "data_ai")
    intermediate = next(m for m in data_ai["metrics"] if m["metric"] == "intermediate_certifications")
    assert intermediate["reasons"][0] == {
        "code": "prerequisite_unmet", "step": 1, "certifications": ["azure-solutions-architect"],
        "required": 2, "have": 1, "people": ["p1"],
    }
    assert '"required": 2,' in text and '"required": 2.0' not in text
    growth = next(m for m in data_ai["metrics"] if m["metric"] == "usage_growth")
    assert growth["value"] == 12.7 and isinstance(growth["reasons"][0]["baseline"], int)
    assert isinstance(card["cloud_platform"]["consumption_usd_12m"], int)
