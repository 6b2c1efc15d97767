"""A people-and-certifications table -> the people it describes and the rows it refuses."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from bot.imports.columns import Recognised
from bot.imports.problems import ImportProblem
from bot.imports.refused import check_text, row_numbers
from bot.imports.table import Table
from cards.import_cards import RefusedRow
from scoring.catalog import default_catalog, resolve_certification, suggest_certifications
from scoring.catalog.models import Certification

MAX_CERTIFICATIONS_PER_PERSON = 60  # the catalog has fewer: more is a broken file, not a person
MAX_NAME = 200
MAX_EMAIL = 100  # an e-mail becomes the person's id (at most 100 characters in the profile)
_SPLIT = re.compile(r"[;,\n|]+")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")  # 01.03.2027, how de-DE Excel writes dates


def name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


@dataclass
class FilePerson:
    """One person of the file: every row that names them, merged."""

    name: str
    email: str | None
    rows: list[int] = field(default_factory=list)
    certifications: dict[str, dt.date | None] = field(default_factory=dict)  # slug -> expires
    entries: int = 0  # certification cells read, duplicates included
    partly_refused: bool = False  # some certification of theirs was refused: remove none of theirs
    # One exam of a credential that takes several (AZ-800 of AZ-800 + AZ-801), from any row:
    # credential slug -> exam -> (row, text as written, expires). Merged once the file is read.
    exam_parts: dict[str, dict[str, tuple[int, str, dt.date | None]]] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.email.casefold() if self.email else name_key(self.name)


@dataclass
class PeopleFile:
    people: list[FilePerson]
    refused: list[RefusedRow]
    unidentified: bool  # a row was refused before its person was known: nobody is removed


def read_people(table: Table, found: Recognised, limit: int) -> PeopleFile:
    rows = table.rows(limit)
    numbers = row_numbers(table)
    col = found.index
    name_at, cert_at = col["name"], col["certification"]
    email_at, expires_at = col.get("email"), col.get("expires")
    by_key: dict[str, FilePerson] = {}
    known: dict[str, Certification | None] = {}  # a file names the same few certifications again and again
    refused: list[RefusedRow] = []
    unidentified = False

    def cell(row: list[str], at: int | None) -> str:
        return row[at].strip() if at is not None and at < len(row) else ""

    for i, row in enumerate(rows):
        if not any(c.strip() for c in row):
            continue
        number = numbers(i)
        name, email, certs, expires_text = (cell(row, at) for at in (name_at, email_at, cert_at, expires_at))
        problem = (
            check_text(number, name, MAX_NAME)
            or check_text(number, email, MAX_EMAIL)
            or check_text(number, certs, 4000)
            or check_text(number, expires_text, 40)
        )
        if problem is None and not name:
            problem = RefusedRow(number, "name_missing", "")
        if problem is None and email and not _EMAIL.match(email):
            problem = RefusedRow(number, "bad_email", email)
        if problem is not None:
            refused.append(problem)
            unidentified = True
            continue
        expires: dt.date | None = None
        if expires_text:
            expires = parse_date(expires_text)
            if expires is None:
                refused.append(RefusedRow(number, "bad_date", expires_text))
                unidentified = True
                continue
        key = email.casefold() if email else name_key(name)
        person = by_key.get(key)
        if person is None and not email:
            # A row without an e-mail belongs to the one person of that name who has one.
            person = next((p for p in by_key.values() if name_key(p.name) == key), None)
        if person is None:
            person = by_key.setdefault(key, FilePerson(name=name, email=email or None))
        elif email and name_key(person.name) != name_key(name):
            raise ImportProblem(
                "duplicate_people",
                email=email,
                first=person.name,
                second=name,
                rows=f"{person.rows[0]}, {number}",
            )
        person.rows.append(number)
        for text in (part.strip() for part in _SPLIT.split(certs)):
            if not text:
                continue
            person.entries += 1
            if person.entries > MAX_CERTIFICATIONS_PER_PERSON:
                raise ImportProblem(
                    "too_many_certifications", name=person.name, limit=MAX_CERTIFICATIONS_PER_PERSON
                )
            found_cert = known[text] if text in known else known.setdefault(text, resolve_certification(text))
            if found_cert is None and (part := default_catalog().exam_part(text)) is not None:
                person.exam_parts.setdefault(part[0].slug, {})[part[1]] = (number, text, expires)
                continue
            if found_cert is None:
                near = suggest_certifications(text)
                refused.append(
                    RefusedRow(number, "unknown_certification", text, [c.exam_label or c.name for c in near])
                )
                person.partly_refused = True
                continue
            _hold(person, found_cert.slug, expires)
    for person in by_key.values():
        refused.extend(_exams_to_credentials(person))
    refused.sort(key=lambda row: row.row)  # stable: a row's problems stay in the order they were found
    _no_same_name_twice(by_key)
    return PeopleFile(people=list(by_key.values()), refused=refused, unidentified=unidentified)


def _hold(person: FilePerson, slug: str, expires: dt.date | None) -> None:
    held = person.certifications.get(slug)
    person.certifications[slug] = max(held, expires) if held and expires else (expires or held)


def _exams_to_credentials(person: FilePerson) -> list[RefusedRow]:
    """Exam codes are aliases: the exams of a credential that takes several, on one row or on
    several, are that credential once all are named (or the credential is named too), expiring with
    the first of them to expire. One of them alone earns nothing, and its row says so."""
    catalog = default_catalog()
    refused: list[RefusedRow] = []
    for slug, exams in person.exam_parts.items():
        whole = catalog.registry[slug]
        if slug in person.certifications or set(exams) >= set(whole.exams):
            dates = [expires for _, _, expires in exams.values() if expires is not None]
            _hold(person, slug, min(dates) if dates else None)
            continue
        person.partly_refused = True
        missing = " + ".join(e for e in whole.exams if e not in exams)
        params = {"count": len(whole.exams), "certification": whole.name, "exams": whole.exam_label,
                  "missing": missing}
        refused.extend(RefusedRow(row, "exam_alone", text, [], params) for row, text, _ in exams.values())
    return refused


def _no_same_name_twice(people: dict[str, FilePerson]) -> None:
    """Two e-mails under one name are two people; the profile (and every answer) tells people apart
    by name, so the file must too."""
    seen: dict[str, FilePerson] = {}
    for person in people.values():
        other = seen.setdefault(name_key(person.name), person)
        if other is not person:
            raise ImportProblem(
                "duplicate_people",
                email=f"{other.email or '-'} / {person.email or '-'}",
                first=other.name,
                second=person.name,
                rows=f"{other.rows[0]}, {person.rows[0]}",
            )


def parse_date(text: str) -> dt.date | None:
    text = text.strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        pass
    match = _DOTTED.match(text)
    if match:
        try:
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
        except ValueError:
            return None
    return None
