"""The monthly notification as an Adaptive Card (1.5), per locale. Pure: content in, card dict out.

Built from the cards package's pieces (element helpers, plan sentences, dates, certification
labels) so a plan step or a date reads the same here as in the scorecard and in answers.
"""

from __future__ import annotations

from typing import Any

from bot.notifications.content import AreaLine, NotificationContent
from cards import adaptive as ac
from cards.explain import certification_label, date_text, join, metric_name, plan_step_text
from cards.history_view import month_name, trend_section
from cards.i18n import normalize_locale, t
from scoring.history import add_months
from scoring.ids import Area
from scoring.window import Standing

MAX_PLAN_LINES = 6  # per area: the card stays short; "What should I do?" gives the whole plan


def _signed(value: int) -> str:
    return f"+{value}" if value > 0 else ("±0" if value == 0 else f"−{-value}")


def _area(area: Area | str, locale: str) -> str:
    return t(locale, f"common.area.{area}")


def _held_through(content: NotificationContent, area: Area) -> str | None:
    """The month an at-risk area stays held through (qualified in an earlier month of the window)."""
    if content.window is None:
        return None
    standing = content.window.area(area)
    return standing.held_through if standing.standing == Standing.HELD else None


def _area_value(content: NotificationContent, line: AreaLine, locale: str) -> str:
    """'48 / 100 (70 needed) · not qualified · +4 since October 2026'."""
    held = _held_through(content, line.area)
    if held is not None:
        status = t(locale, "history.monthly_held", month=month_name(locale, held))
    else:
        status = t(locale, "notify.qualified" if line.qualified else "notify.not_qualified")
    last_month = month_name(locale, add_months(content.month, -1))
    if line.change is None:
        change = t(locale, "history.monthly_no_previous", month=last_month)
    else:
        change = t(locale, "history.monthly_change", change=_signed(line.change), month=last_month)
    score = t(locale, "history.monthly_score", score=line.score, threshold=line.threshold)
    return t(locale, "history.monthly_value", score=score, change=change, status=status)


def opt_out_text(locale: str) -> str:
    """The line every notification ends with: how to stop (and restart) it, in the reader's language."""
    stop, start = t(locale, "notify.stop_command"), t(locale, "notify.start_command")
    return t(locale, "notify.opt_out", stop=stop, start=start)


def summary_text(content: NotificationContent, locale: str) -> str:
    """The message text beside the card: shown in the activity feed and read by screen readers."""
    locale = normalize_locale(locale)
    qualified = [_area(line.area, locale) for line in content.areas if line.qualified]
    held = [_area(line.area, locale) for line in content.areas if _held_through(content, line.area)]
    key = "notify.summary_qualified" if qualified else "notify.summary_none"
    if not qualified and held:
        key, qualified = "history.summary_held", held
    month = month_name(locale, content.month)
    return t(locale, key, partner=content.partner_name, month=month, areas=join(locale, qualified))


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
        area = _area(cost.area, locale)
        line = t(locale, key, area=area, now=cost.score_now, then=cost.score_then, change=change)
        # Default colour: Attention-coloured text is too faint on Teams' dark theme (see cards.adaptive).
        body.append(ac.text(line))
    if not content.costs:
        body.append(ac.text(t(locale, "notify.cost_none"), subtle=True))
    return body


def _metric_changes(content: NotificationContent, locale: str) -> list[str]:
    """Since last month's scorecard: per area the metrics whose points moved, and certifications
    that lapsed in between (scoring.history.scorecard_changes)."""
    if content.changes is None:
        return []
    lines = []
    for area in content.changes.areas:
        moved = [
            t(locale, "history.metric_change", metric=metric_name(locale, m.metric), before=m.points_before,
              after=m.points_after)
            for m in area.metrics
            if m.delta
        ]
        if moved:
            joined = ", ".join(moved)
            lines.append(t(locale, "history.metric_changes", area=_area(area.area, locale), changes=joined))
    names = content.names
    lines += [
        t(locale, "history.lapsed", person=names.get(item.person, item.person),
          certification=certification_label(locale, item.certification), date=date_text(locale, item.on))
        for item in content.changes.expired
    ]
    return lines


