"""The legacy Cloud Platform competency (docs/rules.md §4): Silver/Gold from consumption and people."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from scoring.catalog import Catalog, CloudPlatformRules
from scoring.derive import cloud_platform_consumption
from scoring.engine.points import meets
from scoring.holdings import Holders, Ignored
from scoring.ids import CloudPlatformLevel
from scoring.models import Profile
from scoring.money import exact
from scoring.results import (
    CloudPlatformResult,
    ConsumptionBelowThreshold,
    ConsumptionMet,
    ConsumptionUnknown,
    LevelResult,
    NotEnoughPeoplePassed,
    PeoplePassed,
    Reason,
)
from scoring.settings import Settings


def consumption(
    profile: Profile, as_of: dt.date, rules: CloudPlatformRules, settings: Settings
) -> Decimal | None:
    given = profile.cloud_platform.consumption_usd_12m if profile.cloud_platform else None
    if given is not None:
        return exact(given)
    if profile.acr_records is not None:
        return cloud_platform_consumption(profile.acr_records, as_of, rules, settings)
    return None


def score_cloud_platform(
    profile: Profile, as_of: dt.date, rules: CloudPlatformRules, settings: Settings, catalog: Catalog
) -> CloudPlatformResult:
    # A text that names no retirement (2017-07) is scored as written: its exams never stop counting.
    retiring = frozenset[str]() if rules.evidence.retirements_apply else frozenset(rules.evidence.exams)
    holders = Holders(profile.people_index(), as_of, settings, retiring)
    lists = {"assessments": list(rules.evidence.assessments), "exams": list(rules.evidence.exams)}
    passed: dict[str, dict[str, list[str]]] = {}  # list name -> person -> slugs
    ignored: list[Ignored] = []
    for name, slugs in lists.items():
        by_person: dict[str, list[str]] = {}
        for slug in slugs:
            people, lapsed = holders.of(catalog.registry[slug])
            ignored.extend(lapsed)
            for person in people:
                by_person.setdefault(person, []).append(slug)
        passed[name] = by_person
    # E-26: any mix of assessments and exams; strict mode: all of a level's people from one list.
    if settings.cp_mixed_evidence == "any":
        people = list(dict.fromkeys([*passed["assessments"], *passed["exams"]]))
    else:
        people = list(max(passed.values(), key=len))
    certs = sorted({s for p in people for group in passed.values() for s in group.get(p, [])})
    lapsed = [i.reason() for i in ignored]
    value = consumption(profile, as_of, rules, settings)
    market = profile.partner.market
    levels: dict[CloudPlatformLevel, LevelResult] = {}
    for level_name, level in rules.levels.items():
        required = level.min_consumption_usd[market]
        reasons: list[Reason] = []
        if value is None:
            money_ok = False
            reasons.append(ConsumptionUnknown(required=required, market=market))
        else:
            money_ok = meets(value, required, settings)
            money = ConsumptionMet if money_ok else ConsumptionBelowThreshold
            reasons.append(money(required=required, value=float(value), market=market))
        people_ok = len(people) >= level.people
        counted = PeoplePassed if people_ok else NotEnoughPeoplePassed
        reasons.append(counted(certifications=certs, required=level.people, have=len(people), people=people))
        if not people_ok:
            reasons += lapsed
        levels[CloudPlatformLevel(level_name)] = LevelResult(met=money_ok and people_ok, reasons=reasons)
    level = CloudPlatformLevel.NONE
    if levels[CloudPlatformLevel.SILVER].met:
        level = CloudPlatformLevel.SILVER
    if levels[CloudPlatformLevel.GOLD].met:
        level = CloudPlatformLevel.GOLD
    return CloudPlatformResult(
        rules=rules.version,
        level=level,
        levels=levels,
        consumption_usd_12m=None if value is None else float(value),
    )
