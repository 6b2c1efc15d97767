"""From ACR records (or the aggregate `usage`) to the measures the metrics score (docs/rules.md §2.3-2.8).

Month arithmetic (E-2): the scoring month M is as_of's month; "last month" is M-1 (the latest
complete month), "same month last year" M-13. A customer is eligible at month m when its eligible
ACR reaches the track's threshold in m or m-1 ("one of the last two months"). Qualifying ACR is the
trailing-12-month total ending at that month (E-4 "ttm"), or the month alone ("month").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from scoring.catalog.models import CloudPlatformRules, RuleSet, TrackRules
from scoring.lazy import lazy_module
from scoring.models import Usage
from scoring.money import exact
from scoring.records import PUBLIC_CLOUDS, AcrRecords
from scoring.settings import Settings

if TYPE_CHECKING:
    import numpy as np
else:
    np = lazy_module("numpy")  # ACR records only: see scoring/lazy.py


@dataclass(frozen=True)
class Measures:
    """What the ACR-based metrics score, whichever form the usage came in."""

    customers_current: int
    customers_baseline: int
    acr_current: Decimal
    acr_baseline: Decimal
    services: list[str]  # eligible deployed services
    excluded: list[str] = field(default_factory=list[str])  # services seen but excluded (VM, VM Licenses)


def month_of(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def fold(name: str) -> str:
    """A service or offer name as compared: spacing and case do not make another service."""
    return " ".join(name.split()).casefold()


def _split_excluded(names: list[str], rules: RuleSet) -> tuple[list[str], list[str]]:
    """Distinct names (first spelling kept), as (eligible services, excluded VM services)."""
    excluded_keys = {fold(x) for x in rules.filters.excluded_deployment_services}
    services: list[str] = []
    excluded: list[str] = []
    seen: set[str] = set()
    for name in names:
        key = fold(name)
        if key not in seen:
            seen.add(key)
            (excluded if key in excluded_keys else services).append(name)
    return services, excluded


def from_usage(usage: Usage, rules: RuleSet) -> Measures:
    services, excluded = _split_excluded(usage.deployed_services, rules)
    return Measures(
        customers_current=usage.eligible_customers_last_month,
        customers_baseline=usage.eligible_customers_same_month_last_year,
        acr_current=exact(usage.acr_last_month),
        acr_baseline=exact(usage.acr_same_month_last_year),
        services=services,
        excluded=excluded,
    )


def _eligible_rows(records: AcrRecords, rules: RuleSet, settings: Settings) -> np.ndarray:
    """Rows whose ACR counts: an offer, association and cloud the rules accept (§2.3, E-23)."""
    excluded_offers = {fold(o) for o in rules.filters.excluded_offers}
    offer_ok = np.array([fold(o) not in excluded_offers for o in records.offers] or [False])
    assoc_ok = np.array([a in rules.filters.eligible_associations for a in records.associations] or [False])
    cloud_ok = np.array(
        [not settings.exclude_sovereign_clouds or c in PUBLIC_CLOUDS for c in records.clouds] or [True]
    )
    return offer_ok[records.offer] & assoc_ok[records.association] & cloud_ok[records.cloud]


def _month_totals(
    records: AcrRecords, rows: np.ndarray, codes: np.ndarray, n_tenants: int, which: int, settings: Settings
) -> np.ndarray:
    """Each tenant's eligible ACR in month `which` (in `records.amounts` units), from eligible `rows`
    (codes: the tenant of each row): summed across association types, or the best one (E-10)."""
    sel = records.month[rows] == which
    if settings.combine_tenant_associations:
        return records.amounts.group_totals(rows[sel], codes[sel], n_tenants)
    n_assoc = max(1, len(records.associations))
    keys = codes[sel].astype(np.int64) * n_assoc + records.association[rows][sel]
    sums = records.amounts.group_totals(rows[sel], keys, n_tenants * n_assoc)
    return sums.reshape(n_tenants, n_assoc).max(axis=1)


def _reaches(
    records: AcrRecords,
    rows: np.ndarray,
    codes: np.ndarray,
    n_tenants: int,
    m: int,
    track: TrackRules,
    settings: Settings,
) -> np.ndarray:
    """Which tenants' eligible ACR reaches the threshold in month m or m-1 (E-8, E-10)."""
    ok = np.zeros(n_tenants, dtype=bool)
    for which in (m, m - 1):
        totals = _month_totals(records, rows, codes, n_tenants, which, settings)
        ok |= records.amounts.at_least(totals, track.customer_min_acr, settings.thresholds_inclusive)
    return ok


@dataclass(frozen=True)
class CustomerCheck:
    """Why one customer counts, or not, among last month's eligible customers (§2.3)."""

    customer: str
    eligible: bool
    best_usd: Decimal  # its highest eligible ACR in one of the last two months (what the threshold tests)
    min_usd: Decimal  # the track's threshold
    excluded_offers: tuple[str, ...] = ()  # offers of its recent records that the rules exclude
    ineligible_associations: tuple[str, ...] = ()
    sovereign_clouds: tuple[str, ...] = ()
    recent: bool = True  # it has records in the last two months at all


