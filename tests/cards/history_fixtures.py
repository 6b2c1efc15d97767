"""Score histories for card tests, from real engine results (no hand-made scores)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from card_fixtures import qualified_data

from scoring import load_profile, score_profile
from scoring.history import ScoreHistory, SnapshotKind, add_months, build_history, first_day, snapshot_of

RECORDED = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def monthly(data: dict[str, Any], month: str):
    """`data` scored on the 21st of `month`, kept as that month's snapshot."""
    day = first_day(month).replace(day=21)
    card = score_profile(load_profile({**data, "as_of": day.isoformat()}))
    return snapshot_of(card, SnapshotKind.MONTHLY, RECORDED, month=month)


def year_with_a_lapse(data: dict[str, Any], current: str) -> ScoreHistory:
    """Twelve months ending with `current`: every area qualified (qualified_data) until three months
    before `current`, `data`'s own scores since, and one month without any score (a gap)."""
    snaps = []
    for back in range(11, -1, -1):
        month = add_months(current, -back)
        if back == 7:
            continue  # nothing kept that month
        snaps.append(monthly(qualified_data() if back >= 3 else data, month))
    return build_history(snaps)
