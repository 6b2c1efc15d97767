"""Everything the bot holds for one tenant: found, exported as one JSON document, erased.

Storages cannot list keys, so the keys of a tenant are derived or indexed:
- fixed per tenant: the profile, the intake's areas, the owners, the versions (their own index),
  the score history (its month index) and its snapshots (bot/history.py, their own month index);
- per conversation: the notification record and the conversation state (intake drafts). The
  conversations come from `tenant-data/<tenant>/<state key>`, one small item per conversation state
  that a turn writes once (`remember`; listed by prefix), from the one-document registry
  `tenant-data/<tenant>` earlier versions kept (read, never written: every new conversation
  rewriting one tenant-wide document made concurrent new conversations of a tenant contend), and
  from the notification records (conversations that spoke before either existed).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import logging
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote

from botbuilder.core import Storage, TurnContext

from bot.history import ScoreHistoryStore
from bot.intake import prefs
from bot.notifications.references import conversation_of
from bot.notifications.store import NotifyStore, ref_key
from bot.storage.base import IF_ABSENT, ETagConflictError, ItemStorage, iter_keys
from bot.stores import HistoryStore, ProfileStore, tenant_key
from bot.trust.owners import OwnerStore
from bot.trust.versions import VersionStore

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

_REMEMBERED: set[tuple[int, str, str]] = set()  # (storage id, tenant, state key) known in this process


def registry_key(tenant_id: str) -> str:
    """The one-document registry of earlier versions (read and erased, no longer written)."""
    return f"tenant-data/{tenant_key(tenant_id)}"


def conversations_prefix(tenant_id: str) -> str:
    return f"tenant-data/{tenant_key(tenant_id)}/"


def conversation_key(tenant_id: str, state_key: str) -> str:
    return conversations_prefix(tenant_id) + quote(state_key, safe="")


def _tenant(tenant_id: str) -> str:
    return tenant_id.strip().lower()  # how the notification records spell it


async def remember(turn_context: TurnContext, services: Services, tenant_id: str) -> None:
    """Note this turn's conversation under its tenant (once per conversation and process)."""
    conversation_id = conversation_of(turn_context.activity)
    try:
        state_key = str(services.conversation_state.get_storage_key(turn_context))
    except (TypeError, AttributeError):  # an activity without channel or conversation: nothing kept
        return
    marker = (id(services.storage), _tenant(tenant_id), state_key)
    if marker in _REMEMBERED or not conversation_id:
        return

    item = {"state_key": state_key, "conversation_id": conversation_id, "e_tag": IF_ABSENT}
    # Kept already (another process, or before a restart) is fine: a state key has one conversation.
    with contextlib.suppress(ETagConflictError):
        await services.storage.write({conversation_key(tenant_id, state_key): item})
    _REMEMBERED.add(marker)


