"""The storage interface every backend implements (TinyDB files, Azure Blob Storage).

A backend is a botbuilder `Storage` (read/write/delete of items by key, eTags) plus the few
operations the bot needs beyond it: a paged prefix listing, a constant-cost health check, an async
close, and a common set of errors. Handlers and stores only use what is defined here, so either
backend serves every turn, `import-profile`, `notify`, `check-storage` and `migrate-storage`.

Keys
- Non-empty strings; `/` separates segments (`msteams/conversations/<id>`, `profiles/<tenant>`,
  `history/<tenant>/<YYYY-MM>`, `notify/conversations/<tenant>/<conversation>`). Segments are any
  text (Teams ids contain `:`, `@`, `;`): a backend encodes them for its own naming rules.

Items
- `read` returns a private copy of each stored item (a dict for dict items) carrying its current
  `e_tag`; missing keys are absent from the result.
- Items are stored as plain JSON. Values that are not JSON (botbuilder dialog state) are converted by
  `bot.storage.codec` (shared by both backends, so an item copied from one to the other reads back
  the same).

Writes: `write(changes)`, eTag rules per item (the botbuilder Blob/Cosmos contract, plus one):
- `e_tag` missing, None or `"*"`: written unconditionally (last writer wins);
- `e_tag == IF_ABSENT`: created only if the key does not exist, else `ETagConflictError`;
- any other `e_tag`: written only if it equals the stored one, else `ETagConflictError`;
- `e_tag == ""`: refused with ValueError.
- Every written item gets a new `e_tag`, also set on the caller's object (dict key or attribute),
  so a second write in the same turn is not a false conflict.
- One `write` call is the per-turn commit: the bot saves a turn's conversation state, user state
  and anything else changed together in ONE call (`bot.storage.turn.save_turn_state`). The TinyDB
  backend checks every eTag first and commits the batch together (a conflict writes nothing). The
  blob backend cannot commit several blobs atomically: it must check what it can up front and write
  each item conditionally; a conflict on one item raises `ETagConflictError` naming that key.

`delete(keys)` ignores keys that do not exist.

Listing: `list_keys(prefix, page_size=..., continuation=None) -> KeyPage`
- `prefix` is "" (every key) or ends with "/" (a segment boundary), e.g.
  `notify/conversations/` or `notify/conversations/<tenant>/`. Anything else: ValueError.
- Returns at most `page_size` keys (a page may hold fewer, even none, and still have a
  continuation) and an opaque `continuation` for the next page, None after the last page. Keys
  come in a stable order (the backend's), each key once over a whole listing if it exists from start
  to end; keys created or deleted meanwhile may or may not appear. The cost of one page does not
  grow with the number of stored items outside the prefix. `iter_keys` walks every page.

Health: `check_health()` proves the store is readable and writable with a constant amount of work
(a probe item written, read back and deleted), whatever the amount of data stored. It raises
`StorageUnavailableError` whose message says what failed without internal details (no file paths,
no account names): it is shown by `/healthz`.

Errors (all `StorageError`, except the eTag conflict which stays a KeyError as in botbuilder):
- `ETagConflictError`: a stale write was refused; read again and retry.
- `DamagedItemError`: a stored item (or the file/blob holding it) cannot be decoded. It affects the
  keys that live there only; the backend never overwrites or deletes it by itself (writes to those
  keys raise it too) and logs where it is. `check-storage` lists and quarantines such items.
- `StorageUnavailableError`: the store cannot be used right now (disk full, unreachable, throttled
  after the retries, permissions); nothing was half-written. Users get "try again in a moment".

Settings and construction: `bot.storage.factory.open_storage(settings)` builds the backend from the
`STORAGE` setting (`tinydb` here; the blob backend plugs in as `bot.storage.blob.BlobStorage`).
"""

from __future__ import annotations

import abc
import contextlib
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeGuard

from botbuilder.core import Storage

from bot.storage import codec

IF_ABSENT = "!absent"  # an item's e_tag meaning "create it only if the key does not exist"
DEFAULT_PAGE_SIZE = 500


class StorageError(RuntimeError):
    """Base of the storage errors below (except the eTag conflict, a KeyError as in botbuilder)."""


class ETagConflictError(KeyError):
    """A write carried an eTag that no longer matches the stored item (someone wrote in between),
    or `IF_ABSENT` for a key that exists.

    Subclasses KeyError like botbuilder's MemoryStorage conflict, so callers catching that still work.
    """

    def __init__(self, key: str, expected: str, current: str | None) -> None:
        self.key, self.expected, self.current = key, expected, current
        super().__init__(f"eTag conflict on {key!r}: the write expected eTag {expected!r} but the stored "
                         f"item has {current!r}; read it again and retry")

    def __str__(self) -> str:
        return str(self.args[0])


class DamagedItemError(StorageError):
    """The item of `key` is stored but cannot be decoded (a truncated, empty or edited file/blob).

    `str()` names the key and what is wrong, never a file path; `location` says where it is
    (a path or a blob name) for the log and `check-storage`, never for users or `/healthz`.
    """

    def __init__(self, key: str, problem: str, location: str | None = None) -> None:
        self.key, self.problem, self.location = key, problem, location
        super().__init__(f"the stored item {key!r} is damaged ({problem}); "
                         "run `python -m bot check-storage` to list and quarantine damaged items")


