"""The intake as a botbuilder dialog, its state (plain JSON) in ConversationState.

One `IntakeDialog` on a `DialogSet`: begin shows the first card; every later submit (an
Action.Submit message or an Action.Execute invoke) continues it through `flow.handle`. The profile
is written once, on confirm, after the scoring engine accepted it; cancel or failure leave the
saved profile alone.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from botbuilder.core import CardFactory, MessageFactory, TurnContext
from botbuilder.dialogs import Dialog, DialogContext, DialogSet, DialogTurnResult

from bot.activity import locale_of, tenant_of
from bot.intake import flow
from bot.intake.convert import profile_data
from bot.intake.prefs import put_areas
from bot.trust import VersionConflictError, conflict_text, may_edit, refusal_text, save_profile, saved_text
from cards.adaptive import without_links
from cards.catalog_view import known_services
from cards.i18n import t
from cards.intake_cards import IntakeView, build_closed_card, build_intake_card
from cards.intake_state import InputError, IntakeState, IntakeStep
from cards.scorecard import build_scorecard_card

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

DIALOG_ID = "intake"
STATE_PROPERTY = "IntakeDialogState"
STATE_KEY = "intake"
SUBMIT_KEY = "intake.submit"  # turn_state: the submit this turn carries
INVOKE_KEY = "intake.invoke"  # turn_state: set when answering an Action.Execute invoke
CARD_KEY = "intake.card"  # turn_state: the card to return from the invoke
PENDING_KEY = "intake.pending"  # turn_state: messages held back until the state is saved
BASE_KEY = "base_version"  # dialog state: the profile version the intake started from (bot.trust)


def user_of(turn_context: TurnContext) -> str | None:
    sender = turn_context.activity.from_property
    return sender.id if sender and sender.id else None


def rules_in_force(today: str) -> str:
    from scoring.catalog import version_in_force

    try:
        day = dt.date.fromisoformat(today)
    except ValueError:
        day = dt.datetime.now(dt.UTC).date()
    return version_in_force(day)


def make_view(turn_context: TurnContext, state: IntakeState) -> IntakeView:
    view = IntakeView(
        locale=locale_of(turn_context),
        services=known_services(),
        rules_in_force=rules_in_force(state.today),
        user_id=user_of(turn_context),
    )
    if state.step == IntakeStep.REVIEW:
        view.preview = _preview(state)
    return view


def _preview(state: IntakeState) -> list[tuple[str, int, int, bool]]:
    """Scores of the draft as it stands, so the user sees what they are about to save."""
    from scoring import ProfileError, load_profile, score_profile

    try:
        profile = load_profile(profile_data(state.draft, dt.date.fromisoformat(state.today)))
        scorecard = score_profile(profile)
    except ProfileError:
        return []
    return [
        (d.area.value, d.score, d.threshold, d.qualified)
        for d in scorecard.designations
        if d.area.value in state.draft.areas
    ]


async def reply(turn_context: TurnContext, card: dict[str, Any], text: str | None = None) -> None:
    """Show `card`: in place for an Action.Execute invoke, else as a new message."""
    if turn_context.turn_state.get(INVOKE_KEY):
        turn_context.turn_state[CARD_KEY] = card
        return
    activity = MessageFactory.attachment(CardFactory.adaptive_card(card))
    if text:
        activity.text = text
    pending = turn_context.turn_state.get(PENDING_KEY)
    if isinstance(pending, list):
        pending.append(activity)
        return
    await turn_context.send_activity(activity)


class IntakeDialog(Dialog):
    def __init__(self, services: Services) -> None:
        super().__init__(DIALOG_ID)
        self.services = services

    async def begin_dialog(self, dialog_context: DialogContext, options: object = None) -> DialogTurnResult:
        state = options if isinstance(options, IntakeState) else IntakeState.model_validate(options)
        _dialog_state(dialog_context)[STATE_KEY] = state.model_dump(mode="json")
        await reply(
            dialog_context.context, build_intake_card(state, make_view(dialog_context.context, state))
        )
        return Dialog.end_of_turn

    async def continue_dialog(self, dialog_context: DialogContext) -> DialogTurnResult:
        tc = dialog_context.context
        try:
            state = IntakeState.model_validate(_dialog_state(dialog_context).get(STATE_KEY))
        except ValueError:
            # Stored state from an incompatible older version: drop the intake, keep the profile.
            log.warning("intake state unreadable; ending the intake")
            await reply(tc, build_closed_card(locale_of(tc), "closed.broken"))
            return await dialog_context.end_dialog()
        submitted = tc.turn_state.get(SUBMIT_KEY)
        data: dict[str, Any] = submitted if isinstance(submitted, dict) else {}
        outcome = flow.handle(state, data, known_services(), locale_of(tc))
        if outcome.kind == "cancelled":
            await reply(tc, build_closed_card(locale_of(tc), "closed.cancelled"))
            return await dialog_context.end_dialog()
        if outcome.kind == "stale":
            await reply(tc, build_closed_card(locale_of(tc), "closed.stale"))
            return Dialog.end_of_turn
        if outcome.kind == "confirm":
            return await self._confirm(dialog_context, outcome.state)
        await self._show(dialog_context, outcome.state)
        return Dialog.end_of_turn

    async def _show(self, dialog_context: DialogContext, state: IntakeState) -> None:
        _dialog_state(dialog_context)[STATE_KEY] = state.model_dump(mode="json")
        await reply(
            dialog_context.context, build_intake_card(state, make_view(dialog_context.context, state))
        )

    async def _confirm(self, dialog_context: DialogContext, state: IntakeState) -> DialogTurnResult:
        from bot.history import history_for
        from scoring import ProfileError, load_profile, score_profile

        tc = dialog_context.context
        tenant_id = tenant_of(tc.activity)
        today = self.services.clock().date()
        try:
            profile = load_profile(profile_data(state.draft, today))
        except ProfileError as error:
            state.notice = InputError(key="notice.profile_rejected", params={"details": str(error)[:1500]})
            await self._show(dialog_context, state)
            return Dialog.end_of_turn
        if not tenant_id:
            state.notice = InputError(key="notice.no_tenant")
            await self._show(dialog_context, state)
            return Dialog.end_of_turn
        locale = locale_of(tc)
        editor, decision = await may_edit(tc, self.services)
        if editor is None or not decision.allowed:  # told on the card; the draft stays as typed
            state.notice = InputError(key="notice.profile_rejected",
                                      params={"details": refusal_text(locale, decision)})
            await self._show(dialog_context, state)
            return Dialog.end_of_turn
        active = dialog_context.active_dialog
        assert active is not None  # this step runs inside the intake dialog
        base = active.state.get(BASE_KEY)
        section = state.section.value if state.mode == "section" and state.section is not None else None
        try:
            saved = await save_profile(self.services, tenant_id, profile, editor=editor,
                                       via="section_update" if section else "intake", section=section,
                                       base=base if isinstance(base, int) else None)
        except VersionConflictError as conflict:
            # Someone saved since this intake started: show them what is there now and keep this
            # draft; confirming again saves it over that version, knowingly.
            active.state[BASE_KEY] = conflict.latest.number if conflict.latest else 0
            details = f"{conflict_text(locale, conflict)} {t(locale, 'trust.conflict_intake')}"
            state.notice = InputError(key="notice.profile_rejected", params={"details": details})
            await self._show(dialog_context, state)
            return Dialog.end_of_turn
        await put_areas(self.services.storage, tenant_id, state.draft.areas)
        scorecard = score_profile(profile)
        # The save was just kept in the score history: the card shows the trend, or that there is none yet.
        history = await history_for(self.services.storage, tenant_id)
        # The scorecard quotes names from the profile: no markdown link from them (see ac.literal).
        card = without_links(build_scorecard_card(scorecard, profile, locale, areas=state.draft.areas,
                                                  history=history))
        await reply(tc, card, f"{t(locale, 'intake.closed.saved')} {saved_text(locale, saved)}")
        return await dialog_context.end_dialog()


def dialog_set(services: Services) -> DialogSet:
    accessor = services.conversation_state.create_property(STATE_PROPERTY)
    dialogs = DialogSet(accessor)
    dialogs.add(IntakeDialog(services))
    return dialogs


__all__ = ["DIALOG_ID", "PENDING_KEY", "IntakeDialog", "dialog_set", "reply"]


def _dialog_state(dialog_context: DialogContext) -> dict[str, Any]:
    """The running dialog's stored state (begin/continue are only called with a dialog running)."""
    instance = dialog_context.active_dialog
    assert instance is not None
    return instance.state
