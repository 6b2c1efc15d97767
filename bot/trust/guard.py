"""The one gate every write path calls, and the one way to save a profile.

    editor = await guard_edit(turn_context, services)   # None: refused, the user was told why
    if editor is None:
        return
    entry = await save_profile(services, tenant_id, profile, editor=editor, via="file_import", base=base)

`base` is `await current_version(services, tenant_id)` read when the user started the change;
a `VersionConflictError` then means someone saved in between (see `conflict_text`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from botbuilder.core import TurnContext

from bot.activity import locale_of, tenant_of
from bot.trust.owners import Decision, OwnerStore, decide
from bot.trust.people import Person, RosterUnavailableError, speaker
from bot.trust.render import entry_line, names
from bot.trust.versions import VersionConflictError, VersionEntry, VersionStore, Via
from cards.i18n import t

if TYPE_CHECKING:
    from bot.services import Services
    from scoring import Profile

log = logging.getLogger(__name__)


def versions_of(services: Services) -> VersionStore:
    return VersionStore(services.storage, services.profiles, services.clock,
                        services.settings.version_retention_months)


def owners_of(services: Services) -> OwnerStore:
    return OwnerStore(services.storage, services.clock)


async def current_version(services: Services, tenant_id: str) -> int:
    return await versions_of(services).current_number(tenant_id)


async def may_edit(turn_context: TurnContext, services: Services) -> tuple[Person | None, Decision]:
    """Whether the sender may change their tenant's data (asks the Teams roster for their role)."""
    tenant_id = tenant_of(turn_context.activity)
    owners = await owners_of(services).owners(tenant_id) if tenant_id else []
    try:
        person = await speaker(turn_context, services)
    except RosterUnavailableError as error:
        log.warning("could not check the sender's role: %s", error, extra={"tenant_id": tenant_id})
        return None, Decision(False, "roster_unavailable", owners)
    if not tenant_id:
        return person, Decision(False, "unidentified", owners)
    return person, decide(person, owners, services.settings.edit_rights)


def refusal_text(locale: str, decision: Decision) -> str:
    if decision.reason == "not_owner":
        return t(locale, "trust.refused_not_owner", owners=names(locale, [o.name for o in decision.owners]))
    return t(locale, f"trust.refused_{decision.reason}")


async def guard_edit(turn_context: TurnContext, services: Services) -> Person | None:
    """The sender, if they may change the data; otherwise None, after telling them who can."""
    person, decision = await may_edit(turn_context, services)
    if decision.allowed and person is not None:
        return person
    log.info("refused a change by %s: %s", person.id if person else None, decision.reason,
             extra={"tenant_id": tenant_of(turn_context.activity)})
    await turn_context.send_activity(refusal_text(locale_of(turn_context), decision))
    return None


@dataclass(frozen=True)
class Saved:
    entry: VersionEntry
    new_owner: bool  # the editor became the data's first owner with this save


async def save_profile(services: Services, tenant_id: str, profile: Profile, *, editor: Person | None,
                       via: Via, base: int | None = None, section: str | None = None) -> Saved:
    """Save a new version (see VersionStore.save); the first person to save becomes the owner.
    Raises VersionConflictError when `base` is no longer the current version."""
    entry = await versions_of(services).save(
        tenant_id, profile, via=via, by_id=editor.id if editor else None,
        by_name=editor.name if editor else None, base=base, section=section)
    new_owner = editor is not None and await owners_of(services).claim_first(tenant_id, editor)
    return Saved(entry, new_owner)


def saved_text(locale: str, saved: Saved) -> str:
    """What to tell the editor after a save: the version, how to undo, and ownership if new."""
    text = t(locale, "trust.saved_version", version=saved.entry.number)
    return f"{text} {t(locale, 'trust.first_owner')}" if saved.new_owner else text


def conflict_text(locale: str, conflict: VersionConflictError) -> str:
    """'The data changed while you were at it': the version saved since, and that nothing was lost."""
    if conflict.latest is None:
        return t(locale, "trust.conflict_erased")
    return t(locale, "trust.conflict", version=entry_line(locale, conflict.latest))
