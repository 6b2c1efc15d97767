"""Durable storage: the botbuilder `Storage` over TinyDB files under DATA_DIR."""

from bot.storage.tinydb_storage import ETagConflictError, TinyDBStorage

__all__ = ["ETagConflictError", "TinyDBStorage"]
