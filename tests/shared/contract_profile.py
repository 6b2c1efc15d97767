"""The contract's example profile (ARCHITECTURE.md, "Profile (input) JSON"), one copy for every test that
starts from it (tests/shared is on pytest's pythonpath: import it by name)."""

from __future__ import annotations

from typing import Any


def example_profile(**changes: Any) -> dict[str, Any]:
    """A fresh copy of the example, its top-level keys replaced by `changes`: Contoso Ltd on 2026-10-31 under
    the 2023-H2 rules, Ada the only Solutions Architect Expert, 5 customers against 3 a year ago, ACR
    112,700 against 100,000 (12.7% growth), two deployed services. Usage is given as the aggregate
    figures: the example's detailed `acr_records` line is left out."""
    data: dict[str, Any] = {
        "partner": {"id": "4412345", "name": "Contoso Ltd", "market": "developed"},
        "as_of": "2026-10-31",
        "rules": "2023-H2",
        "track": "enterprise",
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
        "cloud_platform": {"consumption_usd_12m": 20000},
    }
    data.update(changes)
    return data
