"""The history of a tenant's data (versions, undo and restore buttons) and the owners card.

Buttons are Action.Submit with `{"trust": {...}}` data; `base` is the version shown as current, so
a press after someone else's change is recognised and refused rather than undoing their work.
"""

from __future__ import annotations

from dataclasses import dataclass

from cards import adaptive as ac
from cards.i18n import t

TRUST_KEY = "trust"  # the key of every submit these cards send


@dataclass(frozen=True)
class VersionRow:
    version: int
    line: str  # rendered: when, who, through what, what changed


@dataclass(frozen=True)
class MemberRow:
    member_id: str  # the Teams user id (29:...): the bot looks the member up again on a press
    name: str


@dataclass(frozen=True)
class OwnerRow:
    owner_id: str  # Entra object id
    name: str


def _data(op: str, **fields: object) -> dict[str, object]:
    return {TRUST_KEY: {"op": op, **fields}}


def history_card(locale: str, rows: list[VersionRow], kept_months: int) -> ac.Element:
    """`rows` newest first; the first is the current version."""
    body: list[ac.Element] = [
        ac.heading(t(locale, "trust.history_title"), size="Medium"),
        ac.text(t(locale, "trust.history_intro", count=len(rows)), subtle=True, size="Small"),
    ]
    latest = rows[0].version
    for row in rows:
        items: list[ac.Element] = [ac.text(ac.literal(row.line))]
        if row.version != latest:
            items.append(ac.action_set([ac.submit(t(locale, "trust.button_restore", version=row.version),
                                                  _data("restore", version=row.version, base=latest))]))
        body.append(ac.container(items, separator=True))
    body.append(ac.text(t(locale, "trust.history_kept", months=kept_months), subtle=True, size="Small"))
    undo = ac.submit(t(locale, "trust.button_undo"), _data("undo", base=latest))
    actions = [undo] if len(rows) > 1 else None
    return ac.card(body, actions, lang=locale)


def owners_card(locale: str, owners: list[OwnerRow], members: list[MemberRow] | None,
                more_members: int | None = None) -> ac.Element:
    """The owners (each with a Remove button) and, when Teams gave them, the conversation's other
    members (each with Make owner). `members` None: the roster was unavailable."""
    body: list[ac.Element] = [ac.heading(t(locale, "trust.owners_title"), size="Medium")]
    if not owners:
        body.append(ac.text(t(locale, "trust.owners_none"), subtle=True))
    for owner in owners:
        body.append(ac.columns([
            ac.column([ac.text(ac.literal(owner.name))], vertical="Center"),
            ac.column([ac.action_set([ac.submit(t(locale, "trust.button_remove_owner"),
                                                _data("remove_owner", owner=owner.owner_id))])],
                      width="auto"),
        ]))
    body.append(ac.text(t(locale, "trust.members_title"), weight="Bolder", separator=True))
    if members is None:
        body.append(ac.text(t(locale, "trust.members_unavailable"), subtle=True))
    for member in members or []:
        body.append(ac.columns([
            ac.column([ac.text(ac.literal(member.name))], vertical="Center"),
            ac.column([ac.action_set([ac.submit(t(locale, "trust.button_make_owner"),
                                                _data("add_owner", member=member.member_id))])],
                      width="auto"),
        ]))
    if more_members:
        body.append(ac.text(t(locale, "trust.members_more", count=more_members), subtle=True, size="Small"))
    return ac.card(body, lang=locale)
