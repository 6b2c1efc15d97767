"""The Teams handler: one turn, in the order the team brief fixes.

tenant check (ALLOWED_TENANTS) -> notifications.on_activity -> message/submit: intake.run_intake_turn;
then the trust commands (undo, history, owners: bot.trust.chat); if not consumed and the submit value
has "action" -> questions.answer_action; else
questions.answer(text). Intents START_INTAKE -> intake.start_intake, STOP/START_NOTIFICATIONS ->
notifications.set_subscription, anything else -> send the answer (text, card, suggestions).
Install -> welcome + intake when the tenant has no profile. `adaptiveCard/action` -> intake.

The parts (questions, intake, notifications) come through `Parts`, a small seam that tests fill with
fakes; by default it imports the real packages.
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from botbuilder.core import InvokeResponse, MessageFactory, TurnContext
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    CardAction,
    SuggestedActions,
)

from bot.activity import bot_among, conversation_id_of, locale_of, tenant_of
from bot.imports.chat import handle_import_turn
from bot.outgoing import SentAttachment
from bot.questions.model import Intent
from bot.services import Services
from bot.storage.base import DamagedItemError, ETagConflictError, StorageUnavailableError
from bot.storage.turn import save_turn_state
from bot.trust import may_edit, refusal_text
from bot.trust.chat import handle_turn as trust_turn
from bot.trust.tenant_data import remember
from cards.adaptive import ADAPTIVE_CARD_CONTENT_TYPE, literal, without_links
from cards.i18n import normalize_locale, t
from scoring.ids import Area

log = logging.getLogger(__name__)

LOCAL_TENANT = "local"  # tenant used in local mode when the client sends none (emulator, curl)
TENANT_KEY = "bot.tenant_id"  # turn_state: the tenant of this turn, after the checks
LOCALE_KEY = "bot.locale"
UNREADABLE_KEY = "bot.profile_unreadable"  # turn_state: the saved profile did not load (user told)
_INVOKE_MESSAGE = "application/vnd.microsoft.activity.message"


@dataclass
class Parts:
    """The entry points of the other parts (see the team brief, "bot wiring")."""

    answer: Callable[..., Any]
    answer_action: Callable[..., Any]
    answer_context: Callable[..., Any]
    run_intake_turn: Callable[..., Awaitable[bool]]
    start_intake: Callable[..., Awaitable[None]]
    on_card_action: Callable[..., Awaitable[dict | None]]
    on_activity: Callable[..., Awaitable[None]]
    set_subscription: Callable[..., Awaitable[str]]
    memory: Any = None  # the questions part's memory model (follow-ups); None: nothing remembered

    @classmethod
    def real(cls) -> Parts:
        questions = importlib.import_module("bot.questions")
        intake = importlib.import_module("bot.intake")
        notifications = importlib.import_module("bot.notifications")
        return cls(
            answer=questions.answer,
            answer_action=questions.answer_action,
            answer_context=questions.AnswerContext,
            memory=questions.Memory,
            run_intake_turn=intake.run_intake_turn,
            start_intake=intake.start_intake,
            on_card_action=intake.on_card_action,
            on_activity=notifications.on_activity,
            set_subscription=notifications.set_subscription,
        )


def _intent(answer: Any) -> Intent | None:
    """The answer's intent as the enum (a fake part may give its plain value); None if unknown."""
    try:
        return Intent(getattr(answer.intent, "value", answer.intent))
    except ValueError:
        return None


_MEMORY_USERS = 20


async def _previous_snapshot(services: Services, turn_context: TurnContext, context: Any) -> Any:
    """The last snapshot kept from a month before the current scorecard's (None when there is none)."""
    from bot.history import ScoreHistoryStore
    from scoring.history import month_of

    scorecard = getattr(context, "scorecard", None)
    if scorecard is None:
        return None
    current = month_of(scorecard.as_of)
    snapshots = await ScoreHistoryStore(services.storage).snapshots(_turn_tenant(turn_context))
    earlier = [s for s in snapshots if s.month < current]
    return max(earlier, key=lambda s: (s.month, s.recorded_at), default=None)


