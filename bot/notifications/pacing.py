"""Time and pacing: an injectable clock and sleep, and an async token bucket per tenant.

The job never calls `asyncio.sleep` or `datetime.now` directly, so tests drive time by hand and
the benchmark can run at the real rate.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import time
from collections.abc import Awaitable, Callable

Clock = Callable[[], dt.datetime]
Sleep = Callable[[float], Awaitable[None]]
Monotonic = Callable[[], float]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class TokenBucket:
    """At most `rate` acquisitions per second on average, bursts up to `burst` (default 1: evenly spaced).

    Waiters are served in arrival order (a lock held while waiting), so one tenant's sends go out
    evenly instead of in a thundering herd.
    """

    def __init__(
        self,
        rate: float,
        burst: float | None = None,
        *,
        monotonic: Monotonic = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.capacity = max(1.0, burst if burst is not None else 1.0)
        self._tokens = self.capacity
        self._monotonic = monotonic
        self._sleep = sleep
        self._last = monotonic()
        self._lock = asyncio.Lock()

    def _refill(self) -> None:
        now = self._monotonic()
        self._tokens = min(self.capacity, self._tokens + (now - self._last) * self.rate)
        self._last = now

    async def acquire(self) -> None:
        async with self._lock:
            self._refill()
            # The tolerance absorbs float rounding: a wait of (1 - 0.9999999) / rate can be too small to
            # move a monotonic clock at all, and the loop would spin.
            while self._tokens < 1.0 - 1e-6:
                await self._sleep((1.0 - self._tokens) / self.rate)
                self._refill()
            self._tokens = max(0.0, self._tokens - 1.0)


def backoff_delay(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """Full-jitter exponential backoff: uniform in [0, min(cap, base * 2**attempt)], attempt from 0."""
    return rng.uniform(0.0, min(cap, base * (2**attempt)))
