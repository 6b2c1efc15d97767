"""Programme facts answered from data: the catalog's filters and `scoring/programme.toml`."""

from __future__ import annotations

from collections.abc import Sequence

from scoring.programme import programme

from .chat import Reply
from .model import Answer, AnswerContext, Intent
from .render import Join, Text, association_name
from .understand import Query


def fact_answer(query: Query, ctx: AnswerContext, after: Sequence[Text] = ()) -> Answer:
    """The fact asked, then `after` (whether the person named holds the certification in the data)."""
    from .knowledge import rule_version  # the partner's rule version decides the association list

    locale = ctx.locale
    facts = programme()
    reply = Reply(locale)
    topic = query.fact or "refresh"
    if topic == "associations":
        rules, _ = rule_version(ctx)
        reply.say(
            "conversation.fact_associations",
            associations=Join(tuple(association_name(a) for a in rules.filters.eligible_associations)),
            offers=Join(tuple(rules.filters.excluded_offers), "or"),
        )
    elif topic == "expired":
        reply.say("conversation.fact_expired", days=facts.skilling_lag_days)
    elif topic == "window":
        reply.say("conversation.fact_window", months=facts.qualification_window_months)
    elif topic in ("skilling_delay", "learn_profile"):
        reply.say(f"conversation.fact_{topic}", days=facts.skilling_lag_days)
    else:
        reply.say("conversation.fact_refresh", day=facts.refresh_day, days=facts.skilling_lag_days)
    for line in after:
        reply.line(line)
    return Answer(reply.text(), None, Intent.FACT, ctx.last_area)
