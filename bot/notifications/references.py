"""Keep conversation references the way Teams bots do: the `on_activity` hook of every turn.

- `installationUpdate` add (or a message from a conversation we do not know): store the reference,
  subscribed. `installationUpdate` remove, the bot removed from the members, or `teamDeleted`:
  drop the reference (a tombstone keeps the month ledger so a month is never sent twice).
- Every activity refreshes the serviceUrl (Teams moves it between regions) and the locale, and a
  conversation that speaks to the bot again is active again after a 403/404.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ActivityTypes

from bot.activity import bot_among
from bot.activity import tenant_of as activity_tenant
from bot.notifications.config import NotifyConfig
from bot.notifications.models import ConversationRecord
from bot.notifications.store import NotifyStore
from bot.outgoing import model_json
from cards.i18n import normalize_locale, t

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

_ADD_ACTIONS = {"add", "add-upgrade"}
_REMOVE_ACTIONS = {"remove", "remove-upgrade"}


def tenant_of(activity: Activity) -> str | None:
    # Lower-case like the profile store: one tenant, one key, however Teams spells the GUID.
    tenant = activity_tenant(activity)
    return tenant.lower() if tenant else None


def conversation_of(activity: Activity) -> str | None:
    """The conversation id to post to: a channel reply chain (`;messageid=`) maps to its channel."""
    if activity.conversation is None or not activity.conversation.id:
        return None
    return activity.conversation.id.split(";messageid=", 1)[0]


def _team_of(activity: Activity) -> str | None:
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    team = data.get("team")
    return str(team["id"]) if isinstance(team, dict) and team.get("id") else None


def _event_type(activity: Activity) -> str | None:
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    value = data.get("eventType")
    return str(value) if value else None


def reference_of(activity: Activity, conversation_id: str) -> dict[str, Any]:
    """The conversation reference to post to later, as stored (the JSON msrest writes, written by
    bot/outgoing.py's direct path: this runs on every turn). The activity is left untouched: the
    reference shares its conversation object, so the id is changed on the JSON only."""
    reference = TurnContext.get_conversation_reference(activity)
    # Proactive posts start a new message, not a reply to whatever activity we last saw.
    reference.activity_id = None  # pyright: ignore[reportAttributeAccessIssue] (the SDK types it str)
    data = model_json(reference)
    if isinstance(data.get("conversation"), dict):
        data["conversation"] = {**data["conversation"], "id": conversation_id}
    return data


def _address(reference: dict[str, Any] | None) -> tuple[Any, ...]:
    """The parts of a stored reference a proactive post depends on."""
    reference = reference or {}
    return tuple(reference.get(key) for key in ("serviceUrl", "channelId", "bot", "conversation"))


def _now(services: Services) -> dt.datetime:
    clock = getattr(services, "clock", None)
    return clock() if clock is not None else dt.datetime.now(dt.UTC)


def _store(services: Services) -> NotifyStore:
    return NotifyStore(services.storage)


async def on_activity(turn_context: TurnContext, services: Services) -> None:
    """Keep this conversation's reference current (called first in every turn, after the tenant check)."""
    activity = turn_context.activity
    tenant_id, conversation_id = tenant_of(activity), conversation_of(activity)
    if not tenant_id or not conversation_id or not activity.service_url:
        return  # not a Teams conversation we could ever post to (e.g. a malformed test activity)
    store = _store(services)
    kind = activity.type
    if kind == ActivityTypes.installation_update:
        if (activity.action or "").lower() in _REMOVE_ACTIONS:
            await _remove(store, tenant_id, conversation_id, services, "uninstalled")
            return
        if (activity.action or "").lower() in _ADD_ACTIONS:
            await _upsert(store, activity, tenant_id, conversation_id, services, install=True)
            return
    if kind == ActivityTypes.conversation_update:
        if _event_type(activity) == "teamDeleted":
            await _remove_team(store, tenant_id, conversation_id, _team_of(activity), services)
            return
        if bot_among(activity, activity.members_removed):
            await _remove(store, tenant_id, conversation_id, services, "bot removed")
            return
        if bot_among(activity, activity.members_added):
            await _upsert(store, activity, tenant_id, conversation_id, services, install=True)
            return
    if kind in (ActivityTypes.message, ActivityTypes.invoke, ActivityTypes.conversation_update):
        await _upsert(store, activity, tenant_id, conversation_id, services, install=False)


async def _upsert(
    store: NotifyStore,
    activity: Activity,
    tenant_id: str,
    conversation_id: str,
    services: Services,
    *,
    install: bool,
    subscribed: bool | None = None,
) -> ConversationRecord | None:
    reference = reference_of(activity, conversation_id)
    locale = normalize_locale(activity.locale)
    now = _now(services)
    conversation_type = activity.conversation.conversation_type if activity.conversation else None

    def change(record: ConversationRecord | None) -> ConversationRecord | None:
        if record is None or not record.installed:
            # New, or back after an uninstall: the bot is installed here, so it is subscribed.
            months = record.months if record is not None else {}
            return ConversationRecord(
                tenant_id=tenant_id,
                conversation_id=conversation_id,
                reference=reference,
                subscribed=True if subscribed is None else subscribed,
                locale=locale,
                team_id=_team_of(activity),
                conversation_type=conversation_type,
                updated_at=now,
                months=months,
            )
        # In a group chat or channel every speaker has their own user id and locale: only what the
        # proactive post needs (serviceUrl, bot, conversation) is refreshed, so busy channels cost no
        # write per message; the card's language follows the person in a personal chat.
        keep_locale = record.locale if conversation_type not in (None, "personal") else locale
        unchanged = (
            _address(record.reference) == _address(reference)
            and record.locale == keep_locale
            and record.active
            and (subscribed is None or record.subscribed == subscribed)
            and not install
        )
        if unchanged:
            return None  # the common case: a message from a known conversation costs one read
        update: dict[str, Any] = {
            "reference": reference,
            "locale": keep_locale,
            "active": True,
            "inactive_reason": None,
            "updated_at": now,
            "team_id": _team_of(activity) or record.team_id,
        }
        if subscribed is not None:
            update["subscribed"] = subscribed
        return record.model_copy(update=update)

    return await store.update(tenant_id, conversation_id, change)


async def _remove(store: NotifyStore, tenant_id: str, conversation_id: str, services: Services,
                  why: str) -> None:
    now = _now(services)

    def change(record: ConversationRecord | None) -> ConversationRecord | None:
        if record is None or not record.installed:
            return None
        return record.model_copy(update={"installed": False, "reference": None, "updated_at": now})

    await store.update(tenant_id, conversation_id, change)
    log.info(
        "conversation reference removed (%s): tenant %s conversation %s", why, tenant_id, conversation_id
    )


async def _remove_team(
    store: NotifyStore, tenant_id: str, conversation_id: str, team_id: str | None, services: Services
) -> None:
    """teamDeleted: drop the team's conversation and every channel of that team we know."""
    targets = {conversation_id}
    if team_id:
        targets.add(team_id)
        async for page in store.pages(tenant_id):
            for key, record in (await store.read_many(page)).items():
                if record.installed and record.team_id == team_id:
                    targets.add(key[1])
    for target in sorted(targets):
        await _remove(store, tenant_id, target, services, "team deleted")


async def set_subscription(turn_context: TurnContext, services: Services, on: bool) -> str:
    """Switch this conversation's monthly notifications on or off; returns the confirmation text."""
    activity = turn_context.activity
    locale = normalize_locale(activity.locale)
    tenant_id, conversation_id = tenant_of(activity), conversation_of(activity)
    if not tenant_id or not conversation_id or not activity.service_url:
        return t(locale, "notify.subscription_unavailable")
    store = _store(services)
    before = await store.get(tenant_id, conversation_id)
    was_on = before is not None and before.installed and before.subscribed
    await _upsert(store, activity, tenant_id, conversation_id, services, install=False, subscribed=on)
    commands = {"stop": t(locale, "notify.stop_command"), "start": t(locale, "notify.start_command")}
    day = NotifyConfig.from_services(services).day
    if on:
        key = "notify.already_subscribed" if was_on else "notify.subscribed"
        return t(locale, key, day=day, **commands)
    key = "notify.unsubscribed" if was_on or before is None else "notify.already_unsubscribed"
    return t(locale, key, day=day, **commands)
