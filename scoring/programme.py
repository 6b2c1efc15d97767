"""Programme facts as data (`programme.toml`): refresh day, skilling lag, the qualification window.

The bot answers "when does the data refresh?" from here, so a change by Microsoft is a data change.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

PROGRAMME_FILE = Path(__file__).resolve().parent / "programme.toml"


class Programme(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    refresh_day: int = Field(ge=1, le=28)
    skilling_lag_days: int = Field(ge=0, le=90)
    learn_profile_must_be_linked: bool
    qualification_window_months: int = Field(ge=1, le=24)
    expiring_soon_days: int = Field(ge=1, le=365)


@cache
def programme() -> Programme:
    with PROGRAMME_FILE.open("rb") as handle:
        return Programme.model_validate(tomllib.load(handle))
