"""Server-side checks of every intake submit (Teams clients skip client-side validation).

Each `read_*` function takes the raw submit (any JSON: hostile clients send anything) and the
draft, and returns the updated draft or the errors; raw values are kept for the card to echo back.
Nothing here raises on bad input.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from typing import Any

from babel.numbers import NumberFormatError, get_group_symbol, parse_decimal

from cards.catalog_view import rule_versions
from cards.i18n import cldr_tag
from cards.intake_state import AUTO_RULES, Draft, DraftPerson, InputError
from scoring.ids import Area, Market, Track

# Sensible maximums: far above any real partner, low enough to keep cards and storage small.
MAX_NAME = 100
MAX_PARTNER_NAME = 200
MAX_PEOPLE = 300
MAX_CERTS_PER_PERSON = 40
MAX_BULK_CHARS = 20_000
MAX_BULK_LINES = MAX_PEOPLE
MAX_SERVICES = 150
MAX_SERVICE_NAME = 100
MAX_SERVICES_TEXT = 6_000
MAX_CUSTOMERS = 100_000
MAX_ACR_MONTH = 1_000_000_000.0  # USD per month
MAX_CONSUMPTION_12M = 12 * MAX_ACR_MONTH
# Longest raw text echoed back into a card (a too-long value is cut there; its message says so).
# Small enough that every card stays under Teams' message size limit.
MAX_ECHO = 200
MAX_BULK_ECHO = 3_000
PARTNER_ID = re.compile(r"^\d{4,10}$")


@dataclass
class Checked:
    """The outcome of reading one step's inputs."""

    draft: Draft
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, InputError] = field(default_factory=dict)
    added: int = 0  # people the bulk paste added

    def fail(self, field_name: str, key: str, /, **params: Any) -> None:
        self.errors.setdefault(field_name, InputError(key=key, params=params))

    @property
    def ok(self) -> bool:
        return not self.errors


def _raw(data: dict[str, Any], name: str) -> Any:
    return data.get(name) if isinstance(data, dict) else None


# Characters no typed name or figure needs: C0/C1 controls (line breaks in a one-line field) and the
# explicit text-direction overrides/isolates that can make a name read differently from what it is.
_HIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# The same in a multi-line field (a paste): line breaks and tabs are how the user separates lines there.
_HIDDEN_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def read_text(
    data: dict[str, Any],
    name: str,
    out: Checked,
    *,
    limit: int,
    echo: int = MAX_ECHO,
    multiline: bool = False,
) -> str | None:
    """A trimmed string, or None (with an error) when the value is of the wrong type, too long, or
    carries hidden control characters (which Teams' own inputs never send: a hand-made submit)."""
    raw = _raw(data, name)
    if raw is None:
        out.values[name] = ""
        return ""
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        out.values[name] = ""
        out.fail(name, "error.invalid")
        return None
    value = str(raw).replace("\x00", "").strip()
    out.values[name] = value[: min(max(limit, MAX_ECHO), echo)]
    if len(value) > limit:
        out.fail(name, "error.too_long", max=limit)
        return None
    if (_HIDDEN_MULTILINE if multiline else _HIDDEN).search(value):
        out.fail(name, "error.control_characters")
        return None
    return value


def read_choices(data: dict[str, Any], name: str, out: Checked, *, limit: int = 4_000) -> list[str] | None:
    """A multi-select value: Teams sends "a,b,c"; a list is accepted too."""
    raw = _raw(data, name)
    if raw is None or raw == "":
        out.values[name] = []
        return []
    if isinstance(raw, list) and all(isinstance(item, str) for item in raw):
        items = raw
    elif isinstance(raw, str):
        items = raw.split(",")
    else:
        out.values[name] = []
        out.fail(name, "error.invalid")
        return None
    if sum(len(item) for item in items) > limit:
        out.values[name] = []
        out.fail(name, "error.too_long", max=limit)
        return None
    cleaned = list(dict.fromkeys(item.strip() for item in items if item.strip()))
    out.values[name] = cleaned
    return cleaned


_PLAIN = re.compile(r"^[+-]?\d+(\.\d+)?([eE][+-]?\d{1,3})?$")
_GROUP = re.compile(r"^\d{1,3}(?:[,.' ]\d{3})+$")


