"""An answer decided as data, rendered once in the user's locale.

The answer modules (respond, knowledge, simulate, history, facts) decide *what* to say: locale keys
with typed values (an `Area`, a `Metric`, a date, a `Reason`, a `PlanStep`, a certification, an
amount) in a `Reply`. Nothing is looked up as text while deciding; `render` turns the whole reply
into the message text at the end, in one pass, through `cards` (names, CLDR formats, reason texts).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from cards import explain
from cards.i18n import t
from scoring.ids import Area, Metric
from scoring.results import PlanStep, is_reason

Names = Mapping[str, str]


@dataclass(frozen=True)
class Text:
    """A locale key and its values (which may be typed values or other `Text`s)."""

    key: str
    params: Mapping[str, object] = field(default_factory=dict)


def phrase(key: str, **params: object) -> Text:
    return Text(key, params)


@dataclass(frozen=True)
class Cert:
    """A certification by catalog slug: "Azure Solutions Architect Expert (AZ-305)"."""

    slug: str


@dataclass(frozen=True)
class Certs:
    """Several certifications: "A (AZ-104) or B (AZ-800 and AZ-801)"."""

    slugs: tuple[str, ...]


@dataclass(frozen=True)
class Money:
    amount: float | None  # None: not known ("?")


@dataclass(frozen=True)
class Percent:
    value: float | None  # None: not known ("?")


@dataclass(frozen=True)
class People:
    """Person ids, written as the profile's names."""

    ids: tuple[str, ...]


@dataclass(frozen=True)
class Join:
    """Values joined by the locale's list pattern ("A, B and C", "A、B和C")."""

    items: tuple[object, ...]
    conjunction: Literal["and", "or"] = "and"


@dataclass(frozen=True)
class Seq:
    """Values written one after the other ("Intermediate certifications (0/40): Step 1 is ...")."""

    items: tuple[object, ...]


@dataclass(frozen=True)
class Verbatim:
    """Text that is already the user's (their own words, a name they typed): never looked up."""

    value: str


def render(locale: str, value: object, names: Names) -> object:
    """One value in `locale`. Numbers stay numbers (plural forms and format specs need them)."""
    if is_reason(value):
        return explain.reason_text(locale, value, names)
    match value:
        case Text(key, params):
            return t(locale, key, **{k: render(locale, v, names) for k, v in params.items()})
        case Area():
            return explain.area_name(locale, value)
        case Metric():
            return explain.metric_name(locale, value)
        case dt.date():
            return explain.date_text(locale, value)
        case PlanStep():
            return explain.plan_step_text(locale, value, names)
        case Cert(slug):
            return explain.certification_label(locale, slug)
        case Certs(slugs):
            return explain.certifications_label(locale, slugs)
        case Money(amount):
            return explain.money(locale, amount)
        case Percent(number):
            return explain.percent(locale, number)
        case People(ids):
            return explain.person_names(locale, ids, names)
        case Join(items, conjunction):
            return explain.join(locale, [str(render(locale, i, names)) for i in items], conjunction)
        case Seq(items):
            return " ".join(str(render(locale, i, names)) for i in items)
        case Verbatim(text_):
            return text_
        case _:
            return value


def render_text(locale: str, value: object, names: Names) -> str:
    return str(render(locale, value, names))


def render_all(locale: str, values: Iterable[object], names: Names) -> list[str]:
    return [render_text(locale, v, names) for v in values]


def association_name(code: str) -> str:
    """How an association type is written: CSP_T1 is "CSP Tier 1" (product names, not translated)."""
    return code.replace("_T", " Tier ")
