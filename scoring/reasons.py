"""Plain-English text for reasons and plan steps, for the CLI. (The bot renders reason codes from its
locale files; this is the developer/admin view of the same structured data.)"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from scoring.catalog import Catalog
from scoring.ids import Area, Metric, PlanAction, ReasonCode
from scoring.results import PlanStep, Reason

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
        c = ReasonCode
        n = int(r.have or 0)
        match r.code:
            case c.PREREQUISITE_UNMET:
                return (
                    f"Step {r.step} needs {int(r.required or 0)} people with {self.certs(r.certifications)}; "
                    f"{n} {'has' if n == 1 else 'have'} it ({self.people(r.people)}), so the metric scores 0"
                )
            case c.GATE_MET:
                return f"Step {r.step} met: {n} with {self.certs(r.certifications)} ({self.people(r.people)})"
            case c.GATE_POINTS:
                return f"Step {r.step} earns a flat {r.points} points"
            case c.PEOPLE_COUNTED:
                return (
                    f"{n} {'person holds' if n == 1 else 'people hold'} {self.certs(r.certifications)} "
                    f"({self.people(r.people)}), {r.points_each} points each"
                )
            case c.NO_SCORING_PEOPLE:
                return f"Nobody holds {self.certs(r.certifications)} (step {r.step}), so no points yet"
            case c.CAPPED:
                return f"capped at {r.max} (would be {int(r.value or 0)})"
            case c.NET_ADDS:
                return (
                    f"{int(r.value or 0)} net new customers ({int(r.current or 0)} eligible last month, "
                    f"{int(r.baseline or 0)} a year before), {r.points_each} points each"
                )
            case c.NET_ADDS_NOT_POSITIVE:
                return (
                    f"no net new customers: {int(r.current or 0)} eligible last month vs "
                    f"{int(r.baseline or 0)} a year before"
                )
            case c.GROWTH:
                return (
                    f"usage grew {_pct(r.growth_pct)} ({_usd(r.current)} vs {_usd(r.baseline)}), "
                    "1 point per whole %"
                )
            case c.NO_GROWTH:
                return f"growth of {_pct(r.growth_pct)} is under 1% ({_usd(r.current)} vs {_usd(r.baseline)})"
            case c.ZERO_BASELINE:
                return f"no usage a year before ({_usd(r.baseline)}), so growth cannot be measured"
            case c.BELOW_MINIMUM_ACR:
                return (
                    f"qualifying usage must be at least ${r.minimum:,.0f} (now {_usd(r.current)}, "
                    f"a year before {_usd(r.baseline)})"
                )
            case c.SERVICES_COUNTED:
                excluded = f"; not counted: {', '.join(r.excluded)}" if r.excluded else ""
                return (
                    f"{len(r.services or [])} services with usage: {', '.join(r.services or [])}, "
                    f"{r.points_each} points each{excluded}"
                )
            case c.NO_ELIGIBLE_SERVICES:
                excluded = f" (not counted: {', '.join(r.excluded)})" if r.excluded else ""
                return f"no eligible Azure service with usage in the last 12 months{excluded}"
            case c.CERTIFICATION_EXPIRED:
                return f"{self.people([r.person or ''])}'s {self.cert(r.certification)} expired on {r.on}"
            case c.CERTIFICATION_RETIRED:
                who = self.people([r.person or ""])
                return f"{who}'s {self.cert(r.certification)} (retired) stopped counting on {r.on}"
            case c.QUALIFIED:
                return (
                    f"qualified: {int(r.value or 0)} of {int(r.required or 0)} points, every metric above 0"
                )
            case c.BELOW_THRESHOLD:
                return f"{int(r.value or 0)} points, needs {int(r.required or 0)}"
            case c.METRIC_ZERO_BLOCKS_QUALIFICATION:
                return "every metric needs at least 1 point: " + ", ".join(
                    METRIC_NAMES[m] for m in r.metrics or []
                )
            case c.NOT_APPLICABLE:
                return f"{METRIC_NAMES[r.metric] if r.metric else None} does not apply to this area"
            case c.NO_PLAN:
                return (
                    "no addition can fix "
                    + ", ".join(METRIC_NAMES[m] for m in r.metrics or [])
                    + " this month"
                )
            case c.CONSUMPTION_MET | c.CONSUMPTION_BELOW_THRESHOLD:
                ok = "meets" if r.code == c.CONSUMPTION_MET else "is under"
                return f"consumption {_usd(r.value)} {ok} the ${r.required:,.0f} needed ({r.market} market)"
            case c.CONSUMPTION_UNKNOWN:
                return f"no consumption figure (needs ${r.required:,.0f}, {r.market} market)"
            case c.PEOPLE_PASSED | c.NOT_ENOUGH_PEOPLE_PASSED:
                need = int(r.required or 0)
                return f"{n} of {need} people passed an exam or assessment ({self.people(r.people)})"
        return str(r.code)

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
