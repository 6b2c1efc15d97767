"""Reason codes and plan steps rendered as one localized sentence each.

Pure: scoring models in, text out (via `cards.i18n.t`, keys in `locales/*/reasons.json`). Used by the
question answers (bot/questions) and by the scorecard/explanation cards, so a reason reads the same
everywhere. Person ids become names through `names` (see `names_of`); certification slugs become
"Display Name (EXAM)" through the scoring catalog.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Protocol

from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import NumberPattern

from cards.i18n import cldr_locale, cldr_tag, t
from scoring.catalog import resolve_certification
from scoring.ids import Area, Market, Metric, PlanAction
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
    step_of,
)

Names = Mapping[str, str]


class _Named(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str | None: ...


class WithPeople(Protocol):
    """A scoring Profile, or anything with its `people`."""

    @property
    def people(self) -> Sequence[_Named]: ...


def names_of(profile: WithPeople | None) -> dict[str, str]:
    """Person id -> display name from a scoring Profile (or anything with `.people`); {} for None."""
    return {person.id: person.name or person.id for person in profile.people} if profile else {}


# --- small formatting helpers: CLDR data through Babel, per locale -----------------------------------
# The money the rules talk about is US dollars (Partner Center's ACR figures).
CURRENCY = "USD"


@lru_cache(maxsize=64)
def _pattern(locale: str, kind: str, decimals: int) -> NumberPattern:
    """The locale's CLDR number pattern of `kind` showing 0 to `decimals` decimals."""
    cldr = cldr_locale(locale)
    formats = {"decimal": cldr.decimal_formats[None], "percent": cldr.percent_formats[None],
               "currency": cldr.currency_formats["standard"]}
    pattern = copy.copy(formats[kind])
    pattern.frac_prec = (0, decimals)
    return pattern


def number(locale: str, value: float | int | None, decimals: int = 0) -> str:
    """The locale's grouping and decimal sign, up to `decimals` decimals (none shown when whole)."""
    if value is None:
        return "?"
    return _pattern(locale, "decimal", decimals).apply(Decimal(str(value)), cldr_locale(locale))


def money(locale: str, value: float | None) -> str:
    """Whole US dollars in the locale's currency pattern ("$112,700", "112 700 $US", "US$112,700")."""
    if value is None:
        return "?"
    return _pattern(locale, "currency", 0).apply(Decimal(str(value)), cldr_locale(locale), currency=CURRENCY,
                                                 currency_digits=False)


def percent(locale: str, value: float | None) -> str:
    """`value` percentage points (12.5 -> "12.5%", "12,5 %"), truncated, not rounded, to two decimals:
    0.999 % must not read as "1 %" when it scores 0."""
    if value is None:
        return "?"
    shown = Decimal(math.trunc(value * 100)) / 10_000
    return _pattern(locale, "percent", 2).apply(shown, cldr_locale(locale))


def date_text(locale: str, value: dt.date | str | None) -> str:
    """A day in the locale's long form ("October 31, 2026", "31 octobre 2026", "2026년 10월 31일")."""
    if value is None:
        return "?"
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return format_date(day, "long", locale=cldr_tag(locale))


def join(locale: str, items: Iterable[str], conjunction: str = "and") -> str:
    """ "A, B, and C" / "A, B ou C" / "A、B和C": the locale's CLDR list pattern."""
    parts = [item for item in items if item]
    if not parts:
        return ""
    return format_list(parts, style="standard" if conjunction == "and" else "or", locale=cldr_tag(locale))


def _list_head(locale: str, parts: list[str]) -> str:
    """Items joined by the locale's list separator only ("A, B, C"; "A、B、C")."""
    middle = cldr_locale(locale).list_patterns["standard"]["middle"]
    head = parts[0]
    for part in parts[1:]:
        head = middle.format(head, part)
    return head


# Long lists (hundreds of certified people or deployed services) are cut: a chat message has a size
# limit, and nobody reads the 200th name. The count of the rest is kept.
LIST_LIMIT = 12


def short_join(locale: str, items: Iterable[str], limit: int = LIST_LIMIT) -> str:
    """Like `join`, but at most `limit` items and then "and N more"."""
    parts = [item for item in items if item]
    if len(parts) <= limit:
        return join(locale, parts)
    rest = len(parts) - limit
    return t(
        locale, "reasons.fmt_more", head=_list_head(locale, parts[:limit]), count=rest
    )


def person_names(locale: str, ids: Iterable[str] | None, names: Names | None) -> str:
    names = names or {}
    return short_join(locale, [names.get(pid, pid) for pid in ids or []])


