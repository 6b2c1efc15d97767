"""The score history of each tenant: a snapshot per month (the monthly job) and one per saved change of
the profile (with the date and what changed), over any botbuilder `Storage`.

Keys: `history/<tenant>/snapshots` (the index: the months that have snapshots; storages cannot list
keys) and `history/<tenant>/snapshots/<YYYY-MM>` (that month's snapshots). Every write is a
compare-and-swap on the eTag, so the service and the monthly job can record at the same time.
Trends, qualified months and the window are computed by the pure `scoring.history` and
`scoring.window` from what `snapshots()` returns. Nothing is back-filled: a tenant whose profile was
just entered or imported has one snapshot, and cards say there is no history yet.

For the questions layer: `history_for(storage, tenant)` (months and per-area scores) and
`window_for(storage, tenant, scorecard)` (each area's standing in the qualification window).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
import uuid
import weakref
from collections.abc import Callable
from typing import Any

from botbuilder.core import Storage

from bot.notifications.store import compare_and_swap
from bot.stores import HistoryStore, tenant_key
from scoring.history import (
    ProfileChanges,
    ScoreHistory,
    Snapshot,
    SnapshotKind,
    build_history,
    check_month,
    profile_changes,
    snapshot_of,
)
from scoring.results import Scorecard
from scoring.window import WindowResult, qualification_window

log = logging.getLogger(__name__)

# Saved changes kept per month: someone saving a hundred times a day must not grow one document
# without bound. The monthly snapshot and each area's qualifying evidence of the month are never
# dropped (they decide the window); the oldest other changes go first.
MAX_CHANGES_PER_MONTH = 40


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _trim(snapshots: list[Snapshot]) -> list[Snapshot]:
    kept = list(snapshots)
    while sum(s.kind == SnapshotKind.CHANGE for s in kept) > MAX_CHANGES_PER_MONTH:
        for index, snap in enumerate(kept):
            if snap.kind != SnapshotKind.CHANGE:
                continue
            others = kept[:index] + kept[index + 1:]
            evidence = all(
                any(o.areas.get(area) is not None and o.areas[area].qualified for o in others)
                for area, point in snap.areas.items()
                if point.qualified
            )
            if evidence:
                del kept[index]
                break
        else:
            break  # every change left is some area's only qualifying evidence
    return kept


class ScoreHistoryStore:
    def __init__(self, storage: Storage, clock: Callable[[], dt.datetime] = _now) -> None:
        self._storage = storage
        self._clock = clock

    @staticmethod
    def index_key(tenant_id: str) -> str:
        return f"history/{tenant_key(tenant_id)}/snapshots"

    @staticmethod
    def month_key(tenant_id: str, month: str) -> str:
        return f"history/{tenant_key(tenant_id)}/snapshots/{check_month(month)}"

    async def record(
        self,
        tenant_id: str,
        scorecard: Scorecard,
        kind: SnapshotKind,
        *,
        month: str | None = None,
        changes: ProfileChanges | None = None,
    ) -> Snapshot:
        """Keep a snapshot of `scorecard`. A month's monthly snapshot is kept once (the first wins:
        the notification that went out said that score)."""
        snap = snapshot_of(
            scorecard, kind, self._clock(), month=month, changes=changes, snapshot_id=uuid.uuid4().hex
        )

        def add(doc: dict[str, Any] | None) -> dict[str, Any] | None:
            kept = [Snapshot.model_validate(item) for item in (doc or {}).get("snapshots", [])]
            if any(s.id == snap.id for s in kept):
                return None
            if kind == SnapshotKind.MONTHLY and any(s.kind == SnapshotKind.MONTHLY for s in kept):
                return None
            kept = _trim([*kept, snap])
            return {"snapshots": [s.model_dump(mode="json", exclude_defaults=True) for s in kept]}

        def landed(doc: dict[str, Any] | None) -> bool:
            items = (doc or {}).get("snapshots", [])
            return any(item.get("id") == snap.id for item in items) or (
                kind == SnapshotKind.MONTHLY and any(item.get("kind") == "monthly" for item in items)
            )

        def index(doc: dict[str, Any] | None) -> dict[str, Any] | None:
            months = set((doc or {}).get("months", []))
            return None if snap.month in months else {"months": sorted(months | {snap.month})}

        # The first write of a new document cannot carry an eTag, so two first writers race: read it
        # back and redo until ours is there (as the month index of bot/stores.py does).
        await _until(self._storage, self.month_key(tenant_id, snap.month), add, landed)
        await _until(self._storage, self.index_key(tenant_id), index,
                     lambda doc: snap.month in (doc or {}).get("months", []))
        return snap

    async def record_change(
        self, tenant_id: str, before: Any, after: Any, scorecard: Scorecard | None = None
    ) -> Snapshot:
        """A saved change of the profile: `after` scored (unless `scorecard` is given) and what changed."""
        if scorecard is None:
            from scoring import score_profile

            scorecard = score_profile(after)
        return await self.record(
            tenant_id, scorecard, SnapshotKind.CHANGE, changes=profile_changes(before, after)
        )

    async def keys(self, tenant_id: str) -> list[str]:
        """Every storage key of the tenant's snapshots (for erasing a tenant)."""
        months = await self.months(tenant_id)
        return [self.index_key(tenant_id), *(self.month_key(tenant_id, m) for m in months)]

    async def months(self, tenant_id: str) -> list[str]:
        key = self.index_key(tenant_id)
        found = (await self._storage.read([key])).get(key)
        return sorted(_field(found, "months") or [])

    async def snapshots(self, tenant_id: str) -> list[Snapshot]:
        """Every snapshot kept for the tenant, oldest month first (one storage read for all months).

        Monthly scorecards the job stored before snapshots existed (bot.stores.HistoryStore) count
        too: they are real scores of those months, not a back-fill."""
        keys = [self.month_key(tenant_id, month) for month in await self.months(tenant_id)]
        found = await self._storage.read(keys) if keys else {}
        out: list[Snapshot] = []
        for key in keys:
            for item in _field(found.get(key), "snapshots") or []:
                out.append(Snapshot.model_validate(item))
        out += await self._older_monthly(tenant_id, {s.month for s in out if s.kind == SnapshotKind.MONTHLY})
        return sorted(out, key=lambda s: (s.month, s.recorded_at))

    async def _older_monthly(self, tenant_id: str, covered: set[str]) -> list[Snapshot]:
        monthly = HistoryStore(self._storage)
        missing = [m for m in await monthly.months(tenant_id) if m not in covered]
        keys = {monthly.key(tenant_id, m): m for m in missing}
        found = await self._storage.read(list(keys)) if keys else {}
        out = []
        for key, month in keys.items():
            card = _field(found.get(key), "scorecard")
            if card is not None:
                scorecard = Scorecard.model_validate(card)
                at = dt.datetime.combine(scorecard.as_of, dt.time(), dt.UTC)
                out.append(snapshot_of(scorecard, SnapshotKind.MONTHLY, at, month=month))
        return out

    async def history(self, tenant_id: str) -> ScoreHistory:
        return build_history(await self.snapshots(tenant_id))


