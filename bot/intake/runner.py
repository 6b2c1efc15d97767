"""The three entry points the handler calls (see the team brief, "bot wiring")."""

from __future__ import annotations

import logging
import secrets
from typing import TYPE_CHECKING, Any

from botbuilder.core import TurnContext
from botbuilder.schema import ActivityTypes

from bot.activity import locale_of, tenant_of
from bot.intake import flow
from bot.intake.convert import draft_from_profile
from bot.intake.prefs import get_areas
from bot.trust import current_version
from cards.i18n import t
from cards.intake_cards import build_closed_card, build_intake_card
from cards.intake_state import InputError, IntakeState, IntakeStep

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

# bot.intake.dialog (botbuilder.dialogs and its recognizers: a seventh of the service's imports) is
# imported by the turns that open or continue an intake, not at start-up: most messages are
# questions, and run_intake_turn tells them apart before it needs the dialog.

# Section names other parts may pass (H3's START_INTAKE section), mapped to our steps.
SECTION_ALIASES: dict[str, IntakeStep] = {
    "organisation": IntakeStep.ORGANISATION,
    "organization": IntakeStep.ORGANISATION,
    "org": IntakeStep.ORGANISATION,
    "partner": IntakeStep.ORGANISATION,
    "areas": IntakeStep.AREAS,
    "area": IntakeStep.AREAS,
    "people": IntakeStep.PEOPLE,
    "certifications": IntakeStep.PEOPLE,
    "skilling": IntakeStep.PEOPLE,
    "usage": IntakeStep.USAGE,
    "customers": IntakeStep.USAGE,
    "acr": IntakeStep.USAGE,
    "performance": IntakeStep.USAGE,
    "services": IntakeStep.SERVICES,
    "deployments": IntakeStep.SERVICES,
}


def section_step(section: str | None) -> IntakeStep | None:
    if not isinstance(section, str):
        return None
    return SECTION_ALIASES.get(section.strip().lower())


def _words(locale: str, key: str) -> set[str]:
    return {w.strip().casefold() for w in t(locale, key).split("|") if w.strip()}


async def _save(turn_context: TurnContext, services: Services) -> None:
    """Save the intake state, then send the cards this turn produced.

    A card is only shown once its state is stored: when two turns of one conversation race, the
    loser's save is refused (eTag) and its user gets the "busy" message from on_turn_error alone,
    not a card claiming a change ("Added Ada.") that was never kept."""
    from bot.intake.dialog import PENDING_KEY

    pending = turn_context.turn_state.pop(PENDING_KEY, None)
    await services.conversation_state.save_changes(turn_context)
    for activity in pending if isinstance(pending, list) else []:
        await turn_context.send_activity(activity)


def _hold_replies(turn_context: TurnContext) -> None:
    from bot.intake.dialog import PENDING_KEY

    turn_context.turn_state[PENDING_KEY] = []


async def _saved_profile(services: Services, tenant_id: str | None) -> Any:
    """The tenant's saved profile, or None; a profile that no longer loads starts a fresh intake."""
    if not tenant_id:
        return None
    try:
        return await services.profiles.get(tenant_id)
    except ValueError as error:  # ProfileError: e.g. a catalog change made a stored name unknown
        log.warning("saved profile of tenant %s does not load (%s); starting a full intake", tenant_id, error)
        return None


async def start_intake(turn_context: TurnContext, services: Services, section: str | None = None) -> None:
    """Start (or resume) the intake; with `section`, edit that section of the saved profile."""
    from bot.intake.dialog import BASE_KEY, DIALOG_ID, STATE_KEY, dialog_set, make_view, reply

    _hold_replies(turn_context)
    dialogs = dialog_set(services)
    dc = await dialogs.create_context(turn_context)
    target = section_step(section)
    if dc.active_dialog is not None and dc.active_dialog.id == DIALOG_ID:
        # Resume the intake in progress rather than throwing away what was typed.
        try:
            state = IntakeState.model_validate(dc.active_dialog.state.get(STATE_KEY))
        except ValueError:
            await dc.cancel_all_dialogs()
        else:
            state.notice = InputError(key="notice.resumed")
            state.values, state.errors = {}, {}
            if target is not None:
                state.step, state.editing = target, None
            dc.active_dialog.state[STATE_KEY] = state.model_dump(mode="json")
            await reply(turn_context, build_intake_card(state, make_view(turn_context, state)))
            await _save(turn_context, services)
            return
    tenant_id = tenant_of(turn_context.activity)
    saved = await _saved_profile(services, tenant_id)
    today = services.clock().date().isoformat()
    state = IntakeState(session=secrets.token_hex(8), today=today)
    if saved is not None:
        state.draft = draft_from_profile(saved.model_dump(mode="json", exclude_none=True))
        state.has_saved_profile = True
        areas = await get_areas(services.storage, tenant_id) if tenant_id else None
        if areas:
            state.draft.areas = areas
        if target is not None:
            state.mode, state.section, state.step = "section", target, target
    elif target is not None and target != IntakeStep.ORGANISATION:
        state.notice = InputError(key="notice.no_profile_full_intake")
    await dc.begin_dialog(DIALOG_ID, state)
    if tenant_id and dc.active_dialog is not None:
        # The version this intake starts from: a confirm after someone else's save is told so.
        dc.active_dialog.state[BASE_KEY] = await current_version(services, tenant_id)
    await _save(turn_context, services)


