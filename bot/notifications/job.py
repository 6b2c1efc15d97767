"""The monthly notification job: every subscribed conversation gets its partner's card once a month.

Per month and conversation, a claim in the conversation's record (compare-and-swap with eTags)
makes the send happen once across runs, restarts and processes:
1. skip what is sent, unsubscribed, removed or inactive;
2. claim it (state `claimed`, a lease until now + `lease_seconds`);
3. deliver (paced per tenant, retried per Teams' rules);
4. record the outcome (`sent`, `failed`, `deactivated`, `uncertain`).
Claims are short (`lease_seconds`, 60 s) and a heartbeat task renews the claims the run holds
(every `heartbeat_seconds`, eTag-checked like every write) while its process lives, however long a
send takes. A live claim of another run is waited for, saying in the log what it waits for; an
expired one (its process died, so its heartbeat stopped) is taken over, within about one lease. A
run that was cut off leaves unclaimed or expired conversations, which the next run (the scheduler's
catch-up at start, or `python -m bot notify`) delivers. Failed ones are retried by the next run;
uncertain ones (sent, answer timed out: maybe delivered) never are, to never post a card twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import random
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiolimiter import AsyncLimiter

from bot.notifications.card import build_card, summary_text
from bot.notifications.config import NotifyConfig
from bot.notifications.connector import ConnectorSender
from bot.notifications.content import NotificationContent, score_month, with_history
from bot.notifications.delivery import DeliveryResult, SendOutcome, deliver
from bot.notifications.models import ConversationRecord, Delivery, MonthEntry, NotifySummary, RunRecord
from bot.notifications.months import as_of_for, last_due_month, parse_month, previous_month, scheduled_at
from bot.notifications.pacing import Sleep, tenant_limiter, utc_now
from bot.notifications.store import NotifyStore
from cards.adaptive import ADAPTIVE_CARD_CONTENT_TYPE

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

WAIT_LOG_SECONDS = 15.0  # while waiting on other runs' claims, say so at least this often
PAGES_IN_FLIGHT = 8  # listing pages whose conversations are visited at once (sends: `concurrency`)

# (services, tenant_id, month, as_of) -> content, or None when the tenant has no profile.
Composer = Callable[[Any, str, str, dt.date], Awaitable[NotificationContent | None]]


async def compose_for_tenant(
    services: Services, tenant_id: str, month: str, as_of: dt.date
) -> NotificationContent | None:
    """Score the tenant's profile for `month`, keep it in the history, compare with last month."""
    profile = await services.profiles.get(tenant_id)
    if profile is None:
        return None
    current = await services.history.get(tenant_id, month)
    previous = await services.history.get(tenant_id, previous_month(month))
    # Scoring is CPU work (two engine runs): keep it off the event loop that serves Teams turns.
    scorecard, content = await asyncio.to_thread(score_month, profile, month, as_of, previous, current)
    if current is None:
        await services.history.put(tenant_id, month, scorecard)
    from bot.history import ScoreHistoryStore  # bot.history builds on bot.notifications.store

    return with_history(content, scorecard, await ScoreHistoryStore(services.storage).history(tenant_id))


class _ClaimLostError(Exception):
    """The claim of a send about to be tried is no longer this run's (see `_Run.still_ours`)."""


