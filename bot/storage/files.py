"""TinyDB's extension point, made safe: a `tinydb.Storage` whose files are written atomically,
fsynced and shared between processes, and whose damage is reported rather than papered over.

- Atomic and durable: a `Commit` writes each new file as a temp file (in `.tmp/` of the store) and
  flushes it (fdatasync) before any `os.replace`, then fsyncs each changed directory once. A crash or
  SIGKILL leaves each file either as it was or as committed, never torn; a failure while writing the
  temp files (disk full...) changes no file at all. It returns only after the directory fsyncs, so
  an acknowledged write is durable.
- Cross-process: writers hold an exclusive `fcntl.flock` (see `locked`) for the whole
  read-check-write, and read the file from disk under it. Readers need no lock: `os.replace` swaps
  whole files; they use `FileCache` (files' bytes), validated by one `os.stat` per read and bounded in size.
- Damage: a zero-byte file, invalid JSON or JSON that is not TinyDB's `{table: {id: document}}`
  raises `DamagedFileError` (TinyDB's own JSONStorage would read an empty file as an empty
  database, and the next write would replace whatever it held). Nothing is ever written over a
  file that could not be read: every write goes through `read()` first (TinyDB's tables do).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

from tinydb import Storage

from bot.storage.base import StorageUnavailableError

Data = dict[str, dict[str, Any]]  # TinyDB layout: table -> doc id (str) -> document
_Stamp = tuple[int, int, int]  # inode, mtime_ns, size
_sync_data = getattr(os, "fdatasync", os.fsync)  # a new file's size is flushed by fdatasync too


class DamagedFileError(Exception):
    """A data file exists but does not hold a TinyDB document. Never replaced silently."""

    def __init__(self, path: Path, problem: str) -> None:
        self.path, self.problem = path, problem
        super().__init__(f"{path}: {problem}")


def unavailable(error: OSError, doing: str) -> StorageUnavailableError:
    """An OS error as the storage error shown to operators: what failed, never the path."""
    if error.errno == errno.ENOSPC:
        return StorageUnavailableError(f"storage is full: could not {doing} (no space left on the disk)")
    reason = os.strerror(error.errno) if error.errno else type(error).__name__
    return StorageUnavailableError(f"storage could not {doing} ({reason})")


def _stamp(st: os.stat_result) -> _Stamp:
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def parse(path: Path, raw: bytes) -> Data:
    """The TinyDB content of a file's bytes, or DamagedFileError."""
    if not raw:
        raise DamagedFileError(path, "the file is empty (0 bytes)")
    try:
        data = json.loads(raw)
    except ValueError as error:
        raise DamagedFileError(path, f"not valid JSON ({error.__class__.__name__} at byte "
                                     f"{getattr(error, 'pos', '?')} of {len(raw)})") from None
    if not isinstance(data, dict) or not all(
            isinstance(table, dict) and all(isinstance(doc, dict) for doc in table.values())
            for table in data.values()):
        raise DamagedFileError(path, "not a TinyDB document ({table: {id: document}})")
    return data


def _read_raw(path: Path) -> tuple[bytes, _Stamp] | None:
    try:
        with open(path, "rb") as handle:
            st = os.fstat(handle.fileno())
            raw = handle.read()
    except FileNotFoundError:
        return None
    return raw, _stamp(st)


def read_file(path: Path) -> tuple[Data, _Stamp] | None:
    """The parsed content and stamp of a file, None if it does not exist."""
    loaded = _read_raw(path)
    return (parse(path, loaded[0]), loaded[1]) if loaded is not None else None


def _private(data: Data) -> Data:
    # TinyDB's table operations edit the table dicts and documents they get in place (update);
    # copies down to the documents keep what a commit staged intact. Files are small (one key or
    # one tenant's history), so this is cheap.
    return {name: {doc_id: dict(doc) for doc_id, doc in table.items()} for name, table in data.items()}


