"""Partner capability scoring: profile + versioned rules catalog -> scorecard with reasons and a plan.

Pure Python over pydantic models; no bot, HTTP or storage imports.
"""

from scoring.engine import score_profile
from scoring.errors import FieldError, ProfileError
from scoring.load import load_profile
from scoring.models import HeldCertification, Partner, Person, Profile, Usage
from scoring.records import AcrRecords
from scoring.results import Scorecard
from scoring.settings import Settings

__all__ = [
    "AcrRecords",
    "FieldError",
    "HeldCertification",
    "Partner",
    "Person",
    "Profile",
    "ProfileError",
    "Scorecard",
    "Settings",
    "Usage",
    "load_profile",
    "score_profile",
]
