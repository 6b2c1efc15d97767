"""A saved profile goes through the intake's draft and back unchanged: editing one section never loses
what the intake does not show (expiry dates, detailed ACR records, rule version, track)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from intake_harness import contoso_profile_data, records_profile

from bot.intake.convert import draft_from_profile, profile_data
from scoring import load_profile


def smb_profile() -> dict[str, Any]:
    data = contoso_profile_data()
    data["track"] = "smb"
    data["rules"] = "2026"
    data["partner"]["market"] = "developing"
    data["people"][0]["certifications"] = [{"id": "AZ-104", "earned": "2025-01-10", "expires": "2027-01-10"}]
    del data["cloud_platform"]
    return data


@pytest.mark.parametrize("make", [contoso_profile_data, records_profile, smb_profile])
def test_a_saved_profile_round_trips_through_the_draft(make: Any) -> None:
    saved = load_profile(make()).model_dump(mode="json", exclude_none=True)
    again = load_profile(profile_data(draft_from_profile(saved), dt.date.fromisoformat(saved["as_of"])))
    assert again.model_dump(mode="json", exclude_none=True) == saved