@dataclass
class _Run:
    services: Services
    config: NotifyConfig
    store: NotifyStore
    month: str
    as_of: dt.date
    run_id: str
    clock: Callable[[], dt.datetime]
    sleep: Sleep
    rng: random.Random
    compose: Composer
    summary: NotifySummary
    in_flight: asyncio.Semaphore
    sender: ConnectorSender
    waiting: list[tuple[str, str]] = field(default_factory=list)
    # Claims of this run (being sent) and how long each holds, as the heartbeat last renewed it.
    held: dict[tuple[str, str], dt.datetime] = field(default_factory=dict)
    messages: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    contents: dict[str, NotificationContent | None] = field(default_factory=dict)
    buckets: dict[str, AsyncLimiter] = field(default_factory=dict)

    def forget_tenants_except(self, tenants: set[str]) -> None:
        """Keep per-tenant content and pace only for the tenants of the last page (bounded memory)."""
        for memo in (self.contents, self.buckets):
            for tenant_id in set(memo) - tenants:
                del memo[tenant_id]
        for key in [key for key in self.messages if key[0] not in tenants]:
            del self.messages[key]

    def message(self, tenant_id: str, content: NotificationContent, locale: str) -> dict[str, Any]:
        """The activity JSON (text + card) of a tenant in a locale, built once for all its conversations."""
        key = (tenant_id, locale)
        found = self.messages.get(key)
        if found is None:
            card = build_card(content, locale)
            found = self.messages[key] = {
                "type": "message",
                "text": summary_text(content, locale),
                "attachments": [{"contentType": ADAPTIVE_CARD_CONTENT_TYPE, "content": card}],
            }
        return found

    def bucket(self) -> AsyncLimiter:
        """A tenant's pace (see `tenant_limiter`)."""
        return tenant_limiter(self.config.rate_per_second)

    # --- claims ---------------------------------------------------------------------------------
    def _claimable(self, record: ConversationRecord | None) -> str | None:
        """None if this run may claim the record now, else the skip reason ("wait" for a live claim).

        A claim of this run that it does not hold (`held`) is claimable again: it is a claim write
        that reached the store although its answer was lost (a timeout, then the SDK's retry refused
        with 412); skipping it as "ours" would strand the conversation until the lease ends."""
        if record is None or not record.installed or record.reference is None:
            return "uninstalled"
        if not record.subscribed:
            return "unsubscribed"
        if not record.active:
            return "inactive"
        entry = record.months.get(self.month)
        if entry is None or entry.state in (Delivery.FAILED, Delivery.DEACTIVATED):
            return None  # never delivered: a failure is retried, a reactivated conversation gets it
        if entry.state == Delivery.CLAIMED:
            if entry.owner == self.run_id:
                held = (record.tenant_id, record.conversation_id) in self.held
                return "claimed" if held else None  # being sent by this run: never twice
            if entry.lease_until is not None and entry.lease_until > self.clock():
                return "wait"
            return None  # expired: its run died; take it over
        if entry.state == Delivery.UNCERTAIN:
            return "uncertain"  # maybe delivered: never resent automatically
        return "already_sent"

    async def claim(
        self, tenant_id: str, conversation_id: str
    ) -> tuple[ConversationRecord | None, str | None]:
        verdict: dict[str, str | None] = {"reason": None}
        now = self.clock()

        def change(record: ConversationRecord | None) -> ConversationRecord | None:
            reason = self._claimable(record)
            verdict["reason"] = reason
            if reason is not None or record is None:
                return None
            previous = record.months.get(self.month)
            entry = MonthEntry(
                state=Delivery.CLAIMED,
                owner=self.run_id,
                lease_until=now + dt.timedelta(seconds=self.config.lease_seconds),
                at=now,
                tries=previous.tries if previous is not None else 0,
            )
            return record.model_copy(update={"months": {**record.months, self.month: entry}})

        record = await self.store.update(tenant_id, conversation_id, change)
        return record, verdict["reason"]

    async def finish(self, tenant_id: str, conversation_id: str, result: DeliveryResult) -> None:
        now = self.clock()
        state = {
            SendOutcome.SENT: Delivery.SENT,
            SendOutcome.FAILED: Delivery.FAILED,
            SendOutcome.DEACTIVATED: Delivery.DEACTIVATED,
            SendOutcome.UNCERTAIN: Delivery.UNCERTAIN,
        }[result.outcome]

        def change(record: ConversationRecord | None) -> ConversationRecord | None:
            if record is None:
                return None
            previous = record.months.get(self.month)
            if previous is not None and previous.state == state and previous.at == now:
                return None  # this very outcome landed already (its answer was lost, the retry refused)
            entry = MonthEntry(
                state=state,
                at=now,
                tries=(previous.tries if previous is not None else 0) + result.tries,
                error=result.error,
            )
            update: dict[str, Any] = {"months": {**record.months, self.month: entry}}
            if result.outcome == SendOutcome.DEACTIVATED:
                update["active"] = False
                update["inactive_reason"] = result.error
            return record.model_copy(update=update)

        await self.store.update(tenant_id, conversation_id, change)

    # --- one conversation -----------------------------------------------------------------------
    async def visit(
        self, tenant_id: str, conversation_id: str, content: NotificationContent, bucket: AsyncLimiter
    ) -> None:
        record = await self.store.get(tenant_id, conversation_id)
        reason = self._claimable(record)
        if reason == "wait":
            self.waiting.append((tenant_id, conversation_id))
            return
        if reason is not None:
            self.summary.skip(reason)
            return
        await bucket.acquire()  # pace before claiming so the lease covers only the send itself
        # Claim, send and record inside one in-flight slot: a crash leaves at most `concurrency`
        # claims behind (each retried once its lease ends), never a queue of claimed, unsent ones.
        async with self.in_flight:
            record, reason = await self.claim(tenant_id, conversation_id)
            if reason == "wait":
                self.waiting.append((tenant_id, conversation_id))
                return
            if reason is not None or record is None:
                self.summary.skip(reason or "uninstalled")
                return
            entry = record.months[self.month]
            self.held[(tenant_id, conversation_id)] = entry.lease_until or self.clock()
            try:
                await self.send(record, content, bucket)
            finally:
                self.held.pop((tenant_id, conversation_id), None)

    # --- heartbeat ------------------------------------------------------------------------------
    async def heartbeat(self) -> None:
        """Renew this run's claims every `heartbeat_interval` until cancelled. Real time (not the
        injected sleep): the claims must live exactly as long as this process does."""
        while True:
            await asyncio.sleep(self.config.heartbeat_interval)
            await self.renew_claims()

    async def renew_claims(self, keys: list[tuple[str, str]] | None = None) -> int:
        """Extend the lease of the claims this run holds (or of `keys`) to now + `lease_seconds`
        (compare-and-swap: a claim finished or taken over meanwhile is left alone). Returns how many
        were renewed."""
        until = self.clock() + dt.timedelta(seconds=self.config.lease_seconds)

        def ours(record: ConversationRecord | None) -> MonthEntry | None:
            entry = record.months.get(self.month) if record is not None else None
            held = entry is not None and entry.state == Delivery.CLAIMED and entry.owner == self.run_id
            return entry if held else None

        def change(record: ConversationRecord | None) -> ConversationRecord | None:
            entry = ours(record)
            if record is None or entry is None:
                return None
            longer = entry.model_copy(update={"lease_until": until})
            return record.model_copy(update={"months": {**record.months, self.month: longer}})

        async def renew(key: tuple[str, str]) -> bool:
            try:
                entry = ours(await self.store.update(*key, change))
            except Exception as error:  # the next beat tries again, well within the lease
                log.warning("notify: could not renew the claim on %s/%s: %s: %s", *key,
                            type(error).__name__, error)
                return False
            renewed = entry is not None and entry.lease_until == until
            if renewed and key in self.held:
                self.held[key] = until
            return renewed

        chosen = keys if keys is not None else list(self.held)
        return sum(await asyncio.gather(*(renew(key) for key in chosen)))

    async def still_ours(self, key: tuple[str, str]) -> bool:
        """Right before a try: True if this run may send now. A claim the heartbeat renewed lately
        is; one left with less than a beat of lease (this process stalled: suspended, starved, blocked
        on a full log pipe) is renewed first, and is not ours any more if another run took it over
        meanwhile (it sends it; sending here too would post it twice)."""
        until = self.held.get(key)
        if until is not None and (until - self.clock()).total_seconds() > self.config.heartbeat_interval:
            return True
        return await self.renew_claims([key]) == 1

    async def send(
        self, record: ConversationRecord, content: NotificationContent, bucket: AsyncLimiter
    ) -> None:
        assert record.reference is not None
        message = self.message(record.tenant_id, content, record.locale)
        key = (record.tenant_id, record.conversation_id)
        where = f"{record.tenant_id}/{record.conversation_id}"
        first = True

        async def before_try() -> None:
            nonlocal first
            if not first:
                await bucket.acquire()  # a retry is a send too: it counts against the tenant's rate
            first = False
            if not await self.still_ours(key):
                raise _ClaimLostError

        try:
            result = await deliver(
                self.services.adapter,
                self.config.app_id,
                self.sender,
                record.reference,
                message,
                max_tries=self.config.max_tries,
                clock=self.clock,
                sleep=self.sleep,
                rng=self.rng,
                backoff_base=self.config.backoff_base_seconds,
                backoff_max=self.config.backoff_max_seconds,
                before_try=before_try,
                # Longer waits are left to the next run (the heartbeat keeps the claim meanwhile).
                retry_after_max=self.config.retry_after_max_seconds,
            )
        except _ClaimLostError:
            self.summary.skip("taken_over")
            log.warning("notify: %s: this run stalled past its claim's lease and another run took it "
                        "over; not sent here", where)
            return
        # Recorded before the slot is freed: a crash leaves at most the sends in flight delivered but
        # unrecorded (the one window no storage can close: the connector has no idempotency key).
        await self.finish(record.tenant_id, record.conversation_id, result)
        self.summary.retried += result.retries
        if result.outcome == SendOutcome.SENT:
            self.summary.sent += 1
        elif result.outcome == SendOutcome.DEACTIVATED:
            self.summary.deactivated += 1
            log.info("notify: %s deactivated: %s", where, result.error)
        elif result.outcome == SendOutcome.UNCERTAIN:
            self.summary.uncertain += 1
            self.summary.unconfirmed.append(f"{where}: {result.error}")
            log.warning("notify: %s uncertain (maybe delivered; not resent): %s", where, result.error)
        else:
            self.summary.failed += 1
            self.summary.failures.append(f"{where}: {result.error}")
            log.warning("notify: %s failed: %s", where, result.error)

    # --- one tenant ----------------------------------------------------------------------------
    async def tenant(self, tenant_id: str, conversations: list[str]) -> None:
        allowed = getattr(getattr(self.services, "settings", None), "tenant_allowed", None)
        if callable(allowed) and not allowed(tenant_id):
            # ALLOWED_TENANTS changed since the bot was installed there: no data goes to that tenant.
            for _ in conversations:
                self.summary.skip("tenant_not_allowed")
            return
        try:
            if tenant_id in self.contents:
                content = self.contents[tenant_id]
            else:
                content = self.contents[tenant_id] = await self.compose(
                    self.services, tenant_id, self.month, self.as_of)
        except Exception as error:
            log.exception("notify: could not score tenant %s", tenant_id)
            self.summary.failed += len(conversations)
            self.summary.failures.append(f"{tenant_id}: scoring failed: {type(error).__name__}: {error}")
            return
        if content is None:
            for _ in conversations:
                self.summary.skip("no_profile")
            return
        bucket = self.buckets.setdefault(tenant_id, self.bucket())
        queue: asyncio.Queue[str] = asyncio.Queue()
        for conversation_id in conversations:
            queue.put_nowait(conversation_id)

        async def worker() -> None:
            while not queue.empty():
                conversation_id = queue.get_nowait()
                try:
                    await self.visit(tenant_id, conversation_id, content, bucket)
                except Exception as error:  # storage trouble for one record must not stop the others
                    log.exception("notify: %s/%s not delivered", tenant_id, conversation_id)
                    self.summary.failed += 1
                    self.summary.failures.append(
                        f"{tenant_id}/{conversation_id}: {type(error).__name__}: {error}"
                    )

        # Enough workers to keep the tenant's rate busy while a few sends wait on backoff.
        workers = max(1, min(len(conversations), int(self.config.rate_per_second // 3) + 2))
        await asyncio.gather(*(worker() for _ in range(workers)))

    async def wait_for_others(self) -> None:
        """Conversations another run holds: wait until it finishes them, or take over when the lease ends."""
        contents: dict[str, NotificationContent | None] = {}
        buckets: dict[str, AsyncLimiter] = {}
        said: tuple[Any, ...] | None = None
        said_at = self.clock()
        while self.waiting:
            pending, self.waiting = self.waiting, []
            records = await self.store.read_many(pending)
            holders: dict[str, list[dt.datetime]] = defaultdict(list)
            for record in records.values():
                entry = record.months.get(self.month)
                if entry is not None and entry.state == Delivery.CLAIMED and entry.lease_until is not None:
                    holders[entry.owner or "?"].append(entry.lease_until)
            leases = [until for untils in holders.values() for until in untils]
            # Said when who holds what changes, and at least every WAIT_LOG_SECONDS meanwhile.
            now = self.clock()
            shape = tuple(sorted((owner, len(untils)) for owner, untils in holders.items()))
            if holders and (shape != said or (now - said_at).total_seconds() >= WAIT_LOG_SECONDS):
                said, said_at = shape, now
                for owner, untils in sorted(holders.items()):
                    log.info("notify %s: waiting for %d conversation(s) claimed by run %s, lease until %s "
                             "(renewed while that run lives; taken over once it expires)",
                             self.month, len(untils), owner, max(untils).isoformat(timespec="seconds"))
            if leases:
                delay = (min(leases) - self.clock()).total_seconds()
                if delay > 0:
                    # Poll: the other run usually finishes long before its lease would expire.
                    await self.sleep(min(delay + 0.001, self.config.poll_seconds))
            for tenant_id, conversation_id in pending:
                record = await self.store.get(tenant_id, conversation_id)
                reason = self._claimable(record)
                if reason == "wait":
                    self.waiting.append((tenant_id, conversation_id))
                    continue
                if reason is not None:
                    self.summary.skip("already_sent" if reason == "inactive" else reason)
                    continue
                if tenant_id not in contents:
                    contents[tenant_id] = await self.compose(self.services, tenant_id, self.month, self.as_of)
                content = contents[tenant_id]
                if content is None:
                    self.summary.skip("no_profile")
                    continue
                bucket = buckets.setdefault(
                    tenant_id,
                    self.bucket(),
                )
                await self.visit(tenant_id, conversation_id, content, bucket)


def _shared_session(services: Services) -> Any:
    """The service's pooled HTTP session (bot/sdk_fixes.py), if it has one; else the sender makes its own."""
    pool = getattr(services, "pool", None)
    http = getattr(pool, "http", None)
    return http.session() if http is not None else None


class MonthNotDueError(ValueError):
    """The month asked for cannot be sent (malformed, or its scheduled time has not come)."""


async def run_notify(
    services: Services,
    month: str | None = None,
    *,
    sleep: Sleep | None = None,
    rng: random.Random | None = None,
    compose: Composer | None = None,
    run_id: str | None = None,
) -> NotifySummary:
    """Run the monthly job once, now, for `month` (default: the latest month whose scheduled time has
    passed). Raises `MonthNotDueError` (a ValueError) for a malformed month or one not due yet."""
    config = NotifyConfig.from_services(services)
    clock = getattr(services, "clock", None) or utc_now
    now = clock()
    if month is None:
        month = last_due_month(now, config)
    try:
        parse_month(month)
    except ValueError as error:
        raise MonthNotDueError(str(error)) from None
    due = scheduled_at(month, config)
    if due > now:
        # A month is sent once: sending it before Partner Center's refresh would use stale data and
        # leave nothing for the scheduled run.
        raise MonthNotDueError(
            f"{month} is not due until {due.isoformat()} (NOTIFY_DAY {config.day}, NOTIFY_TIME "
            f"{config.time.strftime('%H:%M')}, NOTIFY_TIMEZONE {config.timezone}); the latest due month is "
            f"{last_due_month(now, config)}"
        )
    run_id = run_id or uuid.uuid4().hex
    store = NotifyStore(services.storage)
    summary = NotifySummary(month=month, run_id=run_id)
    run = _Run(
        services=services,
        config=config,
        store=store,
        month=month,
        as_of=as_of_for(month, now, config),
        run_id=run_id,
        clock=clock,
        sleep=sleep or asyncio.sleep,
        rng=rng or random.Random(),
        compose=compose or compose_for_tenant,
        summary=summary,
        in_flight=asyncio.Semaphore(config.concurrency),
        sender=ConnectorSender(_shared_session(services), answer_timeout_s=config.answer_timeout_seconds),
    )
    started = time.perf_counter()
    await store.put_run(RunRecord(month=month, started_at=now))
    log.info(
        "notify %s: run %s started (scheduled %s)", month, run_id, scheduled_at(month, config).isoformat()
    )
    heartbeat = asyncio.create_task(run.heartbeat(), name=f"notify-heartbeat-{run_id}")
    active: dict[asyncio.Future[Any], set[str]] = {}  # pages being visited -> their tenants
    try:
        # A few pages of records at a time (memory: PAGES_IN_FLIGHT pages, not every conversation).
        # Pages come grouped by tenant, so one page is often one tenant: pages in flight together
        # are what lets several tenants send at their own pace at once. A tenant cut by a page
        # boundary keeps its content and pace (`run.contents`, `run.buckets`).
        async def settle(until: int) -> None:
            while len(active) > until:
                done, _ = await asyncio.wait(active, return_when=asyncio.FIRST_COMPLETED)
                for finished in done:
                    del active[finished]
                    finished.result()
                run.forget_tenants_except(set().union(*active.values()))

        async for page in store.pages():
            records = await store.read_many(page)
            by_tenant: dict[str, list[str]] = defaultdict(list)
            for key in page:
                record = records.get(key)
                if record is not None and record.installed:  # tombstones are not conversations to visit
                    by_tenant[key[0]].append(key[1])
            visits = asyncio.gather(
                *(run.tenant(tenant_id, conversations) for tenant_id, conversations in by_tenant.items())
            )
            active[visits] = set(by_tenant)
            await settle(PAGES_IN_FLIGHT - 1)
        await settle(0)
        await run.wait_for_others()
    finally:
        for visits in active:  # a cancelled or failed run stops all its pages, not only the awaited one
            visits.cancel()
        for visits in active:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await visits
        heartbeat.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await heartbeat
    summary.elapsed_seconds = time.perf_counter() - started
    await store.put_run(
        RunRecord(month=month, started_at=now, completed_at=clock(), summary=summary.model_dump(mode="json"))
    )
    log.info("%s", summary)
    return summary
