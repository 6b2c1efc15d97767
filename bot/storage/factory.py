"""The storage backend chosen by the settings (`STORAGE`: `tinydb`, the default, or `blob`)."""

from __future__ import annotations

import importlib
from typing import Any

from bot.storage.base import ItemStorage


def open_storage(settings: Any) -> ItemStorage:
    """The backend for `settings` (the service, `import-profile`, `notify` and `check-storage`
    all build it here). Opening reads no stored data."""
    kind = str(getattr(settings, "storage", "tinydb") or "tinydb").lower()
    if kind == "blob":
        # The Azure Blob backend (bot/storage/blob.py) builds itself from the AZURE_STORAGE_* settings.
        blob: Any = importlib.import_module("bot.storage.blob")
        return blob.BlobStorage.from_settings(settings)
    from bot.storage.tinydb_storage import TinyDBStorage

    return TinyDBStorage(settings.data_dir)
