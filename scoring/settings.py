"""Every interpretation choice of docs/rules.md §6 as a named setting; defaults are the recommendations.

Choices the doc's own examples pin down (E-11 once per step, E-12/E-13 counting in several steps,
E-18 integer skilling points, E-22 steps keyed by certification) and facts that are inputs
(E-24 amounts are USD, E-25 market is `partner.market`) have no alternative to offer and no setting.
E-19 (qualification window = OR over the days of the window) is a property of the score history,
which the bot keeps; the engine scores one date.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # E-1: net adds <= 0 score 0; the raw net value is kept for the reasons. "floor_zero" is the only
    # reading consistent with whole-increment points; kept as a setting so the choice is visible.
    net_adds_negative: Literal["floor_zero"] = "floor_zero"
    # E-2: "last month" = M-1 (latest complete month), "same month last year" = M-13.
    last_month_offset: int = Field(default=1, ge=1, le=2)
    last_year_offset: int = Field(default=13, ge=12, le=14)
    # E-3: usage growth with a zero baseline is undefined: 0 points (or "max": full points).
    zero_baseline_growth: Literal["zero", "max"] = "zero"
    # E-4: compare trailing-12-month totals ("ttm") or the single months M-1 and M-13 ("month").
    usage_growth_window: Literal["ttm", "month"] = "ttm"
    # E-5: which qualifying ACR total must reach the USD 1,000 minimum.
    min_acr_applies_to: Literal["current", "baseline", "both"] = "current"
    # E-6/E-7: growth points are floor(growth %) on exact decimals; negative growth gives 0.
    growth_rounding: Literal["floor"] = "floor"
    # E-8: money thresholds ($1,000, $500, $15,000 ...) are inclusive (>=).
    thresholds_inclusive: bool = True
    # E-9: a service is deployed when its eligible ACR summed over the TTM is > 0 (credits net it);
    # False: any single positive line counts.
    deployment_net_of_credits: bool = True
    # E-10: a tenant's eligible ACR is summed across all its eligible association types;
    # False: only its largest single association counts toward the customer threshold.
    combine_tenant_associations: bool = True
    # E-11/E-14: count distinct people (a person counts once per step, gates need distinct people);
    # False counts certification holdings instead (for comparison with naive reports only).
    count_distinct_people: bool = True
    # E-15: retired certifications count until their catalog count_until date; False: stop at retirement.
    count_retired_until_cutoff: bool = True
    # E-16: only certifications valid on the scoring date count (expires/earned dates of a person).
    only_valid_certifications: bool = True
    # E-16, the boundary: a certification whose `expires` date is the scoring date. False: `expires` is
    # the first day it no longer counts (it does not count that day); True: its last valid day.
    counts_on_expiry_date: bool = False
    # E-17: Data & AI qualifies on its four metrics (no advanced metric). False follows the 3P claim
    # that an advanced certification is always required: D&AI can then never qualify.
    data_ai_without_advanced: bool = True
    # E-20: on the 2026 SMB track each met gate earns its flat points even when another gate fails.
    smb_gate_points_independent: bool = True
    # E-21: the metric cap includes the SMB gate points.
    smb_cap_includes_gate_points: bool = True
    # E-23: records from sovereign/isolated clouds (a `cloud` column other than public) are excluded.
    exclude_sovereign_clouds: bool = True
    # E-26: Cloud Platform people: "any" counts distinct people who passed any listed assessment or
    # exam; "same_list" needs all of a level's people from one list (assessments, or exams).
    cp_mixed_evidence: Literal["any", "same_list"] = "any"
    # E-27: Cloud Platform consumption window, in complete months before the scoring month.
    # None = the rule version's own window (`window_months` in its catalog file: 12 for 2017-07 and
    # 2017-11), so the engine and the bot's rule explanations read one number.
    cp_window_months: int | None = Field(default=None, ge=1, le=36)
    # E-28: the Cloud Platform version scored. None = the one in force on the scoring date: 2017-07
    # (the 07/07/2017 text, as written) before 2017-11-03, then 2017-11 (its 11/03/2017 amendment:
    # 70-535 added, 70-534 counts until 2018-12-31). The scorecard's `cloud_platform.rules` names it.
    cloud_platform_rules: str | None = None
    # Catalog directory (tests and next year's rules); None = the package's own catalog.
    catalog_dir: Path | None = None