def _in_locale(text: str, locale: str) -> float | None:
    """`text` read with the locale's CLDR grouping and decimal sign ("1.500" is 1500 in German and
    1.5 in English; "1 500,5" is French), or None when the locale does not read it strictly."""
    cldr = cldr_tag(locale)
    group = get_group_symbol(cldr)
    if group.isspace():  # French groups with a narrow no-break space; people type a plain space
        text = text.replace(" ", group)
    try:
        return float(parse_decimal(text, locale=cldr, strict=True))
    except NumberFormatError:
        return None


def parse_number(raw: Any, locale: str = "en") -> float | None:
    """A number from an Input.Number or a typed figure ("112,700", "112 700.50", "$1,000"): first as
    the user's locale writes numbers, then as a machine figure, then by the unambiguous conventions
    of other locales ("1.234,5" typed in an English client)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        value = float(raw)
    elif isinstance(raw, str):
        text = raw.strip().replace("\u00a0", " ").replace("\u202f", " ")
        text = re.sub(r"(?i)^(us)?\$|\s*(usd|\$\s*(us)?)$", "", text).strip().replace("_", "")
        if not text:
            return None
        local = _in_locale(text, locale) if re.fullmatch(r"[+-]?[\d.,' ]+", text) else None
        if local is not None:
            return local if math.isfinite(local) else None
        if _PLAIN.match(text):  # what Input.Number sends: "1200", "-3", "1e3"
            value = float(text)
            return value if math.isfinite(value) else None
        sign = ""
        if text[0] in "+-":
            sign, text = text[0], text[1:].strip()
        integer, _, fraction = text, "", ""
        match = re.match(r"^(.*?)([.,])(\d{1,2})$", text)
        if match and not _GROUP.match(text):
            integer, fraction = match.group(1), match.group(3)
        if _GROUP.match(integer):
            integer = re.sub(r"[,.' ]", "", integer)
        if not integer.isdigit():
            return None
        value = float(f"{sign}{integer}.{fraction or '0'}")
    else:
        return None
    return value if math.isfinite(value) else None


def read_number(
    data: dict[str, Any], name: str, out: Checked, *, maximum: float, whole: bool, required: bool,
    locale: str = "en",
) -> float | None:
    raw = _raw(data, name)
    text = "" if raw is None else (str(raw) if isinstance(raw, str | int | float) else "")
    out.values[name] = text.strip()[:40]
    if _blank(raw):
        if required:
            out.fail(name, "error.required")
        return None
    value = parse_number(raw, locale)
    if value is None:
        out.fail(name, "error.not_a_number")
        return None
    if value < 0:
        out.fail(name, "error.negative")
        return None
    if whole and not value.is_integer():
        out.fail(name, "error.whole_number")
        return None
    if value > maximum:
        out.fail(name, "error.too_large", max=maximum)  # the card formats it in the user's locale
        return None
    return value


# --- organisation ---------------------------------------------------------------------------------


def read_organisation(data: dict[str, Any], draft: Draft) -> Checked:
    out = Checked(draft=draft.model_copy(deep=True))
    partner_id = read_text(data, "partner_id", out, limit=40)
    name = read_text(data, "partner_name", out, limit=MAX_PARTNER_NAME)
    market = read_text(data, "market", out, limit=40)
    track = read_text(data, "track", out, limit=40)
    rules = read_text(data, "rules", out, limit=40)
    if partner_id == "":
        out.fail("partner_id", "error.required")
    elif partner_id is not None and not PARTNER_ID.match(partner_id):
        out.fail("partner_id", "error.partner_id")
    if name == "":
        out.fail("partner_name", "error.required")
    if market is not None and market not in {m.value for m in Market}:
        out.fail("market", "error.choose_one")
    if track is not None and track not in {t.value for t in Track}:
        out.fail("track", "error.choose_one")
    if rules is not None and rules not in (AUTO_RULES, *rule_versions()):
        out.fail("rules", "error.choose_one")
    if out.ok:
        out.draft.partner_id, out.draft.partner_name = partner_id or "", name or ""
        out.draft.market, out.draft.track, out.draft.rules = market or "", track or "", rules or ""
    return out


# --- areas ----------------------------------------------------------------------------------------


def read_areas(data: dict[str, Any], draft: Draft) -> Checked:
    out = Checked(draft=draft.model_copy(deep=True))
    areas = read_choices(data, "areas", out)
    if areas is None:
        return out
    known = [a.value for a in Area]
    if any(a not in known for a in areas):
        out.fail("areas", "error.choose_from_list")
    elif not areas:
        out.fail("areas", "error.areas_none")
    else:
        out.draft.areas = [a for a in known if a in areas]
    return out


# --- people ---------------------------------------------------------------------------------------


def resolve_codes(codes: list[str]) -> tuple[list[str], str | None]:
    """Certification slugs for typed codes, or the first code that names no certification.

    Exam codes are aliases ("PL300" too). The exams of a credential that takes several are that
    credential once all are typed ("AZ-800, AZ-801"; "AZ-800/AZ-801", which the separators split) or
    when it is typed too; one of them alone is returned as the code that names nothing (`exam_alone`
    says why)."""
    from scoring.catalog import default_catalog

    catalog = default_catalog()
    slugs: list[str] = []
    parts: dict[str, dict[str, str]] = {}  # credential slug -> {exam: code as typed}
    pending: list[str] = []
    for code in codes:
        if (found := catalog.resolve(code)) is not None:
            slugs.append(found.slug)
        elif (part := catalog.exam_part(code)) is not None:
            parts.setdefault(part[0].slug, {})[part[1]] = code
            pending.append(code)
        else:
            pending.append(code)
    for slug, exams in parts.items():
        if slug in slugs or set(exams) >= set(catalog.registry[slug].exams):
            slugs.append(slug)
            pending = [code for code in pending if code not in exams.values()]
    return list(dict.fromkeys(slugs)), (pending[0] if pending else None)


def exam_alone(code: str) -> dict[str, Any] | None:
    """The parameters of `exams.exam_alone` when a code names one exam of a credential that takes
    several (AZ-800 of AZ-800 + AZ-801): a real exam that earns nothing alone. None otherwise."""
    from scoring.catalog import default_catalog

    found = default_catalog().exam_part(code)
    if found is None:
        return None
    whole, exam = found
    return {
        "code": code[:60],
        "count": len(whole.exams),
        "certification": whole.name,
        "exams": whole.exam_label,
        "missing": " + ".join(e for e in whole.exams if e != exam),
    }


def _suggest(code: str) -> str:
    from scoring.catalog import suggest_certifications

    try:
        found = suggest_certifications(code)
    except Exception:  # a suggestion helper failing must not turn a typo into a crash
        return ""
    names = []
    for item in list(found)[:3]:
        if isinstance(item, str):
            names.append(item)
        else:
            exams = "/".join(getattr(item, "exams", []) or [])
            label = getattr(item, "name", None) or getattr(item, "slug", "")
            names.append(f"{label} ({exams})" if exams else label)
    return ", ".join(names)


def _unknown(out: Checked, name: str, code: str) -> None:
    if (alone := exam_alone(code)) is not None:
        out.fail(name, "exams.exam_alone", **alone)
        return
    suggestions = _suggest(code)
    if suggestions:
        out.fail(name, "error.unknown_certification_suggest", code=code[:60], suggestions=suggestions)
    else:
        out.fail(name, "error.unknown_certification", code=code[:60])


def split_codes(text: str) -> list[str]:
    return [c.strip() for c in re.split(r"[,;/|\n]", text) if c.strip()]


def read_person(data: dict[str, Any], draft: Draft, editing: int | None) -> Checked:
    """The add/edit-person form: a name, certifications chosen from the catalog and/or typed codes."""
    out = Checked(draft=draft.model_copy(deep=True))
    name = read_text(data, "person_name", out, limit=MAX_NAME)
    certs = read_choices(data, "person_certs", out)
    typed = read_text(data, "person_codes", out, limit=MAX_CERTS_PER_PERSON * 60)
    if name == "":
        out.fail("person_name", "error.person_without_name")
    slugs: list[str] = []
    for field_name, codes in (("person_certs", certs), ("person_codes", split_codes(typed or ""))):
        found, unknown = resolve_codes(list(codes or []))
        if unknown is not None:
            _unknown(out, field_name, unknown)
        slugs += found
    slugs = list(dict.fromkeys(slugs))
    if len(slugs) > MAX_CERTS_PER_PERSON:
        out.fail("person_certs", "error.too_many", max=MAX_CERTS_PER_PERSON)
    people = out.draft.people
    if name and any(p.name.casefold() == name.casefold() and i != editing for i, p in enumerate(people)):
        out.fail("person_name", "error.duplicate_person", name=name)
    if editing is None and len(people) >= MAX_PEOPLE:
        out.fail("person_name", "error.too_many_people", max=MAX_PEOPLE)
    if not out.ok or not name:
        return out
    if editing is None:
        people.append(DraftPerson(id=out.draft.next_person_id(), name=name, certifications=list(slugs)))
    else:
        person = people[editing]
        kept = {c.get("id"): c for c in person.certifications if isinstance(c, dict)}
        # A certification kept from the saved profile keeps its expiry date.
        person.certifications = [kept.get(slug, slug) for slug in slugs]
        person.name = name
    return out


_LINE = re.compile(r"^\s*(?P<name>[^:\t]*?)\s*(?:[:\t]\s*(?P<certs>.*))?$")


def _bulk_line(line: str, number: int, out: Checked) -> tuple[str, list[str]] | None:
    """One pasted line -> (name, slugs), or None with the problem recorded as `bulk#<number>`."""
    field_name = f"bulk#{number}"
    match = _LINE.match(line)
    name = (match.group("name") if match else "").strip()
    raw_codes = (match.group("certs") or "") if match else ""
    codes = [c.strip() for c in re.split(r"[,;/|]", raw_codes) if c.strip()]
    if not name:
        out.fail(field_name, "error.bulk_no_name", line=number)
    elif len(name) > MAX_NAME:
        out.fail(field_name, "error.bulk_name_too_long", line=number, max=MAX_NAME)
    elif not codes:
        out.fail(field_name, "error.bulk_no_certifications", line=number, name=name[:60])
    elif len(codes) > MAX_CERTS_PER_PERSON:
        out.fail(field_name, "error.bulk_too_many", line=number, name=name[:60], max=MAX_CERTS_PER_PERSON)
    if field_name in out.errors:
        return None
    slugs, unknown = resolve_codes(codes)
    if unknown is not None and (alone := exam_alone(unknown)) is not None:
        out.fail(field_name, "exams.exam_alone_line", line=number, name=name[:60], **alone)
        return None
    if unknown is not None:
        suggestions = _suggest(unknown)
        key = "error.bulk_unknown_suggest" if suggestions else "error.bulk_unknown"
        out.fail(field_name, key, line=number, name=name[:60], code=unknown[:60], suggestions=suggestions)
        return None
    return name, slugs


def read_bulk(data: dict[str, Any], draft: Draft) -> Checked:
    """`Ada: AZ-305, AZ-104` one person per line (a tab works too, for a spreadsheet paste).

    Good lines are taken; bad lines come back in the box (renumbered from 1 as the user now sees
    them), each with its own message. A name already in the list gets the certifications added.
    """
    out = Checked(draft=draft.model_copy(deep=True))
    text = read_text(data, "bulk", out, limit=MAX_BULK_CHARS, echo=MAX_BULK_ECHO, multiline=True)
    if not text:
        return out
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > MAX_BULK_LINES:
        out.values["bulk"] = text[:MAX_BULK_ECHO]
        out.fail("bulk", "error.too_many_lines", max=MAX_BULK_LINES)
        return out
    people = out.draft.people
    by_name = {p.name.casefold(): p for p in people}
    bad: list[str] = []
    out.added = 0
    for line in lines:
        parsed = _bulk_line(line, len(bad) + 1, out)
        if parsed is not None and parsed[0].casefold() not in by_name and len(people) >= MAX_PEOPLE:
            out.fail(f"bulk#{len(bad) + 1}", "error.too_many_people", max=MAX_PEOPLE)
            parsed = None
        if parsed is None:
            bad.append(line)
            continue
        name, slugs = parsed
        person = by_name.get(name.casefold())
        if person is None:
            person = DraftPerson(id=out.draft.next_person_id(), name=name, certifications=[])
            people.append(person)
            by_name[name.casefold()] = person
            out.added += 1
        have = set(person.slugs())
        person.certifications.extend(s for s in dict.fromkeys(slugs) if s not in have)
    out.values["bulk"] = _keep_lines(bad, MAX_BULK_ECHO)
    return out


def _keep_lines(lines: list[str], budget: int) -> str:
    kept: list[str] = []
    for line in lines:
        budget -= len(line) + 1
        if budget < 0:
            break
        kept.append(line)
    return "\n".join(kept)


# --- usage ----------------------------------------------------------------------------------------

USAGE_FIELDS = ("customers_last_month", "customers_year_ago", "acr_last_month", "acr_year_ago")


def read_usage(data: dict[str, Any], draft: Draft, locale: str = "en") -> Checked:
    """The usage figures, numbers read as the user's locale writes them."""
    number = functools.partial(read_number, locale=locale)
    out = Checked(draft=draft.model_copy(deep=True))
    raw_empty = all(_blank(_raw(data, name)) for name in USAGE_FIELDS)
    if raw_empty and draft.acr_records:
        # The saved profile has detailed records; empty figures keep them.
        for name in USAGE_FIELDS:
            out.values[name] = ""
        consumption = number(
            data, "consumption_12m", out, maximum=MAX_CONSUMPTION_12M, whole=False, required=False
        )
        if out.ok:
            out.draft.consumption_12m = consumption
        return out
    customers_now = number(
        data, "customers_last_month", out, maximum=MAX_CUSTOMERS, whole=True, required=True
    )
    customers_then = number(
        data, "customers_year_ago", out, maximum=MAX_CUSTOMERS, whole=True, required=False
    )
    acr_now = number(data, "acr_last_month", out, maximum=MAX_ACR_MONTH, whole=False, required=True)
    acr_then = number(data, "acr_year_ago", out, maximum=MAX_ACR_MONTH, whole=False, required=False)
    consumption = number(
        data, "consumption_12m", out, maximum=MAX_CONSUMPTION_12M, whole=False, required=False
    )
    for then_name in ("customers_year_ago", "acr_year_ago"):
        if _blank(_raw(data, then_name)) and then_name not in out.errors:
            out.fail(then_name, "error.year_ago_missing")
    if out.ok:
        d = out.draft
        d.customers_last_month = int(customers_now) if customers_now is not None else None
        d.customers_year_ago = int(customers_then) if customers_then is not None else None
        d.acr_last_month, d.acr_year_ago, d.consumption_12m = acr_now, acr_then, consumption
        d.acr_records = None  # typed figures replace detailed records
    return out