def _user_key(turn_context: TurnContext) -> str:
    sender = turn_context.activity.from_property
    return str(getattr(sender, "aad_object_id", None) or getattr(sender, "id", None) or "")


def _memory(parts: Parts, stored: Any) -> Any:
    """The stored memory as the questions part's model; a damaged or foreign value is forgotten."""
    if not isinstance(stored, dict) or parts.memory is None:
        return None
    try:
        return parts.memory.model_validate(stored)
    except ValueError:
        return None


class ScoreBot(TeamsActivityHandler):
    def __init__(self, services: Services, parts: Parts | None = None) -> None:
        super().__init__()
        self.services = services
        self._parts = parts
        self.last_area = services.conversation_state.create_property("last_area")
        # The tenant a conversation belongs to. Conversation state is keyed by conversation id
        # alone, so without this a request carrying another tenant's conversation id would read
        # (and could save) that tenant's intake draft. The key is left as botbuilder makes it: a
        # tenant in the key would orphan every stored conversation (drafts, last area, this owner)
        # unless each were migrated on first read, and would isolate no better than this check.
        self.owner = services.conversation_state.create_property("tenant_id")
        # What each user's last question was about, so that "who has it?" follows it (per user: in a
        # group chat two people's threads must not mix). Keyed by the user's AAD object id.
        self.memories = services.conversation_state.create_property("memories")

    @property
    def parts(self) -> Parts:
        if self._parts is None:
            self._parts = Parts.real()
        return self._parts

    # --- every turn ---------------------------------------------------------------------------------
    async def on_turn(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        locale = locale_of(turn_context)
        turn_context.turn_state[LOCALE_KEY] = locale
        tenant_id = tenant_of(activity)
        if tenant_id is None and self.services.settings.local_mode:
            tenant_id = LOCAL_TENANT
            # Give every part the same tenant: they read it from channelData like Teams sends it.
            data = dict(activity.channel_data) if isinstance(activity.channel_data, dict) else {}
            data["tenant"] = {"id": LOCAL_TENANT}
            activity.channel_data = data
        if tenant_id is None or not self.services.settings.tenant_allowed(tenant_id):
            await self._refuse(turn_context, tenant_id)
            return
        owner = await self.owner.get(turn_context, None)
        if isinstance(owner, str) and owner.casefold() != tenant_id.casefold():  # GUIDs: any case
            await self._refuse(turn_context, tenant_id, "service.conversation_of_another_tenant")
            return
        if not isinstance(owner, str):
            await self.owner.set(turn_context, tenant_id)
        turn_context.turn_state[TENANT_KEY] = tenant_id
        await remember(turn_context, self.services, tenant_id)  # for export-tenant / erase-tenant
        await self.parts.on_activity(turn_context, self.services)
        await super().on_turn(turn_context)
        try:
            # One storage write (one commit) for every state the turn changed; none if unchanged.
            await save_turn_state(turn_context, (self.services.conversation_state, self.services.user_state),
                                  self.services.storage)
        except ETagConflictError as conflict:
            # Two turns of one conversation overlapped (a double send). The user already has
            # this turn's answer: keep the other turn's state rather than report an error.
            if not turn_context.responded:
                raise
            log.warning("kept the concurrent turn's state: %s", conflict,
                        extra={"conversation_id": conversation_id_of(activity), "tenant_id": tenant_id})

    async def _refuse(self, turn_context: TurnContext, tenant_id: str | None, key: str | None = None) -> None:
        activity = turn_context.activity
        if key is None:
            key = "service.tenant_missing" if tenant_id is None else "service.tenant_refused"
        log.warning("refused a %s from tenant %r (%s)", activity.type, tenant_id, key,
                    extra={"tenant_id": tenant_id, "conversation_id": conversation_id_of(activity)})
        text = t(_turn_locale(turn_context), key)
        installed = activity.type == ActivityTypes.conversation_update and bot_among(
            activity, activity.members_added)
        if activity.type == ActivityTypes.message or installed:
            await turn_context.send_activity(text)
        elif activity.type == ActivityTypes.invoke:
            await _send_invoke(turn_context, {"statusCode": 200, "type": _INVOKE_MESSAGE, "value": text})

    # --- messages and card submits ------------------------------------------------------------------
    async def on_message_activity(self, turn_context: TurnContext) -> None:
        services, parts = self.services, self.parts
        activity = turn_context.activity
        # Every part reads the text without the bot's @mention (group chats and channels need one):
        # "@Partner Score cancel" must cancel an intake like "cancel" does.
        # The SDK annotates `text` as str, but a card submit carries None, and so does this.
        activity.text = without_bot_mention(activity)  # pyright: ignore[reportAttributeAccessIssue]
        if await handle_import_turn(turn_context, services):  # a file, "import", Apply/Cancel of a preview
            return
        if await parts.run_intake_turn(turn_context, services):
            return
        # "undo", "history of changes", "add @Ada as owner"... and their card buttons (bot/trust).
        if await trust_turn(turn_context, services):
            return
        value = activity.value if isinstance(activity.value, dict) else None
        # A button about every area (the monthly card's plan: `"scope": "all"`) must not be narrowed
        # to the area the conversation last talked about.
        every_area = value is not None and value.get("scope") == "all"
        context = await self._answer_context(turn_context, last_area=not every_area)
        if value is not None and isinstance(value.get("action"), str):
            area = value.get("area") if isinstance(value.get("area"), str) else None
            answer = parts.answer_action(value["action"], _area(area), context)
        else:
            answer = parts.answer((activity.text or "").strip(), context)
            if _intent(answer) is Intent.CHANGES and not getattr(context, "history_loaded", True):
                # "What changed since last month?" is the one question that reads the score history.
                previous = await _previous_snapshot(self.services, turn_context, context)
                context = dataclasses.replace(context, previous=previous, history_loaded=True)
                answer = parts.answer((activity.text or "").strip(), context)
        await self._deliver(turn_context, answer)

    async def _answer_context(self, turn_context: TurnContext, *, last_area: bool = True) -> Any:
        tenant_id = _turn_tenant(turn_context)
        try:
            scored = await self.services.profiles.get_scored(tenant_id)
        except ValueError as error:
            # A saved profile the engine no longer accepts (a certification retired from the
            # catalog, a file edited by hand). Without this every message, "help" and "update my
            # data" included, ended in the error reply. Say so once, then answer as if no profile.
            log.warning("saved profile of tenant %s does not load: %s", tenant_id, error,
                        extra={"tenant_id": tenant_id})
            await turn_context.send_activity(t(_turn_locale(turn_context),
                                               "service.profile_unreadable"))
            turn_context.turn_state[UNREADABLE_KEY] = True
            scored = None
        profile, scorecard = scored if scored else (None, None)
        last = _area(await self.last_area.get(turn_context, None)) if last_area else None
        stored = (await self._memories(turn_context)).get(_user_key(turn_context))
        memory = _memory(self.parts, stored) if last_area else None
        return self.parts.answer_context(locale=_turn_locale(turn_context), profile=profile,
                                         scorecard=scorecard, last_area=last, memory=memory)

    async def _memories(self, turn_context: TurnContext) -> dict[str, Any]:
        """The conversation's remembered context per user (a copy, keyed by `_user_key`)."""
        stored = await self.memories.get(turn_context, None)
        return dict(stored) if isinstance(stored, dict) else {}

    async def _deliver(self, turn_context: TurnContext, answer: Any) -> None:
        intent = _intent(answer)
        if intent is Intent.NO_PROFILE and turn_context.turn_state.get(UNREADABLE_KEY):
            return  # "no data yet" would contradict the note just sent about the saved data
        if getattr(answer, "area", None) is not None:
            await self.last_area.set(turn_context, str(answer.area))
        memory = getattr(answer, "memory", None)
        if memory is not None:
            memories = await self._memories(turn_context)
            memories[_user_key(turn_context)] = memory.model_dump(mode="json")
            # Only the most recent users of a busy channel are remembered: the state stays small.
            await self.memories.set(turn_context, dict(list(memories.items())[-_MEMORY_USERS:]))
        if intent is Intent.START_INTAKE:
            _, decision = await may_edit(turn_context, self.services)
            if not decision.allowed:  # no form to fill in that could never be saved
                await turn_context.send_activity(refusal_text(_turn_locale(turn_context), decision))
                return
            await self.parts.start_intake(turn_context, self.services, getattr(answer, "section", None))
            return
        if intent in (Intent.STOP_NOTIFICATIONS, Intent.START_NOTIFICATIONS):
            on = intent is Intent.START_NOTIFICATIONS
            text = await self.parts.set_subscription(turn_context, self.services, on)
            await turn_context.send_activity(text)
            return
        await turn_context.send_activity(answer_activity(answer))

    # --- Action.Execute -----------------------------------------------------------------------------
    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        activity = turn_context.activity
        if activity.name != "adaptiveCard/action":
            return await super().on_invoke_activity(turn_context)
        value: dict[str, Any] = activity.value if isinstance(activity.value, dict) else {}
        action: dict[str, Any] = raw if isinstance(raw := value.get("action"), dict) else {}
        verb: str = raw if isinstance(raw := action.get("verb"), str) else ""
        data: dict[str, Any] = raw if isinstance(raw := action.get("data"), dict) else {}
        card = await self.parts.on_card_action(turn_context, self.services, verb, data)
        if card is not None:
            return _invoke({"statusCode": 200, "type": ADAPTIVE_CARD_CONTENT_TYPE, "value": card})
        # Not an intake verb: a questions button ("why", "plan", "score", "help") sent as Execute.
        context = await self._answer_context(turn_context, last_area=data.get("scope") != "all")
        area = data.get("area") if isinstance(data.get("area"), str) else None
        answer = self.parts.answer_action(verb or str(data.get("action", "")), _area(area), context)
        await self._deliver(turn_context, answer)
        return _invoke({"statusCode": 200, "type": _INVOKE_MESSAGE, "value": _shown_text(answer)})

    # --- install / uninstall ------------------------------------------------------------------------
    async def on_conversation_update_activity(self, turn_context: TurnContext) -> None:
        # Handled here rather than in TeamsActivityHandler, which looks every added user up over
        # the network (TeamsInfo.get_member) although only the bot's own arrival matters.
        activity = turn_context.activity
        if bot_among(activity, activity.members_added):
            await self._welcome(turn_context)
        elif bot_among(activity, activity.members_removed):
            await self._forget_conversation(turn_context)

    async def on_installation_update_remove(self, turn_context: TurnContext) -> None:
        await self._forget_conversation(turn_context)

    async def _forget_conversation(self, turn_context: TurnContext) -> None:
        state = self.services.conversation_state
        await state.load(turn_context)  # BotState.delete fails on a turn that never loaded state
        await state.delete(turn_context)

    async def _welcome(self, turn_context: TurnContext) -> None:
        locale = _turn_locale(turn_context)
        await turn_context.send_activity(t(locale, "service.welcome"))
        try:
            saved = await self.services.profiles.get(_turn_tenant(turn_context))
        except ValueError:  # a saved profile that no longer loads: the intake starts afresh
            saved = None
        if saved is None and (await may_edit(turn_context, self.services))[1].allowed:
            await self.parts.start_intake(turn_context, self.services, None)


def _turn_locale(turn_context: TurnContext) -> str:
    """The turn's locale, set first thing by `on_turn`."""
    locale = turn_context.turn_state[LOCALE_KEY]
    assert isinstance(locale, str)
    return locale


def _turn_tenant(turn_context: TurnContext) -> str:
    """The turn's tenant, set by `on_turn` once it passed the checks."""
    tenant_id = turn_context.turn_state[TENANT_KEY]
    assert isinstance(tenant_id, str)
    return tenant_id


def without_bot_mention(activity: Activity) -> str | None:
    """The text with the bot's own @mention removed.

    botbuilder's TurnContext.remove_recipient_mention raises on a mention entity without
    `mentioned` (a hostile or broken client) and treats the mention text as a regular expression,
    so a bot display name such as "Partner Score (Dev)" is never removed. This reads the entities
    defensively and removes the mention text literally."""
    text = activity.text
    if not isinstance(text, str) or not activity.entities:
        return text
    bot_id = activity.recipient.id if activity.recipient else None
    for entity in activity.entities:
        if getattr(entity, "type", None) != "mention":
            continue
        props = getattr(entity, "additional_properties", None) or {}
        mentioned = props.get("mentioned")
        if not isinstance(mentioned, dict) or not bot_id or mentioned.get("id") != bot_id:
            continue
        shown = props.get("text")
        if not isinstance(shown, str) or not shown:
            name = mentioned.get("name")
            shown = f"<at>{name}</at>" if isinstance(name, str) and name else ""
        if shown:
            text = text.replace(shown, "")
    return text.strip()


def answer_activity(answer: Any) -> Activity:
    # Answers quote names from the profile; Teams renders markdown in messages and cards, so a
    # person named "[Sign in](https://evil.example)" must not become a link in the bot's voice.
    reply = MessageFactory.text(_shown_text(answer))
    if getattr(answer, "card", None):
        reply.attachments = [SentAttachment(content_type=ADAPTIVE_CARD_CONTENT_TYPE,
                                            content=without_links(answer.card))]
    suggestions = [s for s in getattr(answer, "suggestions", None) or [] if isinstance(s, str) and s]
    if suggestions:
        reply.suggested_actions = SuggestedActions(
            actions=[CardAction(type="imBack", title=s, value=s) for s in suggestions[:5]])
    return reply


def _shown_text(answer: Any) -> Any:
    """The answer's text as sent: names quoted as literal text, never markdown (see answer_activity)."""
    return literal(answer.text) if isinstance(answer.text, str) else answer.text


def _area(value: Any) -> Area | None:
    try:
        return Area(value) if value else None
    except ValueError:
        return None


def _invoke(body: dict[str, Any]) -> InvokeResponse:
    return InvokeResponse(status=int(HTTPStatus.OK), body=body)


async def _send_invoke(turn_context: TurnContext, body: dict[str, Any]) -> None:
    await turn_context.send_activity(Activity(type=ActivityTypes.invoke_response, value=_invoke(body)))


async def on_turn_error(turn_context: TurnContext, error: Exception) -> None:
    """Log with context; the user gets a short, polite, localized message (never a stack trace)."""
    activity = turn_context.activity
    context = {"activity_type": activity.type, "activity_id": activity.id, "activity_name": activity.name,
               "conversation_id": activity.conversation.id if activity.conversation else None,
               "tenant_id": tenant_of(activity), "channel_id": activity.channel_id,
               "locale": activity.locale}
    shown = " ".join(f"{name}={value}" for name, value in context.items() if value)
    # The context is in the text (plain log formats) and in `extra` (structured handlers).
    log.error("turn failed: %s: %s [%s]", type(error).__name__, error, shown, exc_info=error, extra=context)
    locale = normalize_locale(activity.locale)
    key = ("service.error_busy" if isinstance(error, ETagConflictError)
           else "storage_damage.damaged" if isinstance(error, DamagedItemError)
           else "storage_damage.unavailable" if isinstance(error, StorageUnavailableError)
           else "service.error_generic")
    text = t(locale, key)
    try:
        if activity.type == ActivityTypes.invoke:
            await _send_invoke(turn_context, {"statusCode": 200, "type": _INVOKE_MESSAGE, "value": text})
        elif activity.type == ActivityTypes.message:
            await turn_context.send_activity(text)
    except Exception as send_error:  # the connector may be what failed; nothing more to do
        log.error("could not tell the user about the failed turn: %s", send_error)
