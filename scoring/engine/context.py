"""Everything one scoring run shares: the profile, the rules picked for it, the people index."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from scoring.catalog import Catalog
from scoring.catalog.models import RuleSet, TrackRules
from scoring.derive import Measures, from_records, from_usage
from scoring.holdings import Holders, PeopleIndex
from scoring.ids import Track
from scoring.models import Profile
from scoring.settings import Settings


def people_index(profile: Profile) -> PeopleIndex:
    """The profile's certification index, built once and kept on the (immutable) profile."""
    cached = profile._index
    if cached is None or cached[0] is not profile.people:
        cached = (profile.people, PeopleIndex.build(profile.people))
        profile._index = cached
    return cached[1]


@dataclass
class Context:
    profile: Profile
    as_of: dt.date
    rules: RuleSet
    track: Track
    track_rules: TrackRules
    settings: Settings
    catalog: Catalog
    # step certifications -> holders
    steps: dict[tuple[str, ...], Any] = field(default_factory=dict[tuple[str, ...], Any])

    @cached_property
    def holders(self) -> Holders:
        return Holders(people_index(self.profile), self.as_of, self.settings)

    @cached_property
    def measures(self) -> Measures:
        if self.profile.acr_records is not None:
            return from_records(
                self.profile.acr_records, self.as_of, self.rules, self.track_rules, self.settings
            )
        assert self.profile.usage is not None  # the model guarantees one of the two
        return from_usage(self.profile.usage, self.rules)
