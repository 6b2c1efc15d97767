"""Every saved change of a tenant's profile is a version: who, when, through what, what changed.

Storage (any botbuilder `Storage`, through read/write/delete and eTags only):
- `versions/<tenant>`: the index, {"entries": [VersionEntry...]} oldest first. Writes carry the eTag
  of what was read, so two saves never both take the same number: the loser re-reads and, if it
  started from an older version (`base`), is told with `VersionConflictError`.
- `versions/<tenant>/<number>-<token>`: the profile JSON of one version. Written before the index
  names it, under a key no other save can use, so a losing save never touches a winner's data.
- `profiles/<tenant>` (ProfileStore) stays the current profile every reader uses; it is written
  after the index, so it never shows a version the history does not have.

Versions older than the retention (`VERSION_RETENTION_MONTHS`, default 24) are dropped when a later
save happens; the latest version is always kept, and nothing younger is ever dropped.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from botbuilder.core import Storage
from pydantic import BaseModel, Field

from bot.stores import ProfileStore, tenant_key
from bot.trust.changes import Changes, changes_between

if TYPE_CHECKING:
    from scoring import Profile

log = logging.getLogger(__name__)

# Through what a version was saved. "earlier": the profile saved before versions were kept,
# recorded as the first version the first time the tenant saves again.
Via = Literal["intake", "section_update", "file_import", "restore", "command_line", "earlier"]
_RETRIES = 32


class VersionEntry(BaseModel):
    number: int = Field(ge=1)
    at: dt.datetime
    via: Via
    by_id: str | None = None  # Entra object id; None for the command line and "earlier"
    by_name: str | None = None
    section: str | None = None  # the section of a section update
    restored_from: int | None = None  # the version a restore brought back
    changes: Changes = Field(default_factory=Changes)
    body: str  # storage key of the profile JSON


class VersionConflictError(RuntimeError):
    """The profile changed since the caller read it (`base`): `latest` is the version saved since."""

    def __init__(self, base: int, latest: VersionEntry | None) -> None:
        self.base, self.latest = base, latest
        super().__init__(f"the profile is at version {latest.number if latest else 0}, not {base}")


class VersionNotFoundError(LookupError):
    """No such version (never saved, or dropped after the retention time)."""


def _is_conflict(error: Exception) -> bool:
    # A stale eTag: TinyDBStorage's ETagConflictError and MemoryStorage's bare KeyError are KeyErrors;
    # other storages (Blob: precondition failed, 412) say so in their message.
    if isinstance(error, KeyError):
        return True
    text = f"{type(error).__name__} {error}".lower()
    return any(word in text for word in ("etag", "precondition", "412", "conflict"))


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day and time `months` earlier (clamped to the month's last day)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


class VersionStore:
    def __init__(self, storage: Storage, profiles: ProfileStore,
                 clock: Callable[[], dt.datetime], retention_months: int = 24) -> None:
        self._storage = storage
        self._profiles = profiles
        self._clock = clock
        self.retention_months = retention_months

    @staticmethod
    def index_key(tenant_id: str) -> str:
        return f"versions/{tenant_key(tenant_id)}"

    # --- reading --------------------------------------------------------------------------------
    async def _index(self, tenant_id: str) -> tuple[list[VersionEntry], Any]:
        key = self.index_key(tenant_id)
        item = (await self._storage.read([key])).get(key)
        if not item:
            return [], None
        entries = [VersionEntry.model_validate(entry) for entry in item.get("entries", [])]
        return entries, item.get("e_tag")

    async def entries(self, tenant_id: str) -> list[VersionEntry]:
        """Every kept version, oldest first."""
        return (await self._index(tenant_id))[0]

    async def latest(self, tenant_id: str) -> VersionEntry | None:
        entries = await self.entries(tenant_id)
        return entries[-1] if entries else None

    async def current_number(self, tenant_id: str) -> int:
        """The version number the current profile has (0: no version yet). Pass it back as `base`."""
        latest = await self.latest(tenant_id)
        return latest.number if latest else 0

    async def profile_data(self, entry: VersionEntry) -> dict[str, Any]:
        item = (await self._storage.read([entry.body])).get(entry.body)
        if not item or not isinstance(item.get("profile"), dict):
            raise VersionNotFoundError(f"the data of version {entry.number} is missing ({entry.body})")
        return dict(item["profile"])

    async def find(self, tenant_id: str, number: int) -> VersionEntry:
        for entry in await self.entries(tenant_id):
            if entry.number == number:
                return entry
        raise VersionNotFoundError(f"tenant {tenant_id!r} has no version {number}")

    # --- saving ---------------------------------------------------------------------------------
    async def save(self, tenant_id: str, profile: Profile, *, via: Via, by_id: str | None = None,
                   by_name: str | None = None, base: int | None = None, section: str | None = None,
                   restored_from: int | None = None) -> VersionEntry:
        """Save `profile` as the tenant's new current version and return its entry.

        `base`: the version number the change was made from (`current_number` when the user started);
        if another version was saved since, nothing is saved and `VersionConflictError` says which.
        None saves over whatever is there (the command line)."""
        data = profile.model_dump(mode="json", exclude_none=True)
        tenant = tenant_key(tenant_id)
        for attempt in range(_RETRIES):
            entries, etag = await self._index(tenant_id)
            latest = entries[-1] if entries else None
            if base is not None and base != (latest.number if latest else 0):
                raise VersionConflictError(base, latest)
            now = self._clock()
            written: list[str] = []
            new_entries = list(entries)
            if latest is None:
                earlier = await self._earlier_profile(tenant_id)
                if earlier is not None:  # the profile saved before versions were kept: version 1
                    key = self._body_key(tenant, 1)
                    await self._storage.write({key: {"profile": earlier, "e_tag": "*"}})
                    written.append(key)
                    new_entries.append(VersionEntry(number=1, at=now, via="earlier",
                                                    changes=Changes(first=True), body=key))
            before = await self._before(tenant_id, new_entries[-1]) if new_entries else None
            number = new_entries[-1].number + 1 if new_entries else 1
            key = self._body_key(tenant, number)
            await self._storage.write({key: {"profile": data, "e_tag": "*"}})
            written.append(key)
            entry = VersionEntry(number=number, at=now, via=via, by_id=by_id, by_name=by_name,
                                 section=section, restored_from=restored_from,
                                 changes=changes_between(before, data), body=key)
            new_entries.append(entry)
            kept, dropped = self._retained(new_entries, now)
            try:
                await self._storage.write({self.index_key(tenant_id): {
                    "entries": [e.model_dump(mode="json") for e in kept], "e_tag": etag or "*"}})
                # A first index is written without an eTag (there is none to compare): two first
                # saves race, so read it back and retry if the other one's index replaced ours.
                if etag is None and not any(e.body == key for e in await self.entries(tenant_id)):
                    raise KeyError("a concurrent first save replaced the version index")
            except Exception as error:
                if not _is_conflict(error):
                    raise
                await self._storage.delete(written)
                await asyncio.sleep(random.uniform(0, 0.002 * min(attempt + 1, 10)))
                continue
            await self._profiles.put(tenant_id, profile)
            if dropped:
                await self._storage.delete([e.body for e in dropped])
                log.info("dropped %d versions of tenant %s older than %d months", len(dropped),
                         tenant_id, self.retention_months, extra={"tenant_id": tenant_id})
            return entry
        raise RuntimeError(f"could not save a version of tenant {tenant_id!r}: too much contention")

    async def _before(self, tenant_id: str, latest: VersionEntry) -> dict[str, Any] | None:
        """The latest version's data, to say what changed; if its item is gone (a storage restored
        from an older backup), the current profile stands in rather than the save failing."""
        try:
            return await self.profile_data(latest)
        except VersionNotFoundError:
            log.warning("version %d of tenant %s has no data; comparing with the current profile",
                        latest.number, tenant_id, extra={"tenant_id": tenant_id})
            return await self._earlier_profile(tenant_id)

    async def _earlier_profile(self, tenant_id: str) -> dict[str, Any] | None:
        key = ProfileStore.key(tenant_id)
        item = (await self._storage.read([key])).get(key)
        profile = item.get("profile") if item else None
        return dict(profile) if isinstance(profile, dict) else None

    @staticmethod
    def _body_key(tenant: str, number: int) -> str:
        return f"versions/{tenant}/{number}-{secrets.token_hex(6)}"

    def _retained(self, entries: list[VersionEntry],
                  now: dt.datetime) -> tuple[list[VersionEntry], list[VersionEntry]]:
        cutoff = months_before(now, self.retention_months)
        kept = [e for i, e in enumerate(entries) if e.at >= cutoff or i == len(entries) - 1]
        dropped = [e for e in entries if e not in kept]
        return kept, dropped

    async def restore(self, tenant_id: str, number: int, *, by_id: str | None, by_name: str | None,
                      base: int | None, via: Via = "restore") -> VersionEntry:
        """Save version `number` again as a new version. Raises VersionNotFoundError, ProfileError
        (a version the current catalog no longer accepts) or VersionConflictError."""
        from scoring import load_profile

        entry = await self.find(tenant_id, number)
        profile = load_profile(await self.profile_data(entry))
        return await self.save(tenant_id, profile, via=via, by_id=by_id, by_name=by_name, base=base,
                               restored_from=number)

    # --- erasing --------------------------------------------------------------------------------
    async def erase(self, tenant_id: str) -> int:
        """Delete every version of the tenant; returns how many."""
        entries = await self.entries(tenant_id)
        await self._storage.delete([e.body for e in entries] + [self.index_key(tenant_id)])
        return len(entries)