def check_customers(
    records: AcrRecords,
    as_of: dt.date,
    rules: RuleSet,
    track: TrackRules,
    settings: Settings,
    customers: Sequence[str],
) -> list[CustomerCheck]:
    """Each named customer's standing in last month's eligible-customer count, with the reasons the
    rules give (the same tests as `from_records`, on that customer's rows only)."""
    last = month_of(as_of) - settings.last_month_offset
    window = (records.month == last) | (records.month == last - 1)
    ids = records.customer.values()
    eligible = _eligible_rows(records, rules, settings)
    minimum = exact(track.customer_min_acr)
    checks: list[CustomerCheck] = []
    for customer in customers:
        mine = np.array([c == customer for c in ids], dtype=bool) & window
        rows = np.flatnonzero(mine & eligible)
        codes = np.zeros(rows.size, dtype=np.int64)
        best = Decimal(0)
        for which in (last, last - 1):
            totals = _month_totals(records, rows, codes, 1, which, settings)
            best = max(best, Decimal(int(totals[0])).scaleb(-records.amounts.scale))
        reached = bool(_reaches(records, rows, codes, 1, last, track, settings)[0]) if rows.size else False
        seen = np.flatnonzero(mine)
        offer_codes: list[int] = np.unique(records.offer[seen]).tolist()
        association_codes: list[int] = np.unique(records.association[seen]).tolist()
        cloud_codes: list[int] = np.unique(records.cloud[seen]).tolist()
        offers = {records.offers[k] for k in offer_codes}
        excluded = {fold(o) for o in rules.filters.excluded_offers}
        associations = {records.associations[k] for k in association_codes}
        clouds = {records.clouds[k] for k in cloud_codes}
        checks.append(
            CustomerCheck(
                customer=customer,
                eligible=reached,
                best_usd=best,
                min_usd=minimum,
                excluded_offers=tuple(sorted(o for o in offers if fold(o) in excluded)),
                ineligible_associations=tuple(
                    sorted(a for a in associations if a not in rules.filters.eligible_associations)
                ),
                sovereign_clouds=tuple(
                    sorted(c for c in clouds if settings.exclude_sovereign_clouds and c not in PUBLIC_CLOUDS)
                ),
                recent=bool(seen.size),
            )
        )
    return checks


def from_records(
    records: AcrRecords, as_of: dt.date, rules: RuleSet, track: TrackRules, settings: Settings
) -> Measures:
    scoring_month = month_of(as_of)
    last = scoring_month - settings.last_month_offset
    last_year = scoring_month - settings.last_year_offset
    eligible = _eligible_rows(records, rules, settings)
    month = records.month
    amounts = records.amounts  # exact: no sum is rounded before a threshold or the growth (E-7, E-8)

    def eligible_customers(m: int) -> int:
        """Tenants whose eligible ACR reaches the threshold in month m or m-1 (E-8, E-10)."""
        rows = np.flatnonzero(eligible & ((month == m) | (month == m - 1)))
        if not rows.size:
            return 0
        n_tenants, codes = records.customer.codes_for(rows)
        return int(_reaches(records, rows, codes, n_tenants, m, track, settings).sum())

    def qualifying_acr(end: int) -> Decimal:
        start = end - 11 if settings.usage_growth_window == "ttm" else end
        return amounts.total(eligible & (month >= start) & (month <= end))

    # A service is counted once (§2.8), however its records spell it: codes of the same folded name
    # are merged, and the first spelling names it.
    keys: dict[str, int] = {}
    names: list[str] = []
    for name in records.services:
        if keys.setdefault(fold(name), len(keys)) == len(names):
            names.append(name)
    service = records.service
    if len(names) < len(records.services):  # only then are codes merged (a gather over every row)
        service = np.array([keys[fold(n)] for n in records.services], dtype=np.int64)[service]
    ttm = eligible & (month >= last - 11) & (month <= last)
    if settings.deployment_net_of_credits:  # E-9: the service's net ACR over the TTM must be > 0
        used = amounts.group_totals(ttm, service[ttm], len(names)) > 0
    else:
        used = np.bincount(service[ttm & (records.usd > 0)], minlength=len(names)) > 0
    services, excluded = _split_excluded([names[k] for k in np.flatnonzero(used).tolist()], rules)
    return Measures(
        customers_current=eligible_customers(last),
        customers_baseline=eligible_customers(last_year),
        acr_current=qualifying_acr(last),
        acr_baseline=qualifying_acr(last_year),
        services=sorted(services, key=str.casefold),
        excluded=sorted(excluded, key=str.casefold),
    )


def cloud_platform_consumption(
    records: AcrRecords, as_of: dt.date, rules: CloudPlatformRules, settings: Settings
) -> Decimal:
    """DPOR/TPOR-associated consumption over the trailing complete months (E-27)."""
    last = month_of(as_of) - 1
    window = settings.cp_window_months or rules.window_months
    assoc_ok = np.array([a in rules.associations for a in records.associations] or [False])
    sel = assoc_ok[records.association] & (records.month >= last - window + 1) & (records.month <= last)
    return records.amounts.total(sel)