async def run_intake_turn(turn_context: TurnContext, services: Services) -> bool:
    """Handle a message turn if it belongs to the intake; True when consumed.

    Consumed: a card submit carrying `{"intake": ...}` (always, even a stale one), and the text
    commands "cancel"/"back" (with no intake open, the reply says there is nothing to cancel).
    Other text passes through to the question answering, so a user can ask about their score in
    the middle of an intake.
    """
    activity = turn_context.activity
    if activity.type != ActivityTypes.message:
        return False
    value = activity.value
    submit = value if isinstance(value, dict) and flow.meta_of(value) is not None else None
    text = (activity.text or "").strip().casefold() if isinstance(activity.text, str) else ""
    locale = locale_of(turn_context)
    if submit is None and isinstance(value, dict) and "intake" in value:
        submit = {"intake": {}}  # a forged/broken intake payload: treated as an unknown action
    nav = None
    if submit is None:
        if not text or len(text) > 40:
            return False
        if text in _words(locale, "intake.cmd_cancel") | _words("en", "intake.cmd_cancel"):
            nav = "cancel"
        elif text in _words(locale, "intake.cmd_back") | _words("en", "intake.cmd_back"):
            nav = "back"
        else:
            return False
    from bot.intake.dialog import DIALOG_ID, STATE_KEY, SUBMIT_KEY, dialog_set, reply

    dialogs = dialog_set(services)
    dc = await dialogs.create_context(turn_context)
    active = dc.active_dialog is not None and dc.active_dialog.id == DIALOG_ID
    if nav is not None:
        if not active:
            # "cancel" with no form open: say so, rather than "I did not understand".
            await turn_context.send_activity(t(locale, "intake.nothing_open"))
            return True
        stored = (dc.active_dialog.state if dc.active_dialog else {}).get(STATE_KEY) or {}
        submit = {"intake": {"session": stored.get("session"), "step": stored.get("step"), "nav": nav}}
    if not active:
        await reply(turn_context, build_closed_card(locale, "closed.stale"))
        return True
    turn_context.turn_state[SUBMIT_KEY] = submit
    _hold_replies(turn_context)
    await dc.continue_dialog()
    await _save(turn_context, services)
    return True


async def on_card_action(turn_context: TurnContext, services: Services, verb: str, data: dict) -> dict | None:
    """An Action.Execute invoke: returns the card to show in place, or None if not ours."""
    is_ours = (isinstance(verb, str) and verb.startswith("intake")) or flow.meta_of(data) is not None
    if not is_ours:
        return None
    submit = data if isinstance(data, dict) and flow.meta_of(data) is not None else {"intake": {}}
    from bot.intake.dialog import CARD_KEY, DIALOG_ID, INVOKE_KEY, SUBMIT_KEY, dialog_set

    dialogs = dialog_set(services)
    dc = await dialogs.create_context(turn_context)
    locale = locale_of(turn_context)
    if dc.active_dialog is None or dc.active_dialog.id != DIALOG_ID:
        return build_closed_card(locale, "closed.stale")
    turn_context.turn_state[INVOKE_KEY] = True
    turn_context.turn_state[SUBMIT_KEY] = submit
    await dc.continue_dialog()
    await _save(turn_context, services)
    card = turn_context.turn_state.get(CARD_KEY)
    return card if isinstance(card, dict) else build_closed_card(locale, "closed.stale")


__all__ = ["on_card_action", "run_intake_turn", "section_step", "start_intake"]
