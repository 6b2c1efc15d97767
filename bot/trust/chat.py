"""The trust commands in the chat: history, undo, restore, owners. The handler calls `handle_turn`
for every message before the question answering; True means the message was one of these."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from botbuilder.core import CardFactory, MessageFactory, TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.schema.teams import TeamsPagedMembersResult

from bot.activity import locale_of, tenant_of
from bot.trust.commands import Command, recognise
from bot.trust.guard import conflict_text, guard_edit, owners_of, versions_of
from bot.trust.owners import LastOwnerError, Owner
from bot.trust.people import Person, RosterUnavailableError, member, mentions
from bot.trust.render import entry_line, names
from bot.trust.versions import VersionConflictError, VersionEntry, VersionNotFoundError
from cards.adaptive import literal, without_links
from cards.i18n import t
from cards.trust_cards import TRUST_KEY, MemberRow, OwnerRow, VersionRow, history_card, owners_card

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

HISTORY_SHOWN = 10  # versions on the history card
MEMBERS_SHOWN = 50  # members on the owners card (one roster page)


async def handle_turn(turn_context: TurnContext, services: Services) -> bool:
    activity = turn_context.activity
    value = activity.value if isinstance(activity.value, dict) else None
    if value is not None and isinstance(value.get(TRUST_KEY), dict):
        await _on_submit(turn_context, services, value[TRUST_KEY])
        return True
    if value is not None:
        return False  # another part's card
    command = recognise(activity.text, locale_of(turn_context))
    if command is None:
        return False
    await _on_command(turn_context, services, command)
    return True


# --- dispatch ---------------------------------------------------------------------------------------
async def _on_command(turn_context: TurnContext, services: Services, command: Command) -> None:
    if command.kind == "history":
        await show_history(turn_context, services)
    elif command.kind == "undo":
        await undo(turn_context, services, base=None)
    elif command.kind == "owners":
        await show_owners(turn_context, services)
    elif command.kind == "add_owner":
        await add_owner(turn_context, services, _mentioned_or_named(turn_context, command.who))
    elif command.kind == "remove_owner":
        await remove_owner(turn_context, services, _mentioned_or_named(turn_context, command.who))


async def _on_submit(turn_context: TurnContext, services: Services, data: dict[str, Any]) -> None:
    op, base, version = data.get("op"), _number(data.get("base")), _number(data.get("version"))
    if op == "undo":
        await undo(turn_context, services, base=base)
    elif op == "restore" and version is not None:
        await restore(turn_context, services, version, base=base)
    elif op == "add_owner" and isinstance(data.get("member"), str):
        await add_owner(turn_context, services, ("member", data["member"], ""))
    elif op == "remove_owner" and isinstance(data.get("owner"), str):
        await remove_owner(turn_context, services, ("owner", data["owner"], ""))
    else:
        await show_history(turn_context, services)  # a broken or forged button: show where things are


def _number(value: Any) -> int | None:
    """A version number from a card's data (JSON: true is not 1)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _tenant(turn_context: TurnContext) -> str:
    tenant_id = tenant_of(turn_context.activity)
    if not tenant_id:  # the handler refuses turns without a tenant before any part runs
        raise RuntimeError("a trust command without a tenant")
    return tenant_id


async def _card(turn_context: TurnContext, card: dict, text: str | None = None) -> None:
    reply = MessageFactory.attachment(CardFactory.adaptive_card(without_links(card)))
    if text:
        reply.text = literal(text)
    await turn_context.send_activity(reply)


# --- history, undo, restore -------------------------------------------------------------------------
async def show_history(turn_context: TurnContext, services: Services, text: str | None = None) -> None:
    locale = locale_of(turn_context)
    versions = versions_of(services)
    entries = await versions.entries(_tenant(turn_context))
    if not entries:
        await turn_context.send_activity(t(locale, "trust.history_empty"))
        return
    rows = [VersionRow(e.number, entry_line(locale, e)) for e in reversed(entries[-HISTORY_SHOWN:])]
    await _card(turn_context, history_card(locale, rows, versions.retention_months),
                text or t(locale, "trust.history_text"))


