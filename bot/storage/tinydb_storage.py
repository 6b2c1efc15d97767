"""`TinyDBStorage`: the embedded default backend, TinyDB files under DATA_DIR (see bot/storage/base.py
for the contract every backend keeps, and bot/storage/layout.py for which file holds a key).

Every read and write goes through TinyDB: a `TinyDB` over `AtomicJSONStorage` (bot/storage/files.py)
per file, the table of the key's space, documents found with `where("key") == key`.

- Reads are lock-free, through a bounded cache of parsed files re-validated by one `stat`. A read
  whose files are all cached (or absent) is answered on the event loop: a `stat` per key costs less
  than handing the read to a thread and back; a read that must open a file goes to a reader thread.
- A `write` is one commit: it takes the (striped) locks of every file it touches in order, reads
  them from disk, checks every eTag, then writes all new files before renaming any. A conflict, a
  damaged file or a failure before the renames (disk full) writes nothing of the batch. (A crash
  during the renames, which take microseconds, can leave part of a multi-file batch applied; each
  file is always whole.)
- Writers run on a small thread pool (commits fsync and hold file locks, so they stay off the event
  loop). Writes are group-committed: `write` queues its batch, and a committer thread takes every
  batch queued so far as one group: one lock round, each batch's eTags checked in order (a refused
  batch fails alone), one `Commit.apply` whose temp files, renames and single fsync per directory
  serve the whole group; each `write` returns once the group is durable. Two committers at most,
  so one slow fsync does not hold every other turn (writes queue for the next group meanwhile).
- Damage stays local: a file that does not parse raises `DamagedItemError` for its own keys only,
  is logged with its path, and is never written over; `scan_damaged`/`quarantine` serve
  `python -m bot check-storage`.
- Opening the store reads no data: it makes its folders, removes stale temp files, and migrates
  format-1 files once if any are left at the top of DATA_DIR (bot/storage/legacy.py).
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import datetime as dt
import functools
import logging
import os
import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from tinydb import TinyDB, where

from bot.storage import codec, layout
from bot.storage.base import (
    DEFAULT_PAGE_SIZE,
    DamagedEntry,
    DamagedItemError,
    ETagConflictError,
    ItemStorage,
    KeyPage,
    StorageUnavailableError,
    check_etags,
    check_prefix,
    encode_batch,
    set_etag,
)
from bot.storage.files import (
    AtomicJSONStorage,
    Commit,
    DamagedFileError,
    FileCache,
    fsync_dir,
    locked,
    read_file,
    remove_stale_temp_files,
    unavailable,
)

log = logging.getLogger(__name__)

__all__ = ["ETagConflictError", "TinyDBStorage"]

QUARANTINE = "quarantine"
_HIDDEN = (".tmp", ".locks", ".health")


_GROUP_LIMIT = 64  # writes in one group commit: bounds the locks one group holds


@dataclass(eq=False)  # compared by identity
class _PendingWrite:
    """One `write` waiting for its group commit: its encoded items, and where to say how it ended."""

    encoded: dict[str, tuple[Any, Any]]
    loop: asyncio.AbstractEventLoop
    done: asyncio.Future[dict[str, str]]
    outcome: dict[str, str] | BaseException | None = None  # the new eTags, or why it failed


def _settle(group: list[_PendingWrite]) -> None:
    """Hand each write's outcome to its event loop (one wake-up per loop for the whole group)."""
    by_loop: dict[asyncio.AbstractEventLoop, list[_PendingWrite]] = {}
    for pending in group:
        by_loop.setdefault(pending.loop, []).append(pending)
    for loop, writes in by_loop.items():
        with contextlib.suppress(RuntimeError):  # that loop is closed: nobody waits any more
            loop.call_soon_threadsafe(_resolve, writes)


def _resolve(writes: list[_PendingWrite]) -> None:
    for pending in writes:
        if pending.done.done():  # the writer was cancelled; its write is committed all the same
            continue
        if isinstance(pending.outcome, BaseException):
            pending.done.set_exception(pending.outcome)
        else:
            pending.done.set_result(pending.outcome or {})


