"""The profile (input) of ARCHITECTURE.md as pydantic models.

Models are immutable: change a profile with `model_copy(update=...)` or `scoring.planner.apply_plan`.
Certification names are resolved to catalog slugs when loaded, so a dumped profile names every
certification by slug and loads back unchanged.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic_core import PydanticCustomError

from scoring.catalog import Catalog, default_catalog
from scoring.ids import Market, Track
from scoring.jsonvalue import is_dict, is_list
from scoring.records import AcrRecords

if TYPE_CHECKING:
    from scoring.holdings import PeopleIndex


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


def _catalog(info: ValidationInfo) -> Catalog:
    """The catalog given as `model_validate(..., context={"catalog": ...})`, or the default one."""
    catalog: Catalog | None = info.context.get("catalog") if info.context else None
    return catalog or default_catalog()


class Partner(_Model):
    id: str = Field(min_length=1, max_length=100)
    name: str | None = Field(default=None, max_length=200)
    market: Market = Market.DEVELOPED  # Cloud Platform thresholds (E-25: an input, not a country table)


class HeldCertification(_Model):
    """One certification a person holds: written as a name/code/slug, or {"id", "earned", "expires"}."""

    id: str = Field(min_length=1, max_length=200)  # bounded before any fuzzy matching
    earned: dt.date | None = None
    expires: dt.date | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        return {"id": value} if isinstance(value, str) else value

    @field_validator("id")
    @classmethod
    def _resolve(cls, value: str, info: ValidationInfo) -> str:
        catalog = _catalog(info)
        cert = catalog.resolve(value)
        if cert is None and (part := catalog.exam_part(value)) is not None:
            # Exams that complete their credential were merged into it (Person._exams_to_credentials):
            # this one stands alone, and one exam earns nothing.
            whole, exam = part
            raise PydanticCustomError(
                "exam_alone",
                "'{value}' is one of the {count} exams of {name} ({exams}): on its own it earns no "
                "certification; add {missing} once passed",
                {
                    "value": value,
                    "count": len(whole.exams),
                    "name": whole.name,
                    "exams": whole.exam_label,
                    "missing": " and ".join(e for e in whole.exams if e != exam),
                    "suggestions": [whole.slug],
                },
            )
        if cert is None:
            near = catalog.suggest(value)
            hint = ", ".join(f"{c.exam_label or c.slug} ({c.name})" for c in near)
            raise PydanticCustomError(
                "unknown_certification",
                "unknown certification '{value}'" + ("; did you mean {hint}?" if near else ""),
                {"value": value, "hint": hint, "suggestions": [c.slug for c in near]},
            )
        return cert.slug

    @model_validator(mode="after")
    def _dates_in_order(self) -> HeldCertification:
        if self.earned and self.expires and self.expires <= self.earned:
            raise PydanticCustomError(
                "date_order",
                "expires ({expires}) must be after earned ({earned})",
                {"expires": str(self.expires), "earned": str(self.earned)},
            )
        return self

    @model_serializer(mode="plain")
    def _dump(self) -> str | dict[str, Any]:
        if self.earned is None and self.expires is None:
            return self.id
        out: dict[str, Any] = {"id": self.id}
        if self.earned:
            out["earned"] = self.earned.isoformat()
        if self.expires:
            out["expires"] = self.expires.isoformat()
        return out


class Person(_Model):
    id: str = Field(min_length=1, max_length=100)
    name: str | None = Field(default=None, max_length=200)
    certifications: list[HeldCertification] = Field(default_factory=list[HeldCertification])

    @model_validator(mode="before")
    @classmethod
    def _exams_to_credentials(cls, value: Any, info: ValidationInfo) -> Any:
        """Exam codes are aliases: the exams of a credential that takes several (AZ-800 and AZ-801)
        name it once all are listed. Each such exam becomes the credential, in place (so every other
        entry keeps its index for error messages); the copies are dropped after validation."""
        if not is_dict(value) or not is_list(items := value.get("certifications")):
            return value
        catalog = _catalog(info)
        parts: dict[str, dict[int, str]] = {}  # credential slug -> {index: exam code}
        held: set[str] = set()
        for i, item in enumerate(items):
            text = item.get("id") if is_dict(item) else item
            if not isinstance(text, str):
                continue
            if (found := catalog.exam_part(text)) is not None:
                parts.setdefault(found[0].slug, {})[i] = found[1]
            elif (cert := catalog.resolve(text)) is not None:
                held.add(cert.slug)
        if not parts:
            return value
        merged = list(items)
        for slug, exams in parts.items():
            if slug in held or set(exams.values()) >= set(catalog.registry[slug].exams):
                entry = _combined(slug, [items[i] for i in exams])
                for i in exams:
                    merged[i] = entry
            # else: an exam alone, which HeldCertification names as such
        return {**value, "certifications": merged}

    @field_validator("certifications")
    @classmethod
    def _one_entry_per_holding(cls, held: list[HeldCertification]) -> list[HeldCertification]:
        # Equal entries say no more than one does (and merged exams leave copies of their credential).
        seen: set[tuple[str, dt.date | None, dt.date | None]] = set()
        kept: list[HeldCertification] = []
        for item in held:
            key = (item.id, item.earned, item.expires)
            if key not in seen:
                seen.add(key)
                kept.append(item)
        return kept

    def label(self) -> str:
        return self.name or self.id


def _combined(slug: str, exams: list[Any]) -> str | dict[str, Any]:
    """One credential from the entries of its exams: earned when the last exam was, expiring on the
    earliest `expires` given (ISO dates compare as text; HeldCertification then checks them)."""
    earned = [e["earned"] for e in exams if is_dict(e) and e.get("earned") is not None]
    expires = [e["expires"] for e in exams if is_dict(e) and e.get("expires") is not None]
    if not earned and not expires:
        return slug
    entry: dict[str, Any] = {"id": slug}
    if earned:
        entry["earned"] = max(earned, key=str)
    if expires:
        entry["expires"] = min(expires, key=str)
    return entry


# Strict: a JSON number, not "12" or true (a hostile or clumsy file is told, not guessed at).
NonNegativeMoney = Annotated[float, Field(ge=0, allow_inf_nan=False, le=1e13, strict=True)]
Count = Annotated[int, Field(ge=0, le=10_000_000, strict=True)]


class Usage(_Model):
    """The aggregate form the chat intake collects (docs/rules.md §2.4, §2.7, §2.8)."""

    eligible_customers_last_month: Count
    eligible_customers_same_month_last_year: Count
    # The qualifying ACR figures of the growth formula (TTM totals by default, E-4).
    acr_last_month: NonNegativeMoney
    acr_same_month_last_year: NonNegativeMoney
    deployed_services: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(default_factory=list)


class CloudPlatformInput(_Model):
    consumption_usd_12m: NonNegativeMoney | None = None


def _validate_records(value: Any) -> AcrRecords:
    if isinstance(value, AcrRecords):
        return value
    return AcrRecords.from_rows(value)  # ProfileError is a ValueError: pydantic reports it


if TYPE_CHECKING:
    Records = AcrRecords
else:
    # Any, not AcrRecords, to pydantic: the validator and serializer do all the work, and a schema of
    # the dataclass itself would evaluate its numpy annotations (importing numpy for every profile).
    Records = Annotated[
        Any,
        PlainValidator(_validate_records),
        PlainSerializer(lambda records: records.to_rows(), return_type=list[Any]),
    ]


class Profile(_Model):
    model_config = ConfigDict(
        frozen=True, extra="forbid", str_strip_whitespace=True, arbitrary_types_allowed=True
    )

    partner: Partner
    as_of: dt.date = Field(default_factory=lambda: dt.datetime.now(dt.UTC).date())
    rules: str | None = None  # None: the version in force on as_of
    track: Track = Track.ENTERPRISE
    people: list[Person] = Field(default_factory=list[Person])
    usage: Usage | None = None
    acr_records: Records | None = None
    cloud_platform: CloudPlatformInput | None = None

    _index: tuple[list[Person], PeopleIndex] | None = PrivateAttr(default=None)

    @field_validator("rules")
    @classmethod
    def _known_rules(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        catalog = _catalog(info)
        if value not in catalog.rule_sets:
            raise PydanticCustomError(
                "unknown_rules",
                "unknown rule version '{value}'; known: {known}",
                {"value": value, "known": ", ".join(catalog.rule_sets)},
            )
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Profile:
        seen: dict[str, int] = {}
        for i, person in enumerate(self.people):
            if person.id in seen:
                raise PydanticCustomError(
                    "duplicate_person",
                    "people[{i}].id: duplicate person id '{id}' (also people[{j}])",
                    {"i": i, "j": seen[person.id], "id": person.id},
                )
            seen[person.id] = i
        if (self.usage is None) == (self.acr_records is None):
            which = "both" if self.usage is not None else "neither"
            raise PydanticCustomError(
                "usage_or_records",
                "give either `usage` (aggregates) or `acr_records` (detailed), not {which}",
                {"which": which},
            )
        return self

    def __eq__(self, other: object) -> bool:
        # Fields only: the cached people index (a private attribute) is not part of a profile's value.
        return isinstance(other, Profile) and self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]  # lists inside: not hashable

    def people_index(self) -> PeopleIndex:
        """The certification index of `people`, built once and kept (the profile is immutable)."""
        from scoring.holdings import PeopleIndex  # holdings imports this module

        if self._index is None or self._index[0] is not self.people:
            self._index = (self.people, PeopleIndex.build(self.people))
        return self._index[1]

    def person(self, person_id: str) -> Person | None:
        return next((p for p in self.people if p.id == person_id), None)
