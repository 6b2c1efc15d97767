"""Conversation references and the monthly delivery ledger, over any botbuilder `Storage`.

Layout (keys are storage keys, values plain JSON dicts):
- `notify/index`: {"refs": {"<tenant>|<conversation>": true}}: the conversations to visit. A
  botbuilder Storage cannot list keys, so the index is kept beside the records.
- `notify-<xx>/<tenant>/<conversation>` (`xx`: a hash shard): one `ConversationRecord` per
  conversation: the reference (latest serviceUrl), subscription, active flag and, per month, the
  delivery entry (claim or
  outcome). The ledger lives in the record itself so a claim is a compare-and-swap on a document
  that already exists (botbuilder storages have no atomic create-if-absent, but all honour eTags
  on replace). An uninstalled conversation keeps its record as a tombstone without the reference,
  so a month already sent is still known if the bot comes back.
- `notify/run/<month>`: the run record of a month (completed or not) for the scheduler's catch-up.

Every change is read-modify-write with the eTag of what was read; a stale write is refused by the
storage and retried from a fresh read.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import logging
import urllib.parse
import weakref
from collections.abc import Callable
from typing import Any

from botbuilder.core import Storage

from bot.notifications.models import ConversationRecord, RunRecord

log = logging.getLogger(__name__)

INDEX_KEY = "notify/index"
_CAS_ATTEMPTS = 50


class StorageConflictError(RuntimeError):
    """A compare-and-swap kept losing against concurrent writers."""


def _quote(value: str) -> str:
    # Conversation ids contain ':', '@', ';' and '/', which some storages refuse in keys.
    return urllib.parse.quote(value, safe="")


def ref_key(tenant_id: str, conversation_id: str) -> str:
    # The 256 `notify-xx` prefixes date from when TinyDBStorage kept one file per first path segment;
    # it now shards every key space itself, but the keys stay as they are so stored ledgers (which
    # decide "never the same month twice") keep being found. Other storages are indifferent to them.
    digest = hashlib.blake2b(f"{tenant_id}|{conversation_id}".encode(), digest_size=1).digest()[0]
    return f"notify-{digest:02x}/{_quote(tenant_id)}/{_quote(conversation_id)}"


def index_entry(tenant_id: str, conversation_id: str) -> str:
    return f"{_quote(tenant_id)}|{_quote(conversation_id)}"


def parse_index_entry(entry: str) -> tuple[str, str]:
    tenant, conversation = entry.split("|", 1)
    return urllib.parse.unquote(tenant), urllib.parse.unquote(conversation)


def run_key(month: str) -> str:
    return f"notify/run/{month}"


def _etag(item: Any) -> str | None:
    if isinstance(item, dict):
        return item.get("e_tag")
    return getattr(item, "e_tag", None)


def _as_dict(item: Any) -> dict[str, Any]:
    if isinstance(item, dict):
        return copy.deepcopy(item)
    return {k: copy.deepcopy(v) for k, v in vars(item).items()}


def _stored(item: Any) -> dict[str, Any]:
    """A private copy of a stored item, without the storage's `e_tag`."""
    data = _as_dict(item)
    data.pop("e_tag", None)
    return data


def _is_conflict(error: Exception) -> bool:
    # Storages signal a stale eTag differently (MemoryStorage: KeyError "Etag conflict"; Cosmos and
    # Blob: precondition failed / 412). Anything else is a real storage error and propagates.
    text = f"{type(error).__name__} {error}".lower()
    return any(word in text for word in ("etag", "e_tag", "precondition", "412", "conflict"))


Mutator = Callable[[dict[str, Any] | None], dict[str, Any] | None]


async def compare_and_swap(storage: Storage, key: str, mutate: Mutator) -> dict[str, Any] | None:
    """Apply `mutate` to the current value of `key` and write it back only if nobody wrote since.

    `mutate` receives a copy of the stored dict (without `e_tag`) or None, and returns the new
    value, or None to leave the item unchanged. Returns what is stored afterwards.
    """
    for attempt in range(_CAS_ATTEMPTS):
        found = (await storage.read([key])).get(key)
        current = _stored(found) if found is not None else None
        etag = _etag(found) if found is not None else None
        new = mutate(copy.deepcopy(current) if current is not None else None)
        if new is None:
            return current
        new = dict(new)
        new["e_tag"] = etag if etag else "*"
        try:
            await storage.write({key: new})
        except Exception as error:
            if not _is_conflict(error):
                raise
            log.debug("eTag conflict on %s (attempt %d), retrying", key, attempt + 1)
            await asyncio.sleep(0)
            continue
        new.pop("e_tag", None)
        return new
    raise StorageConflictError(f"could not update {key}: {_CAS_ATTEMPTS} concurrent-write conflicts")


