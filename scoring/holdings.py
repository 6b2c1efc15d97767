"""Who holds which certification on a date: the people index, built once per profile."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from scoring.catalog.models import Certification
from scoring.ids import ReasonCode
from scoring.models import Person
from scoring.results import CertificationExpired, CertificationRetired, LapsedCertification
from scoring.settings import Settings

Lapse = Literal[ReasonCode.CERTIFICATION_EXPIRED, ReasonCode.CERTIFICATION_RETIRED]


@dataclass(frozen=True)
class Ignored:
    """A person's certification that does not count on the scoring date, and why."""

    person: str
    certification: str
    code: Lapse
    on: dt.date  # first day it no longer counted

    def reason(self) -> LapsedCertification:
        kind = CertificationExpired if self.code == ReasonCode.CERTIFICATION_EXPIRED else CertificationRetired
        return kind(person=self.person, certification=self.certification, on=self.on)


@dataclass
class PeopleIndex:
    # slug -> ids (undated entries), profile order
    plain: dict[str, list[str]] = field(default_factory=dict[str, list[str]])
    dated: dict[str, list[tuple[str, dt.date | None, dt.date | None]]] = field(
        default_factory=dict[str, list[tuple[str, dt.date | None, dt.date | None]]]
    )
    count: int = 0

    @classmethod
    def build(cls, people: list[Person]) -> PeopleIndex:
        index = cls(count=len(people))
        for person in people:
            for held in person.certifications:
                if held.earned is None and held.expires is None:
                    holders = index.plain.setdefault(held.id, [])
                    if not holders or holders[-1] != person.id:
                        holders.append(person.id)
                else:
                    index.dated.setdefault(held.id, []).append((person.id, held.earned, held.expires))
        return index


class Holders:
    """Valid holders per certification on one date, with the reasons others were ignored (cached)."""

    def __init__(
        self,
        index: PeopleIndex,
        as_of: dt.date,
        settings: Settings,
        ignore_retirement: frozenset[str] = frozenset(),
    ):
        self.index = index
        self.as_of = as_of
        self.settings = settings
        self.ignore_retirement = ignore_retirement
        self._cache: dict[str, tuple[list[str], list[Ignored]]] = {}

    def of(self, cert: Certification) -> tuple[list[str], list[Ignored]]:
        cached = self._cache.get(cert.slug)
        if cached is None:
            cached = self._cache[cert.slug] = self._compute(cert)
        return cached

    def _cutoff(self, cert: Certification) -> dt.date | None:
        if cert.slug in self.ignore_retirement:
            return None
        if self.settings.count_retired_until_cutoff:
            return cert.count_until
        return cert.retired

    def _compute(self, cert: Certification) -> tuple[list[str], list[Ignored]]:
        as_of = self.as_of
        plain = self.index.plain.get(cert.slug, [])
        dated = self.index.dated.get(cert.slug, [])
        if cert.available_from and as_of < cert.available_from:
            return [], []
        cutoff = self._cutoff(cert)
        if cutoff is not None and as_of > cutoff:
            stopped = cutoff + dt.timedelta(days=1)
            people = dict.fromkeys([*plain, *(p for p, _, _ in dated)])
            return [], [Ignored(p, cert.slug, ReasonCode.CERTIFICATION_RETIRED, stopped) for p in people]
        if not dated:
            return plain, []
        valid = dict.fromkeys(plain)
        lapsed: dict[str, Ignored] = {}
        # E-16: lapsed when `expires` <= this day (the scoring date, or the day before it when the
        # expiry date itself still counts).
        last_valid = as_of - dt.timedelta(days=1) if self.settings.counts_on_expiry_date else as_of
        for person, earned, expires in dated:
            if earned is not None and earned > as_of:
                continue  # not earned yet on the scoring date
            if (
                cert.retired is not None
                and earned is not None
                and earned > cert.retired
                and cutoff is not None
            ):
                lapsed.setdefault(
                    person,
                    Ignored(
                        person,
                        cert.slug,
                        ReasonCode.CERTIFICATION_RETIRED,
                        cert.retired + dt.timedelta(days=1),
                    ),
                )
                continue
            if self.settings.only_valid_certifications and expires is not None and expires <= last_valid:
                stopped = expires + dt.timedelta(days=1) if self.settings.counts_on_expiry_date else expires
                lapsed.setdefault(
                    person, Ignored(person, cert.slug, ReasonCode.CERTIFICATION_EXPIRED, stopped)
                )
                continue
            valid[person] = None
        ignored = [i for p, i in lapsed.items() if p not in valid]
        return list(valid), ignored
