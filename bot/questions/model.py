"""What the handler gives the questions part and what it gets back (see the team brief's interface)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from scoring.ids import Area, Metric, Track

if TYPE_CHECKING:
    from scoring import Profile
    from scoring.history import Snapshot
    from scoring.results import Scorecard


@dataclass(frozen=True)
class WhatIf:
    """A hypothetical change named in a question ("what if Bo passes AZ-305?", "if usage grows 20%")."""

    kind: str  # "certify" | "customers" | "growth" | "services" | "track" | "leaves" | "acr"
    count: int = 1  # customers, services: negative for fewer ("if we lose 2 customers")
    percent: float | None = None
    track: Track | None = None  # kind "track": the partner scored on this track instead
    relative: bool = False  # growth: `percent` points more ("20% more") rather than a target ("hits 20%")
    absolute: bool = False  # customers, services: `count` is the figure itself ("net adds were only 2")
    amount: float | None = None  # kind "acr": the qualifying ACR said ("if ACR reaches $120,000")


class Memory(BaseModel):
    """What one user's last question was about in one conversation, so that an elliptical follow-up
    ("who has it?", "and for infra?", "qui l'a ?") fills its gaps. Kept in conversation state as JSON;
    it expires after `MEMORY_TTL` so that tomorrow's "why?" is not read against today's topic."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    intent: str | None = None
    areas: list[Area] = []
    metric: Metric | None = None
    certification: str | None = None
    person: str | None = None
    cloud_platform: bool = False  # the last answer was about the Cloud Platform competency
    change: WhatIf | None = None  # the change the last what-if simulated, for "so we'd qualify?"
    # (person id, certification) the last what-if gave, so "再加上 Mateus 考 AZ-140" adds to it.
    grants: list[tuple[str, str]] = []
    at: float = 0.0  # seconds since the epoch

    def fresh(self, now: float) -> bool:
        return 0 <= now - self.at <= MEMORY_TTL


MEMORY_TTL = 30 * 60  # a conversation's topic is forgotten after half an hour of silence


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
    WHAT_IF = "what_if"  # the score with a hypothetical change, nothing saved
    EXPIRY = "expiry"  # certifications expiring soon and the points at stake
    CHANGES = "changes"  # what changed since the last stored scorecard
    FACT = "fact"  # a programme fact from the catalog (refresh dates, the qualification window...)
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
    memory: Memory | None = None  # this user's recent turns in this conversation (follow-ups)
    # The score history's last snapshot from an earlier month, for "what changed?" (the handler reads
    # it only for that question: `history_loaded` says it was looked for).
    previous: Snapshot | None = None
    history_loaded: bool = False


@dataclass(frozen=True, slots=True)
class Answer:
    text: str
    card: dict[str, Any] | None = None
    intent: Intent = Intent.UNKNOWN
    area: Area | None = None  # the handler keeps it as the conversation's last area
    section: Section | None = None  # START_INTAKE only: the intake section to open, if named
    suggestions: list[str] = field(default_factory=list)  # short follow-up questions (quick replies)
    memory: Memory | None = None  # what a follow-up may refer to; the handler keeps it per user
