"""Why a customer counts, or not, among last month's eligible customers (docs/rules.md §2.3, E-8, E-23)."""

from __future__ import annotations

from decimal import Decimal

from scoring_builders import make_profile

from scoring.catalog import default_catalog
from scoring.derive import check_customers
from scoring.planner import measures_of
from scoring.settings import Settings


def _row(customer: str, month: str, usd: float, **extra: str) -> dict[str, object]:
    row: dict[str, object] = {
        "customer": customer,
        "month": month,
        "service": extra.get("service", "Storage"),
        "offer": extra.get("offer", "Azure plan"),
        "association": extra.get("association", "CSP_T1"),
        "usd": usd,
    }
    if "cloud" in extra:
        row["cloud"] = extra["cloud"]
    return row


ROWS = [
    _row("contoso", "2026-09", 2500.0),
    _row("fabrikam", "2026-08", 1200.0),  # the month before last: still one of the last two months
    _row("trial-co", "2026-09", 5000.0, offer="Trial"),
    _row("tpor-co", "2026-09", 1500.0, association="TPOR"),
    _row("china-co", "2026-09", 3000.0, cloud="china"),
    _row("small-co", "2026-09", 400.0),
    _row("small-co", "2026-08", 999.99),
    _row("gone-co", "2025-09", 4000.0),
]
CUSTOMERS = ["contoso", "fabrikam", "trial-co", "tpor-co", "china-co", "small-co", "gone-co"]


def _checks():
    profile = make_profile({"a": ["ADM"]}, acr_records=ROWS, as_of="2026-10-31")
    rules = default_catalog().rules_for(profile.rules, profile.as_of)
    _, track = rules.track_rules(profile.track)
    assert profile.acr_records is not None
    checks = check_customers(profile.acr_records, profile.as_of, rules, track, Settings(), CUSTOMERS)
    return profile, {c.customer: c for c in checks}


def test_the_customers_checked_eligible_are_exactly_the_ones_the_engine_counts():
    profile, checks = _checks()
    assert sum(c.eligible for c in checks.values()) == measures_of(profile).customers_current == 2
    assert {name for name, c in checks.items() if c.eligible} == {"contoso", "fabrikam"}


def test_an_excluded_offer_an_ineligible_association_and_a_sovereign_cloud_are_each_named():
    _, checks = _checks()
    assert checks["trial-co"].excluded_offers == ("Trial",)
    assert checks["tpor-co"].ineligible_associations == ("TPOR",)
    assert checks["china-co"].sovereign_clouds == ("china",)
    assert checks["trial-co"].best_usd == Decimal(0)


def test_a_customer_below_the_threshold_shows_its_best_month_exactly():
    _, checks = _checks()
    small = checks["small-co"]
    assert (small.eligible, small.best_usd, small.min_usd) == (False, Decimal("999.99"), Decimal(1000))


def test_a_customer_with_no_records_in_the_last_two_months_is_not_recent():
    _, checks = _checks()
    assert (checks["gone-co"].recent, checks["gone-co"].eligible) == (False, False)
