"""Deliver one proactive message with Teams' retry rules.

- `CloudAdapter.continue_conversation(reference, callback, bot_app_id)` sends it.
- 412, 429, 502, 503, 504 are retried with full-jitter exponential backoff (429/503 `Retry-After`
  honoured), at most `max_tries` attempts in all.
- 403 (BotNotInConversationRoster, ConversationBlockedByUser, BotDisabledByAdmin, ...) and 404 mean
  the reference is unusable: deactivate, never retry.
- Anything else (500, connection refused, a bug) fails this conversation for this run.
- A request that went out but whose answer timed out (`SendUnconfirmedError`) is `uncertain`: Teams
  may have delivered it, and the connector has no idempotency key, so it is never resent
  automatically (neither in this run nor by the next); the summary lists it for an operator.

The connector client of the turn retries by itself (msrest, or the pooled aiohttp sender of
bot/sdk_fixes.py: 5xx and connection errors, with real sleeps). These rules must be the only ones,
so the callback sends through `ConnectorSender`: a connector client with the turn client's
credentials and serviceUrl whose pipeline is the same aiohttp sender limited to one HTTP attempt.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from botbuilder.core import BotAdapter, TurnContext
from botbuilder.schema import Activity, ConversationReference

from bot.notifications.connector import ConnectorError, ConnectorSender, SendUnconfirmedError
from bot.notifications.pacing import Clock, Sleep, backoff_delay
from bot.sdk_fixes import parse_retry_after

log = logging.getLogger(__name__)

RETRYABLE = frozenset({412, 429, 502, 503, 504})
DEACTIVATING = frozenset({403, 404})


class SendOutcome(StrEnum):
    SENT = "sent"
    FAILED = "failed"
    DEACTIVATED = "deactivated"
    UNCERTAIN = "uncertain"


@dataclass
class DeliveryResult:
    outcome: SendOutcome
    tries: int
    retries: int
    status: int | None = None
    error: str | None = None


@dataclass(frozen=True)
class SendFailure:
    status: int | None
    code: str | None
    retry_after: float | None
    message: str


def classify(error: BaseException, now: dt.datetime) -> SendFailure:
    """Status, Teams error code and Retry-After of a failed send (ours, msrest's or botframework's)."""
    if isinstance(error, ConnectorError):
        retry_after = parse_retry_after(error.headers.get("Retry-After"), now)
        return SendFailure(status=error.status, code=error.code, retry_after=retry_after, message=str(error))
    response = getattr(error, "response", None)
    status = getattr(response, "status_code", None) or getattr(response, "status", None)
    headers = getattr(response, "headers", None) or {}
    retry_after = parse_retry_after(headers.get("Retry-After") if hasattr(headers, "get") else None, now)
    code = None
    body = getattr(error, "error", None)  # ErrorResponseException.error: ErrorResponse
    inner = getattr(body, "error", None)
    if inner is not None and getattr(inner, "code", None):
        code = str(inner.code)
    message = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
    return SendFailure(
        status=int(status) if status else None, code=code, retry_after=retry_after, message=message
    )


def wire_activity(reference: dict[str, Any], message: dict[str, Any]) -> dict[str, Any]:
    """The activity JSON for one conversation: `message` (type, text, attachments; shared by a tenant's
    conversations) addressed like `TurnContext.apply_conversation_reference` would address it."""
    body = dict(message)
    body["channelId"] = reference.get("channelId")
    body["serviceUrl"] = reference.get("serviceUrl")
    body["conversation"] = reference.get("conversation")
    body["from"] = reference.get("bot")
    body["recipient"] = reference.get("user")
    if reference.get("locale"):
        body["locale"] = reference["locale"]
    return {key: value for key, value in body.items() if value is not None}


def _send_callback(
    reference: dict[str, Any], message: dict[str, Any], sender: ConnectorSender
) -> Callable[[TurnContext], Awaitable[None]]:
    async def callback(turn_context: TurnContext) -> None:
        client = turn_context.turn_state.get(BotAdapter.BOT_CONNECTOR_CLIENT_KEY)
        if client is None:  # an adapter without a Bot Connector (botbuilder's TestAdapter)
            await turn_context.send_activity(Activity().deserialize(message))
            return
        conversation_id = reference["conversation"]["id"]
        await sender.send(client, conversation_id, wire_activity(reference, message))

    return callback


async def deliver(
    adapter: Any,
    app_id: str,
    sender: ConnectorSender,
    reference: dict[str, Any],
    message: dict[str, Any],
    *,
    max_tries: int,
    clock: Clock,
    sleep: Sleep,
    rng: random.Random,
    backoff_base: float,
    backoff_max: float,
    before_try: Callable[[], Awaitable[None]] | None = None,
    retry_after_max: float = 120.0,
) -> DeliveryResult:
    """Send `message` (activity JSON) into the conversation of `reference` (a serialised
    ConversationReference), following the rules in the module doc.

    Our loop rather than tenacity: each try ends in one of four outcomes (sent, deactivated, failed,
    retried after Retry-After or jittered backoff), which tenacity would spread over a retry
    predicate, a custom wait and exceptions raised only to carry the outcome out again."""
    continuation = ConversationReference.deserialize(reference)
    for attempt in range(max_tries):  # `attempt` is also the number of retries so far
        if before_try is not None:
            await before_try()
        try:
            await adapter.continue_conversation(
                continuation, _send_callback(reference, message, sender), app_id
            )
            return DeliveryResult(SendOutcome.SENT, tries=attempt + 1, retries=attempt)
        except SendUnconfirmedError as error:
            return DeliveryResult(SendOutcome.UNCERTAIN, attempt + 1, attempt, None, str(error))
        except Exception as error:  # a send can fail in many SDK layers; classify, never crash the run
            failure = classify(error, clock())
        described = f"{failure.status or 'error'} {failure.code or ''} {failure.message}".strip()
        if failure.status in DEACTIVATING:
            return DeliveryResult(SendOutcome.DEACTIVATED, attempt + 1, attempt, failure.status, described)
        if failure.status not in RETRYABLE:
            return DeliveryResult(SendOutcome.FAILED, attempt + 1, attempt, failure.status, described)
        if attempt + 1 >= max_tries:
            return DeliveryResult(
                SendOutcome.FAILED,
                attempt + 1,
                attempt,
                failure.status,
                f"gave up after {max_tries} tries: {described}",
            )
        delay = failure.retry_after
        if delay is not None and delay > retry_after_max:
            # Waiting that long would outlive the claim's lease; the next run sends it instead.
            return DeliveryResult(
                SendOutcome.FAILED, attempt + 1, attempt, failure.status,
                f"Retry-After {delay:.0f}s: {described}",
            )
        if delay is None:
            delay = backoff_delay(attempt, backoff_base, backoff_max, rng)
        log.debug("retrying %s in %.2fs after %s", continuation.conversation.id, delay, described)
        await sleep(delay)
    raise AssertionError("unreachable: the loop returns on its last try")