class FileCache:
    """Files' bytes, validated by stat stamp (inode, mtime, size), least recently used dropped beyond
    `limit`: memory is bounded by the limit, not by the data stored.

    It keeps bytes, not parsed JSON: bytes are invisible to Python's cycle collector, while thousands
    of cached documents (lists and dicts) made each of its full passes walk them all, in the middle
    of a turn. Each read parses its file again (tens of microseconds for a file of a few KB), which
    also gives every reader a private copy.

    A stamp can in theory repeat (reused inode, same size, same mtime tick); a reader fooled by that
    sees the previous version, and a write based on it is refused by the eTag check, which writers
    make against the file read under the lock."""

    def __init__(self, limit: int = 4096) -> None:
        self.limit = limit
        self._items: OrderedDict[Path, tuple[_Stamp, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, path: Path) -> Data | None:
        """The current content of `path`, parsed anew (None: no file). Raises DamagedFileError."""
        try:
            stamp = _stamp(os.stat(path))
        except FileNotFoundError:
            self.drop(path)
            return None
        with self._lock:
            found = self._items.get(path)
            if found is not None and found[0] == stamp:
                self._items.move_to_end(path)
                raw = found[1]
            else:
                raw = None
        if raw is not None:
            return parse(path, raw)
        loaded = _read_raw(path)
        if loaded is None:
            self.drop(path)
            return None
        raw, stamp = loaded
        data = parse(path, raw)  # a damaged file is not cached
        self.put(path, raw, stamp)
        return data

    def fresh(self, path: Path) -> bool:
        """Whether `get(path)` would answer from memory (the file is cached at its current stamp,
        or does not exist): one `stat`, no read."""
        try:
            stamp = _stamp(os.stat(path))
        except FileNotFoundError:
            return True
        with self._lock:
            found = self._items.get(path)
            return found is not None and found[0] == stamp

    def put(self, path: Path, raw: bytes, stamp: _Stamp) -> None:
        with self._lock:
            self._items[path] = (stamp, raw)
            self._items.move_to_end(path)
            while len(self._items) > self.limit:
                self._items.popitem(last=False)

    def drop(self, path: Path) -> None:
        with self._lock:
            self._items.pop(path, None)


class Commit:
    """The files changed by one storage write, applied together by `apply` (see module doc).
    The caller holds the lock of every file it stages."""

    def __init__(self, temp_dir: Path, cache: FileCache | None = None, parent: Commit | None = None,
                 syncer: Executor | None = None) -> None:
        self.temp_dir = temp_dir
        self.cache = cache
        self.parent = parent
        self.syncer = syncer  # threads that flush several temp files at once (group commits)
        self.staged: dict[Path, Data] = {}

    def stage(self, path: Path, data: Data) -> None:
        self.staged[path] = data

    def staged_data(self, path: Path) -> Data | None:
        """What this commit (or the commit it is part of) staged for `path`; None: nothing yet."""
        found = self.staged.get(path)
        if found is None and self.parent is not None:
            return self.parent.staged_data(path)
        return found

    def part(self) -> Commit:
        """A commit inside this one (one write of a group commit): it reads what this one staged,
        and its own staging joins this one only by `merge`, so a refused write leaves no trace."""
        return Commit(self.temp_dir, self.cache, parent=self)

    def merge(self, part: Commit) -> None:
        self.staged.update(part.staged)

    def apply(self) -> None:
        temps: list[tuple[Path, str | None, bytes]] = []  # target, temp file (None: remove), bytes
        created: set[Path] = set()
        try:
            written: list[str] = []
            for path, data in self.staged.items():
                if not any(data.values()):
                    temps.append((path, None, b""))  # no document left: the file goes
                    continue
                payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
                fd, tmp = tempfile.mkstemp(prefix=f"{path.name}.", suffix=".tmp", dir=self.temp_dir)
                temps.append((path, tmp, payload))
                with os.fdopen(fd, "wb") as handle:
                    handle.write(payload)
                written.append(tmp)
                created |= _make_parents(path.parent)
            # Every temp file flushed before any rename. Several (a group commit) are flushed at
            # once: the file system joins concurrent flushes into one journal commit, where one
            # after the other would wait for a commit each.
            if self.syncer is not None and len(written) > 1:
                list(self.syncer.map(_sync_file, written))
            else:
                for tmp in written:
                    _sync_file(tmp)
            for path, tmp, _data in temps:
                if tmp is None:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(path)
                else:
                    os.replace(tmp, path)
        except BaseException:
            for _path, tmp, _data in temps:
                if tmp is not None:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(tmp)
            if self.cache is not None:
                for path in self.staged:
                    self.cache.drop(path)
            raise
        for folder in sorted({path.parent for path, *_ in temps} | {p.parent for p in created}):
            fsync_dir(folder)
        if self.cache is not None:
            for path, tmp, payload in temps:
                if tmp is None:
                    self.cache.drop(path)
                else:
                    with contextlib.suppress(FileNotFoundError):
                        self.cache.put(path, payload, _stamp(os.stat(path)))


def _sync_file(path: str) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        _sync_data(fd)
    finally:
        os.close(fd)


def _make_parents(folder: Path) -> set[Path]:
    """Create `folder` and missing parents; returns those created (their parents get fsynced)."""
    missing: list[Path] = []
    probe = folder
    while not probe.is_dir():
        missing.append(probe)
        probe = probe.parent
    for new in reversed(missing):
        with contextlib.suppress(FileExistsError):
            new.mkdir()
    return set(missing)


class AtomicJSONStorage(Storage):
    """A TinyDB `Storage` over one file of the store.

    Inside a `Commit` (writers, lock held) `read` reads the file from disk (or what this commit
    staged for it) and `write` stages; outside (readers) `read` goes through the `FileCache` and
    `write` commits at once. `read` raises DamagedFileError for a damaged file."""

    def __init__(self, path: str | os.PathLike[str], *, commit: Commit | None = None,
                 cache: FileCache | None = None, temp_dir: Path | None = None) -> None:
        super().__init__()
        self.path = Path(path)
        self._commit = commit
        self._cache = cache
        self._temp_dir = temp_dir or self.path.parent

    def read(self) -> Data | None:
        if self._commit is not None:
            staged = self._commit.staged_data(self.path)
            if staged is not None:
                return _private(staged)
            loaded = read_file(self.path)
            return loaded[0] if loaded is not None else None  # parsed anew: private already
        if self._cache is not None:
            return self._cache.get(self.path)  # parsed anew: private already
        loaded = read_file(self.path)
        return loaded[0] if loaded is not None else None

    def write(self, data: Data) -> None:
        if self._commit is not None:
            self._commit.stage(self.path, data)
            return
        commit = Commit(self._temp_dir, self._cache)
        commit.stage(self.path, data)
        commit.apply()


@contextlib.contextmanager
def locked(lock_path: Path) -> Iterator[None]:
    """Exclusive across processes and threads while the block runs (each call opens its own file
    description, so two threads of one process exclude each other too). Blocking: call it from a
    worker thread."""
    with open(lock_path, "a+b") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_stale_temp_files(folder: Path, older_than_s: float = 600.0) -> int:
    """Temp files left by a process killed mid-write (the real file is intact). Only old ones: a
    young temp file may belong to another process committing right now."""
    removed = 0
    if not folder.is_dir():
        return 0
    now = time.time()
    for candidate in folder.glob("*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            if now - candidate.stat().st_mtime > older_than_s:
                candidate.unlink()
                removed += 1
    return removed
