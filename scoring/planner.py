"""The plan to qualify: the fewest additions that make an area qualify, and `apply_plan` to try it.

An addition is one unit of something a partner can add: one certification for one person, one net
new eligible customer, one whole percentage point of usage growth, one deployed service. For each
metric the planner lists what every number of additions would score (with the same formulas the
engine scores with), then picks, across the area's metrics, the cheapest combination that leaves
every metric above 0 and the total at the threshold or more.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from fractions import Fraction
from typing import Any

from scoring.catalog import Catalog, default_catalog
from scoring.catalog.models import Certification, MetricRules, RuleSet
from scoring.derive import Measures, fold, from_records, from_usage, month_of
from scoring.engine.context import Context
from scoring.engine.metrics import Scored, SkillingState, StepState
from scoring.engine.points import (
    deployments_points,
    growth_pct,
    growth_points,
    net_adds_points,
    skilling_points,
)
from scoring.holdings import Holders
from scoring.ids import Metric, PlanAction
from scoring.models import HeldCertification, Person, Profile, Usage
from scoring.records import AcrRow, month_text
from scoring.results import PlanStep, Scorecard
from scoring.settings import Settings

# Services the planner names when it suggests deploying more (any not already used).
SUGGESTED_SERVICES = (
    "Azure App Service",
    "Azure SQL Database",
    "Storage",
    "Azure Functions",
    "Azure Kubernetes Service",
    "Azure Cosmos DB",
    "Azure Monitor",
    "Key Vault",
    "Azure Cache for Redis",
    "Azure Data Factory",
    "Azure AI Search",
    "Azure Container Apps",
)
_PLAN_OFFER = "Azure plan"
_PLAN_ASSOCIATION = "CSP_T1"


@dataclass(frozen=True)
class _Move:
    action: PlanAction
    count: int
    certification: str | None = None
    people: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Option:
    cost: int
    points: int
    moves: tuple[_Move, ...] = ()


def growth_increase(baseline: Decimal, count: int) -> Decimal:
    """The ACR to add for `count` more percentage points of growth, rounded up to the cent."""
    return (baseline * count / 100).quantize(Decimal("0.01"), rounding=ROUND_CEILING)


# --- per-metric option curves ----------------------------------------------------------------------
def _count_options(
    have: int, rules: MetricRules, points: Callable[[int, MetricRules], int], action: PlanAction
) -> list[_Option]:
    """Options of a metric that scores a count (net customers, deployed services): add k more."""
    top = max(0, math.ceil(rules.max / rules.points_each) - have)
    return [_Option(k, points(have + k, rules), (_Move(action, k),) if k else ()) for k in range(top + 1)]


def _growth_options(rules: MetricRules, m: Measures, settings: Settings) -> list[_Option]:
    current, baseline = m.acr_current, m.acr_baseline
    options = [_Option(0, growth_points(current, baseline, rules, settings)[0])]
    pct = growth_pct(current, baseline)
    if pct is None:  # E-3: no baseline, no growth to add (only time fixes it)
        return options
    minimum = Decimal(str(rules.min_acr or 0))
    for target in range(options[0].points + 1, rules.max + 1):
        k = max(0, math.ceil(Fraction(target, rules.points_each) - pct))
        if settings.min_acr_applies_to != "baseline" and current < minimum:
            k = max(k, math.ceil((minimum - current) * 100 / baseline))
        for _ in range(4):  # exactness guard (cent rounding, strict thresholds)
            points = growth_points(current + growth_increase(baseline, k), baseline, rules, settings)[0]
            if points >= target:
                break
            k += 1
        else:
            return options  # cannot be reached by growth (e.g. the baseline is under the minimum)
        options.append(_Option(k, points, (_Move(PlanAction.GROW_USAGE, k),)))
    return options


def _pick_certification(slugs: tuple[str, ...], catalog: Catalog, as_of: dt.date) -> str | None:
    """The certification to suggest for a step: one that is not retired, else the one retiring last
    (step order breaks ties, so the doc's first-listed one wins). None when none can still be earned."""

    def rank(cert: Certification) -> tuple[int, int]:
        return (0, 0) if cert.retired is None else (1, -cert.retired.toordinal())

    certs = [catalog.registry[s] for s in slugs]
    obtainable = [
        c
        for c in certs
        if (c.retired is None or c.retired > as_of)
        and (c.available_from is None or c.available_from <= as_of)
    ]
    return min(obtainable, key=rank).slug if obtainable else None


def _candidates(state: SkillingState, step: StepState, count: int) -> tuple[str, ...]:
    """Who could take this step's certification: people whose one lapsed (renew it), then people
    already active in the metric's other steps."""
    taken = set(step.people)
    out: list[str] = []
    for group in [step.lapsed, *(s.people for s in (*state.gates, state.scoring))]:
        for person in group:
            if person not in taken:
                taken.add(person)
                out.append(person)
                if len(out) >= count:
                    return tuple(out)
    return tuple(out)


def _skilling_options(rules: MetricRules, state: SkillingState, ctx: Context) -> list[_Option]:
    track = ctx.track_rules
    gates = state.gates
    options: list[_Option] = []
    top = math.ceil(rules.max / rules.points_each)
    for mask in range(1 << len(gates)):
        haves = [g.have for g in gates]
        moves: list[_Move] = []
        cost = 0
        for i, gate in enumerate(gates):
            if mask >> i & 1:
                deficit = track.gate_min_people - gate.have
                slug = _pick_certification(gate.step.certifications, ctx.catalog, ctx.as_of)
                if deficit <= 0 or slug is None:
                    break  # already met (the mask without it covers this), or nobody can earn it any more
                haves[i] += deficit
                cost += deficit
                moves.append(_Move(PlanAction.CERTIFY, deficit, slug, _candidates(state, gate, deficit)))
        else:
            slug = _pick_certification(state.scoring.step.certifications, ctx.catalog, ctx.as_of)
            for j in range(top + 1 if slug else 1):
                extra = (
                    (_Move(PlanAction.CERTIFY, j, slug, _candidates(state, state.scoring, j)),) if j else ()
                )
                points = skilling_points(haves, state.scoring.have + j, rules, track, ctx.settings)
                options.append(_Option(cost + j, points, (*moves, *extra)))
    return options


def _options(scored: Scored, ctx: Context) -> list[_Option]:
    metric = scored.result.metric
    if metric == Metric.NET_CUSTOMER_ADDS:
        net = ctx.measures.customers_current - ctx.measures.customers_baseline
        return _count_options(net, scored.rules, net_adds_points, PlanAction.ADD_CUSTOMERS)
    if metric == Metric.USAGE_GROWTH:
        return _growth_options(scored.rules, ctx.measures, ctx.settings)
    if metric == Metric.DEPLOYMENTS:
        count = len(ctx.measures.services)
        return _count_options(count, scored.rules, deployments_points, PlanAction.DEPLOY_SERVICES)
    assert isinstance(scored.state, SkillingState)
    return _skilling_options(scored.rules, scored.state, ctx)


# --- choosing across metrics ---------------------------------------------------------------------------
def plan_designation(
    scored: list[Scored], blocking: list[Metric], ctx: Context
) -> tuple[list[PlanStep], list[Metric]]:
    """The plan for one area, and the metrics no addition can make score (then the plan is empty).

    A blocking metric the area does not score (D&AI advanced under the E-17 alternative) has no
    additions at all."""
    threshold = ctx.rules.threshold
    present = {s.result.metric for s in scored}
    absent = [m for m in blocking if m not in present]
    if absent:
        return [], absent
    curves: list[tuple[Scored, list[_Option]]] = []
    unfixable: list[Metric] = []
    for item in scored:
        options = [o for o in _options(item, ctx) if o.points > 0]
        if not options:
            unfixable.append(item.result.metric)
        curves.append((item, options))
    if unfixable:
        return [], unfixable
    # best[total points, capped at threshold] = (cost, moves, chosen options)
    best: dict[int, tuple[int, int, list[_Option]]] = {0: (0, 0, [])}
    for _, options in curves:
        nxt: dict[int, tuple[int, int, list[_Option]]] = {}
        for total, (cost, nmoves, chosen) in best.items():
            for option in options:
                key = min(threshold, total + option.points)
                cand = (cost + option.cost, nmoves + len(option.moves), [*chosen, option])
                if key not in nxt or cand[:2] < nxt[key][:2]:
                    nxt[key] = cand
        best = nxt
    if threshold not in best:
        return [], [s.result.metric for s in scored if s.result.points < s.rules.max]
    _, _, chosen = best[threshold]
    return _steps(curves, chosen, ctx), []


def _steps(curves: list[tuple[Scored, list[_Option]]], chosen: list[_Option], ctx: Context) -> list[PlanStep]:
    steps: list[PlanStep] = []
    for (item, _), option in zip(curves, chosen, strict=True):
        before = item.result.points
        if isinstance(item.state, SkillingState):
            state = item.state
            haves = [g.have for g in state.gates]
            scoring = state.scoring.have
            for move in option.moves:
                gate_index = next(
                    (
                        i
                        for i, g in enumerate(state.gates)
                        if move.certification in g.step.certifications
                        and move.certification not in state.scoring.step.certifications
                    ),
                    None,
                )
                if gate_index is None:
                    scoring += move.count
                else:
                    haves[gate_index] += move.count
                after = skilling_points(haves, scoring, item.rules, ctx.track_rules, ctx.settings)
                steps.append(
                    PlanStep(
                        action=move.action,
                        metric=item.result.metric,
                        count=move.count,
                        points_gained=after - before,
                        certification=move.certification,
                        people=list(move.people) or None,
                    )
                )
                before = after
        else:
            for move in option.moves:
                steps.append(
                    PlanStep(
                        action=move.action,
                        metric=item.result.metric,
                        count=move.count,
                        points_gained=option.points - before,
                    )
                )
    return steps


# --- applying a plan -----------------------------------------------------------------------------
def measures_of(profile: Profile, settings: Settings | None = None, rules: str | None = None) -> Measures:
    """What the profile's usage metrics measure (customers, ACR, services), from records or aggregates."""
    settings = settings or Settings()
    rule_set = default_catalog(settings.catalog_dir).rules_for(rules or profile.rules, profile.as_of)
    if profile.acr_records is not None:
        _, track = rule_set.track_rules(profile.track)
        return from_records(profile.acr_records, profile.as_of, rule_set, track, settings)
    assert profile.usage is not None  # the model guarantees one of the two
    return from_usage(profile.usage, rule_set)


def in_usage_form(profile: Profile, settings: Settings | None = None, **figures: Any) -> Profile:
    """The profile with its usage as the aggregate figures it measures, `figures` (Usage fields)
    replaced: a what-if that sets one measured figure ("if net adds were only 2") changes that figure
    alone, which removing records could not (a customer's records also carry ACR and services)."""
    measures = measures_of(profile, settings)
    usage = Usage(
        eligible_customers_last_month=measures.customers_current,
        eligible_customers_same_month_last_year=measures.customers_baseline,
        acr_last_month=float(measures.acr_current),
        acr_same_month_last_year=float(measures.acr_baseline),
        deployed_services=[*measures.services, *measures.excluded],
    ).model_copy(update=figures)
    return profile.model_copy(update={"usage": usage, "acr_records": None})


def apply_plan(
    profile: Profile,
    plan: list[PlanStep] | Scorecard,
    *,
    rules: str | None = None,
    settings: Settings | None = None,
) -> Profile:
    """The profile as it would be after doing the plan (a Scorecard applies every area's plan).

    Certifications go to the people the plan names when they hold nothing in that step yet, else to
    new people (`plan-1`, ...). Customers, growth and services are added to the aggregates, or as
    synthetic ACR records in the latest complete month when the profile has records.
    """
    steps = [s for d in plan.designations for s in d.plan] if isinstance(plan, Scorecard) else list(plan)
    settings = settings or Settings()
    catalog = default_catalog(settings.catalog_dir)
    rule_set = catalog.rules_for(rules or profile.rules, profile.as_of)
    _, track = rule_set.track_rules(profile.track)
    people = list(profile.people)
    by_id = {p.id: i for i, p in enumerate(people)}
    new_rows: list[AcrRow] = []
    last_index = month_of(profile.as_of) - settings.last_month_offset
    last = month_text(last_index)
    usage = profile.usage
    measures = measures_of(profile, settings, rules)
    if profile.acr_records is not None:
        known_services = {fold(s) for s in profile.acr_records.services}
    else:
        assert usage is not None
        known_services = {fold(s) for s in usage.deployed_services}
    serial = 0

    def new_id(prefix: str) -> str:
        nonlocal serial
        while True:
            serial += 1
            candidate = f"{prefix}-{serial}"
            if candidate not in by_id:
                return candidate

    holders = Holders(profile.people_index(), profile.as_of, settings)
    granted: set[tuple[str, str]] = set()

    def holds_any(person_id: str, slugs: set[str]) -> bool:
        return any(
            (person_id, s) in granted or person_id in holders.of(catalog.registry[s])[0] for s in slugs
        )

    for step in steps:
        if step.action == PlanAction.CERTIFY and step.certification:
            conflict = _step_mates(step.metric, step.certification, rule_set)
            given = 0
            for person_id in step.people or []:
                if given >= step.count or person_id not in by_id or holds_any(person_id, conflict):
                    continue
                person = people[by_id[person_id]]
                granted.add((person_id, step.certification))
                held = [*person.certifications, HeldCertification(id=step.certification)]
                people[by_id[person_id]] = person.model_copy(update={"certifications": held})
                given += 1
            for _ in range(step.count - given):
                pid = new_id("plan")
                by_id[pid] = len(people)
                people.append(Person(id=pid, certifications=[HeldCertification(id=step.certification)]))
        elif step.action == PlanAction.ADD_CUSTOMERS:
            if usage is not None:
                usage = usage.model_copy(
                    update={"eligible_customers_last_month": usage.eligible_customers_last_month + step.count}
                )
            else:
                service = _any_service(measures)
                new_rows += [
                    _row(new_id("plan-customer"), last, service, float(track.customer_min_acr))
                    for _ in range(step.count)
                ]
        elif step.action == PlanAction.GROW_USAGE:
            increase = growth_increase(measures.acr_baseline, step.count)
            if usage is not None:
                usage = usage.model_copy(
                    update={"acr_last_month": float(Decimal(str(usage.acr_last_month)) + increase)}
                )
            else:
                # The added ACR goes in a month the growth counts but no customer count looks at (two
                # months before the last; the last itself when growth is one month, E-4): a row in the
                # last two months would also make its tenant a new eligible customer (+10 points).
                month = last if settings.usage_growth_window == "month" else month_text(last_index - 2)
                new_rows.append(_row(new_id("plan-growth"), month, _any_service(measures), float(increase)))
        elif step.action == PlanAction.DEPLOY_SERVICES:
            names = _new_services(known_services, step.count)
            known_services.update(fold(n) for n in names)
            if usage is not None:
                usage = usage.model_copy(update={"deployed_services": [*usage.deployed_services, *names]})
            else:
                new_rows += [_row(new_id("plan-deploy"), last, name, 1.0) for name in names]
    update: dict[str, Any] = {"people": people}
    if usage is not None:
        update["usage"] = usage
    if new_rows and profile.acr_records is not None:
        update["acr_records"] = profile.acr_records.extended(new_rows)
    return profile.model_copy(update=update)


def _step_mates(metric: Metric, slug: str, rule_set: RuleSet) -> set[str]:
    """Every certification sharing a step with `slug` in this metric, in any area."""
    mates = {slug}
    for area in rule_set.areas.values():
        rules = area.metrics.get(metric)
        for step in rules.steps if rules else ():
            if slug in step.certifications:
                mates.update(step.certifications)
    return mates


def _any_service(measures: Measures) -> str:
    return measures.services[0] if measures.services else SUGGESTED_SERVICES[0]


def _new_services(known: set[str], count: int) -> list[str]:
    names = [s for s in SUGGESTED_SERVICES if fold(s) not in known][:count]
    n = 0
    while len(names) < count:
        n += 1
        name = f"Azure service {n}"
        if fold(name) not in known:
            names.append(name)
    return names


def _row(customer: str, month: str, service: str, usd: float) -> AcrRow:
    return {
        "customer": customer,
        "month": month,
        "service": service,
        "offer": _PLAN_OFFER,
        "association": _PLAN_ASSOCIATION,
        "usd": usd,
    }
