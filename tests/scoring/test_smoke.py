"""First-cut smoke test: the public API loads, scores and plans a profile end to end."""

from scoring import load_profile, score_profile
from scoring.catalog import get_catalog, resolve_certification
from scoring.planner import apply_plan


def test_contract_example_scores_and_plan_qualifies():
    profile = load_profile(
        {
            "partner": {"id": "4412345", "name": "Contoso Ltd", "market": "developed"},
            "as_of": "2026-10-31",
            "rules": "2023-H2",
            "people": [
                {
                    "id": "p1",
                    "name": "Ada",
                    "certifications": ["AZ-305", {"id": "AZ-104", "expires": "2027-03-01"}],
                }
            ],
            "usage": {
                "eligible_customers_last_month": 5,
                "eligible_customers_same_month_last_year": 3,
                "acr_last_month": 112700.0,
                "acr_same_month_last_year": 100000.0,
                "deployed_services": ["Azure SQL Database", "Azure App Service"],
            },
        }
    )
    card = score_profile(profile)
    data_ai = card.designation("data_ai")
    assert [m.points for m in data_ai.metrics] == [20, 0, 12, 4]
    assert not data_ai.qualified and data_ai.plan
    rescored = score_profile(apply_plan(profile, card))
    assert all(d.qualified for d in rescored.designations)
    assert resolve_certification("az-305").slug == "azure-solutions-architect"
    assert get_catalog("2023-H2").threshold == 70