class TinyDBStorage(ItemStorage):
    """TinyDB files under `folder` (see module doc)."""

    def __init__(self, folder: str | os.PathLike[str], *, cache_limit: int = 4096, writers: int = 4,
                 committers: int = 2, migrate: bool = True) -> None:
        super().__init__()
        self.folder = Path(folder)
        self.items = self.folder / layout.ITEMS
        try:
            for sub in ("", *_HIDDEN):
                (self.items / sub).mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise unavailable(error, "create its folders") from error
        self._temp = self.items / ".tmp"
        self.path_of = functools.lru_cache(maxsize=8192)(self._path_of)
        remove_stale_temp_files(self._temp)
        self._cache = FileCache(cache_limit)
        self._listings: OrderedDict[Path, tuple[int, list[str]]] = OrderedDict()  # folder -> sorted names
        self._listings_lock = threading.Lock()
        self._writer = ThreadPoolExecutor(max_workers=writers, thread_name_prefix="tinydb-writer")
        # Group commit: writes queue here; up to `committers` writer threads each take what is
        # queued as one group (see _commit_group).
        self._queue: list[_PendingWrite] = []
        self._queue_lock = threading.Lock()
        self._committers = 0
        self._max_committers = max(1, min(committers, writers))
        self._syncer = ThreadPoolExecutor(max_workers=8, thread_name_prefix="tinydb-sync")
        self._reader = ThreadPoolExecutor(max_workers=writers, thread_name_prefix="tinydb-reader")
        if migrate:
            from bot.storage.legacy import migrate_legacy_files

            migrate_legacy_files(self)

    def describe(self) -> str:
        return f"TinyDB files in {self.folder.resolve()}"

    # --- paths ----------------------------------------------------------------------------------
    def _path_of(self, key: str) -> Path:
        """The file holding `key` (`path_of`, cached per store)."""
        return self.items / layout.relative_path(key)

    def _db(self, path: Path, commit: Commit | None = None) -> TinyDB:
        return TinyDB(path, storage=AtomicJSONStorage, commit=commit, cache=self._cache,
                      temp_dir=self._temp)

    def _damaged(self, key: str, error: DamagedFileError) -> DamagedItemError:
        location = str(error.path.relative_to(self.folder)) if error.path.is_relative_to(self.folder) \
            else str(error.path)
        log.error("damaged storage file %s (%s): key %s cannot be used until it is restored or "
                  "quarantined (python -m bot check-storage)", error.path, error.problem, key)
        return DamagedItemError(key, error.problem, location)

    # --- Storage --------------------------------------------------------------------------------
    async def read(self, keys: Iterable[str]) -> dict[str, Any]:
        if keys is None:
            raise ValueError("Keys are required when reading")
        keys = list(keys)
        if not keys:
            return {}
        found = await self._read_documents(keys)
        return {key: codec.decode(value, etag) for key, (etag, value) in found.items()}

    async def read_etags(self, keys: Iterable[str]) -> dict[str, str]:
        """The stored eTags, the items left undecoded (a large profile's check costs a lookup)."""
        keys = list(keys)
        if not keys:
            return {}
        found = await self._read_documents(keys)
        return {key: etag for key, (etag, _value) in found.items()}

    async def _read_documents(self, keys: list[str]) -> dict[str, tuple[str, Any]]:
        """(eTag, stored JSON value) of each key found: on the event loop when every file is
        cached at its current stamp (or absent), else on a reader thread (it opens files)."""
        try:
            inline = all(self._cache.fresh(self.path_of(key)) for key in keys)
        except OSError as error:
            raise unavailable(error, "read an item") from error
        if inline:
            return self._read_sync(keys)
        return await asyncio.get_running_loop().run_in_executor(self._reader, self._read_sync, keys)

    def _read_sync(self, keys: list[str]) -> dict[str, tuple[str, Any]]:
        result: dict[str, tuple[str, Any]] = {}
        for key in keys:
            try:
                document = self._db(self.path_of(key)).table(layout.space_of(key), cache_size=0).get(
                    where("key") == key)
            except DamagedFileError as error:
                raise self._damaged(key, error) from None
            except OSError as error:
                raise unavailable(error, "read an item") from error
            if document is not None:
                result[key] = (document["e_tag"], document["value"])
        return result

    async def write(self, changes: Mapping[str, Any]) -> None:
        if changes is None:
            raise ValueError("Changes are required when writing")
        if not changes:
            return
        changes = dict(changes)
        # Encoded on the loop, so the caller's objects are never touched from the thread.
        loop = asyncio.get_running_loop()
        pending = _PendingWrite(encode_batch(changes), loop, loop.create_future())
        with self._queue_lock:
            self._queue.append(pending)
            start = self._committers < self._max_committers
            if start:
                self._committers += 1
        if start:
            try:
                self._writer.submit(self._run_group_commits)
            except RuntimeError:  # closed
                with self._queue_lock:
                    self._committers -= 1
                    if pending in self._queue:
                        self._queue.remove(pending)
                raise StorageUnavailableError("storage is closed") from None
        # Resolved only after the commit holding it is durable (see _commit_group).
        new_etags = await pending.done
        for key, item in changes.items():
            set_etag(item, new_etags[key])

    async def delete(self, keys: Iterable[str]) -> None:
        if keys is None:
            raise ValueError("Keys are required when deleting")
        keys = [key for key in keys if isinstance(key, str) and key]
        if keys:
            await asyncio.get_running_loop().run_in_executor(self._writer, self._commit_delete, keys)

    # --- worker-thread side ---------------------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self, keys: Iterable[str]) -> Iterator[None]:
        """The locks of the files of `keys`, each stripe once, in name order (no deadlock between
        processes or threads, which all lock in the same order)."""
        stripes = sorted({layout.lock_stripe(layout.relative_path(key)) for key in keys})
        with contextlib.ExitStack() as stack:
            for stripe in stripes:
                stack.enter_context(locked(self.items / ".locks" / stripe))
            yield

    def _run_group_commits(self) -> None:
        """A committer (writer thread): commits the queued writes, a group at a time, until the
        queue is empty. Writes that arrive while a group commits wait for the next group."""
        while True:
            with self._queue_lock:
                if not self._queue:
                    self._committers -= 1
                    return
                group, self._queue = self._queue[:_GROUP_LIMIT], self._queue[_GROUP_LIMIT:]
            try:
                self._commit_group(group)
            except BaseException as error:  # handed to the writers, never lost
                for pending in group:
                    if pending.outcome is None:
                        pending.outcome = error
            try:
                _settle(group)
            except Exception:  # this committer carries on: the queue is never left without one
                log.exception("could not hand %d committed writes back to their event loop", len(group))

    def _commit_group(self, group: list[_PendingWrite]) -> None:
        """Commit the writes of `group` together: one lock round, each write's eTags checked in
        queue order against the files and what the writes before it staged, then ONE `apply` (the
        temp files flushed, renamed, each directory fsynced once) for all the accepted writes. A
        refused write (eTag conflict, damaged file) fails alone and stages nothing; a failure of
        the apply (disk full) fails every accepted write of the group, none of which is then
        applied. Each write's outcome is set only after the apply returned: durable."""
        accepted: list[tuple[_PendingWrite, dict[str, str]]] = []
        try:
            with self._locked({key for pending in group for key in pending.encoded}):
                commit = Commit(self._temp, self._cache, syncer=self._syncer)
                for pending in group:
                    part = commit.part()
                    try:
                        etags = self._stage_write(pending.encoded, part)
                    except OSError as error:
                        pending.outcome = unavailable(error, "save")
                    except Exception as error:  # this write's own failure (a conflict, a damaged file)
                        pending.outcome = error
                    else:
                        commit.merge(part)
                        accepted.append((pending, etags))
                commit.apply()
        except OSError as error:
            failure = unavailable(error, "save")
            for pending in group:
                if pending.outcome is None:
                    pending.outcome = failure
            return
        for pending, etags in accepted:
            pending.outcome = etags

    def _stage_write(self, encoded: dict[str, tuple[Any, Any]], commit: Commit) -> dict[str, str]:
        """Check every eTag of one write against the files (or what the group staged before it),
        then stage its documents in `commit`; returns the new eTags."""
        tables = {key: self._db(self.path_of(key), commit).table(layout.space_of(key), cache_size=0)
                  for key in encoded}

        def stored_etag(key: str) -> str | None:
            try:
                stored = tables[key].get(where("key") == key)
            except DamagedFileError as error:
                raise self._damaged(key, error) from None
            return stored["e_tag"] if stored is not None else None

        # Every eTag is checked before anything is staged.
        check_etags({key: etag for key, (etag, _value) in encoded.items()}, stored_etag)
        etags: dict[str, str] = {}
        for key, (_etag, value) in encoded.items():
            etags[key] = uuid.uuid4().hex
            try:
                tables[key].upsert({"key": key, "e_tag": etags[key], "value": value}, where("key") == key)
            except DamagedFileError as error:
                raise self._damaged(key, error) from None
        return etags

    def _commit_delete(self, keys: list[str]) -> None:
        try:
            with self._locked(keys):
                commit = Commit(self._temp, self._cache)
                for key in keys:
                    path = self.path_of(key)
                    if not path.exists():
                        continue
                    try:
                        self._db(path, commit).table(layout.space_of(key), cache_size=0).remove(
                            where("key") == key)
                    except DamagedFileError as error:
                        raise self._damaged(key, error) from None
                commit.apply()
        except OSError as error:
            raise unavailable(error, "delete") from error

    # --- listing --------------------------------------------------------------------------------
    async def list_keys(self, prefix: str, *, page_size: int = DEFAULT_PAGE_SIZE,
                        continuation: str | None = None) -> KeyPage:
        check_prefix(prefix)
        if page_size < 1:
            raise ValueError(f"page_size must be at least 1, got {page_size}")
        return await asyncio.get_running_loop().run_in_executor(
            self._reader, self._list_sync, prefix, page_size, continuation)

    def _list_sync(self, prefix: str, page_size: int, continuation: str | None) -> KeyPage:
        segments = prefix.split("/")[:-1] if prefix else []
        depth = layout.GROUPED.get(segments[0]) if segments else None
        if depth is not None and len(segments) >= depth:
            # Inside one partition file (a tenant's history): its keys, in key order.
            keys = [key for key in self._keys_of_file(self.items / layout.relative_path(prefix + "x"))
                    if key.startswith(prefix)]
            start = bisect.bisect_right(keys, continuation) if continuation else 0
            page = keys[start:start + page_size]
            more = start + page_size < len(keys)
            return KeyPage(page, page[-1] if more and page else None)
        base = layout.folder_of_prefix(prefix)
        after = PurePosixPath(continuation).parts if continuation else ()
        keys: list[str] = []
        last: str | None = None
        try:
            for relative in self._walk(self.items.joinpath(*base), list(after)):
                file_keys = [key for key in self._keys_of_file(self.items.joinpath(*base, relative))
                             if key.startswith(prefix)]
                keys.extend(file_keys)
                last = relative
                if len(keys) >= page_size:
                    return KeyPage(keys, last)
        except OSError as error:
            raise unavailable(error, "list items") from error
        return KeyPage(keys, None)

    def _sorted_names(self, folder: Path) -> list[str]:
        """The visible entries of `folder`, sorted; cached while its mtime holds (bounded cache)."""
        try:
            stamp = os.stat(folder).st_mtime_ns
        except (FileNotFoundError, NotADirectoryError):
            return []
        with self._listings_lock:
            found = self._listings.get(folder)
            if found is not None and found[0] == stamp:
                self._listings.move_to_end(folder)
                return found[1]
        with os.scandir(folder) as entries:
            names = sorted(entry.name for entry in entries if not entry.name.startswith("."))
        with self._listings_lock:
            self._listings[folder] = (stamp, names)
            while len(self._listings) > 64:
                self._listings.popitem(last=False)
        return names

    def _walk(self, folder: Path, after: list[str]) -> Iterator[str]:
        """Relative paths of the data files under `folder`, in sorted order, strictly after the
        relative path `after` (its parts): each folder level resumes by bisection."""
        names = self._sorted_names(folder)
        start = bisect.bisect_left(names, after[0]) if after else 0
        for name in names[start:]:
            resume = after[1:] if after and name == after[0] else None
            if name.endswith(layout.SUFFIX):
                if resume is not None:
                    continue  # the file the previous page ended with
                yield name
            else:
                if after and name == after[0] and not resume:
                    continue
                for inner in self._walk(folder / name, resume or []):
                    yield f"{name}/{inner}"
            after = []

    def _keys_of_file(self, path: Path) -> list[str]:
        relative = path.relative_to(self.items)
        names = list(relative.parts)
        names[-1] = names[-1][: -len(layout.SUFFIX)]
        segments = [layout.decode_segment(name) for name in names]
        if all(segment is not None for segment in segments) and not layout.is_grouped(segments):  # type: ignore[arg-type]
            return ["/".join(segments)]  # type: ignore[arg-type]
        try:
            data = self._cache.get(path)
        except DamagedFileError as error:
            log.error("damaged storage file %s (%s): its keys are left out of the listing",
                      error.path, error.problem)
            return []
        if data is None:
            return []
        return sorted(doc["key"] for table in data.values() for doc in table.values() if "key" in doc)

    # --- health, damage -------------------------------------------------------------------------
    async def check_health(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self._reader, self._check_health_sync)

    def _check_health_sync(self) -> None:
        probe = self.items / ".health" / f"{os.getpid()}-{threading.get_ident()}"
        payload = uuid.uuid4().hex.encode()
        try:
            with open(probe, "wb") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            if probe.read_bytes() != payload:
                raise StorageUnavailableError("storage did not read back what it wrote")
            probe.unlink()
            os.stat(self.items / ".tmp")
        except OSError as error:
            raise unavailable(error, "write and read a probe") from error

    async def scan_damaged(self) -> list[DamagedEntry]:
        return await asyncio.get_running_loop().run_in_executor(self._reader, self._scan_sync)

    def _scan_sync(self) -> list[DamagedEntry]:
        found: list[DamagedEntry] = []
        candidates = [self.items / relative for relative in self._walk(self.items, [])]
        from bot.storage.legacy import legacy_files

        candidates += legacy_files(self.folder)
        for path in candidates:
            try:
                read_file(path)
            except DamagedFileError as error:
                relative = path.relative_to(self.folder)
                keys: tuple[str, ...] = ()
                if path.is_relative_to(self.items):
                    names = list(path.relative_to(self.items).parts)
                    names[-1] = names[-1][: -len(layout.SUFFIX)]
                    segments = [layout.decode_segment(name) for name in names]
                    if all(segment is not None for segment in segments):
                        joined = "/".join(segments)  # type: ignore[arg-type]
                        keys = (joined + "/*",) if layout.is_grouped(segments) else (joined,)  # type: ignore[arg-type]
                found.append(DamagedEntry(str(relative), error.problem, keys))
            except OSError as error:
                relative = path.relative_to(self.folder)
                found.append(DamagedEntry(str(relative), f"unreadable: {error.strerror}"))
        return found

    async def quarantine(self, entry: DamagedEntry) -> str:
        return await asyncio.get_running_loop().run_in_executor(self._writer, self._quarantine_sync, entry)

    def _quarantine_sync(self, entry: DamagedEntry) -> str:
        source = self.folder / entry.location
        inside = source.resolve().is_relative_to(self.folder.resolve())
        if not inside or entry.location.startswith(QUARANTINE):
            raise ValueError(f"{entry.location} is not a data file of this store")
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        target = self.folder / QUARANTINE / stamp / entry.location
        target.parent.mkdir(parents=True, exist_ok=True)
        lock = (self.items / ".locks" / layout.lock_stripe(PurePosixPath(source.relative_to(self.items)))
                if source.is_relative_to(self.items) else self.folder / ".legacy-migration.lock")
        with locked(lock):
            try:
                read_file(source)
            except DamagedFileError:
                pass
            else:
                raise ValueError(f"{entry.location} is no longer damaged (restored?); left in place")
            os.replace(source, target)
            fsync_dir(source.parent)
            fsync_dir(target.parent)
        self._cache.drop(source)
        log.warning("quarantined damaged storage file %s as %s", source, target)
        return str(target.relative_to(self.folder))

    async def close(self) -> None:
        self.close_sync()

    def close_sync(self) -> None:
        """`close` for synchronous callers (tests, scripts)."""
        self._writer.shutdown(wait=True)
        self._syncer.shutdown(wait=True)
        self._reader.shutdown(wait=True)

    def import_items(self, items: Mapping[str, tuple[str, Any]]) -> int:
        """Store items with the eTags given, each only if its key is absent (the migration; blocking,
        one commit). Returns how many were written."""
        if not items:
            return 0
        written = 0
        with self._locked(items):
            commit = Commit(self._temp, self._cache)
            for key, (etag, value) in items.items():
                table = self._db(self.path_of(key), commit).table(layout.space_of(key), cache_size=0)
                if table.get(where("key") == key) is None:
                    table.insert({"key": key, "e_tag": etag or uuid.uuid4().hex, "value": value})
                    written += 1
            commit.apply()
        return written
