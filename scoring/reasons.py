"""Plain-English text for reasons and plan steps, for the CLI. (The bot renders reason codes from its
locale files; this is the developer/admin view of the same structured data.)"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from scoring.catalog import Catalog
from scoring.ids import Area, Metric, PlanAction
from scoring.results import (
    BelowMinimumAcr,
    BelowThreshold,
    Capped,
    CertificationExpired,
    CertificationRetired,
    ConsumptionBelowThreshold,
    ConsumptionMet,
    ConsumptionUnknown,
    GateMet,
    GatePoints,
    Growth,
    MetricZeroBlocksQualification,
    NetAdds,
    NetAddsNotPositive,
    NoEligibleServices,
    NoGrowth,
    NoPlan,
    NoScoringPeople,
    NotApplicable,
    NotEnoughPeoplePassed,
    PeopleCounted,
    PeoplePassed,
    PlanStep,
    PrerequisiteUnmet,
    Qualified,
    Reason,
    ServicesCounted,
    ZeroBaseline,
)

AREA_NAMES = {
    Area.DATA_AI: "Data & AI",
    Area.INFRASTRUCTURE: "Infrastructure",
    Area.DIGITAL_APP_INNOVATION: "Digital & App Innovation",
}
METRIC_NAMES = {
    Metric.NET_CUSTOMER_ADDS: "Net customer adds",
    Metric.INTERMEDIATE_CERTIFICATIONS: "Intermediate certifications",
    Metric.ADVANCED_CERTIFICATIONS: "Advanced certifications",
    Metric.USAGE_GROWTH: "Usage growth",
    Metric.DEPLOYMENTS: "Deployments",
}


def _pct(value: float | None) -> str:
    """Truncated to two decimals, never rounded up: 4.9999 % scored 4 points and must not read 5.00 %."""
    return f"{Decimal(repr(float(value or 0))).quantize(Decimal('0.01'), rounding=ROUND_FLOOR)}%"


def _usd(value: float | None) -> str:
    """Dollars as given: cents always shown, finer digits only when there are any ($1,019.999)."""
    amount = Decimal(repr(float(value or 0)))
    places = max(2, -int(amount.as_tuple().exponent))
    return f"${amount:,.{places}f}"


class Describer:
    def __init__(self, catalog: Catalog, names: dict[str, str]):
        self.catalog = catalog
        self.names = names

    def cert(self, slug: str | None) -> str:
        cert = self.catalog.registry.get(slug or "")
        if cert is None:
            return slug or "?"
        return (
            f"{cert.name} ({cert.exam_label})"
            if cert.exam_label and cert.exam_label != cert.slug
            else cert.name
        )

    def certs(self, slugs: list[str] | None) -> str:
        items = [self.cert(s) for s in slugs or []]
        return items[0] if len(items) == 1 else "any of " + ", ".join(items)

    def people(self, ids: list[str] | None, limit: int = 8) -> str:
        ids = ids or []
        shown = [self.names.get(i, i) for i in ids[:limit]]
        more = f" and {len(ids) - limit} more" if len(ids) > limit else ""
        return ", ".join(shown) + more if shown else "nobody"

    def reason(self, r: Reason) -> str:
        match r:
            case PrerequisiteUnmet():
                n = r.have
                return (
                    f"Step {r.step} needs {r.required} people with {self.certs(r.certifications)}; "
                    f"{n} {'has' if n == 1 else 'have'} it ({self.people(r.people)}), so the metric scores 0"
                )
            case GateMet():
                who = self.people(r.people)
                return f"Step {r.step} met: {r.have} with {self.certs(r.certifications)} ({who})"
            case GatePoints():
                return f"Step {r.step} earns a flat {r.points} points"
            case PeopleCounted():
                n = r.have
                return (
                    f"{n} {'person holds' if n == 1 else 'people hold'} {self.certs(r.certifications)} "
                    f"({self.people(r.people)}), {r.points_each} points each"
                )
            case NoScoringPeople():
                return f"Nobody holds {self.certs(r.certifications)} (step {r.step}), so no points yet"
            case Capped():
                return f"capped at {r.max} (would be {r.value})"
            case NetAdds():
                return (
                    f"{r.value} net new customers ({r.current} eligible last month, "
                    f"{r.baseline} a year before), {r.points_each} points each"
                )
            case NetAddsNotPositive():
                return f"no net new customers: {r.current} eligible last month vs {r.baseline} a year before"
            case Growth():
                return (
                    f"usage grew {_pct(r.growth_pct)} ({_usd(r.current)} vs {_usd(r.baseline)}), "
                    "1 point per whole %"
                )
            case NoGrowth():
                return f"growth of {_pct(r.growth_pct)} is under 1% ({_usd(r.current)} vs {_usd(r.baseline)})"
            case ZeroBaseline():
                return f"no usage a year before ({_usd(r.baseline)}), so growth cannot be measured"
            case BelowMinimumAcr():
                return (
                    f"qualifying usage must be at least ${r.minimum:,.0f} (now {_usd(r.current)}, "
                    f"a year before {_usd(r.baseline)})"
                )
            case ServicesCounted():
                excluded = f"; not counted: {', '.join(r.excluded)}" if r.excluded else ""
                return (
                    f"{len(r.services)} services with usage: {', '.join(r.services)}, "
                    f"{r.points_each} points each{excluded}"
                )
            case NoEligibleServices():
                excluded = f" (not counted: {', '.join(r.excluded)})" if r.excluded else ""
                return f"no eligible Azure service with usage in the last 12 months{excluded}"
            case CertificationExpired():
                return f"{self.people([r.person])}'s {self.cert(r.certification)} expired on {r.on}"
            case CertificationRetired():
                who = self.people([r.person])
                return f"{who}'s {self.cert(r.certification)} (retired) stopped counting on {r.on}"
            case Qualified():
                return f"qualified: {r.value} of {r.required} points, every metric above 0"
            case BelowThreshold():
                return f"{r.value} points, needs {r.required}"
            case MetricZeroBlocksQualification():
                return "every metric needs at least 1 point: " + ", ".join(METRIC_NAMES[m] for m in r.metrics)
            case NotApplicable():
                return f"{METRIC_NAMES[r.metric]} does not apply to this area"
            case NoPlan():
                return "no addition can fix " + ", ".join(METRIC_NAMES[m] for m in r.metrics) + " this month"
            case ConsumptionMet() | ConsumptionBelowThreshold():
                ok = "meets" if isinstance(r, ConsumptionMet) else "is under"
                return f"consumption {_usd(r.value)} {ok} the ${r.required:,.0f} needed ({r.market} market)"
            case ConsumptionUnknown():
                return f"no consumption figure (needs ${r.required:,.0f}, {r.market} market)"
            case PeoplePassed() | NotEnoughPeoplePassed():
                who = self.people(r.people)
                return f"{r.have} of {r.required} people passed an exam or assessment ({who})"

    def plan_step(self, step: PlanStep) -> str:
        gain = f"+{step.points_gained} points" if step.points_gained else "unlocks the points below"
        match step.action:
            case PlanAction.CERTIFY:
                who = f" (for example {self.people(step.people)})" if step.people else ""
                plural = "person" if step.count == 1 else "people"
                return f"Certify {step.count} more {plural} in {self.cert(step.certification)}{who}: {gain}"
            case PlanAction.ADD_CUSTOMERS:
                return f"Add {step.count} net new eligible customer(s): {gain}"
            case PlanAction.GROW_USAGE:
                return f"Grow usage by {step.count} more percentage point(s): {gain}"
            case PlanAction.DEPLOY_SERVICES:
                return f"Deploy {step.count} more eligible Azure service(s): {gain}"
        return str(step.action)
