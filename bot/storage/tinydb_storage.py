"""`TinyDBStorage`: the botbuilder `Storage` the bot uses by default (files under DATA_DIR).

Contract (the same as botbuilder's Blob/Cosmos storages, checked by tests/bot/core/test_storage.py):
- `read(keys)` returns `{key: item}` for the keys that exist; each item carries its current `e_tag`.
- `write(changes)`: an item whose `e_tag` is missing/None or `"*"` is written unconditionally
  (last writer wins); any other `e_tag` must equal the stored one, otherwise `ETagConflictError` and
  nothing of that batch is written; `e_tag == ""` is refused. Every written item gets a new `e_tag`,
  also set on the caller's object so a second write in the same turn is not a false conflict.
- `delete(keys)` ignores unknown keys.

Items are dicts or plain objects (botbuilder `StoreItem`, dialog state); they are stored as JSON via
jsonpickle so dialog stacks survive a restart. Only this process writes these files, so decoding
them is trusted.

Keys map to files by their first path segment (`msteams/conversations/...` -> `msteams.json`,
`profiles/<tenant>` -> `profiles.json`), so a busy conversation file never blocks profile writes.
Each file is replaced atomically; a batch spanning several files is checked as a whole and then
committed file by file.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import hashlib
import json
import re
import uuid
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import jsonpickle
from botbuilder.core import Storage
from tinydb import TinyDB
from tinydb.table import Document

from bot.storage.files import AtomicJSONStorage, Data, open_tinydb, remove_stale_temp_files

TABLE = "items"
_SAFE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class ETagConflictError(KeyError):
    """A write carried an eTag that no longer matches the stored item (someone wrote in between).

    Subclasses KeyError like botbuilder's MemoryStorage conflict, so callers catching that still work.
    """

    def __init__(self, key: str, expected: str, current: str | None) -> None:
        self.key, self.expected, self.current = key, expected, current
        super().__init__(f"eTag conflict on {key!r}: the write expected eTag {expected!r} but the stored "
                         f"item has {current!r}; read it again and retry")

    def __str__(self) -> str:
        return str(self.args[0])


def collection_of(key: str) -> str:
    head = key.split("/", 1)[0] if "/" in key else ""
    if _SAFE.match(head):
        return head
    if not head:
        return "_default"
    return "k_" + hashlib.sha256(head.encode("utf-8")).hexdigest()[:16]


def _etag_of(item: Any) -> Any:
    if isinstance(item, Mapping):
        return item.get("e_tag")
    return getattr(item, "e_tag", None)


def _set_etag(item: Any, etag: str) -> None:
    if isinstance(item, dict):
        item["e_tag"] = etag
    elif item is not None and not isinstance(item, Mapping):
        with contextlib.suppress(AttributeError):  # slots/frozen objects: the stored copy has it
            item.e_tag = etag


_PLAIN = (str, int, float, bool, type(None))


def _is_plain(value: Any) -> bool:
    """Only JSON types (str-keyed dicts, lists): stored as is, no jsonpickle markers needed."""
    if isinstance(value, _PLAIN):
        return True
    if type(value) is dict:
        return all(isinstance(k, str) and not k.startswith("py/") and _is_plain(v) for k, v in value.items())
    if type(value) is list:
        return all(_is_plain(v) for v in value)
    return False


def _encode(item: Any) -> tuple[str, Any]:
    """(codec, JSON value): "json" for plain data, "jsonpickle" for objects (dialog state, StoreItem)."""
    value = copy.copy(item) if isinstance(item, dict) else item
    if isinstance(value, dict):
        value.pop("e_tag", None)
    if _is_plain(value):
        return "json", json.loads(json.dumps(value))  # a private copy, checked serialisable
    encoded = jsonpickle.Pickler(unpicklable=True, make_refs=False, keys=True).flatten(value)
    if not isinstance(item, dict) and isinstance(encoded, dict):
        encoded.pop("e_tag", None)
    return "jsonpickle", encoded


def _decode(document: dict[str, Any]) -> Any:
    stored = document["value"]
    if document.get("codec") == "json":
        value = json.loads(json.dumps(stored))  # the caller gets its own copy
    else:
        value = jsonpickle.Unpickler(keys=True).restore(copy.deepcopy(stored))
    _set_etag(value, document["e_tag"])
    return value


class _Collection:
    def __init__(self, path: Path) -> None:
        self.db: TinyDB
        self.db, self.files = open_tinydb(path)
        self._index_for: Data | None = None  # the snapshot the index was built from (kept alive)
        self._index: dict[str, tuple[int, dict[str, Any]]] = {}

    def lookup(self) -> dict[str, tuple[int, dict[str, Any]]]:
        """key -> (doc id, document) for the current snapshot (rebuilt when the file changed)."""
        data = self.files.snapshot()
        if self._index_for is not data:  # identity, not id(): a freed dict's id can be reused
            self._index = _index(data)
            self._index_for = data
        return self._index


def _index(data: Data) -> dict[str, tuple[int, dict[str, Any]]]:
    return {doc["key"]: (int(doc_id), doc) for doc_id, doc in data.get(TABLE, {}).items()}


class TinyDBStorage(Storage):
    """botbuilder Storage over TinyDB files (see module doc for the eTag contract)."""

    def __init__(self, folder: str | Path) -> None:
        super().__init__()
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        remove_stale_temp_files(self.folder)
        self._collections: dict[str, _Collection] = {}
        # One writer thread: commits fsync and hold a file lock, so they stay off the event loop;
        # one thread also serialises this process's writers (the file lock orders processes).
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tinydb-writer")

    def _collection(self, name: str) -> _Collection:
        found = self._collections.get(name)
        if found is None:
            found = self._collections[name] = _Collection(self.folder / f"{name}.json")
        return found

    # --- Storage --------------------------------------------------------------------------------
    async def read(self, keys: Iterable[str]) -> dict[str, Any]:
        if keys is None:
            raise ValueError("Keys are required when reading")
        result: dict[str, Any] = {}
        for key in keys:
            collection = self._collection(collection_of(key))
            if not collection.files.is_fresh():
                # Another process (or first use) changed the file: parse it off the loop.
                await asyncio.get_running_loop().run_in_executor(None, collection.files.snapshot)
            found = collection.lookup().get(key)
            if found is not None:
                result[key] = _decode(found[1])
        return result

    async def write(self, changes: Mapping[str, Any]) -> None:
        if changes is None:
            raise ValueError("Changes are required when writing")
        if not changes:
            return
        by_collection: dict[str, dict[str, Any]] = {}
        for key, item in dict(changes).items():
            if not isinstance(key, str) or not key:
                raise ValueError(f"storage keys are non-empty strings, got {key!r}")
            if _etag_of(item) == "":
                raise ValueError(f"write of {key!r} has an empty eTag; use '*' to overwrite")
            by_collection.setdefault(collection_of(key), {})[key] = item
        # Encode on the loop (cheap) so the caller's objects are never touched from the thread.
        encoded = {name: {key: (_etag_of(item), _encode(item)) for key, item in items.items()}
                   for name, items in by_collection.items()}
        loop = asyncio.get_running_loop()
        new_etags = await loop.run_in_executor(self._writer, self._commit_write, encoded)
        for key, item in dict(changes).items():
            _set_etag(item, new_etags[key])

    async def delete(self, keys: Iterable[str]) -> None:
        if keys is None:
            raise ValueError("Keys are required when deleting")
        by_collection: dict[str, list[str]] = {}
        for key in keys:
            by_collection.setdefault(collection_of(key), []).append(key)
        loop = asyncio.get_running_loop()
        for name, names in by_collection.items():
            await loop.run_in_executor(self._writer, self._commit_delete, name, names)

    # --- worker-thread side ---------------------------------------------------------------------
    def _commit_write(self, encoded: dict[str, dict[str, tuple[Any, Any]]]) -> dict[str, str]:
        etags: dict[str, str] = {}
        with contextlib.ExitStack() as stack:
            # Lock every file the write touches, in name order (no deadlock between processes),
            # then check every eTag before changing anything: a conflict writes nothing at all.
            current: dict[str, dict[str, tuple[int, dict[str, Any]]]] = {}
            for name in sorted(encoded):
                collection = self._collection(name)
                stack.enter_context(collection.files.batch())
                current[name] = _index(collection.files.read() or {})
            for name, items in encoded.items():
                for key, (etag, _value) in items.items():
                    if etag is not None and etag != "*":
                        stored = current[name].get(key)
                        stored_etag = stored[1]["e_tag"] if stored else None
                        if stored_etag != etag:
                            raise ETagConflictError(key, etag, stored_etag)
            for name, items in encoded.items():
                table = self._collection(name).db.table(TABLE)
                next_id = max((doc_id for doc_id, _ in current[name].values()), default=0) + 1
                for key, (_etag, (codec, value)) in items.items():
                    etags[key] = uuid.uuid4().hex
                    document = {"key": key, "e_tag": etags[key], "codec": codec, "value": value}
                    if key in current[name]:
                        doc_id = current[name][key][0]
                        table.remove(doc_ids=[doc_id])
                    else:
                        doc_id, next_id = next_id, next_id + 1
                    table.insert(Document(document, doc_id=doc_id))
        return etags

    def _commit_delete(self, name: str, keys: list[str]) -> None:
        collection = self._collection(name)
        if not any(key in collection.lookup() for key in keys) and collection.files.is_fresh():
            return
        with collection.files.batch():
            current = _index(collection.files.read() or {})
            doc_ids = [current[key][0] for key in keys if key in current]
            if doc_ids:
                collection.db.table(TABLE).remove(doc_ids=doc_ids)

    # --- service helpers ------------------------------------------------------------------------
    def check_ready(self) -> None:
        """Raise if the data folder cannot be written or a data file is unreadable (for /healthz)."""
        probe = self.folder / ".healthz"
        probe.write_bytes(b"ok")
        probe.unlink()
        for path in self.folder.glob("*.json"):
            AtomicJSONStorage(path).snapshot()

    def close(self) -> None:
        self._writer.shutdown(wait=True)
