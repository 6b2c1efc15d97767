"""Draft <-> profile JSON (ARCHITECTURE.md "Profile (input) JSON"). Pure."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cards.intake_state import AUTO_RULES, Draft, DraftPerson

# Keys the intake edits; any other key of a saved profile is kept as it was.
_EDITED = {"partner", "as_of", "rules", "track", "people", "usage", "acr_records", "cloud_platform"}


def draft_from_profile(data: dict[str, Any]) -> Draft:
    """A draft prefilled from a saved profile (`Profile.model_dump(mode="json", exclude_none=True)`)."""
    partner = data.get("partner") or {}
    usage = data.get("usage") or {}
    cloud = data.get("cloud_platform") or {}
    draft = Draft(
        partner_id=str(partner.get("id") or ""),
        partner_name=str(partner.get("name") or ""),
        market=str(partner.get("market") or "developed"),
        track=str(data.get("track") or "enterprise"),
        rules=str(data.get("rules") or AUTO_RULES),
        people=[
            DraftPerson(
                id=str(p.get("id")),
                name=str(p.get("name") or p.get("id")),
                certifications=list(p.get("certifications") or []),
            )
            for p in data.get("people") or []
        ],
        customers_last_month=_int(usage.get("eligible_customers_last_month")),
        customers_year_ago=_int(usage.get("eligible_customers_same_month_last_year")),
        acr_last_month=usage.get("acr_last_month"),
        acr_year_ago=usage.get("acr_same_month_last_year"),
        consumption_12m=cloud.get("consumption_usd_12m"),
        services=list(usage.get("deployed_services") or []),
        acr_records=data.get("acr_records") or None,
        untouched={k: v for k, v in data.items() if k not in _EDITED},
    )
    extra_cloud = {k: v for k, v in cloud.items() if k != "consumption_usd_12m"}
    if extra_cloud:
        draft.untouched["cloud_platform"] = extra_cloud
    return draft


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def profile_data(draft: Draft, as_of: dt.date) -> dict[str, Any]:
    """The profile JSON the scoring engine validates (`scoring.load_profile`)."""
    data: dict[str, Any] = {k: v for k, v in draft.untouched.items() if k != "cloud_platform"}
    data["partner"] = {"id": draft.partner_id, "name": draft.partner_name, "market": draft.market}
    data["as_of"] = as_of.isoformat()
    if draft.rules != AUTO_RULES:
        data["rules"] = draft.rules
    data["track"] = draft.track
    data["people"] = [
        {"id": p.id, "name": p.name, "certifications": list(p.certifications)} for p in draft.people
    ]
    if draft.acr_records and draft.customers_last_month is None:
        # Detailed records carry their own services; the engine derives deployments from them.
        data["acr_records"] = draft.acr_records
    else:
        data["usage"] = {
            "eligible_customers_last_month": draft.customers_last_month,
            "eligible_customers_same_month_last_year": draft.customers_year_ago,
            "acr_last_month": draft.acr_last_month,
            "acr_same_month_last_year": draft.acr_year_ago,
            "deployed_services": list(draft.services),
        }
    cloud = dict(draft.untouched.get("cloud_platform") or {})
    if draft.consumption_12m is not None:
        cloud["consumption_usd_12m"] = draft.consumption_12m
    if cloud:
        data["cloud_platform"] = cloud
    return data
