"""One scorer per metric kind: the MetricResult (with reasons) and the state the planner needs."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

from scoring.catalog.models import MetricRules, Step
from scoring.derive import Measures
from scoring.engine.context import Context
from scoring.engine.points import (
    deployments_points,
    gate_flat_points,
    growth_pct,
    growth_points,
    net_adds_points,
    skilling_points,
)
from scoring.holdings import Ignored
from scoring.ids import Metric, ReasonCode
from scoring.money import shown_pct
from scoring.results import (
    BelowMinimumAcr,
    Capped,
    GateMet,
    GatePoints,
    Growth,
    MetricResult,
    NetAdds,
    NetAddsNotPositive,
    NoEligibleServices,
    NoGrowth,
    NoScoringPeople,
    PeopleCounted,
    PrerequisiteUnmet,
    Reason,
    ServicesCounted,
    ZeroBaseline,
)


@dataclass(frozen=True)
class StepState:
    step: Step
    people: list[str]  # distinct valid holders, deterministic order
    have: int  # people counted (holdings when count_distinct_people is off)
    lapsed: tuple[str, ...] = ()  # people whose certification for this step expired or retired


@dataclass(frozen=True)
class SkillingState:
    gates: list[StepState]
    scoring: StepState


@dataclass(frozen=True)
class Scored:
    result: MetricResult
    rules: MetricRules
    state: object = field(default=None)  # SkillingState | Measures, for the planner


def _capped(uncapped: int, rules: MetricRules) -> list[Reason]:
    return [Capped(value=uncapped, max=rules.max)] if uncapped > rules.max else []


def score_net_adds(rules: MetricRules, measures: Measures) -> Scored:
    net = measures.customers_current - measures.customers_baseline
    points = net_adds_points(net, rules)
    current, baseline = measures.customers_current, measures.customers_baseline
    if net <= 0:
        reasons: list[Reason] = [NetAddsNotPositive(value=net, current=current, baseline=baseline)]
    else:
        reasons = [
            NetAdds(points_each=rules.points_each, value=net, current=current, baseline=baseline),
            *_capped(rules.points_each * net, rules),
        ]
    result = MetricResult(
        metric=Metric.NET_CUSTOMER_ADDS, points=points, max=rules.max, value=net, reasons=reasons
    )
    return Scored(result, rules, measures)


def score_usage_growth(rules: MetricRules, measures: Measures, ctx: Context) -> Scored:
    current, baseline = measures.acr_current, measures.acr_baseline
    points, code = growth_points(current, baseline, rules, ctx.settings)
    pct = growth_pct(current, baseline)
    # The figure the points were floored from, floored too: never a rounding up that reads as a
    # whole percent more than was scored (4.99998 % is 4.9999, not 5).
    pct_value = None if pct is None else shown_pct(pct)
    now, before = float(current), float(baseline)
    reasons: list[Reason]
    if code == ReasonCode.BELOW_MINIMUM_ACR:
        # The catalog requires min_acr for usage growth; 0 is the minimum growth_points applied without one.
        reasons = [BelowMinimumAcr(current=now, baseline=before, minimum=rules.min_acr or 0)]
    elif code == ReasonCode.ZERO_BASELINE or pct_value is None:  # no growth figure without a baseline
        reasons = [ZeroBaseline(current=now, baseline=before)]
    elif code == ReasonCode.NO_GROWTH:
        reasons = [NoGrowth(current=now, baseline=before, growth_pct=pct_value)]
    else:
        reasons = [
            Growth(current=now, baseline=before, growth_pct=pct_value),
            *_capped(math.floor(pct_value) * rules.points_each, rules),
        ]
    result = MetricResult(
        metric=Metric.USAGE_GROWTH, points=points, max=rules.max, value=pct_value, reasons=reasons
    )
    return Scored(result, rules, measures)


def score_deployments(rules: MetricRules, measures: Measures) -> Scored:
    count = len(measures.services)
    points = deployments_points(count, rules)
    if count == 0:
        reasons: list[Reason] = [NoEligibleServices(excluded=measures.excluded)]
    else:
        reasons = [
            ServicesCounted(
                points_each=rules.points_each, services=measures.services, excluded=measures.excluded or None
            ),
            *_capped(rules.points_each * count, rules),
        ]
    result = MetricResult(
        metric=Metric.DEPLOYMENTS, points=points, max=rules.max, value=count, reasons=reasons
    )
    return Scored(result, rules, measures)


def step_state(step: Step, ctx: Context, ignored: dict[tuple[str, str], Ignored]) -> StepState:
    """Who holds a step on the scoring date (computed once per distinct step in a scoring run)."""
    cached = ctx.steps.get(step.certifications)
    if cached is None:
        lists: list[list[str]] = []
        lapsed_items: list[Ignored] = []
        for slug in step.certifications:
            holders, lapsed = ctx.holders.of(ctx.catalog.registry[slug])
            lists.append(holders)
            lapsed_items.extend(lapsed)
        # One list is already distinct (the people index dedups); several are merged in C.
        people = (
            list(lists[0]) if len(lists) == 1 else list(dict.fromkeys(itertools.chain.from_iterable(lists)))
        )
        have = len(people) if ctx.settings.count_distinct_people else sum(len(h) for h in lists)
        holding: set[str] = set(people) if lapsed_items else set()
        lapsed_people = tuple(dict.fromkeys(i.person for i in lapsed_items if i.person not in holding))
        cached = ctx.steps[step.certifications] = (people, have, lapsed_people, lapsed_items)
    people, have, lapsed_people, lapsed_items = cached
    for item in lapsed_items:
        ignored.setdefault((item.person, item.certification), item)
    return StepState(step, people, have, lapsed_people)


def score_skilling(metric: Metric, rules: MetricRules, ctx: Context) -> Scored:
    ignored: dict[tuple[str, str], Ignored] = {}
    gates = [step_state(s, ctx, ignored) for s in rules.gates]
    scoring = step_state(rules.scoring_step, ctx, ignored)
    track = ctx.track_rules
    haves = [g.have for g in gates]
    points = skilling_points(haves, scoring.have, rules, track, ctx.settings)
    flat = gate_flat_points(haves, track, ctx.settings)
    reasons: list[Reason] = []
    all_met = True
    for gate, gate_points in zip(gates, flat, strict=True):
        step, certs = gate.step.step, list(gate.step.certifications)
        required, have, people = track.gate_min_people, gate.have, gate.people
        if gate.have >= track.gate_min_people:
            reasons.append(
                GateMet(step=step, certifications=certs, required=required, have=have, people=people)
            )
            if gate_points:
                reasons.append(GatePoints(step=step, points=gate_points))
        else:
            all_met = False
            unmet = PrerequisiteUnmet(
                step=step, certifications=certs, required=required, have=have, people=people
            )
            reasons.append(unmet)
    step, certs = scoring.step.step, list(scoring.step.certifications)
    if all_met:
        if scoring.have:
            reasons.append(
                PeopleCounted(
                    step=step,
                    certifications=certs,
                    have=scoring.have,
                    people=scoring.people,
                    points_each=rules.points_each,
                )
            )
        else:
            reasons.append(NoScoringPeople(step=step, certifications=certs, have=0, people=[]))
        uncapped = rules.points_each * scoring.have
        if ctx.settings.smb_cap_includes_gate_points:  # E-21: gate points count inside the cap
            uncapped += track.gate_points * len(gates)
        reasons += _capped(uncapped, rules)
    reasons += [item.reason() for item in ignored.values()]
    top = (
        rules.max if ctx.settings.smb_cap_includes_gate_points else rules.max + track.gate_points * len(gates)
    )
    result = MetricResult(metric=metric, points=points, max=top, value=scoring.have, reasons=reasons)
    return Scored(result, rules, SkillingState(gates, scoring))
