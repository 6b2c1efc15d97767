"""Deliver one proactive message with Teams' retry rules.

- `CloudAdapter.continue_conversation(reference, callback, bot_app_id)` sends it.
- 412, 429, 502, 503, 504 are retried with full-jitter exponential backoff (429/503 `Retry-After`
  honoured), at most `max_tries` attempts in all.
- 403 (BotNotInConversationRoster, ConversationBlockedByUser, BotDisabledByAdmin, ...) and 404 mean
  the reference is unusable: deactivate, never retry.
- Anything else (500, connection refused, a bug) fails this conversation for this run.

The connector client of the turn retries by itself (msrest, or the pooled aiohttp sender of
bot/sdk_fixes.py: 5xx and connection errors, with real sleeps). These rules must be the only ones,
so the callback sends through `ConnectorSender`: a connector client with the turn client's
credentials and serviceUrl whose pipeline makes exactly one HTTP attempt.
"""

from __future__ import annotations

import copy
import datetime as dt
import email.utils
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from botbuilder.core import BotAdapter, TurnContext
from botbuilder.schema import Activity, ConversationReference

from bot.notifications.connector import ConnectorSender
from bot.notifications.pacing import Clock, Sleep, backoff_delay

log = logging.getLogger(__name__)

RETRYABLE = frozenset({412, 429, 502, 503, 504})
DEACTIVATING = frozenset({403, 404})


class Outcome(StrEnum):
    SENT = "sent"
    FAILED = "failed"
    DEACTIVATED = "deactivated"


@dataclass
class DeliveryResult:
    outcome: Outcome
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


def parse_retry_after(value: str | None, now: dt.datetime) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date); None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())


def classify(error: BaseException, now: dt.datetime) -> SendFailure:
    """Status, Teams error code and Retry-After of a failed send (msrest / botframework errors)."""
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


def _send_callback(
    activity: Activity, reference: ConversationReference, sender: ConnectorSender
) -> Callable[[TurnContext], Awaitable[None]]:
    async def callback(turn_context: TurnContext) -> None:
        client = turn_context.turn_state.get(BotAdapter.BOT_CONNECTOR_CLIENT_KEY)
        if client is None:  # an adapter without a Bot Connector (botbuilder's TestAdapter)
            await turn_context.send_activity(activity)
            return
        outgoing = TurnContext.apply_conversation_reference(copy.copy(activity), reference)
        await sender.send(client, outgoing)

    return callback


async def deliver(
    adapter: Any,
    app_id: str,
    sender: ConnectorSender,
    reference: ConversationReference,
    activity: Activity,
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
    """Send `activity` into `reference`'s conversation following the rules in the module doc."""
    for attempt in range(max_tries):  # `attempt` is also the number of retries so far
        if before_try is not None:
            await before_try()
        try:
            await adapter.continue_conversation(
                reference, _send_callback(activity, reference, sender), app_id
            )
            return DeliveryResult(Outcome.SENT, tries=attempt + 1, retries=attempt)
        except Exception as error:  # a send can fail in many SDK layers; classify, never crash the run
            failure = classify(error, clock())
        described = f"{failure.status or 'error'} {failure.code or ''} {failure.message}".strip()
        if failure.status in DEACTIVATING:
            return DeliveryResult(Outcome.DEACTIVATED, attempt + 1, attempt, failure.status, described)
        if failure.status not in RETRYABLE:
            return DeliveryResult(Outcome.FAILED, attempt + 1, attempt, failure.status, described)
        if attempt + 1 >= max_tries:
            return DeliveryResult(
                Outcome.FAILED,
                attempt + 1,
                attempt,
                failure.status,
                f"gave up after {max_tries} tries: {described}",
            )
        delay = failure.retry_after
        if delay is not None and delay > retry_after_max:
            # Waiting that long would outlive the claim's lease; the next run sends it instead.
            return DeliveryResult(
                Outcome.FAILED, attempt + 1, attempt, failure.status, f"Retry-After {delay:.0f}s: {described}"
            )
        if delay is None:
            delay = backoff_delay(attempt, backoff_base, backoff_max, rng)
        log.debug("retrying %s in %.2fs after %s", reference.conversation.id, delay, described)
        await sleep(delay)
    raise AssertionError("unreachable: the loop returns on its last try")
