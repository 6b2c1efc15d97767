"""Time and pacing: an injectable clock and sleep, a rate limiter per tenant (aiolimiter's leaky
bucket), and the retry backoff.

The job never calls `asyncio.sleep` or `datetime.now` directly, so tests drive time by hand and
the benchmark can run at the real rate; the limiter runs on the event loop's clock.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Awaitable, Callable

from aiolimiter import AsyncLimiter

Clock = Callable[[], dt.datetime]
Sleep = Callable[[float], Awaitable[None]]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def tenant_limiter(rate: float) -> AsyncLimiter:
    """At most `rate` sends per second on average for one tenant, waiters served in arrival order.
    A burst of a tenth of a second's sends absorbs the event loop's late wake-ups (a strict
    one-at-a-time pace loses every millisecond a sleep overshoots: measured 21/s instead of 30/s
    with ten busy tenants); any second still carries at most rate + rate/10."""
    if rate <= 0:
        raise ValueError("rate must be positive")
    burst = max(1.0, rate / 10)
    return AsyncLimiter(burst, burst / rate)


def backoff_delay(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """Full-jitter exponential backoff: uniform in [0, min(cap, base * 2**attempt)], attempt from 0."""
    return rng.uniform(0.0, min(cap, base * (2**attempt)))
