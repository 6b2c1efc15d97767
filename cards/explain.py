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
from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Any

from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import NumberPattern

from cards.i18n import cldr_locale, cldr_tag, has, t
from scoring.catalog import resolve_certification
from scoring.ids import Area, Metric, PlanAction, ReasonCode
from scoring.results import PlanStep, Reason

Names = Mapping[str, str]


def names_of(profile: Any) -> dict[str, str]:
    """Person id -> display name from a scoring Profile (or anything with `.people`); {} for None."""
    people = getattr(profile, "people", None) or []
    return {str(person.id): str(getattr(person, "name", None) or person.id) for person in people}


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


def _num(value: float | None) -> int:
    return round(value) if value is not None else 0


def _prerequisite(locale: str, reason: Reason, names: Names | None) -> str:
    required, have = _num(reason.required), _num(reason.have)
    certs = certifications_label(locale, reason.certifications)
    text = t(
        locale,
        "reasons.prerequisite_unmet",
        step=reason.step,
        certifications=certs,
        required=required,
        have=have,
        count=have,
    )
    sep = t(locale, "reasons.fmt_sentence_sep")
    missing = max(1, required - have)
    holders = list(reason.people or [])
    if not holders:
        return text + sep + t(locale, "reasons.prerequisite_unmet_todo", count=missing, certifications=certs)
    # The holders are named twice: who has it, and who the missing people must not be.
    people = person_names(locale, holders, names)
    text += sep + t(locale, "reasons.prerequisite_unmet_holders", people=people, count=len(holders))
    text += sep + t(
        locale, "reasons.prerequisite_unmet_todo_not", count=missing, certifications=certs, people=people
    )
    return text


def reason_text(locale: str, reason: Reason, names: Names | None = None) -> str:
    """One sentence explaining `reason` in `locale`."""
    code = reason.code
    if code == ReasonCode.PREREQUISITE_UNMET:
        return _prerequisite(locale, reason, names)
    key = f"reasons.{code}"
    if not has(key):  # a code the engine added after this file: say something true, never crash
        return t(locale, "reasons.unknown", code=str(code))
    fields: dict[str, Any] = {
        "step": reason.step if reason.step is not None else "?",
        "certifications": certifications_label(locale, reason.certifications),
        "required": number(locale, reason.required),
        "have": number(locale, reason.have),
        "people": person_names(locale, reason.people, names),
        "points": reason.points if reason.points is not None else 0,
        "points_each": reason.points_each if reason.points_each is not None else 0,
        "value": number(locale, reason.value, decimals=2),
        "max": reason.max if reason.max is not None else 0,
        "metric": metric_name(locale, reason.metric),
        "metrics": join(locale, [metric_name(locale, m) for m in reason.metrics or []]),
        "person": (names or {}).get(reason.person or "", reason.person or "?"),
        "certification": certification_label(locale, reason.certification) if reason.certification else "?",
        "on": date_text(locale, reason.on),
        "growth_pct": percent(locale, reason.growth_pct),
        "services": short_join(locale, reason.services or []),
        "excluded": short_join(locale, reason.excluded or []),
        "market": t(locale, f"reasons.market_{reason.market}")
        if reason.market in ("developed", "developing")
        else (reason.market or ""),
        "count": _num(reason.have),
    }
    # Money-valued fields depend on the code: ACR and consumption are dollars, customers are counts.
    if code in (
        ReasonCode.NO_GROWTH,
        ReasonCode.ZERO_BASELINE,
        ReasonCode.BELOW_MINIMUM_ACR,
        ReasonCode.GROWTH,
    ):
        fields["current"] = money(locale, reason.current)
        fields["baseline"] = money(locale, reason.baseline)
        fields["minimum"] = money(locale, reason.minimum)
    else:
        fields["current"] = number(locale, reason.current)
        fields["baseline"] = number(locale, reason.baseline)
        fields["minimum"] = number(locale, reason.minimum)
    if code in (
        ReasonCode.CONSUMPTION_BELOW_THRESHOLD,
        ReasonCode.CONSUMPTION_MET,
        ReasonCode.CONSUMPTION_UNKNOWN,
    ):
        fields["value"] = money(locale, reason.value)
        fields["required"] = money(locale, reason.required)
    if code == ReasonCode.SERVICES_COUNTED:
        fields["count"] = len(reason.services or [])
    if code == ReasonCode.PEOPLE_COUNTED:
        fields["count"] = len(reason.people or []) or _num(reason.have)
    if code == ReasonCode.BELOW_THRESHOLD:
        fields["count"] = max(0, _num(reason.required) - _num(reason.value))
    if code in (ReasonCode.METRIC_ZERO_BLOCKS_QUALIFICATION, ReasonCode.NO_PLAN):
        fields["count"] = len(reason.metrics or [])
    if code == ReasonCode.NO_ELIGIBLE_SERVICES and reason.excluded:
        key = "reasons.no_eligible_services_excluded"
    if code == ReasonCode.BELOW_MINIMUM_ACR and reason.current is None and reason.baseline is not None:
        fields["current"] = fields["baseline"]
    if code in (ReasonCode.NOT_ENOUGH_PEOPLE_PASSED, ReasonCode.PEOPLE_PASSED):
        fields["count"] = _num(reason.required)
        if not reason.certifications:
            fields["certifications"] = t(locale, "reasons.fmt_listed_exams")
        if code == ReasonCode.NOT_ENOUGH_PEOPLE_PASSED and not reason.people:
            key = "reasons.not_enough_people_passed_nobody"
    return t(locale, key, **fields)


def step_reason_text(
    locale: str, metric: Metric | None, reason: Reason, names: Names | None = None
) -> str:
    """A reason with its metric named when it speaks of a step: intermediate and advanced certifications
    each have a "step 1", and two bare "step 1" lines read as a contradiction."""
    text = reason_text(locale, reason, names)
    if metric is None or reason.step is None:
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
