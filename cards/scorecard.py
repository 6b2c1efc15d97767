"""The scorecard card and the "why" explanation card, from a `Scorecard` (and the profile for names).

Section builders (`header_section`, `area_section`, `metric_row`, `cloud_platform_section`) are
public for other cards and the tests. Reason and plan sentences come from `cards.explain`, so a
reason reads the same in answers and cards.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from cards import adaptive as ac
from cards import charts
from cards.explain import (
    area_name,
    date_text,
    metric_name,
    money,
    names_of,
    plan_step_text,
    reason_text,
    step_reason_text,
)
from cards.history_view import standing_element, trend_section
from cards.i18n import normalize_locale, t
from scoring.history import ScoreHistory
from scoring.ids import SHORTFALL_CODES, Area, Metric, ReasonCode
from scoring.jsonvalue import is_dict, is_list
from scoring.models import Profile
from scoring.results import CloudPlatformResult, DesignationResult, MetricResult, PlanStep, Reason, Scorecard
from scoring.window import AreaWindow, Standing, WindowResult, qualification_window

TOP_REASONS = 3
MAX_PLAN_LINES = 8
MAX_REASONS_PER_METRIC = 6  # on the explanation card; the rest are counted
MAX_LINE = 320  # characters of one reason or plan line (a reason may name hundreds of people)


def clip(text: str, limit: int = MAX_LINE) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _t(locale: str, key: str, **params: Any) -> str:
    return t(locale, f"cards.{key}", **params)


def bar(points: int, maximum: int, *, good: bool) -> dict[str, Any]:
    """A progress bar: two weighted columns, coloured filled part and grey rest."""
    share = 0 if maximum <= 0 else max(0, min(100, round(100 * points / maximum)))
    cols: list[ac.Element] = []
    if share > 0:
        cols.append(ac.column([], width=share, style="good" if good else "warning", min_height="10px"))
    if share < 100:
        # No gap between the parts, so the two columns read as one bar.
        cols.append(ac.column([], width=100 - share, style="emphasis", min_height="10px", spacing="None"))
    return ac.columns(cols, spacing="Small")


def metric_row(locale: str, result: MetricResult, *, blocking: bool) -> dict[str, Any]:
    name = metric_name(locale, result.metric)
    label = _t(locale, "points_of", points=result.points, max=result.max)
    full = result.points >= result.max
    return ac.columns(
        [
            ac.column(
                [
                    ac.text(
                        name + (f" {ac.ATTENTION_MARK}" if blocking else ""),
                        weight="Bolder" if blocking else None,
                    )
                ],
                width=40,
                vertical="Center",
            ),
            ac.column(
                [bar(result.points, result.max, good=full or (result.points > 0 and not blocking))],
                width=40,
                vertical="Center",
            ),
            ac.column([ac.text(label, weight="Bolder")], width=20, vertical="Center"),
        ],
        spacing="Small",
    )


def score_gauge(locale: str, result: DesignationResult) -> dict[str, Any]:
    """The area's score on a 0-100 gauge whose segments change colour at the threshold; a sentence
    for clients without charts."""
    loc = normalize_locale(locale)
    h = {"threshold": result.threshold}
    words = t(loc, "history.gauge_fallback", score=result.score, **h)
    fallback = ac.text(words, size="Small", spacing="None")
    return charts.gauge(
        value=result.score,
        maximum=100,
        segments=[
            (result.threshold, t(loc, "history.legend_below", **h), "attention"),
            (100 - result.threshold, t(loc, "history.legend_qualifies"), "good"),
        ],
        sub_label=t(loc, "history.gauge_sub", **h),
        max_width="280px",
        fallback=fallback,
    )


def metric_bars(locale: str, result: DesignationResult) -> dict[str, Any]:
    """Each metric's points and the points still possible, as stacked bars; for clients without
    charts, the same as facts ("Net customer adds: 20/30"). A metric at 0 that blocks is marked ⚠."""
    loc = normalize_locale(locale)
    rows: list[tuple[str, list[tuple[str, float, str]]]] = []
    facts: list[tuple[str, str]] = []
    for metric in result.metrics:
        blocking = metric.metric in result.blocking_metrics
        full = metric.points >= metric.max
        color = "good" if full or (metric.points > 0 and not blocking) else "warning"
        name = metric_name(loc, metric.metric) + (" ⚠" if blocking else "")
        points = _t(loc, "points_of", points=metric.points, max=metric.max)
        facts.append((name, points))
        rows.append(
            (
                f"{name} {points}",
                [
                    (t(loc, "history.legend_points"), metric.points, color),
                    (t(loc, "history.legend_missing"), max(0, metric.max - metric.points), "neutral"),
                ],
            )
        )
    return charts.stacked_bars(rows, fallback=ac.facts(facts), title=t(loc, "history.metrics_title"))


def top_reasons(result: DesignationResult, limit: int = TOP_REASONS) -> list[tuple[Metric | None, Reason]]:
    """The reasons that best explain the score, each with its metric: blocking metrics first, then
    metrics below max."""
    ordered: list[tuple[Metric | None, Reason]] = []
    metrics = sorted(
        result.metrics, key=lambda m: (m.metric not in result.blocking_metrics, m.points >= m.max)
    )
    for metric in metrics:
        if metric.points >= metric.max:
            continue
        problems = [r for r in metric.reasons if r.code in SHORTFALL_CODES]
        ordered.extend((metric.metric, r) for r in problems[:1] or metric.reasons[:1])
    if not ordered:
        ordered = [(None, r) for r in result.reasons if r.code != ReasonCode.NOT_APPLICABLE]
    return ordered[:limit]


def _bullet(line: str) -> dict[str, Any]:
    """One reason under a heading or a metric row: small, tight, clipped."""
    return ac.text(clip(f"• {line}"), size="Small", spacing="None")


def _plan_lines(locale: str, plan: list[PlanStep], names: dict[str, str] | None) -> list[dict[str, Any]]:
    """The numbered plan, at most MAX_PLAN_LINES steps, then how many more there are."""
    lines = [
        ac.text(clip(f"{i}. {plan_step_text(locale, step, names)}"), size="Small", spacing="None")
        for i, step in enumerate(plan[:MAX_PLAN_LINES], start=1)
    ]
    if len(plan) > MAX_PLAN_LINES:
        lines.append(ac.text(_t(locale, "plan_more", count=len(plan) - MAX_PLAN_LINES), size="Small"))
    return lines


def _verdict(locale: str, result: DesignationResult) -> str:
    """Qualified or not, marked with a symbol: the default text colour is the only one that reads in every
    Teams theme (see cards.adaptive)."""
    if result.qualified:
        return f"{ac.GOOD_MARK} {_t(locale, 'qualified')}"
    return f"{ac.ATTENTION_MARK} {_t(locale, 'not_qualified', threshold=result.threshold)}"


def area_section(
    locale: str,
    result: DesignationResult,
    names: dict[str, str] | None = None,
    *,
    with_reasons: bool = True,
    with_plan: bool = True,
    with_buttons: bool = True,
    standing: AreaWindow | None = None,
    window_months: int = 6,
    has_history: bool = False,
) -> dict[str, Any]:
    loc = normalize_locale(locale)
    verdict = _verdict(loc, result)
    items: list[dict[str, Any]] = [
        ac.columns(
            [
                ac.column([ac.text(area_name(loc, result.area), size="Medium", weight="Bolder")]),
                ac.column(
                    [ac.text(_t(loc, "score_of", score=result.score), size="Medium", weight="Bolder")],
                    width="auto",
                ),
            ]
        ),
        ac.text(verdict, weight="Bolder", spacing="None"),
    ]
    # "No qualifying month" only means something when earlier months were kept.
    if standing is not None and (standing.standing != Standing.NOT_QUALIFIED or has_history):
        items.append(standing_element(loc, standing, window_months))
    items += [score_gauge(loc, result), metric_bars(loc, result)]
    for reason in result.reasons:
        if reason.code == ReasonCode.NOT_APPLICABLE:
            items.append(ac.text(clip(reason_text(loc, reason, names)), size="Small", subtle=True))
    if result.blocking_metrics:
        blocking = ", ".join(metric_name(loc, m) for m in result.blocking_metrics)
        items.append(ac.text(f"{ac.ATTENTION_MARK} {_t(loc, 'blocking', metrics=blocking)}", size="Small"))
    if with_reasons:
        reasons = top_reasons(result)
        if reasons:
            items.append(ac.text(_t(loc, "top_reasons"), weight="Bolder", size="Small", spacing="Medium"))
            items.extend(_bullet(step_reason_text(loc, m, r, names)) for m, r in reasons)
    if with_plan and result.plan:
        items.append(ac.text(_t(loc, "plan_title"), weight="Bolder", size="Small", spacing="Medium"))
        items.extend(_plan_lines(loc, result.plan, names))
    if with_buttons:
        items.append(
            ac.action_set(
                [
                    ac.submit(_t(loc, "button_why"), {"action": "why", "area": result.area.value}),
                    ac.submit(_t(loc, "button_plan"), {"action": "plan", "area": result.area.value}),
                ]
            )
        )
    return ac.container(
        items, style="good" if result.qualified else "default", separator=True, spacing="Medium"
    )


def cloud_platform_section(
    locale: str, result: CloudPlatformResult, names: dict[str, str] | None = None
) -> ac.Element:
    loc = normalize_locale(locale)
    level = _t(loc, f"cp_level.{result.level}")
    mark = ac.GOOD_MARK if result.level != "none" else ac.ATTENTION_MARK
    items: list[dict[str, Any]] = [
        ac.text(t(loc, "common.area.cloud_platform"), size="Medium", weight="Bolder"),
        ac.text(
            f"{mark} {_t(loc, 'cp_level', level=level)}",
            weight="Bolder",
            spacing="None",
        ),
    ]
    if result.consumption_usd_12m is not None:
        items.append(
            ac.text(_t(loc, "cp_consumption", amount=money(loc, result.consumption_usd_12m)), size="Small")
        )
    for key, level_result in result.levels.items():
        if level_result.met:
            continue
        problems = [r for r in level_result.reasons if r.code in SHORTFALL_CODES][:2]
        items.extend(
            _bullet(f"{_t(loc, f'cp_level.{key}')}: {reason_text(loc, reason, names)}") for reason in problems
        )
    return ac.container(items, separator=True, spacing="Medium")


def header_section(locale: str, scorecard: Scorecard, profile: Profile | None = None) -> list[ac.Element]:
    loc = normalize_locale(locale)
    name = scorecard.partner_name or (profile.partner.name if profile else None) or scorecard.partner_id
    return [
        ac.heading(_t(loc, "title")),
        ac.text(_t(loc, "partner", name=name, id=scorecard.partner_id), weight="Bolder", spacing="None"),
        ac.text(
            _t(
                loc,
                "subtitle",
                as_of=date_text(loc, scorecard.as_of),
                rules=scorecard.rules,
                track=t(loc, f"intake.track.{scorecard.track}"),
            ),
            subtle=True,
            size="Small",
            spacing="None",
        ),
    ]


def _areas_of(scorecard: Scorecard, areas: list[str] | None) -> list[DesignationResult]:
    wanted = [str(a) for a in areas or []]
    if not wanted:
        return list(scorecard.designations)
    # The areas the partner cares about first; the others still shown (they are scored anyway).
    return sorted(
        scorecard.designations, key=lambda d: (d.area.value not in wanted, list(Area).index(d.area))
    )


# Cards built without a history, per scorecard and profile object: the profile store hands out the
# same frozen objects until the stored profile changes, so "what is my score?" asked again builds
# nothing (the card is most of that answer's cost). Entries hold their objects, so ids stay unique.
_BUILT: OrderedDict[tuple[Any, ...], tuple[Scorecard, Profile | None, ac.Element]] = OrderedDict()
_BUILT_MAX = 64


def build_scorecard_card(
    scorecard: Scorecard,
    profile: Profile | None = None,
    locale: str | None = None,
    *,
    intro: str | None = None,
    with_update: bool = True,
    areas: list[str] | None = None,
    history: ScoreHistory | None = None,
    window: WindowResult | None = None,
) -> dict[str, Any]:
    """The scorecard: every area (those in `areas`, the partner's interests, first) and Cloud Platform.

    With the tenant's `history` (bot/history.py), each area also says where it stands in the
    qualification window (qualified, held through a month and at risk, or not qualified) and the
    card ends with the score of the last months as a line chart, or says there is no history yet.
    Each call returns a card of its own (a caller may change it)."""
    if history is not None or window is not None:
        return _scorecard_card(scorecard, profile, locale, intro, with_update, areas, history, window)
    key = (id(scorecard), id(profile), normalize_locale(locale), intro, with_update,
           tuple(areas) if areas is not None else None)
    found = _BUILT.get(key)
    if found is not None and found[0] is scorecard and found[1] is profile:
        _BUILT.move_to_end(key)
        return _copied(found[2])
    card = _scorecard_card(scorecard, profile, locale, intro, with_update, areas, None, None)
    _BUILT[key] = (scorecard, profile, card)
    while len(_BUILT) > _BUILT_MAX:
        _BUILT.popitem(last=False)
    return _copied(card)


def _copied(node: Any) -> Any:
    """A copy of a card's JSON tree (every dict and list new; strings and numbers are immutable)."""
    if is_dict(node):
        return {key: _copied(value) for key, value in node.items()}
    if is_list(node):
        return [_copied(value) for value in node]
    return node


def _scorecard_card(scorecard: Scorecard, profile: Profile | None, locale: str | None, intro: str | None,
                    with_update: bool, areas: list[str] | None, history: ScoreHistory | None,
                    window: WindowResult | None) -> dict[str, Any]:
    loc = normalize_locale(locale)
    names = names_of(profile)
    if window is None and history is not None:
        window = qualification_window(scorecard, history)
    body = header_section(loc, scorecard, profile)
    if intro:
        body.append(ac.text(intro))
    ordered = _areas_of(scorecard, areas)
    body.extend(
        area_section(
            loc,
            d,
            names,
            standing=window.area(d.area) if window is not None else None,
            window_months=window.window_months if window is not None else 6,
            has_history=window is not None and window.has_history,
        )
        for d in ordered
    )
    threshold = ordered[0].threshold if ordered else 70
    body.extend(trend_section(loc, history, [d.area for d in ordered], threshold))
    if scorecard.cloud_platform is not None:
        body.append(cloud_platform_section(loc, scorecard.cloud_platform, names))
    actions = [ac.submit(_t(loc, "button_update"), {"action": "update"})] if with_update else []
    return ac.card(body, actions, lang=loc, fallback_text=_t(loc, "fallback_text"))


def build_explanation_card(
    scorecard: Scorecard, area: Area | str, profile: Profile | None = None, locale: str | None = None
) -> dict[str, Any]:
    """Every reason of one area, metric by metric: the card for "why?" answers."""
    loc = normalize_locale(locale)
    names = names_of(profile)
    result = scorecard.designation(area)
    body: list[dict[str, Any]] = [
        ac.heading(_t(loc, "why_title", area=area_name(loc, result.area))),
        ac.text(_t(loc, "score_of", score=result.score) + " · " + _verdict(loc, result), weight="Bolder"),
    ]
    for reason in result.reasons:
        body.append(ac.text(clip(reason_text(loc, reason, names))))
    for metric in result.metrics:
        body.append(metric_row(loc, metric, blocking=metric.metric in result.blocking_metrics))
        body.extend(_bullet(reason_text(loc, r, names)) for r in metric.reasons[:MAX_REASONS_PER_METRIC])
        if len(metric.reasons) > MAX_REASONS_PER_METRIC:
            body.append(
                ac.text(
                    _t(loc, "reasons_more", count=len(metric.reasons) - MAX_REASONS_PER_METRIC), size="Small"
                )
            )
    if result.plan:
        body.append(ac.text(_t(loc, "plan_title"), weight="Bolder", separator=True))
        # Same lines as the scorecard's, so a plan longer than the limit says so here too.
        body.extend(_plan_lines(loc, result.plan, names))
    # This card answers "why?" in the chat, so its next step reads like the chat answers' own plan
    # button ("What do we need?"), not like the scorecard's "Show plan".
    actions = [
        ac.submit(t(loc, "answers.button_plan"), {"action": "plan", "area": result.area.value}),
        ac.submit(_t(loc, "button_score"), {"action": "score", "area": result.area.value}),
    ]
    return ac.card(body, actions, lang=loc, fallback_text=_t(loc, "fallback_text"))
