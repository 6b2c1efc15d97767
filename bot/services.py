"""The objects a turn needs, built once per process (see the team brief, "bot wiring")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botbuilder.core import ConversationState, Storage, UserState
from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication

from bot.config import Settings
from bot.sdk_fixes import ConnectorPool, FixedCloudAdapter, PooledBotFrameworkAuthentication, apply_sdk_fixes
from bot.storage.tinydb_storage import TinyDBStorage
from bot.stores import HistoryStore, ProfileStore


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class Services:
    settings: Settings
    storage: Storage
    conversation_state: ConversationState
    user_state: UserState
    profiles: ProfileStore
    history: HistoryStore
    adapter: FixedCloudAdapter
    clock: Callable[[], dt.datetime] = utc_now
    pool: ConnectorPool | None = None
    extras: dict[str, Any] = field(default_factory=dict)  # per-part caches (e.g. dialog sets)

    async def close(self) -> None:
        if self.pool is not None:
            await self.pool.close()
        close = getattr(self.storage, "close", None)
        if callable(close):
            close()


def build_adapter(settings: Settings, pool: ConnectorPool, **auth_overrides: Any) -> FixedCloudAdapter:
    """The patched CloudAdapter. `auth_overrides` set botbuilder configuration attributes (tests
    point TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL at a local key server)."""
    apply_sdk_fixes()
    inner = ConfigurationBotFrameworkAuthentication(settings.bot_framework_config(**auth_overrides))
    return FixedCloudAdapter(PooledBotFrameworkAuthentication(inner, pool))


def build_services(settings: Settings, storage: Storage | None = None,
                   clock: Callable[[], dt.datetime] = utc_now, **auth_overrides: Any) -> Services:
    storage = storage if storage is not None else TinyDBStorage(settings.data_dir)
    pool = ConnectorPool()
    return Services(
        settings=settings,
        storage=storage,
        conversation_state=ConversationState(storage),
        user_state=UserState(storage),
        profiles=ProfileStore(storage, clock),
        history=HistoryStore(storage),
        adapter=build_adapter(settings, pool, **auth_overrides),
        clock=clock,
        pool=pool,
    )
