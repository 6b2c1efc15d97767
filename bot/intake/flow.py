"""The intake's state machine: (state, submit) -> outcome. Pure: no I/O, no botbuilder.

A submit carries `{"intake": {"session", "step", "nav", "arg"}}` plus the card's input values.
Anything that does not fit (forged session or step, unknown nav, wrong types) leaves the state as
it was and asks the card to show a notice: the user never loses what they typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from bot.intake import validate
from cards.intake_state import PEOPLE_PER_PAGE, SECTIONS, InputError, IntakeState, IntakeStep

Kind = Literal["show", "cancelled", "confirm", "stale"]
# The navigations of the people step's own buttons (person form, bulk import, paging).
PEOPLE_NAVS = frozenset({"save_person", "edit_person", "remove_person", "new_person", "bulk", "page"})
NAVS = frozenset({"next", "back", "cancel", "confirm", "refresh", "goto"}) | PEOPLE_NAVS


@dataclass
class IntakeOutcome:
    state: IntakeState
    kind: Kind = "show"


def meta_of(data: Any) -> dict[str, Any] | None:
    meta = data.get("intake") if isinstance(data, dict) else None
    return meta if isinstance(meta, dict) else None


def _notice(state: IntakeState, key: str, **params: Any) -> IntakeOutcome:
    state.notice = InputError(key=key, params=params)
    return IntakeOutcome(state)


def _int_arg(meta: dict[str, Any]) -> int | None:
    arg = meta.get("arg")
    if isinstance(arg, bool):
        return None
    if isinstance(arg, int):
        return arg
    if isinstance(arg, str) and arg.isdigit() and len(arg) < 7:
        return int(arg)
    return None


def handle(state: IntakeState, data: dict[str, Any], known_services: list[str],
           locale: str = "en") -> IntakeOutcome:
    state = state.model_copy(deep=True)
    state.notice = None
    meta = meta_of(data) or {}
    nav, session, step = meta.get("nav"), meta.get("session"), meta.get("step")
    if not isinstance(nav, str) or nav not in NAVS:
        return _notice(state, "notice.unknown_action")
    if nav == "refresh":
        # Teams refreshes every copy of a card it shows: a card of an earlier intake closes itself
        # instead of turning into a second live copy of this one.
        return IntakeOutcome(state, "show" if session == state.session else "stale")
    if session != state.session:
        return _notice(state, "notice.stale_card")
    if nav == "cancel":
        return IntakeOutcome(state, "cancelled")
    if step != state.step:
        return _notice(state, "notice.stale_card")
    if nav == "back":
        return IntakeOutcome(_go(state, _previous(state)))
    if nav == "goto":
        target = meta.get("arg")
        if (
            state.step != IntakeStep.REVIEW
            or not isinstance(target, str)
            or target not in {s.value for s in SECTIONS}
        ):
            return _notice(state, "notice.unknown_action")
        return IntakeOutcome(_go(state, IntakeStep(target)))
    if nav == "confirm":
        if state.step != IntakeStep.REVIEW:
            return _notice(state, "notice.unknown_action")
        missing = first_incomplete(state)
        if missing is not None:
            return _notice(_go(state, missing), "notice.incomplete")
        return IntakeOutcome(state, "confirm")
    if state.step == IntakeStep.PEOPLE and nav in PEOPLE_NAVS:
        return _people_action(state, nav, meta, data)
    if nav != "next" or state.step == IntakeStep.REVIEW:
        return _notice(state, "notice.unknown_action")
    checked = _read_step(state, data, known_services, locale)
    if checked is None:
        return _notice(state, "notice.unknown_action")
    if state.step == IntakeStep.PEOPLE:
        # What was good (the person form, good pasted lines) is taken even when other lines are not.
        state.draft = checked.draft
        if "person_name" not in checked.values:
            state.editing = None
    if not checked.ok:
        state.values, state.errors = checked.values, checked.errors
        return _notice(state, "notice.fix_errors", count=len(checked.errors))
    state.draft = checked.draft
    return IntakeOutcome(_go(state, _following(state)))


def _read_step(
    state: IntakeState, data: dict[str, Any], known_services: list[str], locale: str = "en"
) -> validate.Checked | None:
    draft = state.draft
    if state.step == IntakeStep.ORGANISATION:
        return validate.read_organisation(data, draft)
    if state.step == IntakeStep.AREAS:
        return validate.read_areas(data, draft)
    if state.step == IntakeStep.PEOPLE:
        # Whatever is still typed in the person form or the paste box is taken in before moving on.
        person = validate.Checked(draft=draft)
        if _pending_person(data):
            person = validate.read_person(data, draft, state.editing)
            if not person.ok:
                bulk = data.get("bulk")
                person.values["bulk"] = bulk[: validate.MAX_BULK_ECHO] if isinstance(bulk, str) else ""
                return person
        return validate.read_bulk(data, person.draft)
    if state.step == IntakeStep.USAGE:
        return validate.read_usage(data, draft, locale)
    if state.step == IntakeStep.SERVICES:
        return validate.read_services(data, draft, known_services)
    return None


def first_incomplete(state: IntakeState) -> IntakeStep | None:
    """The first section a profile cannot be saved without (reachable when a user jumped ahead)."""
    draft = state.draft
    if not draft.partner_id or not draft.partner_name:
        return IntakeStep.ORGANISATION
    if draft.customers_last_month is None and not draft.acr_records:
        return IntakeStep.USAGE
    return None


def _pending_person(data: dict[str, Any]) -> bool:
    return any(
        not validate._blank(data.get(name)) for name in ("person_name", "person_certs", "person_codes")
    )


def _people_action(state: IntakeState, nav: str, meta: dict[str, Any], data: dict[str, Any]) -> IntakeOutcome:
    people = state.draft.people
    if nav in {"edit_person", "remove_person"}:
        index = _int_arg(meta)
        if index is None or not 0 <= index < len(people):
            return _notice(state, "notice.stale_card")
        state.values, state.errors = {}, {}
        if nav == "remove_person":
            removed = people.pop(index)
            state.editing = None
            state.page = min(state.page, max(0, (len(people) - 1) // PEOPLE_PER_PAGE))
            return _notice(state, "notice.person_removed", name=removed.name)
        state.editing = index
        state.values = {"person_name": people[index].name, "person_certs": people[index].slugs()}
        return IntakeOutcome(state)
    if nav == "new_person":
        state.editing, state.values, state.errors = None, {}, {}
        return IntakeOutcome(state)
    if nav == "page":
        page = _int_arg(meta)
        pages = max(1, -(-len(people) // PEOPLE_PER_PAGE))
        if page is None or not 0 <= page < pages:
            return _notice(state, "notice.stale_card")
        state.page = page
        return IntakeOutcome(state)
    if state.editing is not None and not 0 <= state.editing < len(people):
        state.editing = None
    if nav == "save_person":
        checked = validate.read_person(data, state.draft, state.editing)
        if not checked.ok:
            state.values, state.errors = checked.values, checked.errors
            return _notice(state, "notice.fix_errors", count=len(checked.errors))
        name = checked.values.get("person_name", "")
        state.draft, state.values, state.errors = checked.draft, {}, {}
        key = "notice.person_added" if state.editing is None else "notice.person_saved"
        state.editing = None
        state.page = (
            (len(state.draft.people) - 1) // PEOPLE_PER_PAGE if key == "notice.person_added" else state.page
        )
        return _notice(state, key, name=name)
    # bulk
    checked = validate.read_bulk(data, state.draft)
    state.draft = checked.draft
    state.values = {"bulk": checked.values.get("bulk", "")} if not checked.ok else {}
    state.errors = checked.errors
    if checked.ok:
        return _notice(state, "notice.bulk_added", count=checked.added)
    if checked.added:
        return _notice(state, "notice.bulk_partial", added=checked.added, count=len(checked.errors))
    return _notice(state, "notice.fix_errors", count=len(checked.errors))


def _go(state: IntakeState, step: IntakeStep) -> IntakeState:
    state.step = step
    state.values, state.errors, state.editing = {}, {}, None
    if step == IntakeStep.REVIEW:
        state.reviewed = True
    return state


def _following(state: IntakeState) -> IntakeStep:
    if state.mode == "section" or state.reviewed or state.step == IntakeStep.SERVICES:
        return IntakeStep.REVIEW
    return SECTIONS[SECTIONS.index(state.step) + 1]


def _previous(state: IntakeState) -> IntakeStep:
    if state.step == IntakeStep.REVIEW:
        return state.section if state.mode == "section" and state.section else SECTIONS[-1]
    if state.mode == "section":
        return IntakeStep.REVIEW if state.reviewed else state.step
    index = SECTIONS.index(state.step)
    return SECTIONS[max(0, index - 1)]
