"""The monthly notification as an Adaptive Card (1.5), per locale. Pure: content in, card dict out.

Built from the cards package's pieces (element helpers, plan sentences, dates, certification
labels) so a plan step or a date reads the same here as in the scorecard and in answers.
"""

from __future__ import annotations

from typing import Any

from bot.notifications.content import AreaLine, NotificationContent
from cards import adaptive as ac
from cards.explain import certification_label, date_text, join, month_text, plan_step_text
from cards.i18n import normalize_locale, t
from scoring.ids import Area

MAX_PLAN_LINES = 6  # per area: the card stays short; "What should I do?" gives the whole plan


def _signed(value: int) -> str:
    return f"+{value}" if value > 0 else ("±0" if value == 0 else f"−{-value}")


def _area(area: Area | str, locale: str) -> str:
    return t(locale, f"common.area.{area}")


def _area_value(line: AreaLine, locale: str) -> str:
    status = t(locale, "notify.qualified" if line.qualified else "notify.not_qualified")
    if line.change is None:
        change = t(locale, "notify.change_none")
    else:
        change = t(locale, "notify.change", change=_signed(line.change))
    return t(
        locale, "notify.area_value", score=line.score, threshold=line.threshold, change=change, status=status
    )


def opt_out_text(locale: str) -> str:
    """The line every notification ends with: how to stop (and restart) it, in the reader's language."""
    stop, start = t(locale, "notify.stop_command"), t(locale, "notify.start_command")
    return t(locale, "notify.opt_out", stop=stop, start=start)


def summary_text(content: NotificationContent, locale: str) -> str:
    """The message text beside the card: shown in the activity feed and read by screen readers."""
    locale = normalize_locale(locale)
    qualified = [_area(line.area, locale) for line in content.areas if line.qualified]
    key = "notify.summary_qualified" if qualified else "notify.summary_none"
    return t(locale, key, partner=content.partner_name, month=month_text(locale, content.month),
             areas=join(locale, qualified))


def _blocking(content: NotificationContent, locale: str) -> list[dict[str, Any]]:
    lines = []
    for line in content.areas:
        if line.qualified:
            continue
        if line.blocking:
            metrics = ", ".join(t(locale, f"common.metric.{metric}") for metric in line.blocking)
            text = t(locale, "notify.blocked_by_zero", area=_area(line.area, locale), metrics=metrics)
        else:
            text = t(
                locale,
                "notify.below_threshold",
                count=line.threshold - line.score,
                area=_area(line.area, locale),
                threshold=line.threshold,
            )
        lines.append(ac.text(text))
    return (
        [ac.text(t(locale, "notify.blocking_heading"), weight="Bolder", spacing="Medium"), *lines]
        if lines
        else []
    )


def _expiring(content: NotificationContent, locale: str) -> list[dict[str, Any]]:
    if not content.expiring:
        return []
    heading = t(locale, "notify.expiring_heading", horizon=date_text(locale, content.horizon))
    body = [ac.text(heading, weight="Bolder", spacing="Medium")]
    for item in content.expiring:
        label = certification_label(locale, item.certification)
        when = date_text(locale, item.expires)
        body.append(ac.text(t(locale, "notify.expiring", person=item.person, certification=label, date=when)))
    for cost in content.costs:
        key = "notify.cost_loses" if cost.qualified_now and not cost.qualified_then else "notify.cost"
        change = _signed(cost.score_then - cost.score_now)
        body.append(
            ac.text(
                t(
                    locale,
                    key,
                    area=_area(cost.area, locale),
                    now=cost.score_now,
                    then=cost.score_then,
                    change=change,
                ),
                color="Attention",
            )
        )
    if not content.costs:
        body.append(ac.text(t(locale, "notify.cost_none"), subtle=True))
    return body


def _plan(content: NotificationContent, locale: str) -> list[dict[str, Any]]:
    planned = [line for line in content.areas if not line.qualified and line.plan]
    if not planned:
        return []
    body = [ac.text(t(locale, "notify.plan_heading"), weight="Bolder", spacing="Medium")]
    for line in planned:
        body.append(ac.text(t(locale, "notify.plan_area", area=_area(line.area, locale)), spacing="Small"))
        body.extend(
            ac.text(f"• {plan_step_text(locale, step, content.names)}", size="Small", spacing="None")
            for step in line.plan[:MAX_PLAN_LINES]
        )
    return body


def build_card(content: NotificationContent, locale: str) -> dict[str, Any]:
    loc = normalize_locale(locale)
    body: list[dict[str, Any]] = [
        ac.heading(t(loc, "notify.title", month=month_text(loc, content.month))),
        ac.text(
            t(
                loc,
                "notify.subtitle",
                partner=content.partner_name,
                as_of=date_text(loc, content.as_of),
                rules=content.rules,
            ),
            subtle=True,
            size="Small",
            spacing="None",
        ),
        ac.facts([(_area(line.area, loc), _area_value(line, loc)) for line in content.areas]),
    ]
    if not content.has_previous:
        body.append(ac.text(t(loc, "notify.first_month"), subtle=True, size="Small"))
    if content.cloud_platform is not None:
        level = t(loc, f"notify.level_{content.cloud_platform.value}")
        body.append(ac.text(t(loc, "notify.cloud_platform", level=level), size="Small"))
    changes = [t(loc, "notify.gained", area=_area(a, loc)) for a in content.gained]
    changes += [t(loc, "notify.lost", area=_area(a, loc)) for a in content.lost]
    if changes:
        body.append(ac.text(t(loc, "notify.changes_heading"), weight="Bolder", spacing="Medium"))
        body.extend(
            ac.text(line, color="Good" if i < len(content.gained) else "Attention")
            for i, line in enumerate(changes)
        )
    body += _blocking(content, loc) + _expiring(content, loc) + _plan(content, loc)
    body.append(ac.text(opt_out_text(loc), subtle=True, size="Small", spacing="Large", separator=True))
    actions = [ac.submit(t(loc, "notify.action_score"), {"action": "score"})]
    first_gap = next((line for line in content.areas if not line.qualified and line.plan), None)
    if first_gap is not None:
        actions.append(
            ac.submit(t(loc, "notify.action_plan"), {"action": "plan", "area": first_gap.area.value})
        )
    # Partner and person names are user data: a name written as a markdown link must not become a
    # disguised link in a card that goes to every subscribed chat and channel.
    return ac.without_links(ac.card(body, actions, lang=loc, fallback_text=summary_text(content, loc)))
