"""Migration of format 1 (hash-shard files at the top of DATA_DIR, values possibly jsonpickle) to
format 2 (bot/storage/layout.py), once, when a store is opened on old data.

Under one lock file, so concurrent processes migrate once. Each old file is copied key by key into
format 2 (eTags kept; a key already there wins: it is either from an earlier migration cut off
before the old file was moved away, or newer), then moved to `DATA_DIR/legacy/` (kept as a backup,
never read again). A damaged old file is logged, left where it is, and listed by `check-storage`;
the other files are migrated. Renamed keys: the notification records `notify-<xx>/<tenant>/<conv>`
become `notify/conversations/<tenant>/<conv>` (listed by prefix), and their one-document index
`notify/index` is dropped.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonpickle

from bot.storage import codec, layout
from bot.storage.files import DamagedFileError, fsync_dir, locked, read_file

if TYPE_CHECKING:
    from bot.storage.tinydb_storage import TinyDBStorage

log = logging.getLogger(__name__)

LEGACY = "legacy"
LOCK = ".legacy-migration.lock"


def legacy_files(folder: Path) -> list[Path]:
    """Format-1 data files still at the top of `folder` (one scan of that folder, no data read)."""
    try:
        with os.scandir(folder) as entries:
            return sorted(Path(entry.path) for entry in entries
                          if entry.is_file() and layout.is_legacy_file_name(entry.name))
    except FileNotFoundError:
        return []


def new_key(key: str) -> str | None:
    """The format-2 key of a format-1 key (None: dropped)."""
    if key == "notify/index":
        return None
    head, _, rest = key.partition("/")
    if head.startswith("notify-") and len(head) == len("notify-00") and rest:
        return f"notify/conversations/{rest}"
    return key


def _value(document: dict[str, Any]) -> Any:
    stored = document["value"]
    if document.get("codec") == "jsonpickle":
        # Written by this bot's own processes only (format 1 stored dialog state so): trusted.
        stored = jsonpickle.Unpickler(keys=True).restore(stored)
    return codec.encode(stored)


def migrate_legacy_files(storage: TinyDBStorage) -> int:
    """Migrate what format-1 files are left; returns the number of items copied."""
    folder = storage.folder
    if not legacy_files(folder):
        return 0
    copied = 0
    with locked(folder / LOCK):
        pending = legacy_files(folder)  # another process may have finished while we waited
        if pending:
            log.info("storage: migrating %d files of the old layout into %s/", len(pending), layout.ITEMS)
        for path in pending:
            try:
                loaded = read_file(path)
            except DamagedFileError as error:
                log.error("storage: old-layout file %s is damaged (%s); not migrated, left in place "
                          "(python -m bot check-storage lists and quarantines it)", path, error.problem)
                continue
            if loaded is None:
                continue
            items: dict[str, tuple[str, Any]] = {}
            for document in loaded[0].get(layout.LEGACY_TABLE, {}).values():
                key = new_key(str(document.get("key", "")))
                if key:
                    items[key] = (str(document.get("e_tag") or ""), _value(document))
            copied += storage.import_items(items)
            target = folder / LEGACY / path.name
            target.parent.mkdir(exist_ok=True)
            os.replace(path, target)
            fsync_dir(folder)
            fsync_dir(target.parent)
        if pending:
            log.info("storage: migration done, %d items copied; old files kept in %s/", copied, LEGACY)
    return copied
