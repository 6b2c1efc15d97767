"""TinyDB-format JSON files, written atomically and shared safely between processes.

- Atomic: a commit writes each new file as a temp file in the same directory and flushes it to disk
  (fdatasync) before any `os.replace`, then fsyncs the directory once for the whole commit. A crash
  or SIGKILL at any point leaves each file either as it was or as committed, never torn; a failure
  while writing the temp files (disk full...) changes no file at all. The writer returns only after
  the directory fsync, so an acknowledged write is durable.
- Cross-process: writers hold an exclusive `fcntl.flock` on a lock file (see `locked`) for the whole
  read-modify-write and start from the bytes on disk (compared with the cached content by digest,
  re-parsed only if another process changed them). Readers need no lock: `os.replace` swaps whole
  files.
- Fast reads: the parsed content is cached and re-validated with one `os.stat` per read. The stat
  stamp (inode, mtime, size) can in theory repeat (a reused inode, same size, same mtime tick); a
  reader fooled by that sees the previous version, and its write is then refused by the eTag check,
  which writers make against the verified bytes (and which refreshes the cache).

The content is TinyDB's JSON layout ({table: {doc id: document}}), so a file can be opened with
`tinydb.TinyDB(path)` for inspection.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

Data = dict[str, dict[str, Any]]  # TinyDB layout: table -> doc id (str) -> document
_Stamp = tuple[int, int, int]  # inode, mtime_ns, size
_State = tuple[Data, _Stamp | None, bytes]  # parsed content, its stamp, digest of its bytes
_sync_data = getattr(os, "fdatasync", os.fsync)  # a new file's size is flushed by fdatasync too


class CorruptFileError(RuntimeError):
    """A data file exists but is not valid JSON (edited by hand?). Never silently replaced."""


def _stamp(path: Path) -> _Stamp | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _digest(raw: bytes) -> bytes:
    return hashlib.blake2b(raw, digest_size=16).digest()


_NO_FILE = _digest(b"")


@contextlib.contextmanager
def locked(lock_path: Path) -> Iterator[None]:
    """Exclusive across processes while the block runs. Blocking: call it from a worker thread.
    One process must not take the same lock twice at once (flock locks are per open file)."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+b") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


class JSONFile:
    """One data file: a cached snapshot of its last committed content. Writers change it only while
    holding its lock (`locked(...)`; which lock file is the caller's choice, see layout)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        # (data, stamp, digest) are replaced together as one tuple: a reader thread never pairs a
        # snapshot with another version's stamp.
        self._state: _State | None = None

    # --- snapshot (readers) ---------------------------------------------------------------------
    def is_fresh(self) -> bool:
        state = self._state
        return state is not None and _stamp(self.path) == state[1]

    def exists(self) -> bool:
        return self.path.exists()

    def snapshot(self) -> Data:
        """The last committed content; callers must not mutate it."""
        state = self._state
        if state is None or _stamp(self.path) != state[1]:
            state = self._reload()
        return state[0]

    def _reload(self) -> _State:
        for _ in range(5):  # the file may be replaced between stat and open; retry on mismatch
            before = _stamp(self.path)
            if before is None:
                self._state = ({}, None, _NO_FILE)
                return self._state
            try:
                with open(self.path, "rb") as handle:
                    after = os.fstat(handle.fileno())
                    raw = handle.read()
            except FileNotFoundError:
                continue
            if (after.st_ino, after.st_mtime_ns, after.st_size) != before:
                continue
            self._state = (self._parse(raw), before, _digest(raw))
            return self._state
        raise RuntimeError(f"{self.path} keeps changing while being read")

    def verified(self) -> Data:
        """For writers, under the lock: the content on disk, checked by digest rather than by stamp,
        re-parsed only if it differs from the cached one."""
        try:
            with open(self.path, "rb") as handle:
                st = os.fstat(handle.fileno())
                raw = handle.read()
        except FileNotFoundError:
            self._state = ({}, None, _NO_FILE)
            return self._state[0]
        stamp, digest, state = (st.st_ino, st.st_mtime_ns, st.st_size), _digest(raw), self._state
        if state is not None and state[2] == digest:
            self._state = (state[0], stamp, digest)
        else:
            self._state = (self._parse(raw), stamp, digest)
        return self._state[0]

    def _parse(self, raw: bytes) -> Data:
        try:
            data = json.loads(raw) if raw.strip() else {}
        except ValueError as error:
            raise CorruptFileError(f"{self.path} is not valid JSON ({error}); "
                                   "restore it from a backup or move it aside") from error
        if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
            raise CorruptFileError(f"{self.path} does not hold a TinyDB document")
        return data

    def forget(self) -> None:
        self._state = None

    def adopt(self, data: Data, digest: bytes) -> None:
        """`data` was just committed to this file (lock held): cache it without re-reading."""
        self._state = (data, _stamp(self.path), digest)

    # --- writers --------------------------------------------------------------------------------
    def stage(self, data: Data) -> tuple[str, bytes]:
        """Write `data` to a temp file beside the real one and flush it to disk; returns its path and
        the digest of its bytes."""
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
                handle.flush()
                _sync_data(handle.fileno())
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        return tmp, _digest(payload)


def commit(changes: Sequence[tuple[JSONFile, Data]]) -> None:
    """Replace each file with its new content. The caller holds every file's lock.

    All temp files are written and flushed before the first rename, and the directory is fsynced
    once after the last: one write() touching several shards costs one fsync per file plus one,
    not two per file, with the same guarantee (each file whole; durable when this returns).
    """
    staged: list[tuple[JSONFile, Data, str, bytes]] = []
    replaced = 0
    try:
        for file, data in changes:
            staged.append((file, data, *file.stage(data)))
        for file, _data, tmp, _hash in staged:
            os.replace(tmp, file.path)
            replaced += 1
    except BaseException:
        for _file, _data, tmp, _hash in staged[replaced:]:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        for file, *_rest in staged:
            file.forget()  # re-read from disk next time, whatever happened
        raise
    for folder in {file.path.parent for file, *_rest in staged}:
        _fsync_dir(folder)
    for file, data, _tmp, digest in staged:
        file.adopt(data, digest)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def retire(path: Path, new_name: str) -> None:
    """Rename a file that is no longer read (a migrated legacy file), durably."""
    os.replace(path, path.with_name(new_name))
    _fsync_dir(path.parent)


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
