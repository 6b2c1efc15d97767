"""Files + the saved profile -> the profile they would make and what changes; nothing is saved here.

`apply_import` is the one call that saves a preview (owner checks wrap it, see issue 13).
People files replace the people list: someone missing from the file is removed, except when a row
could not be read (then nobody is removed: the unreadable row may have been them). A person with a
refused certification keeps the certifications the file no longer lists. ACR files replace the
usage (records replace typed figures).
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np

from bot.imports.acr import AcrFile, read_acr
from bot.imports.columns import column_map, recognise
from bot.imports.people import FilePerson, PeopleFile, name_key, read_people
from bot.imports.problems import ImportProblem
from bot.imports.table import no_gc_pauses, read_table
from cards.import_cards import FileView, ImportView, PeopleChanges, ScoreChange, UsageChanges
from scoring import HeldCertification, Person, Profile, Scorecard, score_profile
from scoring.catalog import Catalog, default_catalog
from scoring.records import month_text

PREVIEW_MINUTES = 15
DECIMAL_COMMA_LOCALES = ("fr", "de")  # where Excel writes 1234,50


@dataclass(frozen=True)
class ReceivedFile:
    name: str
    data: bytes
    expected: str | None = None  # "people" | "acr" from the command line; None: recognised


@dataclass
class Preview:
    id: str
    tenant_id: str
    conversation_id: str
    base: Profile | None
    profile: Profile
    view: ImportView
    created: float = field(default_factory=time.monotonic)


def build_preview(
    base: Profile | None,
    files: Sequence[ReceivedFile],
    *,
    locale: str,
    tenant_id: str,
    conversation_id: str = "",
    today: dt.date | None = None,
) -> Preview:
    """Read the files against the saved profile. ImportProblem when a file cannot be used at all."""
    with no_gc_pauses():
        return _build_preview(
            base, files, locale=locale, tenant_id=tenant_id, conversation_id=conversation_id, today=today
        )


def _build_preview(
    base: Profile | None,
    files: Sequence[ReceivedFile],
    *,
    locale: str,
    tenant_id: str,
    conversation_id: str,
    today: dt.date | None,
) -> Preview:
    if base is None:
        raise ImportProblem("no_profile")
    people_file: PeopleFile | None = None
    acr_file: AcrFile | None = None
    views: list[FileView] = []
    for received in files:
        table = read_table(received.data)
        found = recognise(table.header, received.expected)
        spec = column_map().kinds[found.kind]
        if found.kind == "customers":
            raise ImportProblem("customers_only")
        if found.kind == "people":
            people_file = read_people(table, found, spec.max_rows)
            if not people_file.people:
                raise ImportProblem(
                    "every_row_refused",
                    count=len(people_file.refused),
                    first=people_file.refused[0].row if people_file.refused else 0,
                )
            rows = sum(len(p.rows) for p in people_file.people) + len(people_file.refused)
            views.append(
                FileView(received.name, "people", rows, people_file.refused[:50], len(people_file.refused))
            )
        else:
            decimal_comma = locale in DECIMAL_COMMA_LOCALES or table.delimiter in (";", "\t")
            acr_file = read_acr(table, found, spec.max_rows, decimal_comma)
            views.append(
                FileView(
                    received.name,
                    "acr",
                    len(acr_file.records) + acr_file.refused_count,
                    acr_file.refused,
                    acr_file.refused_count,
                )
            )
    people, people_changes = (base.people, None) if people_file is None else _merge_people(base, people_file)
    update: dict[str, Any] = {"people": people}
    usage_changes = None
    if acr_file is not None:
        update.update(usage=None, acr_records=acr_file.records)
        usage_changes = _usage_changes(base, acr_file)
    fields: dict[str, Any] = {"usage": base.usage, "acr_records": base.acr_records, **update}
    if acr_file is None and people_changes is not None and people == base.people:
        raise ImportProblem("nothing_to_change")
    profile = Profile(
        partner=base.partner,
        as_of=today or base.as_of,
        rules=base.rules,
        track=base.track,
        cloud_platform=base.cloud_platform,
        **fields,
    )
    view = ImportView(
        preview_id=secrets.token_urlsafe(12),
        files=views,
        people=people_changes,
        usage=usage_changes,
        scores=_scores(base, profile),
        expires_minutes=PREVIEW_MINUTES,
    )
    return Preview(view.preview_id, tenant_id, conversation_id, base, profile, view)


# --- people ---------------------------------------------------------------------------------------
@cache
def _catalog() -> Catalog:
    """The default catalog, looked up once (`default_catalog()` resolves its path on every call)."""
    return default_catalog()


@cache
def _label(slug: str) -> str:
    """How people write a certification: its exam code(s), else its name."""
    cert = _catalog().registry.get(slug)
    return (cert.exam_label or cert.name) if cert else slug


def _merge_people(base: Profile, file: PeopleFile) -> tuple[list[Person], PeopleChanges]:
    by_id = {p.id.casefold(): p for p in base.people}
    by_name: dict[str, Person] = {}
    for person in base.people:
        by_name.setdefault(name_key(person.label()), person)
    taken = {p.id for p in base.people}
    matched: set[str] = set()
    people: list[Person] = []
    changes = PeopleChanges(before=len(base.people), after=0)
    for incoming in file.people:
        old = (by_id.get(incoming.email.casefold()) if incoming.email else None) or by_name.get(
            name_key(incoming.name)
        )
        if old is not None and old.id in matched:
            old = None  # two file people cannot both be one saved person
        if old is None:
            person = _person(_new_id(incoming, taken), incoming, [])
            taken.add(person.id)
            changes.added.append(person.label())
            changes.certifications_added.extend(
                f"{person.label()}: {_label(c.id)}" for c in person.certifications
            )
        else:
            matched.add(old.id)
            person = _person(old.id, incoming, old.certifications)
            before = {c.id for c in old.certifications}
            after = {c.id for c in person.certifications}
            changes.certifications_added.extend(
                f"{person.label()}: {_label(s)}" for s in sorted(after - before)
            )
            changes.certifications_removed.extend(
                f"{person.label()}: {_label(s)}" for s in sorted(before - after)
            )
            if person != old:
                changes.changed.append(person.label())
        people.append(person)
    for old in base.people:
        if old.id in matched:
            continue
        if file.unidentified:
            changes.kept_unreadable = True
            people.append(old)  # a refused row may have been this person: keep them as they were
        else:
            changes.removed.append(old.label())
            changes.certifications_removed.extend(
                f"{old.label()}: {_label(c.id)}" for c in old.certifications
            )
    changes.after = len(people)
    return people, changes


def _person(person_id: str, incoming: FilePerson, held: list[HeldCertification]) -> Person:
    old = {c.id: c for c in held}
    context = {"catalog": _catalog()}
    certifications = []
    for slug, expires in incoming.certifications.items():
        before = old.get(slug)
        earned = before.earned if before else None
        certifications.append(
            HeldCertification.model_validate(
                {"id": slug, "earned": earned, "expires": expires or (before.expires if before else None)},
                context=context,
            )
        )
    if incoming.partly_refused:  # the file's list for them is incomplete: remove nothing of theirs
        certifications.extend(c for slug, c in old.items() if slug not in incoming.certifications)
    return Person(id=person_id, name=incoming.name, certifications=certifications)


def _new_id(incoming: FilePerson, taken: set[str]) -> str:
    if incoming.email and incoming.email not in taken:
        return incoming.email
    number = len(taken) + 1
    while f"p{number}" in taken:
        number += 1
    return f"p{number}"


# --- usage ----------------------------------------------------------------------------------------
def _usage_changes(base: Profile, file: AcrFile) -> UsageChanges:
    records = file.records
    months = np.unique(records.month).tolist() if len(records) else []
    if base.acr_records is not None:
        old = base.acr_records
        records_before: int | None = len(old)
        customers_before: int | None = len(set(map(str.casefold, old.customer.values())))
        services_before = set(old.services)
    else:
        records_before = None
        customers_before = base.usage.eligible_customers_last_month if base.usage else None
        services_before = set(base.usage.deployed_services) if base.usage else set()
    services_after = set(file.services)
    return UsageChanges(
        records_before=records_before,
        records_after=len(records),
        customers_before=customers_before,
        customers_after=file.customers,
        services_added=sorted(services_after - services_before),
        services_removed=sorted(services_before - services_after),
        first_month=month_text(months[0]) if months else "",
        last_month=month_text(months[-1]) if months else "",
    )


# --- scores ---------------------------------------------------------------------------------------
def _scores(base: Profile, profile: Profile) -> list[ScoreChange]:
    try:
        before: Scorecard | None = score_profile(base)
    except ValueError:
        before = None
    after = score_profile(profile)
    old = {d.area: d for d in before.designations} if before else {}
    out = []
    for designation in after.designations:
        was = old.get(designation.area)
        out.append(
            ScoreChange(
                area=str(designation.area.value),
                before=str(was.score) if was else "-",
                after=str(designation.score),
                qualified_before=bool(was and was.qualified),
                qualified_after=designation.qualified,
            )
        )
    return out


# --- saving ---------------------------------------------------------------------------------------
async def apply_import(
    profiles: Any, tenant_id: str, preview: Preview, save: Callable[[Profile], Awaitable[Any]] | None = None
) -> Profile:
    """Save a preview's profile as one change: the only write an import makes. Refused (nothing saved)
    when the saved profile changed since the preview was made, so no one else's edit is overwritten.
    `save` keeps it as a new version of the data (bot.trust); without it the profile is put as is."""
    current = await profiles.get(tenant_id)
    if not (current is preview.base or current == preview.base):
        raise ImportProblem("changed_since_preview")
    if save is None:
        await profiles.put(tenant_id, preview.profile)
    else:
        await save(preview.profile)
    return preview.profile


class PendingPreviews:
    """Previews waiting for Apply or Cancel, in this process's memory, for PREVIEW_MINUTES.

    Memory, not storage: "nothing is saved on receipt", and a preview of a million ACR records is not
    worth writing down for a click that may never come. One per conversation (a new file replaces
    it); a restart forgets them, and Apply then says the preview expired."""

    MAX = 16  # previews held at once (each up to IMPORT_MAX_BYTES of rows); the oldest goes first

    def __init__(self, minutes: int = PREVIEW_MINUTES, clock: Any = time.monotonic) -> None:
        self._ttl = minutes * 60
        self._clock = clock
        self._items: dict[str, Preview] = {}

    def put(self, preview: Preview) -> None:
        for key in [
            k
            for k, p in self._items.items()
            if p.conversation_id == preview.conversation_id and p.tenant_id == preview.tenant_id
        ]:
            del self._items[key]
        while len(self._items) >= self.MAX:
            del self._items[next(iter(self._items))]
        preview.created = self._clock()
        self._items[preview.id] = preview

    def get(self, preview_id: str, tenant_id: str) -> Preview | None:
        preview = self._items.get(preview_id)
        if preview is None or preview.tenant_id.casefold() != tenant_id.casefold():
            return None
        if self._clock() - preview.created > self._ttl:
            del self._items[preview_id]
            return None
        return preview

    def pop(self, preview_id: str) -> None:
        self._items.pop(preview_id, None)
