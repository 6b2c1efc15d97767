"""One instance at a time: work that must not run twice at once (the monthly scheduler) runs only on
the instance holding a blob lease; another instance takes the lease over when the holder dies.

The lease lasts `lease_s` (Azure allows 15-60 s) and the holder renews it every third of that. A
holder whose renewal fails (storage down) stops its work before the lease can pass to someone else;
a dead holder's lease simply expires. Instances without the lease retry every
`retry_s`. This only keeps the scheduler single: what a run sends is still guarded by the
per-conversation claims (exactly once even if two runs overlap, e.g. with `python -m bot notify`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from azure.core.exceptions import AzureError, ResourceExistsError
from azure.storage.blob.aio import BlobLeaseClient

from bot.storage.base import StorageUnavailableError

if TYPE_CHECKING:
    from bot.storage.blob import BlobStorage

log = logging.getLogger(__name__)

LEASE_PREFIX = ".bot/leases/"


class Leadership:
    def __init__(self, storage: BlobStorage, name: str, *, lease_s: int = 30, retry_s: float = 15.0) -> None:
        if not 15 <= lease_s <= 60:
            raise ValueError("a blob lease lasts 15 to 60 seconds")
        self.storage, self.name = storage, name
        self.lease_s, self.retry_s = lease_s, retry_s
        self.holding = False

    async def _acquire(self) -> BlobLeaseClient | None:
        blob = self.storage.blob(f"{LEASE_PREFIX}{self.name}")
        try:
            await self.storage.ensure_container()
            with contextlib.suppress(ResourceExistsError):
                await blob.upload_blob(b"", overwrite=False)
            lease = BlobLeaseClient(blob)
            await lease.acquire(lease_duration=self.lease_s)
            return lease
        except ResourceExistsError:
            return None  # 409 LeaseAlreadyPresent: another instance holds it
        except (AzureError, StorageUnavailableError, OSError) as error:
            log.warning("lease %s: cannot reach the storage to take it (%s); retrying",
                        self.name, type(error).__name__)
            return None

    async def hold(self, work: Callable[[], Awaitable[None]]) -> None:
        """Run `work()` whenever this instance holds the lease; returns when `work` returns."""
        while True:
            lease = await self._acquire()
            if lease is None:
                await asyncio.sleep(self.retry_s)
                continue
            log.info("lease %s taken: this instance runs it", self.name)
            if await self._run_while_held(lease, work):
                return

    async def _run_while_held(self, lease: BlobLeaseClient, work: Callable[[], Awaitable[None]]) -> bool:
        """True if `work` finished; False if the lease was lost (work cancelled)."""
        self.holding = True
        task = asyncio.ensure_future(work())
        try:
            while True:
                done, _ = await asyncio.wait({task}, timeout=self.lease_s / 3)
                if done:
                    task.result()
                    with contextlib.suppress(AzureError, OSError):
                        await lease.release()
                    return True
                try:
                    # The SDK already retried; a renewal still failing a third into the lease means
                    # the next try could come after it expired: stop before another instance starts.
                    await asyncio.wait_for(lease.renew(), self.lease_s / 3)
                except (AzureError, OSError, TimeoutError) as error:
                    log.warning("lease %s lost (%s): stopping here", self.name, type(error).__name__)
                    return False
        finally:
            self.holding = False
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
