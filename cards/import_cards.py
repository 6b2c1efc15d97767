"""The preview of a received file (what it changes, the rows it refuses, the scores before -> after),
with Apply and Cancel. Pure: the bot fills an `ImportView`, this lays it out.

Everything from the file (names, certifications, refused values) is quoted as literal text: a cell
holding `=HYPERLINK("https://evil.example","Pay here")` or `[Sign in](https://...)` reads exactly as
typed and never becomes a link (`adaptive.without_links` on the whole card).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cards import adaptive as ac
from cards.i18n import t

MAX_NAMES = 10  # names listed per change; the count says how many in all
MAX_REFUSED_SHOWN = 20
APPLY = "apply"
CANCEL = "cancel"
_HIDDEN = tuple(
    chr(c) for c in [*range(0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)
_MAX_SHOWN = 80


@dataclass(frozen=True)
class RefusedRow:
    """A row the import leaves out: its number as the spreadsheet shows it, why, and the value."""

    row: int
    reason: str  # key `imports.reason_<reason>`
    value: str
    suggestions: list[str] = field(default_factory=list[str])
    params: dict[str, Any] = field(default_factory=dict[str, Any])  # fields of the reason's text

    @property
    def shown(self) -> str:
        """The value as quoted back: hidden characters made visible, bounded."""
        text = "".join(f"\\x{ord(ch):02x}" if ch in _HIDDEN else ch for ch in self.value[: _MAX_SHOWN * 2])
        return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"


@dataclass
class FileView:
    name: str
    kind: str  # "people" | "acr"
    rows: int
    refused: list[RefusedRow] = field(default_factory=list[RefusedRow])
    refused_count: int = 0


@dataclass
class PeopleChanges:
    before: int
    after: int
    added: list[str] = field(default_factory=list[str])
    removed: list[str] = field(default_factory=list[str])
    changed: list[str] = field(default_factory=list[str])
    certifications_added: list[str] = field(default_factory=list[str])  # "Ada: AZ-305"
    certifications_removed: list[str] = field(default_factory=list[str])
    kept_unreadable: bool = False  # a row naming nobody readable: nobody was removed


@dataclass
class UsageChanges:
    records_before: int | None  # None: the saved usage was typed as figures, not records
    records_after: int
    customers_before: int | None
    customers_after: int
    services_added: list[str] = field(default_factory=list[str])
    services_removed: list[str] = field(default_factory=list[str])
    first_month: str = ""
    last_month: str = ""


@dataclass
class ScoreChange:
    area: str  # Area value, or "cloud_platform"
    before: str  # "62" (or a level for Cloud Platform), "-" without a saved profile
    after: str
    qualified_before: bool
    qualified_after: bool


@dataclass
class ImportView:
    preview_id: str
    files: list[FileView]
    people: PeopleChanges | None
    usage: UsageChanges | None
    scores: list[ScoreChange]
    expires_minutes: int


def listed(locale: str, names: list[str]) -> str:
    shown = ", ".join(names[:MAX_NAMES])
    more = len(names) - MAX_NAMES
    return shown + (t(locale, "imports.and_more", count=more) if more > 0 else "")


# Reasons whose text the import shares with the intake (the exam texts live together).
_REASON_KEYS = {"exam_alone": "exams.exam_alone_reason"}


def refused_line(locale: str, row: RefusedRow) -> str:
    reason = t(locale, _REASON_KEYS.get(row.reason, f"imports.reason_{row.reason}"), **row.params)
    line = t(locale, "imports.refused_line", row=row.row, value=row.shown, reason=reason)
    if row.suggestions:
        line += " " + t(locale, "imports.did_you_mean", names=", ".join(row.suggestions))
    return line


def build_preview_card(view: ImportView, locale: str) -> dict[str, Any]:
    body: list[dict[str, Any]] = [ac.heading(t(locale, "imports.preview_title"), size="Medium")]
    for file in view.files:
        body.append(
            ac.text(
                t(
                    locale,
                    "imports.file_line",
                    name=file.name,
                    kind=t(locale, f"imports.kind_{file.kind}"),
                    count=file.rows,
                )
            )
        )
    if view.people is not None:
        body.extend(_people(view.people, locale))
    if view.usage is not None:
        body.extend(_usage(view.usage, locale))
    refused = [row for file in view.files for row in file.refused]
    total_refused = sum(file.refused_count for file in view.files)
    if total_refused:
        body.append(
            ac.text(
                t(locale, "imports.refused_heading", count=total_refused),
                weight="Bolder",
                color="Attention",
                separator=True,
            )
        )
        body.extend(ac.text(refused_line(locale, row), size="Small") for row in refused[:MAX_REFUSED_SHOWN])
        if total_refused > MAX_REFUSED_SHOWN:
            body.append(
                ac.text(
                    t(locale, "imports.and_more", count=total_refused - MAX_REFUSED_SHOWN),
                    size="Small",
                    subtle=True,
                )
            )
    body.append(ac.text(t(locale, "imports.scores_heading"), weight="Bolder", separator=True))
    body.append(
        ac.facts([(t(locale, f"common.area.{score.area}"), _score(score, locale)) for score in view.scores])
    )
    body.append(
        ac.text(
            t(locale, "imports.nothing_saved_yet", minutes=view.expires_minutes), subtle=True, size="Small"
        )
    )
    actions = [
        ac.submit(
            t(locale, "imports.apply"), {"import": APPLY, "preview": view.preview_id}, style="positive"
        ),
        ac.submit(t(locale, "imports.cancel"), {"import": CANCEL, "preview": view.preview_id}),
    ]
    return ac.without_links(ac.card(body, actions, lang=locale))


def _people(people: PeopleChanges, locale: str) -> list[dict[str, Any]]:
    out = [
        ac.text(
            t(locale, "imports.people_heading", before=people.before, after=people.after),
            weight="Bolder",
            separator=True,
        )
    ]
    pairs = [
        ("imports.people_added", people.added),
        ("imports.people_removed", people.removed),
        ("imports.people_changed", people.changed),
        ("imports.certifications_added", people.certifications_added),
        ("imports.certifications_removed", people.certifications_removed),
    ]
    facts = [(t(locale, key, count=len(names)), listed(locale, names)) for key, names in pairs if names]
    out.append(ac.facts(facts) if facts else ac.text(t(locale, "imports.people_unchanged"), subtle=True))
    if people.kept_unreadable:
        out.append(ac.text(t(locale, "imports.people_kept_unreadable"), size="Small", subtle=True))
    return out


def _usage(usage: UsageChanges, locale: str) -> list[dict[str, Any]]:
    none = t(locale, "imports.typed_figures")
    facts = [
        (
            t(locale, "imports.usage_records"),
            f"{_count(usage.records_before, none)} → {usage.records_after:,}",
        ),
        (
            t(locale, "imports.usage_customers"),
            f"{_count(usage.customers_before, '-')} → {usage.customers_after:,}",
        ),
    ]
    if usage.first_month:
        facts.append((t(locale, "imports.usage_months"), f"{usage.first_month} – {usage.last_month}"))
    if usage.services_added:
        facts.append(
            (
                t(locale, "imports.services_added", count=len(usage.services_added)),
                listed(locale, usage.services_added),
            )
        )
    if usage.services_removed:
        facts.append(
            (
                t(locale, "imports.services_removed", count=len(usage.services_removed)),
                listed(locale, usage.services_removed),
            )
        )
    return [ac.text(t(locale, "imports.usage_heading"), weight="Bolder", separator=True), ac.facts(facts)]


def _count(value: int | None, none: str) -> str:
    return none if value is None else f"{value:,}"


def _score(score: ScoreChange, locale: str) -> str:
    def one(value: str, qualified: bool) -> str:
        return t(locale, "imports.qualified", score=value) if qualified else value

    return f"{one(score.before, score.qualified_before)} → {one(score.after, score.qualified_after)}"


def preview_text(view: ImportView, locale: str) -> str:
    """The preview as plain text (the command line prints it): the card's content, line by line."""
    lines = [t(locale, "imports.preview_title")]
    lines += [
        t(locale, "imports.file_line", name=f.name, kind=t(locale, f"imports.kind_{f.kind}"), count=f.rows)
        for f in view.files
    ]
    for element in [
        *(_people(view.people, locale) if view.people else []),
        *(_usage(view.usage, locale) if view.usage else []),
    ]:
        if element["type"] == "FactSet":
            lines += [f"  {fact['title']}: {fact['value']}" for fact in element["facts"]]
        else:
            lines.append(element["text"])
    total_refused = sum(file.refused_count for file in view.files)
    if total_refused:
        lines.append(t(locale, "imports.refused_heading", count=total_refused))
        lines += ["  " + refused_line(locale, row) for file in view.files for row in file.refused]
    lines.append(t(locale, "imports.scores_heading"))
    lines += [f"  {t(locale, f'common.area.{s.area}')}: {_score(s, locale)}" for s in view.scores]
    return "\n".join(lines)
