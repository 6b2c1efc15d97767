"""Builders for the scoring tests: profiles written the way the rules' examples read.

A module of its own, not conftest.py: test modules import these by name, and several test folders
each have a conftest.py, so `from conftest import ...` picks whichever was imported first when more
than one folder is collected in one run."""

from __future__ import annotations

from typing import Any

from scoring import Profile, load_profile

AS_OF = "2026-10-31"  # a 2026 date: `rules` is always given explicitly unless a test says otherwise

# docs/rules.md §5 abbreviations -> exam codes / names the profile accepts.
ABBR = {
    "SAE": "AZ-305",
    "ADM": "AZ-104",
    "DBA": "DP-300",
    "AIE": "AI-102",
    "DS": "DP-100",
    "DE": "DP-203",
    "DEV": "AZ-204",
    "NET": "AZ-700",
    "AVD": "AZ-140",
    "DEVOPS": "AZ-400",
}


def usage(
    current: int = 0,
    baseline: int = 0,
    acr: float = 0.0,
    acr_base: float = 0.0,
    services: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "eligible_customers_last_month": current,
        "eligible_customers_same_month_last_year": baseline,
        "acr_last_month": acr,
        "acr_same_month_last_year": acr_base,
        "deployed_services": services or [],
    }


def make_profile(
    people: dict[str, list[str]] | None = None,
    *,
    rules: str | None = "2023-H2",
    as_of: str = AS_OF,
    track: str = "enterprise",
    **extra: Any,
) -> Profile:
    """people: {"A": ["SAE", "DBA"], ...} with docs/rules.md abbreviations or any certification name."""
    data: dict[str, Any] = {
        "partner": {"id": "4412345", "name": "Contoso Ltd", "market": extra.pop("market", "developed")},
        "as_of": as_of,
        "track": track,
        "people": [
            {"id": pid, "certifications": [ABBR.get(c, c) if isinstance(c, str) else c for c in certs]}
            for pid, certs in (people or {}).items()
        ],
    }
    if rules:
        data["rules"] = rules
    if "acr_records" not in extra and "usage" not in extra:
        data["usage"] = usage()
    data.update(extra)
    return load_profile(data)


def metric_result(card, area: str, metric: str):
    for result in card.designation(area).metrics:
        if result.metric == metric:
            return result
    raise KeyError(metric)


def points(profile: Profile, area: str, metric: str, **kwargs: Any) -> int:
    from scoring import score_profile

    return metric_result(score_profile(profile, **kwargs), area, metric).points


def area_profile(
    area: str,
    *,
    net: int = 0,
    intermediate: int = 0,
    advanced: int = 0,
    growth: float = 0.0,
    services: int = 0,
    rules: str = "2023-H2",
) -> Profile:
    """A profile whose metric points in `area` are chosen directly (in people, customers, % and services)."""
    gates = {"data_ai": ["SAE", "ADM"], "infrastructure": ["ADM"], "digital_app_innovation": ["ADM"]}[area]
    scoring_cert = {"data_ai": "DBA", "infrastructure": "NET", "digital_app_innovation": "DEV"}[area]
    adv_cert = {"infrastructure": "AVD", "digital_app_innovation": "DEVOPS"}.get(area)
    people: dict[str, list[str]] = {"g1": [*gates, "SAE"], "g2": [*gates, "SAE"]}
    for i in range(intermediate):
        people[f"i{i}"] = [scoring_cert]
    for i in range(advanced):
        people[f"a{i}"] = [adv_cert] if adv_cert else []
    names = [
        "Azure SQL Database",
        "Azure App Service",
        "Storage",
        "Azure Functions",
        "Key Vault",
        "Azure Monitor",
    ]
    return make_profile(
        people,
        rules=rules,
        usage=usage(net, 0, 100_000 * (1 + growth / 100), 100_000, names[:services]),
    )
