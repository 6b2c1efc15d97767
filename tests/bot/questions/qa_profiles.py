"""Profiles for the question tests, scored by the real engine (no hand-made scorecards)."""

from __future__ import annotations

from typing import Any

from bot.questions import AnswerContext
from scoring import Profile, load_profile, score_profile


def make_profile(people: list[dict[str, Any]], **overrides: Any) -> Profile:
    data: dict[str, Any] = {
        "partner": {"id": "4412345", "name": "Contoso Ltd", "market": "developed"},
        "as_of": "2026-10-31",
        "rules": "2023-H2",
        "people": people,
        "usage": {
            "eligible_customers_last_month": 5,
            "eligible_customers_same_month_last_year": 3,
            "acr_last_month": 112700.0,
            "acr_same_month_last_year": 100000.0,
            "deployed_services": ["Azure SQL Database", "Azure App Service", "Virtual Machines"],
        },
        "cloud_platform": {"consumption_usd_12m": 20000},
    }
    data.update(overrides)
    return load_profile(data)


def context(profile: Profile | None, locale: str = "en", last_area: str | None = None) -> AnswerContext:
    card = score_profile(profile) if profile is not None else None
    return AnswerContext(locale=locale, profile=profile, scorecard=card, last_area=last_area)  # type: ignore[arg-type]


# Ada holds the only Solutions Architect Expert (D&AI step 1 gate needs 2); her AZ-104 has expired.
ADA_ONLY_ARCHITECT = [
    {"id": "p1", "name": "Ada", "certifications": ["AZ-305", {"id": "AZ-104", "expires": "2026-03-01"}]},
    {"id": "p2", "name": "Grace", "certifications": ["AZ-104", "DP-300", "AZ-204"]},
    {"id": "p3", "name": "Linus", "certifications": ["AI-102", "DP-100", "AZ-104", "AZ-700"]},
]


# The card checks (official 1.5 schema, `msteams`, size limit) and the very large partner of the card
# tests, shared so both suites check cards the same way (tests/cards is on pytest's pythonpath).
import card_schema  # noqa: E402
from card_fixtures import big_data  # noqa: E402

__all__ = ["ADA_ONLY_ARCHITECT", "big_data", "card_schema", "context", "make_profile"]