def plain(value: Any) -> Any:
    """Stored values as JSON (conversation state holds botbuilder objects such as DialogState)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items() if k != "e_tag"}
    if isinstance(value, list | tuple | set):
        return [plain(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if hasattr(value, "__dict__"):  # e.g. DialogState keeps its stack in `_dialog_stack`
        return {k.lstrip("_"): plain(v) for k, v in vars(value).items() if k != "e_tag"}
    return str(value)


class TenantData:
    """Export and erase over any botbuilder Storage (read, write with eTags, delete)."""

    def __init__(self, storage: Storage, clock: Any) -> None:
        self.storage = storage
        self.clock = clock
        self.profiles = ProfileStore(storage, clock)
        self.versions = VersionStore(storage, self.profiles, clock)
        self.owners = OwnerStore(storage, clock)
        self.history = HistoryStore(storage)
        self.notify = NotifyStore(storage)

    async def _read(self, key: str) -> Any:
        return (await self.storage.read([key])).get(key)

    async def _kept(self, tenant_id: str) -> list[str]:
        """The keys of the conversation items `remember` wrote for the tenant."""
        storage = cast(ItemStorage, self.storage)  # the bot's storages list keys (bot/storage/base.py)
        return [key async for key in iter_keys(storage, conversations_prefix(tenant_id))]

    async def _conversations(self, tenant_id: str) -> dict[str, list[str]]:
        """conversation id -> its conversation-state keys (a channel has one per reply thread)."""
        found: dict[str, list[str]] = {}
        registry = await self._read(registry_key(tenant_id))
        pairs = list(((registry or {}).get("conversations") or {}).items())
        keys = await self._kept(tenant_id)
        for item in (await self.storage.read(keys)).values() if keys else ():
            pairs.append((item["state_key"], item["conversation_id"]))
        for state_key, conversation_id in pairs:
            if state_key not in found.get(conversation_id, []):
                found.setdefault(conversation_id, []).append(state_key)
        tenant = _tenant(tenant_id)
        for indexed_tenant, conversation_id in await self.notify.index(tenant):
            if indexed_tenant == tenant and conversation_id not in found:
                record = await self.notify.get(tenant, conversation_id)
                channel = (record.reference or {}).get("channelId") if record else None
                found[conversation_id] = [f"{channel}/conversations/{conversation_id}"] if channel else []
        return found

    async def export(self, tenant_id: str) -> dict[str, Any]:
        profile_item = await self._read(ProfileStore.key(tenant_id))
        areas_item = await self._read(prefs.key(tenant_id))
        versions = []
        for entry in await self.versions.entries(tenant_id):
            body = await self._read(entry.body)
            versions.append({**entry.model_dump(mode="json", exclude={"body"}),
                             "profile": plain((body or {}).get("profile"))})
        history = {}
        for month in await self.history.months(tenant_id):
            item = await self._read(HistoryStore.key(tenant_id, month))
            if item and "scorecard" in item:
                history[month] = plain(item["scorecard"])
        conversations = []
        for conversation_id, state_keys in sorted((await self._conversations(tenant_id)).items()):
            record = await self.notify.get(_tenant(tenant_id), conversation_id)
            states = await self.storage.read(state_keys) if state_keys else {}
            conversations.append({
                "conversation_id": conversation_id,
                "notifications": record.model_dump(mode="json") if record else None,
                "state": {key: plain(value) for key, value in sorted(states.items())},
            })
        return {
            "tenant": _tenant(tenant_id),
            "exported_at": self.clock().isoformat(),
            "profile": plain(profile_item.get("profile")) if profile_item else None,
            "profile_updated": profile_item.get("updated") if profile_item else None,
            "preferences": {"areas": plain(areas_item.get("areas")) if areas_item else None},
            "owners": [o.model_dump(mode="json") for o in await self.owners.owners(tenant_id)],
            "versions": versions,
            "score_history": history,
            "score_snapshots": [snap.model_dump(mode="json")
                                for snap in await ScoreHistoryStore(self.storage).snapshots(tenant_id)],
            "conversations": conversations,
        }

    async def erase(self, tenant_id: str) -> dict[str, int]:
        """Delete everything `export` shows; returns counts per kind. Safe to run twice."""
        tenant = _tenant(tenant_id)
        conversations = await self._conversations(tenant_id)
        months = await self.history.months(tenant_id)
        counts = {"profile": int(await self._read(ProfileStore.key(tenant_id)) is not None),
                  "versions": await self.versions.erase(tenant_id),
                  "score_history_months": len(months),
                  "conversations": len(conversations)}
        keys = [ProfileStore.key(tenant_id), prefs.key(tenant_id), OwnerStore.key(tenant_id),
                HistoryStore.index_key(tenant_id)]
        keys += [HistoryStore.key(tenant_id, month) for month in months]
        keys += await ScoreHistoryStore(self.storage).keys(tenant_id)  # snapshots of saves and months
        keys += [ref_key(tenant, conversation_id) for conversation_id in conversations]
        keys += [state_key for state_keys in conversations.values() for state_key in state_keys]
        # Conversation records are listed by prefix (no index document): deleting them is enough.
        await self.storage.delete(keys)
        await self.storage.delete([*await self._kept(tenant_id), registry_key(tenant_id)])
        _REMEMBERED.difference_update({m for m in _REMEMBERED if m[1] == tenant})
        log.info("erased tenant %s: %s", tenant, counts, extra={"tenant_id": tenant})
        return counts
