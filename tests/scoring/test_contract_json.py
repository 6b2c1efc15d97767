"""The scorecard JSON is written exactly as ARCHITECTURE.md shows it: head counts and whole figures as
integers (`"required": 2, "have": 1`, `"value": 3`), fractions as they are."""

from __future__ import annotations

import json

from scoring import load_profile, score_profile

EXAMPLE = {
    "partner": {"id": "4412345", "name": "Contoso Ltd", "market": "developed"},
    "as_of": "2026-10-31",
    "rules": "2023-H2",
    "track": "enterprise",
    "people": [
        {"id": "p1", "name": "Ada", "certifications": ["AZ-305", {"id": "AZ-104", "expires": "2027-03-01"}]}
    ],
    "usage": {
        "eligible_customers_last_month": 5,
        "eligible_customers_same_month_last_year": 3,
        "acr_last_month": 112700.0,
        "acr_same_month_last_year": 100000.0,
        "deployed_services": ["Azure SQL Database", "Azure App Service"],
    },
    "cloud_platform": {"consumption_usd_12m": 20000},
}


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
