"""What every part reads from an incoming activity, read one way: the tenant and the locale."""

from __future__ import annotations

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ChannelAccount

from cards.i18n import normalize_locale


def tenant_of(activity: Activity) -> str | None:
    """The Teams tenant id (channelData.tenant.id, else conversation.tenantId), trimmed; None if absent.
    Not lower-cased: store keys normalise it (bot.stores.tenant_key), logs show it as sent."""
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = data.get("tenant")
    tenant_id = tenant.get("id") if isinstance(tenant, dict) else None
    if not tenant_id and activity.conversation is not None:
        tenant_id = activity.conversation.tenant_id
    return str(tenant_id).strip() if isinstance(tenant_id, str) and tenant_id.strip() else None


def conversation_id_of(activity: Activity) -> str | None:
    """The activity's conversation id (a malformed activity may have no conversation)."""
    return activity.conversation.id if activity.conversation else None


def bot_among(activity: Activity, members: list[ChannelAccount] | None) -> bool:
    """Whether the bot itself (the activity's recipient) is one of these added/removed members."""
    bot_id = activity.recipient.id if activity.recipient is not None else None
    return bool(bot_id) and any(member.id == bot_id for member in members or [])


def locale_of(turn_context: TurnContext) -> str:
    return normalize_locale(turn_context.activity.locale)
