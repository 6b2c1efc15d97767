"""The points formulas, pure: the engine scores with them and the planner searches with them."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

from scoring.catalog.models import MetricRules, TrackRules
from scoring.ids import ReasonCode
from scoring.settings import Settings


def net_adds_points(net: int, rules: MetricRules) -> int:
    """E-1: 10 per net new customer, never below 0, capped."""
    return min(rules.max, rules.points_each * max(0, net))


def deployments_points(services: int, rules: MetricRules) -> int:
    return min(rules.max, rules.points_each * services)


def gate_flat_points(gate_haves: list[int], track: TrackRules, settings: Settings) -> list[int]:
    """The flat points each gate earns (2026 SMB): a met gate earns them on its own (E-20), or only
    once every gate is met when smb_gate_points_independent is off."""
    met = [have >= track.gate_min_people for have in gate_haves]
    if not (settings.smb_gate_points_independent or all(met)):
        return [0] * len(met)
    return [track.gate_points if ok else 0 for ok in met]


def skilling_points(
    gate_haves: list[int], scoring_have: int, rules: MetricRules, track: TrackRules, settings: Settings
) -> int:
    """Gates unlock the scoring step; SMB gates also earn flat points (E-20, E-21)."""
    gate_points = sum(gate_flat_points(gate_haves, track, settings))
    all_met = all(have >= track.gate_min_people for have in gate_haves)
    scoring = rules.points_each * scoring_have if all_met else 0
    if settings.smb_cap_includes_gate_points:
        return min(rules.max, gate_points + scoring)
    return min(rules.max, scoring) + gate_points


def meets(value: Decimal | float, minimum: float, settings: Settings) -> bool:
    """E-8: money thresholds are inclusive by default."""
    return value >= Decimal(str(minimum)) if settings.thresholds_inclusive else value > Decimal(str(minimum))


def growth_pct(current: Decimal, baseline: Decimal) -> Fraction | None:
    if baseline <= 0:
        return None
    return (Fraction(current) - Fraction(baseline)) * 100 / Fraction(baseline)


def growth_points(
    current: Decimal, baseline: Decimal, rules: MetricRules, settings: Settings
) -> tuple[int, ReasonCode]:
    """Usage growth points and the code that explains them (E-3, E-5, E-6, E-7)."""
    minimum = rules.min_acr or 0
    checks = {"current": [current], "baseline": [baseline], "both": [current, baseline]}[
        settings.min_acr_applies_to
    ]
    if not all(meets(v, minimum, settings) for v in checks):
        return 0, ReasonCode.BELOW_MINIMUM_ACR
    pct = growth_pct(current, baseline)
    if pct is None:
        return (rules.max if settings.zero_baseline_growth == "max" else 0), ReasonCode.ZERO_BASELINE
    points = math.floor(pct) * rules.points_each  # E-7: floor on exact decimals, never round half-up
    if points < 1:
        return 0, ReasonCode.NO_GROWTH
    return min(rules.max, points), ReasonCode.GROWTH
