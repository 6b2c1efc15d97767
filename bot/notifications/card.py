"""The monthly notification as an Adaptive Card (1.5), per locale. Pure: content in, card dict out."""

from __future__ import annotations

from typing import Any

from bot.notifications.content import AreaLine, NotificationContent
from cards.i18n import normalize_locale, t
from scoring.ids import PlanAction
from scoring.results import PlanStep

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
SCHEMA_URL = "http://adaptivecards.io/schemas/adaptive-card.json"


def _text(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def _heading(text: str) -> dict[str, Any]:
    return _text(text, weight="Bolder", size="Medium", spacing="Medium")


def certification_name(slug: str) -> str:
    try:
        from scoring.catalog import resolve_certification
    except ImportError:
        return slug
    found = resolve_certification(slug)
    return found.name if found is not None else slug


def _signed(value: int) -> str:
    return f"+{value}" if value > 0 else ("±0" if value == 0 else f"−{-value}")


def _area_value(line: AreaLine, locale: str) -> str:
    status = t(locale, "notify.qualified" if line.qualified else "notify.not_qualified")
    if line.change is None:
        change = t(locale, "notify.change_none")
    else:
        change = t(locale, "notify.change", change=_signed(line.change))
    return t(
        locale, "notify.area_value", score=line.score, threshold=line.threshold, change=change, status=status
    )


def plan_step_text(step: PlanStep, locale: str) -> str:
    if step.action == PlanAction.CERTIFY:
        return t(
            locale,
            "notify.plan_certify",
            count=step.count,
            certification=certification_name(step.certification or ""),
            points=step.points_gained,
        )
    return t(locale, f"notify.plan_{step.action.value}", count=step.count, points=step.points_gained)


def _area(area: str, locale: str) -> str:
    return t(locale, f"common.area.{area}")


def opt_out_text(locale: str) -> str:
    """The line every notification ends with: how to stop (and restart) it, in the reader's language."""
    return t(
        locale,
        "notify.opt_out",
        stop=t(locale, "notify.stop_command"),
        start=t(locale, "notify.start_command"),
    )


def summary_text(content: NotificationContent, locale: str) -> str:
    """The message text beside the card: read by notifications, screen readers and clients without cards."""
    locale = normalize_locale(locale)
    qualified = [_area(line.area, locale) for line in content.areas if line.qualified]
    key = "notify.summary_qualified" if qualified else "notify.summary_none"
    return t(locale, key, partner=content.partner_name, month=content.month, areas=", ".join(qualified))


def build_card(content: NotificationContent, locale: str) -> dict[str, Any]:
    locale = normalize_locale(locale)
    body: list[dict[str, Any]] = [
        _text(t(locale, "notify.title", month=content.month), weight="Bolder", size="Large"),
        _text(
            t(
                locale,
                "notify.subtitle",
                partner=content.partner_name,
                as_of=content.as_of.isoformat(),
                rules=content.rules,
            ),
            isSubtle=True,
            spacing="None",
        ),
        {
            "type": "FactSet",
            "facts": [
                {"title": _area(line.area, locale), "value": _area_value(line, locale)}
                for line in content.areas
            ],
        },
    ]
    if not content.has_previous:
        body.append(_text(t(locale, "notify.first_month"), isSubtle=True, size="Small"))
    if content.cloud_platform is not None:
        body.append(
            _text(
                t(
                    locale,
                    "notify.cloud_platform",
                    level=t(locale, f"notify.level_{content.cloud_platform.value}"),
                )
            )
        )
    changes = [t(locale, "notify.gained", area=_area(area, locale)) for area in content.gained] + [
        t(locale, "notify.lost", area=_area(area, locale)) for area in content.lost
    ]
    if changes:
        body.append(_heading(t(locale, "notify.changes_heading")))
        body.extend(_text(line) for line in changes)
    blocked = [line for line in content.areas if not line.qualified]
    if blocked:
        body.append(_heading(t(locale, "notify.blocking_heading")))
        for line in blocked:
            if line.blocking:
                metrics = ", ".join(t(locale, f"common.metric.{metric}") for metric in line.blocking)
                body.append(
                    _text(t(locale, "notify.blocked_by_zero", area=_area(line.area, locale), metrics=metrics))
                )
            else:
                body.append(
                    _text(
                        t(
                            locale,
                            "notify.below_threshold",
                            count=line.threshold - line.score,
                            area=_area(line.area, locale),
                            threshold=line.threshold,
                        )
                    )
                )
    if content.expiring:
        body.append(_heading(t(locale, "notify.expiring_heading", horizon=content.horizon.isoformat())))
        for item in content.expiring:
            body.append(
                _text(
                    t(
                        locale,
                        "notify.expiring",
                        person=item.person,
                        certification=certification_name(item.certification),
                        date=item.expires.isoformat(),
                    )
                )
            )
        if content.costs:
            for cost in content.costs:
                key = "notify.cost_loses" if cost.qualified_now and not cost.qualified_then else "notify.cost"
                body.append(
                    _text(
                        t(
                            locale,
                            key,
                            area=_area(cost.area, locale),
                            now=cost.score_now,
                            then=cost.score_then,
                            change=_signed(cost.score_then - cost.score_now),
                        )
                    )
                )
        else:
            body.append(_text(t(locale, "notify.cost_none")))
    planned = [line for line in content.areas if not line.qualified and line.plan]
    if planned:
        body.append(_heading(t(locale, "notify.plan_heading")))
        for line in planned:
            steps = [f"- {plan_step_text(step, locale)}" for step in line.plan]
            body.append(_text(t(locale, "notify.plan_area", area=_area(line.area, locale)), weight="Bolder"))
            body.append(_text("\n".join(steps)))
    body.append(_text(opt_out_text(locale), isSubtle=True, size="Small", spacing="Large", separator=True))
    actions: list[dict[str, Any]] = [
        {"type": "Action.Submit", "title": t(locale, "notify.action_score"), "data": {"action": "score"}}
    ]
    if planned:
        actions.append(
            {
                "type": "Action.Submit",
                "title": t(locale, "notify.action_plan"),
                "data": {"action": "plan", "area": planned[0].area.value},
            }
        )
    return {"type": "AdaptiveCard", "$schema": SCHEMA_URL, "version": "1.5", "body": body, "actions": actions}
