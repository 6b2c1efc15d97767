"""The qualification window (RULES.md §2.2, E-19): a designation is held while the partner qualified
in any month of the window, the current month plus the previous `window - 1` full months.

Pure: the current scorecard plus the score history (`scoring.history`) in, per area a standing out:
qualified now; held (qualified in a month of the window, not now: at risk, held through a given
month unless it qualifies again); or not qualified. The window's length is a setting of the rule
version (`qualification_window_months` in the catalog), since Microsoft has changed it before.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from scoring.catalog import Catalog, default_catalog
from scoring.history import ScoreHistory, add_months, check_month, month_of
from scoring.ids import Area
from scoring.results import Scorecard


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Standing(StrEnum):
    QUALIFIED = "qualified"
    HELD = "held"
    NOT_QUALIFIED = "not_qualified"


class AreaWindow(_Model):
    area: Area
    standing: Standing
    qualified_now: bool
    # The last month the designation is held if it does not qualify again: for `held`, when the
    # hold ends; for `qualified`, how long this month's qualification carries it. None otherwise.
    held_through: str | None = None
    last_qualified: str | None = None  # the latest month of the window it qualified in
    qualified_months: list[str] = Field(default_factory=list)  # months of the window it qualified in

    @property
    def at_risk(self) -> bool:
        """Held only by an earlier month: the designation lapses after `held_through`."""
        return self.standing == Standing.HELD


class WindowResult(_Model):
    month: str  # the current month
    window_months: int
    first_month: str  # the oldest month of the window
    areas: list[AreaWindow]
    has_history: bool  # False: nothing was kept before this scorecard (no earlier month to count)

    def area(self, area: Area | str) -> AreaWindow:
        for result in self.areas:
            if result.area == area:
                return result
        raise KeyError(area)

    @property
    def at_risk(self) -> list[Area]:
        return [a.area for a in self.areas if a.at_risk]


def window_months(rules: str, catalog: Catalog | None = None) -> int:
    """The window's length under a rule version (catalog setting `qualification_window_months`)."""
    return (catalog or default_catalog()).rule_set(rules).qualification_window_months


def evaluate_window(
    current: Scorecard, history: ScoreHistory, *, months: int, month: str | None = None
) -> WindowResult:
    """Each area's standing in the `months`-long window ending with `month` (default: the month of
    the scorecard's date). History after `month` is ignored; the current scorecard counts for it."""
    if months < 1:
        raise ValueError(f"a window has at least one month, got {months}")
    month = check_month(month) if month is not None else month_of(current.as_of)
    first = add_months(month, -(months - 1))
    past = history.until(month)
    results: list[AreaWindow] = []
    for designation in current.designations:
        trend = past.areas.get(designation.area)
        earlier = [m for m in (trend.qualified_months if trend else []) if m >= first]
        qualified = sorted({*earlier, month} if designation.qualified else set(earlier))
        if designation.qualified:
            standing, through = Standing.QUALIFIED, add_months(month, months - 1)
        elif qualified:
            standing, through = Standing.HELD, add_months(qualified[-1], months - 1)
        else:
            standing, through = Standing.NOT_QUALIFIED, None
        results.append(
            AreaWindow(
                area=designation.area,
                standing=standing,
                qualified_now=designation.qualified,
                held_through=through,
                last_qualified=qualified[-1] if qualified else None,
                qualified_months=qualified,
            )
        )
    return WindowResult(
        month=month,
        window_months=months,
        first_month=first,
        areas=results,
        has_history=any(m < month for m in past.months),
    )


def qualification_window(
    current: Scorecard, history: ScoreHistory, *, month: str | None = None, catalog: Catalog | None = None
) -> WindowResult:
    """`evaluate_window` with the window length of the scorecard's rule version: what answers,
    the scorecard and the monthly card call."""
    return evaluate_window(current, history, months=window_months(current.rules, catalog), month=month)
