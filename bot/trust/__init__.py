"""Trust inside a partner organisation (issue 13): who may change the data (owners, guests,
EDIT_RIGHTS), every saved change kept as a version (history, undo, restore), export and erase.

Write paths call `guard_edit` (or `may_edit` + `refusal_text`) before changing anything, then
`save_profile`; see bot/trust/guard.py. `tenant_data` (export/erase) is imported by its users.
"""

from bot.trust.guard import (
    Saved,
    conflict_text,
    current_version,
    guard_edit,
    may_edit,
    refusal_text,
    save_profile,
    saved_text,
)
from bot.trust.owners import Decision
from bot.trust.people import Person
from bot.trust.versions import VersionConflictError, VersionEntry, Via

__all__ = ["Decision", "Person", "Saved", "VersionConflictError", "VersionEntry", "Via", "conflict_text",
           "current_version", "guard_edit", "may_edit", "refusal_text", "save_profile", "saved_text"]
