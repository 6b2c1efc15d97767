"""The storage the settings name (`STORAGE`), for the service, `import-profile` and `notify` alike."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from botbuilder.core import Storage

    from bot.config import Settings


def open_storage(settings: Settings) -> Storage:
    """No I/O: a backend connects on first use (start-up reads no data)."""
    if settings.storage == "blob":
        from bot.storage.blob_storage import BlobStorage  # the Azure SDK only where it is used

        return BlobStorage.from_settings(settings)
    from bot.storage.tinydb_storage import TinyDBStorage

    return TinyDBStorage(settings.data_dir)


def describe(settings: Settings) -> str:
    """Where the items are, for log lines and CLI output (no secrets)."""
    if settings.storage == "blob":
        where = settings.azure_storage_account_url or "the connection string's account"
        return f"blob container {settings.azure_storage_container} ({where})"
    return str(settings.data_dir.resolve())


async def close_storage(storage: Storage) -> None:
    """TinyDBStorage closes synchronously, BlobStorage asynchronously."""
    close = getattr(storage, "close", None)
    if callable(close):
        result = close()
        if hasattr(result, "__await__"):
            await result
