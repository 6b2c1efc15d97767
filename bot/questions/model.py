"""What the handler gives the questions part and what it gets back (see the team brief's interface)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from scoring.ids import Area

if TYPE_CHECKING:
    from scoring import Profile
    from scoring.results import Scorecard


class Intent(StrEnum):
    SCORE = "score"
    WHY = "why"
    PLAN = "plan"
    RULE = "rule"
    CERTIFICATIONS = "certifications"
    HELP = "help"
    START_INTAKE = "start_intake"  # also "update my data"; Answer.section names the part, if any
    STOP_NOTIFICATIONS = "stop_notifications"
    START_NOTIFICATIONS = "start_notifications"
    NO_PROFILE = "no_profile"  # the tenant has no profile yet: the text offers the intake
    UNKNOWN = "unknown"


class Section(StrEnum):
    """Parts of the intake a user can ask to update on their own."""

    PEOPLE = "people"
    CUSTOMERS = "customers"
    USAGE = "usage"
    SERVICES = "services"
    ORGANISATION = "organisation"


@dataclass(frozen=True, slots=True)
class AnswerContext:
    locale: str
    profile: Profile | None = None
    scorecard: Scorecard | None = None  # scored from `profile` on demand when left out
    last_area: Area | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    text: str
    card: dict[str, Any] | None = None
    intent: Intent = Intent.UNKNOWN
    area: Area | None = None  # the handler keeps it as the conversation's last area
    section: Section | None = None  # START_INTAKE only: the intake section to open, if named
    suggestions: list[str] = field(default_factory=list)  # short follow-up questions (quick replies)
