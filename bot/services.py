"""The objects a turn needs, built once per process (see the team brief, "bot wiring")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botbuilder.core import ConversationState, UserState
from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botframework.connector.auth import ServiceClientCredentialsFactory

from bot.config import Settings
from bot.sdk_fixes import ConnectorPool, FixedCloudAdapter, PooledBotFrameworkAuthentication, apply_sdk_fixes
from bot.server import LIMITS
from bot.storage.base import ItemStorage
from bot.storage.factory import open_storage
from bot.storage.turn import TurnConversationState, TurnUserState
from bot.stores import HistoryStore, ProfileStore


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class Services:
    settings: Settings
    storage: ItemStorage
    conversation_state: ConversationState
    user_state: UserState
    profiles: ProfileStore
    history: HistoryStore
    adapter: FixedCloudAdapter
    clock: Callable[[], dt.datetime] = utc_now
    pool: ConnectorPool | None = None
    extras: dict[str, Any] = field(default_factory=dict)  # per-part overrides (e.g. "notify_config")

    async def close(self) -> None:
        if self.pool is not None:
            await self.pool.close()
        await self.storage.close()


def build_adapter(settings: Settings, pool: ConnectorPool,
                  credentials_factory: ServiceClientCredentialsFactory | None = None, *,
                  body_timeout_s: float = LIMITS.body_timeout_s) -> FixedCloudAdapter:
    """The patched CloudAdapter over the standard configuration-based authentication.
    `credentials_factory` replaces how outbound tokens are obtained (tests: no AAD)."""
    apply_sdk_fixes()
    # The SDK annotates `credentials_factory` as required but builds the password factory for None.
    inner = ConfigurationBotFrameworkAuthentication(settings.bot_framework_config(),
                                                    credentials_factory=credentials_factory)  # pyright: ignore[reportArgumentType]
    return FixedCloudAdapter(PooledBotFrameworkAuthentication(inner, pool), app_id=settings.app_id,
                             body_timeout_s=body_timeout_s)


def build_services(settings: Settings, storage: ItemStorage | None = None,
                   clock: Callable[[], dt.datetime] = utc_now,
                   credentials_factory: ServiceClientCredentialsFactory | None = None) -> Services:
    storage = storage if storage is not None else open_storage(settings)
    pool = ConnectorPool()
    return Services(
        settings=settings,
        storage=storage,
        conversation_state=TurnConversationState(storage),
        user_state=TurnUserState(storage),
        profiles=ProfileStore(storage, clock),
        history=HistoryStore(storage),
        adapter=build_adapter(settings, pool, credentials_factory),
        clock=clock,
        pool=pool,
    )