# One lock per storage object (one per process in the service): index updates of concurrent turns
# queue up instead of racing. This matters most for the index's first write, which has no eTag to
# compare: concurrent first writers would overwrite each other. Across processes that first-write
# window remains (botbuilder storages have no create-if-absent); `ensure_indexed` heals it the next
# time the conversation speaks to the bot.
_INDEX_LOCKS: weakref.WeakKeyDictionary[Any, asyncio.Lock] = weakref.WeakKeyDictionary()
# (storage id, tenant, conversation) already checked in the index by this process.
_VERIFIED: set[tuple[int, str, str]] = set()


class NotifyStore:
    """Typed access to the records above."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    def _index_lock(self) -> asyncio.Lock:
        lock = _INDEX_LOCKS.get(self.storage)
        if lock is None:
            lock = _INDEX_LOCKS[self.storage] = asyncio.Lock()
        return lock

    async def ensure_indexed(self, tenant_id: str, conversation_id: str) -> None:
        """Re-add an installed conversation missing from the index (checked once per process)."""
        marker = (id(self.storage), tenant_id, conversation_id)
        if marker in _VERIFIED:
            return
        if (tenant_id, conversation_id) not in set(await self.index()):
            log.warning("conversation %s/%s was missing from the index; re-added", tenant_id, conversation_id)
            await self._index_set(tenant_id, conversation_id, True)
        _VERIFIED.add(marker)

    # --- index ------------------------------------------------------------------------------------
    async def index(self) -> list[tuple[str, str]]:
        found = (await self.storage.read([INDEX_KEY])).get(INDEX_KEY)
        refs = _as_dict(found).get("refs", {}) if found is not None else {}
        return sorted(parse_index_entry(entry) for entry in refs)

    async def _index_set(self, tenant_id: str, conversation_id: str, present: bool) -> None:
        entry = index_entry(tenant_id, conversation_id)

        def mutate(doc: dict[str, Any] | None) -> dict[str, Any] | None:
            doc = doc or {"refs": {}}
            refs = doc.setdefault("refs", {})
            if (entry in refs) == present:
                return None
            if present:
                refs[entry] = True
            else:
                refs.pop(entry, None)
            return doc

        # The first write of the index cannot carry an eTag (nothing to compare with), so two first
        # writers race; read it back and redo it until the entry is as wanted.
        async with self._index_lock():
            await self._index_set_locked(entry, mutate, present)

    async def _index_set_locked(self, entry: str, mutate: Mutator, present: bool) -> None:
        for _ in range(_CAS_ATTEMPTS):
            await compare_and_swap(self.storage, INDEX_KEY, mutate)
            found = (await self.storage.read([INDEX_KEY])).get(INDEX_KEY)
            refs = _as_dict(found).get("refs", {}) if found is not None else {}
            if (entry in refs) == present:
                return
        raise StorageConflictError(f"could not update {INDEX_KEY} for {entry}")

    # --- conversation records ---------------------------------------------------------------------
    async def get(self, tenant_id: str, conversation_id: str) -> ConversationRecord | None:
        key = ref_key(tenant_id, conversation_id)
        found = (await self.storage.read([key])).get(key)
        return ConversationRecord.model_validate(_stored(found)) if found is not None else None

    async def update(
        self,
        tenant_id: str,
        conversation_id: str,
        change: Callable[[ConversationRecord | None], ConversationRecord | None],
    ) -> ConversationRecord | None:
        """Compare-and-swap one conversation record; keeps the index in step with `installed`."""
        seen: dict[str, bool | None] = {"installed": None}

        def mutate(doc: dict[str, Any] | None) -> dict[str, Any] | None:
            record = ConversationRecord.model_validate(doc) if doc is not None else None
            seen["installed"] = record.installed if record is not None else None
            changed = change(record)
            return changed.model_dump(mode="json") if changed is not None else None

        stored = await compare_and_swap(self.storage, ref_key(tenant_id, conversation_id), mutate)
        if stored is None:
            return None
        record = ConversationRecord.model_validate(stored)
        # The index changes only with installs and uninstalls, not with claims and outcomes.
        if seen["installed"] is not record.installed:
            await self._index_set(tenant_id, conversation_id, record.installed)
        return record

    async def read_many(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], ConversationRecord]:
        """Read many records at once (one storage round trip)."""
        storage_keys = {ref_key(t, c): (t, c) for t, c in keys}
        found = await self.storage.read(list(storage_keys)) if storage_keys else {}
        return {storage_keys[key]: ConversationRecord.model_validate(_stored(item))
                for key, item in found.items()}

    # --- run records ------------------------------------------------------------------------------
    async def run(self, month: str) -> RunRecord | None:
        found = (await self.storage.read([run_key(month)])).get(run_key(month))
        return RunRecord.model_validate(_stored(found)) if found is not None else None

    async def put_run(self, record: RunRecord) -> None:
        def mutate(doc: dict[str, Any] | None) -> dict[str, Any] | None:
            if doc is not None:
                old = RunRecord.model_validate(doc)
                if old.completed_at is not None and record.completed_at is None:
                    return None  # a finished month stays finished
            return record.model_dump(mode="json")

        await compare_and_swap(self.storage, run_key(record.month), mutate)