def _plan_steps(content: NotificationContent, line: AreaLine, locale: str) -> list[dict[str, Any]]:
    return [
        ac.text(f"• {plan_step_text(locale, step, content.names)}", size="Small", spacing="None")
        for step in line.plan[:MAX_PLAN_LINES]
    ]


def _at_risk(content: NotificationContent, locale: str) -> list[dict[str, Any]]:
    """Areas held only by an earlier month of the window: until when, and what to do to qualify now."""
    body: list[dict[str, Any]] = []
    for line in content.areas:
        held = _held_through(content, line.area)
        if held is None:
            continue
        if not body:
            heading = f"{ac.ATTENTION_MARK} {t(locale, 'history.at_risk_heading')}"
            body.append(ac.text(heading, weight="Bolder", spacing="Medium"))
        body.append(ac.text(t(locale, "history.at_risk_line", area=_area(line.area, locale),
                              month=month_name(locale, held)), spacing="Small"))
        body.extend(_plan_steps(content, line, locale))
    return body


def _plan(content: NotificationContent, locale: str) -> list[dict[str, Any]]:
    planned = [
        line
        for line in content.areas
        if not line.qualified and line.plan and _held_through(content, line.area) is None
    ]
    if not planned:
        return []
    body = [ac.text(t(locale, "notify.plan_heading"), weight="Bolder", spacing="Medium")]
    for line in planned:
        body.append(ac.text(t(locale, "notify.plan_area", area=_area(line.area, locale)), spacing="Small"))
        body.extend(_plan_steps(content, line, locale))
    return body


def build_card(content: NotificationContent, locale: str) -> dict[str, Any]:
    loc = normalize_locale(locale)
    body: list[dict[str, Any]] = [
        ac.heading(t(loc, "notify.title", month=month_name(loc, content.month))),
        ac.text(
            t(
                loc,
                "history.monthly_subtitle",
                partner=content.partner_name,
                as_of=date_text(loc, content.as_of),
                data_date=date_text(loc, content.data_as_of or content.as_of),
                rules=content.rules,
            ),
            subtle=True,
            size="Small",
            spacing="None",
        ),
        ac.facts([(_area(line.area, loc), _area_value(content, line, loc)) for line in content.areas]),
    ]
    if content.history is not None:
        threshold = content.areas[0].threshold if content.areas else 70
        body += trend_section(loc, content.history, [line.area for line in content.areas], threshold)
    elif not content.has_previous:
        body.append(ac.text(t(loc, "notify.first_month"), subtle=True, size="Small"))
    if content.cloud_platform is not None:
        level = t(loc, f"notify.level_{content.cloud_platform.value}")
        body.append(ac.text(t(loc, "notify.cloud_platform", level=level), size="Small"))
    changes = [t(loc, "notify.gained", area=_area(a, loc)) for a in content.gained]
    changes += [t(loc, "notify.lost", area=_area(a, loc)) for a in content.lost]
    changes += _metric_changes(content, loc)
    if changes:
        body.append(ac.text(t(loc, "notify.changes_heading"), weight="Bolder", spacing="Medium"))
        # The words say gained or lost; Good and Attention colours do not read in every Teams theme.
        body.extend(ac.text(line) for line in changes)
    body += _at_risk(content, loc) + _blocking(content, loc) + _expiring(content, loc) + _plan(content, loc)
    body.append(ac.text(opt_out_text(loc), subtle=True, size="Small", spacing="Large", separator=True))
    actions = [ac.submit(t(loc, "notify.action_score"), {"action": "score"})]
    if any(not line.qualified and line.plan for line in content.areas):
        # The card covers every area, so its plan button answers for all of them (`scope`: the
        # handler then ignores the area the conversation last talked about).
        actions.append(ac.submit(t(loc, "notify.action_plan"), {"action": "plan", "scope": "all"}))
    # Partner and person names are user data: a name written as a markdown link must not become a
    # disguised link in a card that goes to every subscribed chat and channel.
    return ac.without_links(ac.card(body, actions, lang=loc, fallback_text=summary_text(content, loc)))