class StorageUnavailableError(StorageError):
    """The store cannot be used now (disk full, unreachable, throttled, no permission). The message
    is safe to show an operator (no paths or secrets)."""


@dataclass(frozen=True)
class KeyPage:
    """One page of `list_keys`: the keys, and the continuation of the next page (None: no more)."""

    keys: list[str]
    continuation: str | None = None


@dataclass(frozen=True)
class DamagedEntry:
    """One damaged item found by `ItemStorage.scan_damaged` (for `check-storage`)."""

    location: str  # a path relative to the store root, or a blob name
    problem: str
    keys: tuple[str, ...] = ()  # the keys it held, when known


class ItemStorage(Storage, abc.ABC):
    """What every backend implements, on top of botbuilder's `read`, `write` and `delete` (see the
    module doc for their contract)."""

    @abc.abstractmethod
    async def list_keys(self, prefix: str, *, page_size: int = DEFAULT_PAGE_SIZE,
                        continuation: str | None = None) -> KeyPage:
        """One page of the keys starting with `prefix` ("" or ending with "/")."""

    @abc.abstractmethod
    async def check_health(self) -> None:
        """Constant work: prove the store readable and writable, or raise StorageUnavailableError."""

    @abc.abstractmethod
    async def scan_damaged(self) -> list[DamagedEntry]:
        """Every damaged item of the store (reads everything: for `check-storage` only)."""

    @abc.abstractmethod
    async def quarantine(self, entry: DamagedEntry) -> str:
        """Move a damaged item aside (never delete it); returns where it went. Its keys then read
        as absent, so their tenant can carry on."""

    @abc.abstractmethod
    async def close(self) -> None:
        """Release files, threads and connections."""

    async def read_etags(self, keys: Iterable[str]) -> dict[str, str]:
        """The current eTag of each stored key (missing keys absent), for a caller that holds a
        parsed copy and only needs to know whether it is still current. This default reads the
        items; a backend that can answer without decoding them does so."""
        return {key: str(item["e_tag"] if isinstance(item, dict) else getattr(item, "e_tag", ""))
                for key, item in (await self.read(list(keys))).items()}

    def describe(self) -> str:
        """A short description for the start-up log (backend and where; no secrets)."""
        return type(self).__name__


def etag_of(item: Any) -> Any:
    """The `e_tag` a caller's item carries (dict key or attribute), None without one."""
    if isinstance(item, Mapping):
        return item.get("e_tag")
    return getattr(item, "e_tag", None)


def set_etag(item: Any, etag: str) -> None:
    """Give the caller's item the eTag just written, so its next write in the turn is no false conflict."""
    if isinstance(item, dict):
        item["e_tag"] = etag
    elif item is not None and not isinstance(item, Mapping):
        with contextlib.suppress(AttributeError):  # slots/frozen objects: the stored copy has it
            item.e_tag = etag


def encode_batch(changes: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The items of one `write`, checked and encoded as `{key: (eTag condition, plain JSON value)}`.

    Encoded at once, before the backend awaits or hands off to a thread: the caller's objects are
    read once, here. Raises ValueError for an empty key or an empty eTag, TypeError for non-JSON."""
    encoded: dict[str, tuple[Any, Any]] = {}
    for key, item in changes.items():
        if not isinstance(key, str) or not key:
            raise ValueError(f"storage keys are non-empty strings, got {key!r}")
        etag = etag_of(item)
        if etag == "":
            raise ValueError(f"write of {key!r} has an empty eTag; use '*' to overwrite")
        encoded[key] = (etag, codec.encode(item))
    return encoded


def is_conditional(etag: Any) -> TypeGuard[str]:
    """Whether a write with this eTag condition depends on what is stored (not last-writer-wins)."""
    return etag is not None and etag != "*"


def check_etags(expected: Mapping[str, Any], stored_etag: Callable[[str], str | None]) -> None:
    """The eTag rule of a batch write, for every backend: each conditional item's condition against
    the eTag stored now (`stored_etag(key)`, None if absent). Raises `ETagConflictError` for the first
    refused item, before anything of the batch is written."""
    for key, etag in expected.items():
        if not is_conditional(etag):
            continue
        stored = stored_etag(key)
        if (stored is not None) if etag == IF_ABSENT else (stored != etag):
            raise ETagConflictError(key, etag, stored)


def check_prefix(prefix: str) -> str:
    """`prefix` as `list_keys` accepts it, or ValueError."""
    if not isinstance(prefix, str) or (prefix and not prefix.endswith("/")):
        raise ValueError(f"a listing prefix is '' or ends with '/', got {prefix!r}")
    return prefix


async def iter_keys(storage: ItemStorage, prefix: str,
                    page_size: int = DEFAULT_PAGE_SIZE) -> AsyncIterator[str]:
    """Every key under `prefix`, page by page (memory: one page)."""
    continuation: str | None = None
    while True:
        page = await storage.list_keys(prefix, page_size=page_size, continuation=continuation)
        for key in page.keys:
            yield key
        continuation = page.continuation
        if continuation is None:
            return
