"""Score history and the qualification window in words and charts, per locale.

For the cards (scorecard, monthly notification) and for answers: `standing_text` says where an
area stands in the window ("at risk: held through March 2027 unless you qualify again"), and
`month_name` names a month the way the locale does (CLDR, through Babel), never "2026-11".
"""

from __future__ import annotations

from typing import Any

from babel.dates import format_skeleton

from cards import adaptive as ac
from cards import charts
from cards.explain import area_name, join
from cards.i18n import cldr_tag, normalize_locale, t
from scoring.history import ScoreHistory, first_day
from scoring.ids import Area
from scoring.window import AreaWindow, Standing

TREND_MONTHS = 12  # the line chart shows at most the last year
FALLBACK_MONTHS = 6  # the text version of the trend: the last half year reads at a glance
AREA_COLORS = {
    Area.DATA_AI: "categoricalBlue",
    Area.INFRASTRUCTURE: "categoricalTeal",
    Area.DIGITAL_APP_INNOVATION: "categoricalMarigold",
}


def month_name(locale: str, month: str) -> str:
    """'November 2026', 'novembre 2026', '2026년 11월', '2026年11月'."""
    return format_skeleton("yMMMM", first_day(month), locale=cldr_tag(locale))


def month_short(locale: str, month: str) -> str:
    """'Nov 2026', 'nov. 2026', '2026년 11월': months in the text version of the trend."""
    return format_skeleton("yMMM", first_day(month), locale=cldr_tag(locale))


def month_numeric(locale: str, month: str) -> str:
    """'11/2026', '11.2026', '2026. 11.', '2026/11': chart axis labels, short in every script (a
    chart repeats each label once per line, and a card has a size limit)."""
    return format_skeleton("yMM", first_day(month), locale=cldr_tag(locale))


def _h(locale: str, key: str, **params: Any) -> str:
    return t(locale, f"history.{key}", **params)


def standing_text(locale: str, window: AreaWindow, window_months: int = 6) -> str:
    """Where an area stands in the qualification window, in one sentence."""
    loc = normalize_locale(locale)
    if window.standing == Standing.QUALIFIED:
        return _h(loc, "standing_qualified", month=month_name(loc, window.held_through or ""))
    if window.standing == Standing.HELD:
        qualified = join(loc, [month_name(loc, m) for m in window.qualified_months])
        return _h(loc, "standing_held", month=month_name(loc, window.held_through or ""), qualified=qualified)
    return _h(loc, "standing_not_qualified", count=window_months)


def standing_element(locale: str, window: AreaWindow, window_months: int = 6) -> dict[str, Any]:
    """The standing as a small line in the default colour, marked with a symbol (the only colour that
    reads in every Teams theme, see cards.adaptive): ✓ qualified, ⚠ at risk (bold), not qualified subtle."""
    words = standing_text(locale, window, window_months)
    if window.standing == Standing.QUALIFIED:
        return ac.text(f"{ac.GOOD_MARK} {words}", size="Small", spacing="None")
    if window.standing == Standing.HELD:
        return ac.text(f"{ac.ATTENTION_MARK} {words}", size="Small", weight="Bolder", spacing="None")
    return ac.text(words, size="Small", subtle=True, spacing="None")


def no_history_text(locale: str) -> str:
    return _h(locale, "no_history")


def trend_section(
    locale: str, history: ScoreHistory | None, areas: list[Area], threshold: int = 70
) -> list[dict[str, Any]]:
    """The last months per area as a line chart (text fallback), or that there is no history yet.
    Nothing when `history` is None (not known to the caller). A flat line at the threshold spans
    every month, so a month without a score stays on the axis, in its place."""
    if history is None:
        return []
    loc = normalize_locale(locale)
    shown = history.last(TREND_MONTHS)
    if len(shown.months) < 2:
        return [ac.text(no_history_text(loc), size="Small", subtle=True, spacing="Medium")]
    wanted = [a for a in areas if a in shown.areas]
    labels = [month_numeric(loc, m) for m in shown.months]
    # The threshold line first: it has every month, and a chart orders its categories by first
    # appearance, so the months stay in order even when an area has a gap (seen in the playground).
    needed = [(x, float(threshold)) for x in labels]
    series = [(_h(loc, "gauge_sub", threshold=threshold), needed, "neutral")]
    for area in wanted:
        points = [(labels[i], float(s)) for i, s in enumerate(shown.areas[area].scores) if s is not None]
        series.append((area_name(loc, area), points, AREA_COLORS[area]))
    recent = shown.last(FALLBACK_MONTHS)
    recent_labels = [month_short(loc, m) for m in recent.months]
    gap = _h(loc, "trend_gap")
    rows = [
        (
            area_name(loc, area),
            " · ".join(
                f"{label} {gap if score is None else score}"
                for label, score in zip(recent_labels, recent.areas[area].scores, strict=True)
            ),
        )
        for area in wanted
    ]
    fallback = ac.container([ac.facts(rows)])
    return [
        ac.text(_h(loc, "trend_heading"), weight="Bolder", spacing="Medium", separator=True),
        charts.line(series, fallback=fallback, title=_h(loc, "trend_title"), y_min=0, y_max=100),
    ]
