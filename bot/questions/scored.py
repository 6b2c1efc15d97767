"""The scorecard an answer works from: the handler's, or the profile scored now (memoised)."""

from __future__ import annotations

from collections import OrderedDict

from scoring.results import Scorecard

from .model import AnswerContext

_SCORED: OrderedDict[int, tuple[object, Scorecard]] = OrderedDict()
_SCORED_MAX = 64


def scorecard_for(ctx: AnswerContext) -> Scorecard | None:
    """The context's scorecard, or the profile scored now (memoised per profile object: the store
    hands out the same frozen Profile until it changes, and the memo holds it so ids stay unique)."""
    if ctx.scorecard is not None:
        return ctx.scorecard
    if ctx.profile is None:
        return None
    from scoring import score_profile

    memo = _SCORED.get(id(ctx.profile))
    if memo is not None and memo[0] is ctx.profile:
        return memo[1]
    card = score_profile(ctx.profile)
    _SCORED[id(ctx.profile)] = (ctx.profile, card)
    while len(_SCORED) > _SCORED_MAX:  # oldest first; a re-scored profile simply comes back later
        _SCORED.pop(next(iter(_SCORED)), None)
    return card
