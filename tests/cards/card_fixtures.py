"""Profiles for card tests, scored by the real engine (no hand-made results)."""

from __future__ import annotations

from typing import Any

from contract_profile import example_profile

from cards.intake_state import IntakeStep
from scoring import Profile, Scorecard, load_profile, score_profile
from scoring.catalog import certifications


def contoso_data() -> dict[str, Any]:
    """ARCHITECTURE.md's example profile and Grace: Data & AI blocked by the Solutions Architect gate."""
    data = example_profile()
    data["people"].append({"id": "p2", "name": "Grace", "certifications": ["AZ-104", "DP-300"]})
    return data


def big_data(people: int = 300) -> dict[str, Any]:
    """A partner at the intake's maximums: long names, every certification spread over people."""
    slugs = [c.slug for c in certifications()]
    data = contoso_data()
    data["partner"]["name"] = "Northwind Global Cloud Consulting & Managed Services International " * 2
    data["people"] = [
        {
            "id": f"p{i}",
            "name": f"Maximilian-Alexander Worthington-Smythe the {i}th",
            "certifications": [slugs[(i + k) % len(slugs)] for k in range(6)],
        }
        for i in range(people)
    ]
    data["usage"]["deployed_services"] = [
        f"Azure Service Number {i} With A Long Product Name" for i in range(150)
    ]
    return data


def qualified_data() -> dict[str, Any]:
    data = contoso_data()
    data["people"] = [
        {
            "id": f"p{i}",
            "name": f"Person {i}",
            "certifications": ["AZ-305", "AZ-104", "DP-300", "AZ-700", "AZ-400", "AZ-204", "AZ-140"],
        }
        for i in range(12)
    ]
    data["usage"]["eligible_customers_same_month_last_year"] = 1
    data["usage"]["acr_last_month"] = 130000.0
    data["usage"]["deployed_services"] = [
        "Azure SQL Database",
        "Azure App Service",
        "Azure Cosmos DB",
        "Azure Functions",
        "Azure Kubernetes Service",
    ]
    data["cloud_platform"] = {"consumption_usd_12m": 150000}
    return data


def scored(data: dict[str, Any]) -> tuple[Scorecard, Profile]:
    profile = load_profile(data)
    return score_profile(profile), profile


# The inputs of each intake section's card, by the ids the intake reads back.
INTAKE_INPUTS: dict[IntakeStep, list[str]] = {
    IntakeStep.ORGANISATION: ["partner_id", "partner_name", "market", "track", "rules"],
    IntakeStep.AREAS: ["areas"],
    IntakeStep.PEOPLE: ["person_name", "person_certs", "person_codes", "bulk"],
    IntakeStep.USAGE: ["customers_last_month", "customers_year_ago", "acr_last_month", "acr_year_ago",
                       "consumption_12m"],
    IntakeStep.SERVICES: ["services", "services_other"],
}