# Cards and answers look the same few slugs up again and again; an uncached lookup costs ~28 µs.
_certification = lru_cache(maxsize=1024)(resolve_certification)


def certification_name(slug: str) -> str:
    cert = _certification(slug)
    return cert.name if cert is not None else slug


def certification_exams(slug: str) -> list[str]:
    cert = _certification(slug)
    return list(cert.exams) if cert is not None else []


def exams_beyond_name(name: str, exams: Iterable[str]) -> list[str]:
    """The exam codes a label adds after the name: not those the name already shows (retired exams
    are named "Architecting Microsoft Azure Solutions (70-534)", or after the code itself)."""
    return [exam for exam in exams if exam and exam.casefold() not in name.casefold()]


def certification_label(locale: str, slug: str) -> str:
    """ "Azure Solutions Architect Expert (AZ-305)"; the exam part is left out when none is known."""
    name = certification_name(slug)
    exams = exams_beyond_name(name, certification_exams(slug))
    if not exams:
        return name
    return t(locale, "reasons.fmt_certification", name=name, exams=join(locale, exams, "and"))


def certifications_label(locale: str, slugs: Iterable[str] | None) -> str:
    return join(locale, [certification_label(locale, slug) for slug in slugs or []], "or")


def metric_name(locale: str, metric: Metric | str | None) -> str:
    return t(locale, f"common.metric.{metric}") if metric else ""


def area_name(locale: str, area: Area | str) -> str:
    return t(locale, f"common.area.{area}")


def area_button_title(locale: str, area: Area | str) -> str:
    """An area on a button: short enough (about 20 characters) not to be cut on Teams mobile."""
    return t(locale, f"buttons.area.{area}")


# --- reasons ------------------------------------------------------------------------------------


def _prerequisite(locale: str, reason: PrerequisiteUnmet, names: Names | None) -> str:
    required, have = reason.required, reason.have
    certs = certifications_label(locale, reason.certifications)
    text = t(
        locale,
        "reasons.prerequisite_unmet",
        step=reason.step,
        certifications=certs,
        required=required,
        have=have,
        count=required,  # "1 person must hold", "2 people must hold"
    )
    sep = t(locale, "reasons.fmt_sentence_sep")
    missing = max(1, required - have)
    holders = list(reason.people)
    if not holders:
        return text + sep + t(locale, "reasons.prerequisite_unmet_todo", count=missing, certifications=certs)
    # The holders are named twice: who has it, and who the missing people must not be.
    people = person_names(locale, holders, names)
    text += sep + t(locale, "reasons.prerequisite_unmet_holders", people=people, count=len(holders))
    text += sep + t(
        locale, "reasons.prerequisite_unmet_todo_not", count=missing, certifications=certs, people=people
    )
    return text


def _market(locale: str, market: Market) -> str:
    return t(locale, f"reasons.market_{market}")


