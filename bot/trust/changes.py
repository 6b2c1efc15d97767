"""What changed between two profiles, in a few language-neutral facts (rendered per locale later)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

# Usage figures a version summary mentions by name (the profile JSON's field names).
USAGE_FIELDS = ("eligible_customers_last_month", "eligible_customers_same_month_last_year",
                "acr_last_month", "acr_same_month_last_year")


class Changes(BaseModel):
    first: bool = False  # the first data of the tenant
    people_added: list[str] = Field(default_factory=list)  # display names
    people_removed: list[str] = Field(default_factory=list)
    certifications_added: int = 0
    certifications_removed: int = 0
    usage_changed: list[str] = Field(default_factory=list)  # USAGE_FIELDS, "acr_records", "cloud_platform"
    services_added: list[str] = Field(default_factory=list)
    services_removed: list[str] = Field(default_factory=list)
    organisation_changed: bool = False

    @property
    def empty(self) -> bool:
        return not (self.first or self.people_added or self.people_removed or self.certifications_added
                    or self.certifications_removed or self.usage_changed or self.services_added
                    or self.services_removed or self.organisation_changed)


def _people(profile: dict[str, Any]) -> dict[str, tuple[str, set[str]]]:
    """person id -> (label, certification ids)."""
    found: dict[str, tuple[str, set[str]]] = {}
    for person in profile.get("people") or []:
        if not isinstance(person, dict) or not person.get("id"):
            continue
        certs = set()
        for cert in person.get("certifications") or []:
            cert_id = cert.get("id") if isinstance(cert, dict) else cert
            if isinstance(cert_id, str):
                certs.add(cert_id)
        found[str(person["id"])] = (str(person.get("name") or person["id"]), certs)
    return found


def _usage(profile: dict[str, Any]) -> dict[str, Any]:
    usage = profile.get("usage")
    return usage if isinstance(usage, dict) else {}


def changes_between(before: dict[str, Any] | None, after: dict[str, Any]) -> Changes:
    """The facts that differ from `before` (a profile JSON, or None for the first data) to `after`."""
    if before is None:
        return Changes(first=True)
    old_people, new_people = _people(before), _people(after)
    added = [new_people[pid][0] for pid in new_people if pid not in old_people]
    removed = [old_people[pid][0] for pid in old_people if pid not in new_people]
    certs_added = certs_removed = 0
    for pid, (_label, certs) in new_people.items():
        old = old_people.get(pid, ("", set()))[1]
        certs_added += len(certs - old)
        certs_removed += len(old - certs)
    for pid, (_label, certs) in old_people.items():
        if pid not in new_people:
            certs_removed += len(certs)
    old_usage, new_usage = _usage(before), _usage(after)
    usage_changed = [name for name in USAGE_FIELDS if old_usage.get(name) != new_usage.get(name)]
    for name in ("acr_records", "cloud_platform"):
        if before.get(name) != after.get(name):
            usage_changed.append(name)
    old_services = set(old_usage.get("deployed_services") or [])
    new_services = set(new_usage.get("deployed_services") or [])
    organisation = any(before.get(name) != after.get(name) for name in ("partner", "rules", "track"))
    return Changes(
        people_added=added,
        people_removed=removed,
        certifications_added=certs_added,
        certifications_removed=certs_removed,
        usage_changed=usage_changed,
        services_added=sorted(new_services - old_services),
        services_removed=sorted(old_services - new_services),
        organisation_changed=organisation,
    )