def _blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


# --- services -------------------------------------------------------------------------------------


def read_services(data: dict[str, Any], draft: Draft, known: list[str]) -> Checked:
    out = Checked(draft=draft.model_copy(deep=True))
    chosen = read_choices(data, "services", out, limit=20_000)
    other = read_text(
        data, "services_other", out, limit=MAX_SERVICES_TEXT, echo=MAX_SERVICES_TEXT, multiline=True
    )
    if chosen is None or other is None:
        return out
    by_key = {name.casefold(): name for name in known}
    unknown = [c for c in chosen if c.casefold() not in by_key]
    if unknown:
        out.fail("services", "error.choose_from_list")
        return out
    extra = [s.strip() for s in re.split(r"[,;\n]", other) if s.strip()]
    if any(len(s) > MAX_SERVICE_NAME for s in extra):
        out.fail("services_other", "error.service_name_too_long", max=MAX_SERVICE_NAME)
        return out
    names = [by_key[c.casefold()] for c in chosen] + [by_key.get(s.casefold(), s) for s in extra]
    unique = list({n.casefold(): n for n in names}.values())
    if len(unique) > MAX_SERVICES:
        out.fail("services_other", "error.too_many", max=MAX_SERVICES)
        return out
    out.draft.services = unique
    return out