async def undo(turn_context: TurnContext, services: Services, base: int | None) -> None:
    locale = locale_of(turn_context)
    entries = await versions_of(services).entries(_tenant(turn_context))
    if len(entries) < 2:
        await turn_context.send_activity(t(locale, "trust.undo_nothing"))
        return
    if base is None:
        base = entries[-1].number
    target = next((e.number for e in reversed(entries) if e.number < base), None)
    if target is None:
        await turn_context.send_activity(t(locale, "trust.undo_nothing"))
        return
    await restore(turn_context, services, target, base=base, done_key="trust.undo_done")


async def restore(turn_context: TurnContext, services: Services, number: int, base: int | None,
                  done_key: str = "trust.restore_done") -> None:
    from scoring import ProfileError

    locale = locale_of(turn_context)
    editor = await guard_edit(turn_context, services)
    if editor is None:
        return
    versions = versions_of(services)
    tenant_id = _tenant(turn_context)
    if base is None:
        base = await versions.current_number(tenant_id)
    if number == base:
        await turn_context.send_activity(t(locale, "trust.restore_current", version=number))
        return
    try:
        entry = await versions.restore(tenant_id, number, by_id=editor.id, by_name=editor.name, base=base)
    except VersionConflictError as conflict:
        await show_history(turn_context, services, conflict_text(locale, conflict))
        return
    except VersionNotFoundError:
        await turn_context.send_activity(t(locale, "trust.restore_unknown", version=number,
                                           months=versions.retention_months))
        return
    except ProfileError as error:
        await turn_context.send_activity(t(locale, "trust.restore_invalid", version=number,
                                           details=literal(str(error)[:1000])))
        return
    await _saved(turn_context, locale, done_key, entry)


async def _saved(turn_context: TurnContext, locale: str, key: str, entry: VersionEntry) -> None:
    await turn_context.send_activity(t(locale, key, restored=entry.restored_from, version=entry.number))


# --- owners -----------------------------------------------------------------------------------------
# ("member", Teams user id, shown) | ("owner", Entra id, shown) | ("name", typed, typed)
Target = tuple[str, str, str]


def _mentioned_or_named(turn_context: TurnContext, who: str | None) -> Target | None:
    mentioned = mentions(turn_context)
    if who:
        for member_id, name in mentioned:
            if name.casefold().lstrip("@").strip() == who.casefold():
                return ("member", member_id, name)
    if len(mentioned) == 1:
        return ("member", *mentioned[0])
    return ("name", who, who) if who else None


async def show_owners(turn_context: TurnContext, services: Services) -> None:
    locale = locale_of(turn_context)
    owners = await owners_of(services).owners(_tenant(turn_context))
    if services.settings.edit_rights == "everyone":
        text = t(locale, "trust.owners_everyone")
    elif owners:
        text = t(locale, "trust.owners_list", owners=names(locale, [o.name for o in owners]))
    else:
        text = t(locale, "trust.owners_none")
    members, more = await _members(turn_context, owners)
    card = owners_card(locale, [OwnerRow(o.id, o.name) for o in owners], members, more)
    await _card(turn_context, card, text)


async def _members(turn_context: TurnContext, owners: list[Owner]) -> tuple[list[MemberRow] | None, int]:
    """The conversation's members who could become owners (not guests, not owners already)."""
    page = await _members_page(turn_context, "the owners card")
    if page is None:
        return None, 0  # the card says the list is unavailable
    owner_ids = {o.id for o in owners}
    rows = [MemberRow(m.id, m.name or m.id) for m in page.members or []
            if m.id and (getattr(m, "user_role", None) or "").lower() not in ("guest", "anonymous")
            and getattr(m, "aad_object_id", None) not in owner_ids]
    more = MEMBERS_SHOWN if page.continuation_token else 0
    return rows, more


