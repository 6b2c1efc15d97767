"""The intake's form state: a draft profile plus where the user is in the conversation.

It lives in the bot's ConversationState as plain JSON (`IntakeState.model_dump(mode="json")`), so
an intake survives a service restart. The draft is only turned into a real profile on confirm.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from scoring.ids import Area, Market, Track


class IntakeStep(StrEnum):
    ORGANISATION = "organisation"
    AREAS = "areas"
    PEOPLE = "people"
    USAGE = "usage"
    SERVICES = "services"
    REVIEW = "review"


# The sections a user fills in, in order; review closes every path.
SECTIONS: tuple[IntakeStep, ...] = (
    IntakeStep.ORGANISATION, IntakeStep.AREAS, IntakeStep.PEOPLE, IntakeStep.USAGE, IntakeStep.SERVICES)
AUTO_RULES = "auto"
PEOPLE_PER_PAGE = 8


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class InputError(_Model):
    """A message for one input: a locale key under `intake.` and its format parameters."""

    key: str
    params: dict[str, Any] = Field(default_factory=dict)


class DraftPerson(_Model):
    id: str
    name: str
    # Catalog slugs, or {"id": slug, "expires": "YYYY-MM-DD"} kept from a saved profile.
    certifications: list[str | dict[str, Any]] = Field(default_factory=list[str | dict[str, Any]])

    def slugs(self) -> list[str]:
        return [c if isinstance(c, str) else str(c.get("id", "")) for c in self.certifications]


class Draft(_Model):
    partner_id: str = ""
    partner_name: str = ""
    market: str = Market.DEVELOPED.value
    track: str = Track.ENTERPRISE.value
    rules: str = AUTO_RULES
    areas: list[str] = Field(default_factory=lambda: [a.value for a in Area])
    people: list[DraftPerson] = Field(default_factory=list[DraftPerson])
    customers_last_month: int | None = None
    customers_year_ago: int | None = None
    acr_last_month: float | None = None
    acr_year_ago: float | None = None
    consumption_12m: float | None = None
    services: list[str] = Field(default_factory=list)
    # A saved profile given as detailed ACR records keeps them until the user types figures.
    acr_records: list[dict[str, Any]] | None = None
    # Saved-profile keys the intake does not edit (e.g. cloud_platform extras), kept verbatim.
    untouched: dict[str, Any] = Field(default_factory=dict)

    def next_person_id(self) -> str:
        taken = {p.id for p in self.people}
        number = len(self.people) + 1
        while f"p{number}" in taken:
            number += 1
        return f"p{number}"


class IntakeState(_Model):
    session: str  # random id printed on every card of this intake; older cards are refused
    step: IntakeStep = IntakeStep.ORGANISATION
    # "full" walks every section; "section" edits one section of a saved profile, then review.
    mode: str = "full"
    draft: Draft = Field(default_factory=Draft)
    values: dict[str, Any] = Field(default_factory=dict)  # the user's raw inputs, echoed on errors
    errors: dict[str, InputError] = Field(default_factory=dict)
    notice: InputError | None = None  # one line shown at the top of the next card
    editing: int | None = None  # index of the person being edited on the people step
    page: int = 0  # people list page
    section: IntakeStep | None = None  # the section being edited in "section" mode
    reviewed: bool = False  # reached review once: "next" on a section goes back there
    has_saved_profile: bool = False
    today: str = ""  # ISO date the intake started (shown with the rule version in force)
