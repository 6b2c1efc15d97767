"""The rules catalog: versioned TOML data files, validated when loaded.

Every rule version is one `<version>.toml` in a catalog directory, beside `certifications.toml` (the
certification registry). Adding next year's rules is a data change: drop a file in the directory.
A broken file raises `CatalogError` naming the file and the field.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from scoring.catalog.models import (
    Certification,
    CertificationRegistry,
    CloudPlatformRules,
    RuleSet,
)
from scoring.fuzzy import close_matches

CATALOG_DIR = Path(__file__).resolve().parent
REGISTRY_FILE = "certifications.toml"
# The Cloud Platform version in force today: the last one (the competency's rules ended in 2018).
# Scoring picks the version in force on the scoring date (`Catalog.cloud_platform_in_force`).
CLOUD_PLATFORM_VERSION = "2017-11"

__all__ = [
    "CATALOG_DIR",
    "CLOUD_PLATFORM_VERSION",
    "Catalog",
    "CatalogError",
    "Certification",
    "CloudPlatformRules",
    "RuleSet",
    "certifications",
    "default_catalog",
    "exam_part_of",
    "get_catalog",
    "load_catalog",
    "resolve_certification",
    "suggest_certifications",
    "version_in_force",
    "versions",
]


class CatalogError(Exception):
    """A catalog data file is missing, unreadable or invalid."""


def _normalize(text: str) -> str:
    return " ".join(text.split()).casefold()


_SEPARATORS = re.compile(r"[\s\-_.]+")


def _compact(key: str) -> str:
    """A normalized name without spaces, hyphens, underscores or dots: "PL300", "pl 300" and "PL-300"
    are one exam code as people type it."""
    return _SEPARATORS.sub("", key)


def _compact_index(keys: dict[str, str]) -> dict[str, str]:
    """Compact key -> slug, leaving out a compact key two certifications share (never a guess)."""
    out: dict[str, str] = {}
    shared: set[str] = set()
    for key, slug in keys.items():
        short = _compact(key)
        if out.setdefault(short, slug) != slug:
            shared.add(short)
    return {k: v for k, v in out.items() if k not in shared}


_PREFIXES = ("microsoft certified:", "exam ", "certification ")


@dataclass(frozen=True)
class Catalog:
    """All rule versions and the certification registry of one catalog directory."""

    directory: Path
    registry: dict[str, Certification]  # slug -> certification, in file order
    rule_sets: dict[str, RuleSet]
    cloud_platform: dict[str, CloudPlatformRules]
    _names: dict[str, str] = field(repr=False)  # normalized name/alias/exam code -> slug
    # normalized exam code -> slug, for the exams of a credential that takes several (AZ-800, AZ-801)
    _parts: dict[str, str] = field(repr=False, default_factory=dict[str, str])
    # The same two without separators ("PL300"), used only when the written form names nothing.
    _compact_names: dict[str, str] = field(repr=False, default_factory=dict[str, str])
    _compact_parts: dict[str, str] = field(repr=False, default_factory=dict[str, str])

    # --- rule versions ---------------------------------------------------------------------------
    def get(self, version: str) -> RuleSet | CloudPlatformRules:
        if version in self.rule_sets:
            return self.rule_sets[version]
        if version in self.cloud_platform:
            return self.cloud_platform[version]
        known = ", ".join([*self.rule_sets, *self.cloud_platform])
        raise KeyError(f"unknown rule version {version!r}; known versions: {known}")

    def rule_set(self, version: str) -> RuleSet:
        if version not in self.rule_sets:
            known = ", ".join(self.rule_sets)
            raise KeyError(f"unknown rule version {version!r}; known versions: {known}")
        return self.rule_sets[version]

    def in_force(self, on: dt.date) -> RuleSet:
        """The Solutions Partner version in force on a date (the earliest one before any took effect)."""
        return _in_force(self.rule_sets.values(), on)

    def rules_for(self, version: str | None, on: dt.date) -> RuleSet:
        """The named version (KeyError when unknown), else the one in force on the date."""
        return self.rule_set(version) if version else self.in_force(on)

    def cloud_platform_rules(self, version: str = CLOUD_PLATFORM_VERSION) -> CloudPlatformRules:
        if version not in self.cloud_platform:
            known = ", ".join(self.cloud_platform)
            raise KeyError(f"unknown Cloud Platform version {version!r}; known versions: {known}")
        return self.cloud_platform[version]

    def cloud_platform_in_force(self, on: dt.date) -> CloudPlatformRules:
        """The Cloud Platform version in force on a date (the earliest one before any took effect)."""
        return _in_force(self.cloud_platform.values(), on)

    # --- certifications --------------------------------------------------------------------------
    def resolve(self, text: object) -> Certification | None:
        """The certification a text names (None for anything else: values read from JSON arrive here)."""
        if not isinstance(text, str) or len(text) > 200:
            return None
        slug = self._lookup(text, self._names, self._compact_names)
        return self.registry[slug] if slug else None

    @staticmethod
    def _lookup(text: str, names: dict[str, str], compact: dict[str, str]) -> str | None:
        """The slug a text names: as written, then without a prefix ("Exam AZ-104"), then the same two
        without separators ("PL300")."""
        key = _normalize(text)
        keys = [key, *(key[len(p) :].strip() for p in _PREFIXES if key.startswith(p))]
        for k in keys:
            if (slug := names.get(k)) is not None:
                return slug
        for k in keys:
            if (slug := compact.get(_compact(k))) is not None:
                return slug
        return None

    def exam_part(self, text: object) -> tuple[Certification, str] | None:
        """(credential, exam code) when a text names one exam of a credential that takes several
        (`AZ-800` -> Windows Server Hybrid Administrator Associate, which needs AZ-800 and AZ-801).
        None for anything else, as `resolve`."""
        if not isinstance(text, str) or len(text) > 200:
            return None
        slug = self._lookup(text, self._parts, self._compact_parts)
        if slug is None:
            return None
        cert = self.registry[slug]
        key = _compact(_normalize(text))
        return cert, next(e for e in cert.exams if key.endswith(_compact(_normalize(e))))

    def part_of(self, text: str) -> Certification | None:
        """The credential a text names one exam of, when that credential takes several exams."""
        found = self.exam_part(text)
        return found[0] if found else None

    def suggest(self, text: str, limit: int = 3) -> list[Certification]:
        key = _normalize(text[:200])  # fuzzy matching is quadratic: never on unbounded text
        # One exam of a multi-exam credential (AZ-800 of AZ-800 + AZ-801): that credential first.
        found = [c for c in self.registry.values() if c.all_exams and key in {e.casefold() for e in c.exams}]
        for cutoff in (0.75, 0.5, 0.3):
            for name in close_matches(key, self._names, n=20, cutoff=cutoff):
                cert = self.registry[self._names[name]]
                if cert not in found:
                    found.append(cert)
            if len(found) >= limit:
                break
        return found[:limit]


_Version = TypeVar("_Version", RuleSet, CloudPlatformRules)


def _in_force(versions: Iterable[_Version], on: dt.date) -> _Version:
    """The latest version that took effect by `on`; before the first took effect, the first."""
    ordered = sorted(versions, key=lambda rules: rules.effective_from)
    return next((rules for rules in reversed(ordered) if rules.effective_from <= on), ordered[0])


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{path}: not valid TOML: {exc}") from exc


def _validation_message(path: Path, exc: ValidationError) -> str:
    lines: list[str] = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "(file)"
        lines.append(f"{path}: {where}: {err['msg']}")
    return "\n".join(lines)


def load_catalog(directory: Path | str = CATALOG_DIR) -> Catalog:
    """Load and validate every data file of a catalog directory."""
    directory = Path(directory)
    registry_path = directory / REGISTRY_FILE
    try:
        registry = CertificationRegistry.model_validate(_read_toml(registry_path))
    except ValidationError as exc:
        raise CatalogError(_validation_message(registry_path, exc)) from exc
    certs = {c.slug: c for c in registry.certification}
    names: dict[str, str] = {}
    parts: dict[str, str] = {}
    for cert in registry.certification:
        keys = [cert.slug, cert.name, *cert.aliases]
        if cert.all_exams:
            parts.update((_normalize(exam), cert.slug) for exam in cert.exams)
        else:
            keys.extend(cert.exams)
        for key in keys:
            names[_normalize(key)] = cert.slug

    rule_sets: dict[str, RuleSet] = {}
    cloud: dict[str, CloudPlatformRules] = {}
    files = sorted(p for p in directory.glob("*.toml") if p.name != REGISTRY_FILE)
    for path in files:
        data = _read_toml(path)
        model = CloudPlatformRules if data.get("kind") == "cloud_platform" else RuleSet
        try:
            rules = model.model_validate(data)
        except ValidationError as exc:
            raise CatalogError(_validation_message(path, exc)) from exc
        if rules.version != path.stem:
            raise CatalogError(
                f"{path}: version: {rules.version!r} does not match the file name {path.stem!r}"
            )
        for slug in rules.certification_slugs():
            if slug not in certs:
                raise CatalogError(f"{path}: certifications: {slug!r} is not in {registry_path.name}")
        if isinstance(rules, CloudPlatformRules):
            cloud[rules.version] = rules
        else:
            rule_sets[rules.version] = rules
    if not rule_sets:
        raise CatalogError(f"{directory}: no Solutions Partner rule version found")
    if CLOUD_PLATFORM_VERSION not in cloud:
        raise CatalogError(f"{directory}: the Cloud Platform version {CLOUD_PLATFORM_VERSION} is missing")
    compact_names, compact_parts = _compact_index(names), _compact_index(parts)
    return Catalog(directory, certs, rule_sets, cloud, names, parts, compact_names, compact_parts)


@lru_cache(maxsize=8)
def _cached(directory: str) -> Catalog:
    return load_catalog(Path(directory))


def default_catalog(directory: Path | str | None = None) -> Catalog:
    """The catalog of a directory (the package's own by default), loaded once."""
    if not directory:  # CATALOG_DIR is resolved already: no realpath (a few lstat calls) per question
        return _cached(str(CATALOG_DIR))
    return _cached(str(Path(directory).resolve()))


# --- the module-level API of ARCHITECTURE/BRIEF -------------------------------------------------------
def get_catalog(version: str) -> RuleSet | CloudPlatformRules:
    """The rule set of a version: areas -> metrics -> parameters, tracks, effective date."""
    return default_catalog().get(version)


def versions() -> list[str]:
    """Solutions Partner rule versions, oldest first."""
    cat = default_catalog()
    return [r.version for r in sorted(cat.rule_sets.values(), key=lambda r: r.effective_from)]


def version_in_force(on: dt.date) -> str:
    return default_catalog().in_force(on).version


def certifications(version: str | None = None) -> list[Certification]:
    """Every known certification, or those a version's rules name (in the order they appear)."""
    cat = default_catalog()
    if version is None:
        return list(cat.registry.values())
    return [cat.registry[s] for s in cat.get(version).certification_slugs()]


def resolve_certification(text: str) -> Certification | None:
    """A certification by slug, exam code, display name or alias (case-insensitive), else None."""
    return default_catalog().resolve(text)


def exam_part_of(text: str) -> Certification | None:
    """The credential a text names one exam of, when it takes several exams (AZ-800 -> Windows Server
    Hybrid Administrator Associate): that exam alone earns nothing. None otherwise."""
    return default_catalog().part_of(text)


def suggest_certifications(text: str, limit: int = 3) -> list[Certification]:
    """The closest known certifications to a name that did not resolve."""
    return default_catalog().suggest(text, limit)
