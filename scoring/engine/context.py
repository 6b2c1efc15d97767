"""Everything one scoring run shares: the profile, the rules picked for it, the people index."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from scoring.catalog import Catalog
from scoring.catalog.models import RuleSet, TrackRules
from scoring.derive import Measures, from_records, from_usage
from scoring.holdings import Holders, Ignored
from scoring.ids import Track
from scoring.models import Profile
from scoring.settings import Settings

# A step's holders in one scoring run (see metrics.step_state): the people holding it, the count that
# scores, the people whose holding lapsed, and why each lapsed holding was ignored.
StepHolders = tuple[list[str], int, tuple[str, ...], list[Ignored]]


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
    steps: dict[tuple[str, ...], StepHolders] = field(default_factory=dict[tuple[str, ...], StepHolders])

    @cached_property
    def holders(self) -> Holders:
        return Holders(self.profile.people_index(), self.as_of, self.settings)

    @cached_property
    def measures(self) -> Measures:
        if self.profile.acr_records is not None:
            return from_records(
                self.profile.acr_records, self.as_of, self.rules, self.track_rules, self.settings
            )
        assert self.profile.usage is not None  # the model guarantees one of the two
        return from_usage(self.profile.usage, self.rules)
