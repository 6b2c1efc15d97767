"""Domain stores over any botbuilder `Storage` (TinyDB by default; Blob or Cosmos later).

Handlers talk to these small interfaces, never to the storage keys, so replacing the storage needs
no handler change. Keys: `profiles/<tenant>`, `history/<tenant>/<YYYY-MM>`, `history/<tenant>/months`.
Tenant ids are normalised (trimmed, lower-case) and quoted so no id can escape its key space.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from botbuilder.core import Storage

from bot.storage.tinydb_storage import ETagConflictError
from scoring.results import Scorecard

if TYPE_CHECKING:
    from scoring import Profile

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_RETRIES = 8


def tenant_key(tenant_id: str) -> str:
    tenant = (tenant_id or "").strip().lower()
    if not tenant:
        raise ValueError("a tenant id is required")
    return quote(tenant, safe="-._")


def check_month(month: str) -> str:
    if not isinstance(month, str) or not _MONTH.match(month):
        raise ValueError(f"month must be YYYY-MM, got {month!r}")
    return month


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ProfileStore:
    """The partner profile of each Teams tenant."""

    def __init__(self, storage: Storage, clock: Callable[[], dt.datetime] = _now) -> None:
        self._storage = storage
        self._clock = clock

    @staticmethod
    def key(tenant_id: str) -> str:
        return f"profiles/{tenant_key(tenant_id)}"

    async def get(self, tenant_id: str) -> Profile | None:
        from scoring import load_profile  # scoring is pure; imported late to keep start-up light

        key = self.key(tenant_id)
        item = (await self._storage.read([key])).get(key)
        if not item or "profile" not in item:
            return None
        return load_profile(item["profile"])

    async def put(self, tenant_id: str, profile: Profile) -> None:
        """Store (replace) the tenant's profile. Last writer wins: a profile is saved whole."""
        key = self.key(tenant_id)
        data = profile.model_dump(mode="json", exclude_none=True)
        await self._storage.write({key: {"profile": data, "tenant": tenant_id.strip().lower(),
                                         "updated": self._clock().isoformat(), "e_tag": "*"}})

    async def delete(self, tenant_id: str) -> None:
        await self._storage.delete([self.key(tenant_id)])


class HistoryStore:
    """Monthly scorecards per tenant, plus an index of months (storages cannot list keys)."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    @staticmethod
    def key(tenant_id: str, month: str) -> str:
        return f"history/{tenant_key(tenant_id)}/{check_month(month)}"

    @staticmethod
    def index_key(tenant_id: str) -> str:
        return f"history/{tenant_key(tenant_id)}/months"

    async def get(self, tenant_id: str, month: str) -> Scorecard | None:
        key = self.key(tenant_id, month)
        item = (await self._storage.read([key])).get(key)
        if not item or "scorecard" not in item:
            return None
        return Scorecard.model_validate(item["scorecard"])

    async def put(self, tenant_id: str, month: str, scorecard: Scorecard) -> None:
        key = self.key(tenant_id, month)
        await self._storage.write({key: {"scorecard": scorecard.to_json(), "e_tag": "*"}})
        await self._add_month(tenant_id, month)

    async def months(self, tenant_id: str) -> list[str]:
        key = self.index_key(tenant_id)
        item = (await self._storage.read([key])).get(key)
        return sorted(item.get("months", [])) if item else []

    async def _add_month(self, tenant_id: str, month: str) -> None:
        # Optimistic read-modify-write, then read again to verify: the first write of a new index
        # cannot carry an eTag, so two creators race and the loser sees its month missing and retries.
        key = self.index_key(tenant_id)
        for _ in range(_RETRIES):
            item: dict[str, Any] = (await self._storage.read([key])).get(key) or {"e_tag": "*"}
            months = set(item.get("months", []))
            if month in months:
                return
            item["months"] = sorted(months | {month})
            with contextlib.suppress(ETagConflictError):
                await self._storage.write({key: item})
        raise RuntimeError(f"could not update the month index of tenant {tenant_id!r}: too much contention")