_LOCKS: weakref.WeakKeyDictionary[Any, dict[str, asyncio.Lock]] = weakref.WeakKeyDictionary()
_ATTEMPTS = 64
_SETTLE_SECONDS = 0.05


def _lock(storage: Storage, key: str) -> asyncio.Lock:
    """One writer per document and storage object in this process (tenants do not wait for each
    other); other processes are caught by the read-back."""
    locks = _LOCKS.get(storage)
    if locks is None:
        locks = _LOCKS[storage] = {}
    if len(locks) > 4096:  # forget idle locks: one per tenant document would grow for ever
        for name in [name for name, lock in locks.items() if not lock.locked()]:
            del locks[name]
    return locks.setdefault(key, asyncio.Lock())


async def _until(
    storage: Storage,
    key: str,
    mutate: Callable[[dict[str, Any] | None], dict[str, Any] | None],
    done: Callable[[dict[str, Any] | None], bool],
) -> None:
    async with _lock(storage, key):
        for attempt in range(_ATTEMPTS):
            created = False

            def tracked(doc: dict[str, Any] | None) -> dict[str, Any] | None:
                nonlocal created
                new = mutate(doc)
                created = doc is None and new is not None
                return new

            await compare_and_swap(storage, key, tracked)
            if done(_plain((await storage.read([key])).get(key))):
                if not created:
                    return  # an eTag-checked replace: nobody can have overwritten it unseen
                # Our unconditional first write of a new document may be overwritten by another
                # process's first write landing just after (botbuilder storages have no
                # create-if-absent): look again a moment later.
                await asyncio.sleep(_SETTLE_SECONDS)
                if done(_plain((await storage.read([key])).get(key))):
                    return
            await asyncio.sleep(random.uniform(0, 0.002 * min(attempt + 1, 10)))
    raise RuntimeError(f"could not update {key}: too much contention")


def _plain(item: Any) -> dict[str, Any] | None:
    if item is None:
        return None
    return dict(item) if isinstance(item, dict) else dict(vars(item))


def _field(item: Any, name: str) -> Any:
    if item is None:
        return None
    return item.get(name) if isinstance(item, dict) else getattr(item, name, None)


async def history_for(storage: Storage, tenant_id: str) -> ScoreHistory:
    """Months (oldest first) and per-area scores and qualified months of a tenant; empty when none."""
    return await ScoreHistoryStore(storage).history(tenant_id)


async def window_for(storage: Storage, tenant_id: str, scorecard: Scorecard) -> WindowResult:
    """Each area's standing (qualified / held through a month / not qualified; at risk) for the
    tenant's current scorecard, from its kept history."""
    return qualification_window(scorecard, await history_for(storage, tenant_id))
