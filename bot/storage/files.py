"""One TinyDB JSON file, written atomically and shared safely between processes.

- Atomic: every commit writes a temp file in the same directory, fsyncs it, `os.replace`s it over the
  old file and fsyncs the directory. A crash or SIGKILL at any point leaves either the previous file
  or the new one, never a torn one.
- Cross-process: commits hold an exclusive `fcntl.flock` on `<name>.lock` for the whole
  read-modify-write, and re-read the file first if another process replaced it (inode/mtime/size
  changed). Readers need no lock: `os.replace` swaps whole files.
- Fast reads: the parsed content is cached and re-validated with one `os.stat` per read.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage as TinyStorage

Data = dict[str, dict[str, Any]]  # TinyDB layout: table -> doc id (str) -> document
_Stamp = tuple[int, int, int]  # inode, mtime_ns, size


class CorruptFileError(RuntimeError):
    """A data file exists but is not valid JSON (edited by hand?). Never silently replaced."""


def _stamp(path: Path) -> _Stamp | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


class AtomicJSONStorage(TinyStorage):
    """A TinyDB storage with a cached snapshot and batched, atomic commits."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self._snapshot: Data = {}
        self._stamp: _Stamp | None = None
        self._loaded = False
        self._batch: Data | None = None
        self._dirty = False
        self._guard = threading.Lock()  # one batch at a time inside this process

    # --- snapshot (readers) ---------------------------------------------------------------------
    def is_fresh(self) -> bool:
        return self._loaded and _stamp(self.path) == self._stamp

    def snapshot(self) -> Data:
        """The last committed content; callers must not mutate it."""
        if not self.is_fresh():
            self._reload()
        return self._snapshot

    def _reload(self) -> None:
        for _ in range(5):  # the file may be replaced between stat and open; retry on mismatch
            before = _stamp(self.path)
            if before is None:
                self._snapshot, self._stamp, self._loaded = {}, None, True
                return
            try:
                with open(self.path, "rb") as handle:
                    after = os.fstat(handle.fileno())
                    raw = handle.read()
            except FileNotFoundError:
                continue
            if (after.st_ino, after.st_mtime_ns, after.st_size) != before:
                continue
            try:
                data = json.loads(raw) if raw.strip() else {}
            except ValueError as error:
                raise CorruptFileError(f"{self.path} is not valid JSON ({error}); "
                                       "restore it from a backup or move it aside") from error
            if not isinstance(data, dict):
                raise CorruptFileError(f"{self.path} does not hold a TinyDB document")
            self._snapshot, self._stamp, self._loaded = data, before, True
            return
        raise RuntimeError(f"{self.path} keeps changing while being read")

    # --- TinyDB storage interface (used inside `batch()` only) ----------------------------------
    def read(self) -> Data | None:
        if self._batch is None:
            raise RuntimeError("AtomicJSONStorage is written through batch() only")
        return self._batch

    def write(self, data: Data) -> None:
        if self._batch is None:
            raise RuntimeError("AtomicJSONStorage is written through batch() only")
        self._batch = data
        self._dirty = True

    def close(self) -> None:
        pass

    # --- writers --------------------------------------------------------------------------------
    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Everything TinyDB does inside the block is committed as one atomic file write.

        Blocking (file lock, fsync): call it from a worker thread, not the event loop.
        """
        with self._guard:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.lock_path, "a+b") as lock:
                fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
                try:
                    base = self.snapshot()  # reloads if another process committed meanwhile
                    # Shallow copies: TinyDB replaces table dicts and documents, it never edits a
                    # document in place (we only insert/remove), so readers keep a stable snapshot.
                    self._batch = {name: dict(table) for name, table in base.items()}
                    self._dirty = False
                    try:
                        yield
                        committed, dirty = self._batch, self._dirty
                    finally:
                        self._batch, self._dirty = None, False
                    if dirty:
                        self._commit(committed)
                finally:
                    fcntl.flock(lock.fileno(), fcntl.LOCK_UN)

    def _commit(self, data: Data) -> None:
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        _fsync_dir(self.path.parent)
        self._snapshot, self._stamp, self._loaded = data, _stamp(self.path), True


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def open_tinydb(path: Path) -> tuple[TinyDB, AtomicJSONStorage]:
    db = TinyDB(path, storage=AtomicJSONStorage)
    storage = db.storage
    assert isinstance(storage, AtomicJSONStorage)
    return db, storage


def remove_stale_temp_files(folder: Path, older_than_s: float = 600.0) -> int:
    """Temp files left by a process killed mid-write (the real file is intact). Only old ones: a
    young temp file may belong to another process committing right now."""
    removed = 0
    if not folder.is_dir():
        return 0
    now = time.time()
    for candidate in folder.glob(".*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            if now - candidate.stat().st_mtime > older_than_s:
                candidate.unlink()
                removed += 1
    return removed
