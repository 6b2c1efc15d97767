"""`TinyDBStorage`: the botbuilder `Storage` the bot uses by default (files under DATA_DIR).

Contract (the same as botbuilder's Blob/Cosmos storages, checked by tests/bot/core/test_storage.py):
- `read(keys)` returns `{key: item}` for the keys that exist; each item carries its current `e_tag`.
- `write(changes)`: an item whose `e_tag` is missing/None or `"*"` is written unconditionally
  (last writer wins); any other `e_tag` must equal the stored one, otherwise `ETagConflictError` and
  nothing of that batch is written; `e_tag == ""` is refused. Every written item gets a new `e_tag`,
  also set on the caller's object so a second write in the same turn is not a false conflict.
- `delete(keys)` ignores unknown keys.

Items are dicts or plain objects (botbuilder `StoreItem`, dialog state); they are stored as JSON via
jsonpickle so dialog stacks survive a restart. Only the bot's own processes write these files, so decoding
them is trusted.

Keys map to files in `bot.storage.layout`: a key space (first path segment) is spread over hash
shards (`msteams.3f.json`), so a turn's write rewrites one small file whatever the number of
conversations. A write takes the locks of every shard it touches (striped over a bounded set of
lock files, in order), checks every eTag, and only then replaces the files: a conflict, or a
failure before the renames, saves nothing of the batch. (A crash during the renames, which take
microseconds, can leave part of a multi-shard batch applied; each file is always whole.)
Files of the single-file layout (`msteams.json`) are moved into the shards the first time their
space is used, under that file's lock, and kept renamed as `msteams.json.migrated`.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import os
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import jsonpickle
from botbuilder.core import Storage

from bot.storage import layout
from bot.storage.files import Data, JSONFile, commit, locked, remove_stale_temp_files, retire
from bot.storage.layout import TABLE


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


collection_of = layout.space_of  # the key space (before sharding: the file) of a key


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


_Index = dict[str, tuple[int, dict[str, Any]]]  # key -> (doc id, document)
# (current index of a shard, its items) -> (documents to insert or replace, keys to remove)
_Edit = Callable[[_Index, Sequence[Any]], tuple[list[dict[str, Any]], Sequence[str]]]


def _absent_documents(current: _Index,
                      documents: Sequence[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """Migration: insert the documents whose key the shard does not hold yet."""
    return [doc for doc in documents if doc["key"] not in current], []


class _Shard:
    """One shard file and an index of its current snapshot."""

    def __init__(self, path: Path) -> None:
        self.file = JSONFile(path)
        self._index_for: Data | None = None  # the snapshot the index was built from (kept alive)
        self._index: _Index = {}

    def lookup(self, verified: bool = False) -> _Index:
        """key -> (doc id, document) for the current snapshot (rebuilt when the file changed).
        `verified`: writers under the lock, see `JSONFile.verified`."""
        data = self.file.verified() if verified else self.file.snapshot()
        if self._index_for is not data:  # identity, not id(): a freed dict's id can be reused
            self._index = _index(data)
            self._index_for = data
        return self._index


def _index(data: Data) -> _Index:
    return {doc["key"]: (int(doc_id), doc) for doc_id, doc in data.get(TABLE, {}).items()}


def _with_documents(data: Data, current: _Index, documents: Sequence[dict[str, Any]],
                    removed: Sequence[str] = ()) -> Data:
    """A new TinyDB content: `documents` inserted or replaced (same doc id), `removed` keys gone.
    Shallow copies: stored documents are never edited in place, so readers keep a stable snapshot."""
    table = dict(data.get(TABLE, {}))
    next_id = max((doc_id for doc_id, _ in current.values()), default=0) + 1
    for key in removed:
        if key in current:
            del table[str(current[key][0])]
    for document in documents:
        if document["key"] in current:
            doc_id = current[document["key"]][0]
        else:
            doc_id, next_id = next_id, next_id + 1
        table[str(doc_id)] = document
    return {**data, TABLE: table}


class TinyDBStorage(Storage):
    """botbuilder Storage over TinyDB-format shard files (see module doc for the eTag contract)."""

    def __init__(self, folder: str | Path) -> None:
        super().__init__()
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        remove_stale_temp_files(self.folder)
        self._shards: dict[str, _Shard] = {}
        self._current_spaces: set[str] = set()  # spaces known to have no single-file data left
        # One writer thread: commits fsync and hold file locks, so they stay off the event loop;
        # one thread also serialises this process's writers (the file locks order processes).
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tinydb-writer")

    def _lock_all(self, stack: contextlib.ExitStack, names: Iterable[str]) -> None:
        """Take the locks of these shard files, each once, in name order (no deadlock between
        processes, which all lock in the same order)."""
        for lock_name in sorted({layout.lock_file_name(name) for name in names}):
            stack.enter_context(locked(self.folder / lock_name))

    def _shard(self, name: str) -> _Shard:
        found = self._shards.get(name)
        if found is None:
            found = self._shards[name] = _Shard(self.folder / name)
        return found

    async def _migrated(self, keys: Iterable[str]) -> None:
        """Move single-file data of the keys' spaces into shards before they are used."""
        for space in {layout.space_of(key) for key in keys} - self._current_spaces:
            if (self.folder / layout.legacy_file_name(space)).exists():
                await asyncio.get_running_loop().run_in_executor(self._writer, self._migrate, space)
            self._current_spaces.add(space)

    # --- Storage --------------------------------------------------------------------------------
    async def read(self, keys: Iterable[str]) -> dict[str, Any]:
        if keys is None:
            raise ValueError("Keys are required when reading")
        keys = list(keys)
        await self._migrated(keys)
        result: dict[str, Any] = {}
        for key in keys:
            shard = self._shard(layout.file_name_of(key))
            if not shard.file.is_fresh():
                # Another process (or first use) changed the file: parse it off the loop.
                await asyncio.get_running_loop().run_in_executor(None, shard.file.snapshot)
            found = shard.lookup().get(key)
            if found is not None:
                result[key] = _decode(found[1])
        return result

    async def write(self, changes: Mapping[str, Any]) -> None:
        if changes is None:
            raise ValueError("Changes are required when writing")
        if not changes:
            return
        by_file: dict[str, dict[str, Any]] = {}
        for key, item in dict(changes).items():
            if not isinstance(key, str) or not key:
                raise ValueError(f"storage keys are non-empty strings, got {key!r}")
            if _etag_of(item) == "":
                raise ValueError(f"write of {key!r} has an empty eTag; use '*' to overwrite")
            by_file.setdefault(layout.file_name_of(key), {})[key] = item
        # Encode on the loop (cheap) so the caller's objects are never touched from the thread.
        encoded = {name: {key: (_etag_of(item), _encode(item)) for key, item in items.items()}
                   for name, items in by_file.items()}
        await self._migrated(changes)
        loop = asyncio.get_running_loop()
        new_etags = await loop.run_in_executor(self._writer, self._commit_write, encoded)
        for key, item in dict(changes).items():
            _set_etag(item, new_etags[key])

    async def delete(self, keys: Iterable[str]) -> None:
        if keys is None:
            raise ValueError("Keys are required when deleting")
        by_file: dict[str, list[str]] = {}
        for key in keys:
            by_file.setdefault(layout.file_name_of(key), []).append(key)
        if not by_file:
            return
        await self._migrated([key for names in by_file.values() for key in names])
        await asyncio.get_running_loop().run_in_executor(self._writer, self._commit_delete, by_file)

    # --- worker-thread side ---------------------------------------------------------------------
    def _commit_write(self, encoded: dict[str, dict[str, tuple[Any, Any]]]) -> dict[str, str]:
        etags: dict[str, str] = {}
        with contextlib.ExitStack() as stack:
            # Lock every file the write touches, then check every eTag before changing anything:
            # a conflict writes nothing at all.
            self._lock_all(stack, encoded)
            current = {name: self._shard(name).lookup(verified=True) for name in encoded}  # on disk now
            for name, items in encoded.items():
                for key, (etag, _value) in items.items():
                    if etag is not None and etag != "*":
                        stored = current[name].get(key)
                        stored_etag = stored[1]["e_tag"] if stored else None
                        if stored_etag != etag:
                            raise ETagConflictError(key, etag, stored_etag)
            changes: list[tuple[JSONFile, Data]] = []
            for name, items in sorted(encoded.items()):
                documents = []
                for key, (_etag, (codec, value)) in items.items():
                    etags[key] = uuid.uuid4().hex
                    documents.append({"key": key, "e_tag": etags[key], "codec": codec, "value": value})
                file = self._shard(name).file
                changes.append((file, _with_documents(file.snapshot(), current[name], documents)))
            commit(changes)
        return etags

    def _commit_delete(self, by_file: dict[str, list[str]]) -> None:
        self._rewrite(by_file, lambda _current, keys: ([], keys))

    def _rewrite(self, by_file: Mapping[str, Sequence[Any]], edit: _Edit) -> None:
        """Under the locks of these shard files, apply `edit` to each; files with nothing to change
        are left alone, the others are committed together."""
        with contextlib.ExitStack() as stack:
            changes: list[tuple[JSONFile, Data]] = []
            self._lock_all(stack, by_file)
            for name in sorted(by_file):
                shard = self._shard(name)
                current = shard.lookup(verified=True)
                documents, removed = edit(current, by_file[name])
                if documents or any(key in current for key in removed):
                    changes.append((shard.file, _with_documents(shard.file.snapshot(), current, documents,
                                                                removed)))
            if changes:
                commit(changes)

    def _migrate(self, space: str) -> None:
        """Copy the documents of the space's single-file layout into its shards, then retire it.

        Under the legacy file's lock, so two processes never migrate at once and no process uses
        the space's shards before the first migration has finished (`_migrated` waits for it).
        A document already in a shard wins: it can only be there from an earlier migration that was
        cut off before the retirement (same content) or written after it (newer).
        """
        legacy = JSONFile(self.folder / layout.legacy_file_name(space))
        legacy_lock = legacy.path.with_name(legacy.path.name + ".lock")  # the single-file layout's lock
        with locked(legacy_lock):
            if not legacy.exists():
                return  # another process migrated it while we waited for the lock
            documents = list(legacy.verified().get(TABLE, {}).values())
            by_file: dict[str, list[dict[str, Any]]] = {}
            for document in documents:
                by_file.setdefault(layout.file_name_of(document["key"]), []).append(document)
            self._rewrite(by_file, _absent_documents)
            retire(legacy.path, layout.migrated_name(space))
            with contextlib.suppress(FileNotFoundError):
                os.unlink(legacy_lock)  # waiters re-check that the file is gone

    # --- service helpers ------------------------------------------------------------------------
    def check_ready(self) -> None:
        """Raise if the data folder cannot be written or a data file is unreadable (for /healthz)."""
        probe = self.folder / ".healthz"
        probe.write_bytes(b"ok")
        probe.unlink()
        for path in self.folder.glob("*.json"):
            # Parsed once, then cached like any shard: later checks cost one stat per file.
            self._shard(path.name).file.snapshot()

    def close(self) -> None:
        self._writer.shutdown(wait=True)