async def _owner_change(turn_context: TurnContext, services: Services, target: Target | None
                        ) -> tuple[Person, Target] | None:
    """The editor and the person named by "add/remove owner ...", or None once the turn is answered:
    nobody named shows the owners card; a sender who may not edit is told why (guard_edit)."""
    if target is None:
        await show_owners(turn_context, services)
        return None
    editor = await guard_edit(turn_context, services)
    return None if editor is None else (editor, target)


async def add_owner(turn_context: TurnContext, services: Services, target: Target | None) -> None:
    locale = locale_of(turn_context)
    change = await _owner_change(turn_context, services, target)
    if change is None:
        return
    editor, (kind, ident, shown) = change
    if kind == "name":
        found = await _member_named(turn_context, ident)
        if found is None:
            await turn_context.send_activity(t(locale, "trust.owner_unknown_member", name=literal(shown)))
            return
        ident = found
    try:
        person = await member(turn_context, services, ident)
    except RosterUnavailableError:
        await turn_context.send_activity(t(locale, "trust.owner_lookup_failed", name=literal(shown or ident)))
        return
    if person.guest:
        await turn_context.send_activity(t(locale, "trust.owner_guest", name=literal(person.name)))
        return
    if not person.id:
        await turn_context.send_activity(t(locale, "trust.owner_lookup_failed", name=literal(person.name)))
        return
    added = await owners_of(services).add(_tenant(turn_context), person, added_by=editor.id)
    key = "trust.owner_added" if added else "trust.owner_already"
    await turn_context.send_activity(t(locale, key, name=literal(person.name)))


async def _member_named(turn_context: TurnContext, name: str) -> str | None:
    """The Teams id of the one conversation member with this display name, if exactly one."""
    page = await _members_page(turn_context, f"finding {name!r}")
    if page is None:
        return None
    found = [m.id for m in page.members or [] if (m.name or "").casefold() == name.casefold()]
    return found[0] if len(found) == 1 else None


async def remove_owner(turn_context: TurnContext, services: Services, target: Target | None) -> None:
    locale = locale_of(turn_context)
    change = await _owner_change(turn_context, services, target)
    if change is None:
        return
    _, (kind, ident, shown) = change
    tenant_id = _tenant(turn_context)
    store = owners_of(services)
    owners = await store.owners(tenant_id)
    owner_id: str | None = ident if kind == "owner" else None
    if kind == "member":
        try:
            owner_id = (await member(turn_context, services, ident)).id
        except RosterUnavailableError:
            await turn_context.send_activity(t(locale, "trust.owner_lookup_failed", name=literal(shown)))
            return
    elif kind == "name":
        matching = [o.id for o in owners if o.name.casefold() == ident.casefold()]
        owner_id = matching[0] if len(matching) == 1 else None
    owner = next((o for o in owners if o.id == owner_id), None)
    if owner is None:
        await turn_context.send_activity(t(locale, "trust.owner_not_found", name=literal(shown or "?"),
                                           owners=names(locale, [o.name for o in owners])))
        return
    try:
        await store.remove(tenant_id, owner.id)
    except LastOwnerError:
        await turn_context.send_activity(t(locale, "trust.owner_last", name=literal(owner.name)))
        return
    await turn_context.send_activity(t(locale, "trust.owner_removed", name=literal(owner.name)))


__all__ = ["Person", "handle_turn", "show_history", "undo"]


async def _members_page(turn_context: TurnContext, purpose: str) -> TeamsPagedMembersResult | None:
    """The first page of the conversation's members (the SDK annotates a list; it returns a page), or
    None when the connector cannot give it (logged with what it was for)."""
    try:
        page: Any = await TeamsInfo.get_paged_members(turn_context, page_size=MEMBERS_SHOWN)
    except Exception as error:  # connector errors are untyped
        log.info("no roster for %s: %s", purpose, error)
        return None
    return page
