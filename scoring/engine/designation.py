"""One designation (area): its metrics, the qualification verdict, and the plan."""

from __future__ import annotations

from scoring.catalog.models import AreaRules
from scoring.engine.context import Context
from scoring.engine.metrics import (
    Scored,
    score_deployments,
    score_net_adds,
    score_skilling,
    score_usage_growth,
)
from scoring.ids import Area, Metric
from scoring.results import (
    BelowThreshold,
    DesignationResult,
    MetricZeroBlocksQualification,
    NotApplicable,
    Qualified,
    Reason,
)


def score_metrics(area_rules: AreaRules, ctx: Context) -> list[Scored]:
    scored: list[Scored] = []
    for metric, rules in area_rules.ordered():
        if metric == Metric.NET_CUSTOMER_ADDS:
            scored.append(score_net_adds(rules, ctx.measures))
        elif metric == Metric.USAGE_GROWTH:
            scored.append(score_usage_growth(rules, ctx.measures, ctx))
        elif metric == Metric.DEPLOYMENTS:
            scored.append(score_deployments(rules, ctx.measures))
        else:
            scored.append(score_skilling(metric, rules, ctx))
    return scored


def verdict(
    area: Area, scored: list[Scored], threshold: int, ctx: Context
) -> tuple[bool, list[Reason], list[Metric]]:
    """Qualified when score >= threshold and every metric the area has scores > 0 (E-17)."""
    score = sum(s.result.points for s in scored)
    present = {s.result.metric for s in scored}
    absent = [m for m in Metric if m not in present]
    blocking = [s.result.metric for s in scored if s.result.points <= 0]
    if (
        Metric.ADVANCED_CERTIFICATIONS in absent
        and area == Area.DATA_AI
        and not ctx.settings.data_ai_without_advanced
    ):
        blocking.append(Metric.ADVANCED_CERTIFICATIONS)  # the 3P reading: D&AI can never qualify
    reasons: list[Reason] = []
    qualified = score >= threshold and not blocking
    if qualified:
        reasons.append(Qualified(required=threshold, value=score))
    if score < threshold:
        reasons.append(BelowThreshold(required=threshold, value=score))
    if blocking:
        reasons.append(MetricZeroBlocksQualification(metrics=blocking))
    reasons += [NotApplicable(metric=m) for m in absent]
    return qualified, reasons, blocking


def score_designation(area: Area, ctx: Context) -> tuple[DesignationResult, list[Scored]]:
    scored = score_metrics(ctx.rules.areas[area], ctx)
    qualified, reasons, blocking = verdict(area, scored, ctx.rules.threshold, ctx)
    result = DesignationResult(
        area=area,
        score=sum(s.result.points for s in scored),
        threshold=ctx.rules.threshold,
        qualified=qualified,
        metrics=[s.result for s in scored],
        reasons=reasons,
        blocking_metrics=blocking,
    )
    return result, scored
