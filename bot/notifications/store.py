"""Conversation references and the monthly delivery ledger, over the bot's storage (bot/storage/base.py).

Layout (keys are storage keys, values plain JSON dicts):
- `notify/conversations/<tenant>/<conversation>`: one `ConversationRecord` per conversation: the
  reference (latest serviceUrl), subscription, active flag and, per month, the delivery entry (claim
  or outcome). The ledger lives in the record itself so a claim is a compare-and-swap on a document
  that already exists. An uninstalled conversation keeps its record as a tombstone without the
  reference, so a month already sent is still known if the bot comes back.
  The conversations to visit are found by listing this prefix page by page (`pages`): no document
  lists every conversation, so nothing grows, is sorted or rewritten with their number.
- `notify/run/<month>`: the run record of a month (completed or not) for the scheduler's catch-up.

Every change is read-modify-write with the eTag of what was read (a record is created with
`IF_ABSENT`); a stale write is refused by the storage and retried from a fresh read.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import urllib.parse
from collections.abc import AsyncIterator, Callable
from typing import Any

from botbuilder.core import Storage

from bot.notifications.models import ConversationRecord, RunRecord
from bot.storage.base import IF_ABSENT

log = logging.getLogger(__name__)

PREFIX = "notify/conversations/"
PAGE_SIZE = 500
_CAS_ATTEMPTS = 50


class StorageConflictError(RuntimeError):
    """A compare-and-swap kept losing against concurrent writers."""


def _quote(value: str) -> str:
    # Conversation ids contain ':', '@', ';' and '/', which some storages refuse in keys.
    return urllib.parse.quote(value, safe="")


def ref_key(tenant_id: str, conversation_id: str) -> str:
    return f"{PREFIX}{_quote(tenant_id)}/{_quote(conversation_id)}"


def parse_ref_key(key: str) -> tuple[str, str] | None:
    """(tenant, conversation) of a record key, None for anything else under the prefix."""
    parts = key[len(PREFIX):].split("/") if key.startswith(PREFIX) else []
    if len(parts) != 2:
        return None
    return urllib.parse.unquote(parts[0]), urllib.parse.unquote(parts[1])


def run_key(month: str) -> str:
    return f"notify/run/{month}"


def _etag(item: Any) -> str | None:
    if isinstance(item, dict):
        return item.get("e_tag")
    return getattr(item, "e_tag", None)


def _as_dict(item: Any) -> dict[str, Any]:
    if isinstance(item, dict):
        return dict(item)  # `Storage.read` returns a private copy already (bot/storage/base.py)
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
        new["e_tag"] = etag if etag else IF_ABSENT  # two first writers: one wins, one retries
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


class NotifyStore:
    """Typed access to the records above."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    # --- listing --------------------------------------------------------------------------------
    async def pages(self, tenant_id: str | None = None,
                    page_size: int = PAGE_SIZE) -> AsyncIterator[list[tuple[str, str]]]:
        """(tenant, conversation) of every record (tombstones included), one storage page at a time,
        grouped by tenant (a tenant's records are consecutive)."""
        list_keys = getattr(self.storage, "list_keys", None)
        if list_keys is None:
            raise TypeError(f"{type(self.storage).__name__} cannot list keys; use a bot.storage backend")
        prefix = PREFIX + (f"{_quote(tenant_id)}/" if tenant_id is not None else "")
        continuation: str | None = None
        while True:
            page = await list_keys(prefix, page_size=page_size, continuation=continuation)
            parsed = [found for key in page.keys if (found := parse_ref_key(key)) is not None]
            if parsed:
                yield parsed
            continuation = page.continuation
            if continuation is None:
                return

    async def index(self, tenant_id: str | None = None) -> list[tuple[str, str]]:
        """The installed conversations (of one tenant, or all), sorted. Reads every record: for
        tests and a team's removal; the monthly job walks `pages` instead."""
        installed: list[tuple[str, str]] = []
        async for page in self.pages(tenant_id):
            records = await self.read_many(page)
            installed += [key for key in page if (found := records.get(key)) is not None and found.installed]
        return sorted(installed)

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
        """Compare-and-swap one conversation record."""

        def mutate(doc: dict[str, Any] | None) -> dict[str, Any] | None:
            record = ConversationRecord.model_validate(doc) if doc is not None else None
            changed = change(record)
            return changed.model_dump(mode="json") if changed is not None else None

        stored = await compare_and_swap(self.storage, ref_key(tenant_id, conversation_id), mutate)
        if stored is None:
            return None
        return ConversationRecord.model_validate(stored)

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
