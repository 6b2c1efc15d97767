"""Who is speaking, and who a mentioned member is: by Microsoft Entra object id, never by name.

Teams puts `aadObjectId` on every user's activity; the role (member or guest) comes from the
conversation's roster (`TeamsInfo.get_member`), asked only when someone tries to change data.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

GUEST = "guest"


@dataclass(frozen=True)
class Person:
    """A user as the trust rules see them. `id` is the Entra object id (in local mode without one,
    the channel's user id); None when the user cannot be identified."""

    id: str | None
    name: str
    role: str | None = None  # Teams userRole: "user", "guest", "anonymous"; None if unknown

    @property
    def guest(self) -> bool:
        return (self.role or "").lower() in (GUEST, "anonymous")


class RosterUnavailableError(RuntimeError):
    """Teams could not tell who a conversation member is (connector down, member not found)."""


def _local_mode(services: Services) -> bool:
    return bool(services.settings.local_mode)


async def member(turn_context: TurnContext, services: Services, member_id: str) -> Person:
    """A conversation member by their Teams user id (`29:...`), with Entra id and role from the roster.

    In local mode (no Bot Framework auth: the playground, tests without a connector) a roster that
    cannot be asked leaves the role unknown rather than refusing; in production it raises."""
    try:
        account = await TeamsInfo.get_member(turn_context, member_id)
    except Exception as error:  # the connector's own errors are untyped (msrest, aiohttp, ValueError)
        if not _local_mode(services):
            raise RosterUnavailableError(f"roster lookup of {member_id} failed: {error}") from error
        log.debug("local mode: no roster for %s (%s)", member_id, error)
        return Person(id=member_id, name=member_id)
    aad = getattr(account, "aad_object_id", None)
    name = getattr(account, "name", None) or member_id
    role = getattr(account, "user_role", None)
    if not aad and _local_mode(services):
        aad = member_id
    return Person(id=aad or None, name=name, role=role)


async def speaker(turn_context: TurnContext, services: Services) -> Person:
    """The sender of this activity, with the role from the roster (see `member`)."""
    sender = turn_context.activity.from_property
    sender_id = sender.id if sender is not None else None
    name = (sender.name if sender is not None else None) or ""
    aad = sender.aad_object_id if sender is not None else None
    if not aad and _local_mode(services):
        aad = sender_id  # emulator, curl: no Entra id; the channel's user id stands in
    if not sender_id:
        return Person(id=None, name=name)
    found = await member(turn_context, services, sender_id)
    return Person(id=aad or None, name=name or found.name, role=found.role)


def speaker_id(turn_context: TurnContext, services: Services) -> str | None:
    """The sender's identity without asking the roster (for reads: whose draft, who asked)."""
    sender = turn_context.activity.from_property
    if sender is None:
        return None
    if sender.aad_object_id:
        return str(sender.aad_object_id)
    return str(sender.id) if sender.id and _local_mode(services) else None


def mentions(turn_context: TurnContext) -> list[tuple[str, str]]:
    """(Teams user id, display name) of every user @mentioned in this message, the bot excepted."""
    activity = turn_context.activity
    bot_id = activity.recipient.id if activity.recipient else None
    found: list[tuple[str, str]] = []
    for entity in activity.entities or []:
        if getattr(entity, "type", None) != "mention":
            continue
        props = getattr(entity, "additional_properties", None) or {}
        mentioned = props.get("mentioned")
        if not isinstance(mentioned, dict):
            continue
        mention_id, name = mentioned.get("id"), mentioned.get("name")
        if isinstance(mention_id, str) and mention_id and mention_id != bot_id:
            found.append((mention_id, name if isinstance(name, str) else mention_id))
    return found
