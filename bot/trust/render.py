"""Versions and owners in the user's language (texts: cards/locales/<lang>/trust.json)."""

from __future__ import annotations

from bot.trust.changes import Changes
from bot.trust.versions import VersionEntry
from cards.adaptive import literal
from cards.i18n import t


def names(locale: str, shown: list[str]) -> str:
    """'Ada, Bob and Carl' the locale's way; names are shown literally (never markdown)."""
    quoted = [literal(name) for name in shown]
    if not quoted:
        return ""
    if len(quoted) == 1:
        return quoted[0]
    return t(locale, "trust.list_and", head=t(locale, "trust.list_sep").join(quoted[:-1]), last=quoted[-1])


def when(entry: VersionEntry) -> str:
    return entry.at.strftime("%Y-%m-%d %H:%M UTC")


def via_text(locale: str, entry: VersionEntry) -> str:
    if entry.via == "section_update" and entry.section:
        return t(locale, "trust.via_section_update_of", section=t(locale, f"trust.section_{entry.section}"))
    if entry.via == "restore" and entry.restored_from is not None:
        return t(locale, "trust.via_restore_of", version=entry.restored_from)
    return t(locale, f"trust.via_{entry.via}")


def changes_text(locale: str, changes: Changes) -> str:
    if changes.first:
        return t(locale, "trust.change_first")
    parts: list[str] = []
    if changes.people_added:
        parts.append(t(locale, "trust.change_people_added", names=names(locale, changes.people_added)))
    if changes.people_removed:
        parts.append(t(locale, "trust.change_people_removed", names=names(locale, changes.people_removed)))
    if changes.certifications_added or changes.certifications_removed:
        parts.append(t(locale, "trust.change_certifications", added=changes.certifications_added,
                       removed=changes.certifications_removed))
    if changes.usage_changed:
        parts.append(t(locale, "trust.change_usage"))
    if changes.services_added or changes.services_removed:
        parts.append(t(locale, "trust.change_services", added=len(changes.services_added),
                       removed=len(changes.services_removed)))
    if changes.organisation_changed:
        parts.append(t(locale, "trust.change_organisation"))
    return t(locale, "trust.list_sep_changes").join(parts) if parts else t(locale, "trust.change_none")


def who(locale: str, entry: VersionEntry) -> str:
    return literal(entry.by_name) if entry.by_name else t(locale, "trust.by_nobody")


def entry_line(locale: str, entry: VersionEntry) -> str:
    """One line: version, when, who, through what, what changed."""
    return t(locale, "trust.version_line", version=entry.number, when=when(entry), who=who(locale, entry),
             via=via_text(locale, entry), changes=changes_text(locale, entry.changes))