def reason_text(locale: str, reason: Reason, names: Names | None = None) -> str:
    """One sentence explaining `reason` in `locale`: one case per reason model (a new model without
    its case here is a type error), its fields formatted as the locale files' placeholders want."""
    # Figures: ACR and consumption are dollars, head counts and customers are plain numbers, scores
    # and uncapped points may carry decimals. `count` picks the plural form.
    match reason:
        case PrerequisiteUnmet():
            return _prerequisite(locale, reason, names)
        case GateMet():
            return t(
                locale,
                "reasons.gate_met",
                step=reason.step,
                certifications=certifications_label(locale, reason.certifications),
                required=number(locale, reason.required),
                have=number(locale, reason.have),
                people=person_names(locale, reason.people, names),
            )
        case GatePoints():
            return t(locale, "reasons.gate_points", step=reason.step, points=reason.points)
        case PeopleCounted():
            return t(
                locale,
                "reasons.people_counted",
                step=reason.step,
                people=person_names(locale, reason.people, names),
                points_each=reason.points_each,
                count=len(reason.people) or reason.have,
            )
        case NoScoringPeople():
            certs = certifications_label(locale, reason.certifications)
            return t(locale, "reasons.no_scoring_people", step=reason.step, certifications=certs)
        case Capped():
            return t(locale, "reasons.capped", max=reason.max, value=number(locale, reason.value, decimals=2))
        case NotApplicable():
            return t(locale, "reasons.not_applicable", metric=metric_name(locale, reason.metric))
        case NetAdds() | NetAddsNotPositive():
            extra = {"points_each": reason.points_each} if isinstance(reason, NetAdds) else {}
            return t(
                locale,
                f"reasons.{reason.code}",
                value=number(locale, reason.value, decimals=2),
                current=number(locale, reason.current),
                baseline=number(locale, reason.baseline),
                **extra,
            )
        case Growth() | NoGrowth():
            return t(
                locale,
                f"reasons.{reason.code}",
                growth_pct=percent(locale, reason.growth_pct),
                current=money(locale, reason.current),
                baseline=money(locale, reason.baseline),
            )
        case ZeroBaseline():
            return t(locale, "reasons.zero_baseline", baseline=money(locale, reason.baseline))
        case BelowMinimumAcr():
            return t(
                locale,
                "reasons.below_minimum_acr",
                current=money(locale, reason.current),
                minimum=money(locale, reason.minimum),
            )
        case ServicesCounted():
            return t(
                locale,
                "reasons.services_counted",
                services=short_join(locale, reason.services),
                points_each=reason.points_each,
                count=len(reason.services),
            )
        case NoEligibleServices():
            if not reason.excluded:
                return t(locale, "reasons.no_eligible_services")
            excluded = short_join(locale, reason.excluded)
            return t(locale, "reasons.no_eligible_services_excluded", excluded=excluded)
        case CertificationExpired() | CertificationRetired():
            return t(
                locale,
                f"reasons.{reason.code}",
                person=(names or {}).get(reason.person, reason.person),
                certification=certification_label(locale, reason.certification),
                on=date_text(locale, reason.on),
            )
        case Qualified():
            value = number(locale, reason.value, decimals=2)
            return t(locale, "reasons.qualified", value=value, required=number(locale, reason.required))
        case BelowThreshold():
            return t(
                locale,
                "reasons.below_threshold",
                value=number(locale, reason.value, decimals=2),
                required=number(locale, reason.required),
                count=max(0, reason.required - reason.value),
            )
        case MetricZeroBlocksQualification() | NoPlan():
            metrics = join(locale, [metric_name(locale, m) for m in reason.metrics])
            return t(locale, f"reasons.{reason.code}", metrics=metrics, count=len(reason.metrics))
        case ConsumptionMet() | ConsumptionBelowThreshold():
            return t(
                locale,
                f"reasons.{reason.code}",
                value=money(locale, reason.value),
                required=money(locale, reason.required),
                market=_market(locale, reason.market),
            )
        case ConsumptionUnknown():
            required, market = money(locale, reason.required), _market(locale, reason.market)
            return t(locale, "reasons.consumption_unknown", required=required, market=market)
        case NotEnoughPeoplePassed() | PeoplePassed():
            key = f"reasons.{reason.code}"
            if isinstance(reason, NotEnoughPeoplePassed) and not reason.people:
                key = "reasons.not_enough_people_passed_nobody"
            certs = reason.certifications
            return t(
                locale,
                key,
                certifications=certifications_label(locale, certs) if certs else t(
                    locale, "reasons.fmt_listed_exams"
                ),
                required=number(locale, reason.required),
                have=number(locale, reason.have),
                people=person_names(locale, reason.people, names),
                count=reason.required,
            )


def step_reason_text(
    locale: str, metric: Metric | None, reason: Reason, names: Names | None = None
) -> str:
    """A reason with its metric named when it speaks of a step: intermediate and advanced certifications
    each have a "step 1", and two bare "step 1" lines read as a contradiction."""
    text = reason_text(locale, reason, names)
    if metric is None or step_of(reason) is None:
        return text
    return t(locale, "reasons.with_metric", metric=metric_name(locale, metric), text=text)


def reasons_text(locale: str, reasons: Iterable[Reason], names: Names | None = None) -> list[str]:
    return [reason_text(locale, reason, names) for reason in reasons]


# --- plan steps ---------------------------------------------------------------------------------


def plan_step_text(locale: str, step: PlanStep, names: Names | None = None) -> str:
    """One line of the plan: what to add, for which metric, and the points it brings."""
    common = {"count": step.count, "points": step.points_gained, "metric": metric_name(locale, step.metric)}
    if step.action == PlanAction.CERTIFY:
        # A gate certification earns nothing by itself: say so rather than "+0 points".
        text = t(
            locale,
            "reasons.plan_certify" if step.points_gained else "reasons.plan_certify_gate",
            certification=certification_label(locale, step.certification or "?"),
            **common,
        )
        if step.people:
            who = person_names(locale, step.people, names)
            text += t(locale, "reasons.fmt_sentence_sep") + t(
                locale, "reasons.plan_candidates", people=who, count=len(step.people)
            )
        return text
    return t(locale, f"reasons.plan_{step.action}", **common)
