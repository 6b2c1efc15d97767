"""Domain stores over any botbuilder `Storage` (TinyDB by default; Blob or Cosmos later).

Handlers talk to these small interfaces, never to the storage keys, so replacing the storage needs
no handler change. Keys: `profiles/<tenant>`, `history/<tenant>/<YYYY-MM>`, `history/<tenant>/months`.
Tenant ids are normalised (trimmed, lower-case) and quoted so no id can escape its key space.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from botbuilder.core import Storage

from scoring.results import Scorecard

if TYPE_CHECKING:
    from scoring import Profile

log = logging.getLogger(__name__)
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_RETRIES = 64  # optimistic retries; each round lets at least one writer through


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


@dataclass
class _Parsed:
    """One stored version (eTag) of a profile, parsed, and its scorecard once asked for."""

    etag: str
    profile: Profile
    scorecard: Scorecard | None = None


class ProfileStore:
    """The partner profile of each Teams tenant.

    Parsed profiles and their scorecards are memoised per stored version (eTag): a question costs
    one storage read, not a validation and a scoring run. Another process's update changes the eTag,
    so the memo never serves a stale profile.
    """

    _MEMO = 64  # tenants kept parsed (each ~350 objects the cycle collector walks on a full pass)

    def __init__(self, storage: Storage, clock: Callable[[], dt.datetime] = _now) -> None:
        self._storage = storage
        self._clock = clock
        self._memo: dict[str, _Parsed] = {}  # oldest first

    @staticmethod
    def key(tenant_id: str) -> str:
        return f"profiles/{tenant_key(tenant_id)}"

    async def _load(self, tenant_id: str) -> _Parsed | None:
        from scoring import load_profile  # scoring is pure; imported late to keep start-up light

        key = self.key(tenant_id)
        memo = self._memo.get(key)
        read_etags = getattr(self._storage, "read_etags", None)  # ItemStorage; not botbuilder's
        # Most turns: the memo is current, and a large profile is not decoded to find out.
        if memo is not None and read_etags is not None and (await read_etags([key])).get(key) == memo.etag:
            return memo
        item = (await self._storage.read([key])).get(key)
        if not item or "profile" not in item:
            return None
        etag = str(item.get("e_tag") or "")
        memo = self._memo.get(key)
        if memo is not None and etag and memo.etag == etag:
            return memo
        parsed = _Parsed(etag, load_profile(item["profile"]))
        if etag:
            self._memo.pop(key, None)
            if len(self._memo) >= self._MEMO:
                self._memo.pop(next(iter(self._memo)))
            self._memo[key] = parsed
        return parsed

    async def get(self, tenant_id: str) -> Profile | None:
        parsed = await self._load(tenant_id)
        return parsed.profile if parsed else None

    async def get_scored(self, tenant_id: str) -> tuple[Profile, Scorecard] | None:
        """The profile and its scorecard (scored as of the profile's own date)."""
        from scoring import score_profile

        parsed = await self._load(tenant_id)
        if parsed is None:
            return None
        if parsed.scorecard is None:
            parsed.scorecard = score_profile(parsed.profile)
        return parsed.profile, parsed.scorecard

    async def put(self, tenant_id: str, profile: Profile) -> None:
        """Store (replace) the tenant's profile. Last writer wins: a profile is saved whole.
        Every save is kept in the score history with what changed (bot/history.py)."""
        key = self.key(tenant_id)
        before = await self._previous(tenant_id)
        data = profile.model_dump(mode="json", exclude_none=True)
        await self._storage.write({key: {"profile": data, "tenant": tenant_id.strip().lower(),
                                         "updated": self._clock().isoformat(), "e_tag": "*"}})
        await _keep_in_history(self._storage, self._clock, tenant_id, before, profile)

    async def _previous(self, tenant_id: str) -> Profile | None:
        try:
            return await self.get(tenant_id)
        except ValueError:  # a saved profile the engine no longer accepts: the new one replaces it
            return None

    async def delete(self, tenant_id: str) -> None:
        await self._storage.delete([self.key(tenant_id)])


async def _keep_in_history(storage: Storage, clock: Callable[[], dt.datetime], tenant_id: str,
                           before: Profile | None, after: Profile) -> None:
    """The saved change's snapshot. The profile is saved already: a history failure is logged, and
    never turns a successful save into an error for the user."""
    from bot.history import ScoreHistoryStore  # bot.history builds on this module

    try:
        await ScoreHistoryStore(storage, clock).record_change(tenant_id, before, after)
    except Exception:
        log.exception("score history: the saved change of tenant %s was not kept", tenant_id)


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
        from bot.history import ScoreHistoryStore  # bot.history builds on this module
        from scoring.history import SnapshotKind

        # The month's scorecard is stored already: a contended or failed snapshot is logged, and never
        # fails the notification it belongs to (three concurrent runs all compose the same month).
        try:
            history = ScoreHistoryStore(self._storage)
            await history.record(tenant_id, scorecard, SnapshotKind.MONTHLY, month=month)
        except Exception:
            log.exception("score history: the monthly snapshot of tenant %s was not kept", tenant_id)

    async def months(self, tenant_id: str) -> list[str]:
        key = self.index_key(tenant_id)
        item = (await self._storage.read([key])).get(key)
        return sorted(item.get("months", [])) if item else []

    async def _add_month(self, tenant_id: str, month: str) -> None:
        # Optimistic read-modify-write, then read again to verify: the first write of a new index
        # cannot carry an eTag, so two creators race and the loser sees its month missing and retries.
        key = self.index_key(tenant_id)
        for attempt in range(_RETRIES):
            item: dict[str, Any] = (await self._storage.read([key])).get(key) or {"e_tag": "*"}
            months = set(item.get("months", []))
            if month in months:
                return
            item["months"] = sorted(months | {month})
            try:
                await self._storage.write({key: item})
            except KeyError:  # ETagConflictError; MemoryStorage raises a bare KeyError
                await asyncio.sleep(random.uniform(0, 0.002 * min(attempt + 1, 10)))
        raise RuntimeError(f"could not update the month index of tenant {tenant_id!r}: too much contention")
