"""Exact money (RULES.md E-7, E-8): amounts are the decimals they were written as, and sums and
threshold tests are exact, so a growth of 1.9999 % never reads as 2 %.

An amount arrives as a float (JSON and CSV readers parse numbers to binary floats); the decimal it
was written as is its shortest round-trip text (`repr`), which is what `exact` returns. Columns of
a million amounts are kept as integers of 10^-scale dollars (`Amounts`): the smallest scale at
which every amount is such an integer (2 for cents). Their sums are exact in float64 while the sum
of their magnitudes stays under 2^53; beyond that (or beyond 9 decimals) they fall back to Python
integers, slower but still exact.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from scoring.lazy import lazy_module

if TYPE_CHECKING:
    import numpy as np
else:
    np = lazy_module("numpy")  # ACR records only: see scoring/lazy.py

MAX_FAST_SCALE = 9  # up to a billionth of a dollar, amounts are checked vectorized
_EXACT_FLOAT_SUM = 2.0**53 / 2  # a margin for the float sum of magnitudes that estimates the bound
_SAMPLE = 4096


def exact(value: float | int | Decimal) -> Decimal:
    """The decimal an amount was written as (`1019.999`, not the binary float's 1019.99899...)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(repr(float(value)))


MAX_SHOWN_PCT = 10**15  # growth from a near-zero baseline: beyond any cap, and beyond a float


def shown_pct(pct: Fraction) -> float:
    """A percentage as reported: floored to 4 decimals, never rounded up, so its whole part is the
    whole part the points were floored from (4.99998 % -> 4.9999, not 5). Astronomic growth (a
    baseline of a fraction of a cent) is reported as MAX_SHOWN_PCT, still far above any points cap."""
    return float(Fraction(math.floor(min(pct, MAX_SHOWN_PCT) * 10_000), 10_000))


def _scale_of(usd: np.ndarray) -> int | None:
    """The smallest number of decimals that writes every amount exactly, up to MAX_FAST_SCALE."""
    for k in range(MAX_FAST_SCALE + 1):
        sample = usd[:_SAMPLE]
        power = 10.0**k
        if not np.array_equal(np.round(sample * power) / power, sample):
            continue
        if np.array_equal(np.round(usd * power) / power, usd):
            return k
    return None


class Amounts:
    """A column of amounts as exact integers of 10^-scale dollars."""

    def __init__(self, usd: np.ndarray):
        scale = _scale_of(usd) if usd.size else 0
        if scale is not None:
            units = np.round(usd * 10.0**scale)
            if float(np.abs(units).sum()) < _EXACT_FLOAT_SUM:
                self.scale, self.units, self.fast = scale, units, True
                return
        else:
            scale = max(0, *(-int(exact(v).as_tuple().exponent) for v in usd.tolist()))
        self.scale = scale
        self.units = np.array([int(exact(v).scaleb(scale)) for v in usd.tolist()], dtype=object)
        self.fast = False

    def total(self, mask: np.ndarray) -> Decimal:
        """The exact sum of the selected amounts."""
        if self.fast:  # summed in place (no copy of the selected rows): integers, exact in float64
            return Decimal(int(np.sum(self.units, where=mask))).scaleb(-self.scale)
        whole = sum(self.units[mask].tolist())
        return Decimal(whole).scaleb(-self.scale)

    def group_totals(self, rows: np.ndarray, groups: np.ndarray, count: int) -> np.ndarray:
        """Exact sums, in units, of the selected rows (a mask or indices) per group: `groups` holds
        one code in 0..count-1 per selected row."""
        units = self.units[rows]
        if self.fast:
            return np.bincount(groups, weights=units, minlength=count)
        totals = np.zeros(count, dtype=object)
        totals[:] = 0
        np.add.at(totals, groups, units)
        return totals

    def at_least(self, totals: np.ndarray, dollars: float, inclusive: bool) -> np.ndarray:
        """Which unit totals reach an amount (E-8: inclusive unless told otherwise), exactly."""
        bound = exact(dollars).scaleb(self.scale)  # in units, possibly fractional
        if inclusive:
            return totals >= math.ceil(bound)
        return totals > math.floor(bound)
