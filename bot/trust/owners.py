"""Who may change a tenant's data: its owners (`owners/<tenant>`), identified by Entra object id.

The first person to save the tenant's data through the chat becomes its owner; owners add and
remove owners; the last owner cannot be removed. `EDIT_RIGHTS=everyone` lets every member edit
(owners are still kept, so switching back needs no setup). Guests never change data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from botbuilder.core import Storage
from pydantic import BaseModel

from bot.notifications.store import compare_and_swap
from bot.stores import tenant_key
from bot.trust.people import Person


class Owner(BaseModel):
    id: str  # Entra object id
    name: str
    since: dt.datetime
    added_by: str | None = None  # the owner who added them (None: the first saver)


class LastOwnerError(ValueError):
    """Removing this owner would leave the tenant's data without one."""


class OwnerStore:
    def __init__(self, storage: Storage, clock: Callable[[], dt.datetime]) -> None:
        self._storage = storage
        self._clock = clock

    @staticmethod
    def key(tenant_id: str) -> str:
        return f"owners/{tenant_key(tenant_id)}"

    async def owners(self, tenant_id: str) -> list[Owner]:
        key = self.key(tenant_id)
        item = (await self._storage.read([key])).get(key)
        return [Owner.model_validate(o) for o in (item or {}).get("owners", [])]

    async def claim_first(self, tenant_id: str, person: Person) -> bool:
        """Make `person` the owner if the tenant has none yet; True if they became it."""
        if not person.id:
            return False
        claimed: list[bool] = []

        def mutate(doc: dict[str, Any] | None) -> dict[str, Any] | None:
            if doc and doc.get("owners"):
                return None
            claimed.append(True)
            owner = Owner(id=person.id or "", name=person.name, since=self._clock())
            return {"owners": [owner.model_dump(mode="json")]}

        await compare_and_swap(self._storage, self.key(tenant_id), mutate)
        return bool(claimed)

    async def add(self, tenant_id: str, person: Person, added_by: str | None) -> bool:
        """Add an owner; False if they already were one (their name is refreshed)."""
        added: list[bool] = []

        def mutate(doc: dict[str, Any] | None) -> dict[str, Any] | None:
            owners = [Owner.model_validate(o) for o in (doc or {}).get("owners", [])]
            added.clear()
            for owner in owners:
                if owner.id == person.id:
                    if owner.name == person.name:
                        return None
                    owner.name = person.name
                    break
            else:
                added.append(True)
                owners.append(Owner(id=person.id or "", name=person.name, since=self._clock(),
                                    added_by=added_by))
            return {"owners": [o.model_dump(mode="json") for o in owners]}

        await compare_and_swap(self._storage, self.key(tenant_id), mutate)
        return bool(added)

    async def remove(self, tenant_id: str, owner_id: str) -> Owner | None:
        """Remove an owner; None if they were not one. Raises LastOwnerError for the last one."""
        removed: list[Owner] = []

        def mutate(doc: dict[str, Any] | None) -> dict[str, Any] | None:
            owners = [Owner.model_validate(o) for o in (doc or {}).get("owners", [])]
            removed.clear()
            kept = [o for o in owners if o.id != owner_id]
            if len(kept) == len(owners):
                return None
            if not kept:
                raise LastOwnerError(owner_id)
            removed.extend(o for o in owners if o.id == owner_id)
            return {"owners": [o.model_dump(mode="json") for o in kept]}

        await compare_and_swap(self._storage, self.key(tenant_id), mutate)
        return removed[0] if removed else None

    async def erase(self, tenant_id: str) -> None:
        await self._storage.delete([self.key(tenant_id)])


Reason = Literal["owner", "everyone", "no_owner_yet", "guest", "not_owner", "unidentified",
                 "roster_unavailable"]


@dataclass(frozen=True)
class Decision:
    """Whether a person may change the tenant's data, and why (the refusal names the owners)."""

    allowed: bool
    reason: Reason
    owners: list[Owner] = field(default_factory=list)


def decide(person: Person, owners: list[Owner], edit_rights: str) -> Decision:
    """The rule itself, without I/O."""
    if person.guest:
        return Decision(False, "guest", owners)
    if not person.id:
        return Decision(False, "unidentified", owners)
    if edit_rights == "everyone":
        return Decision(True, "everyone", owners)
    if not owners:
        return Decision(True, "no_owner_yet", owners)
    if any(owner.id == person.id for owner in owners):
        return Decision(True, "owner", owners)
    return Decision(False, "not_owner", owners)
