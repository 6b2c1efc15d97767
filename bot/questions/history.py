"""'What changed since last month?': this scorecard against the last one the monthly job stored."""

from __future__ import annotations

from cards import explain
from cards.explain import area_name, metric_name
from cards.i18n import t
from scoring.programme import programme

from .chat import Reply
from .model import Answer, AnswerContext, Intent, Memory
from .scored import scorecard_for


def changes(ctx: AnswerContext) -> Answer:
    locale = ctx.locale
    reply = Reply(locale)
    now = scorecard_for(ctx)
    before = ctx.previous
    if now is None:
        return Answer(t(locale, "answers.no_profile"), None, Intent.NO_PROFILE, ctx.last_area)
    if before is None:
        reply.say("conversation.changes_none", day=programme().refresh_day)
        return Answer(reply.text(), None, Intent.CHANGES, ctx.last_area)
    date = explain.date_text(locale, before.as_of)
    changed_areas = []
    for old in before.designations:
        try:
            new = now.designation(old.area)
        except KeyError:
            continue
        metrics = [
            (m.metric, m.points, n.points)
            for m in old.metrics
            for n in new.metrics
            if n.metric == m.metric and n.points != m.points
        ]
        if new.score == old.score and new.qualified == old.qualified and not metrics:
            continue
        changed_areas.append(old.area)
        key = "conversation.changes_area"
        if new.qualified and not old.qualified:
            key = "conversation.changes_area_qualified"
        elif old.qualified and not new.qualified:
            key = "conversation.changes_area_lost"
        if len(changed_areas) == 1:
            reply.say("conversation.changes_header", date=date)
        reply.bullet(t(locale, key, area=area_name(locale, old.area), before=old.score, after=new.score))
        for metric, was, is_now in metrics:
            reply.bullet(
                t(
                    locale,
                    "conversation.changes_metric",
                    metric=metric_name(locale, metric),
                    before=was,
                    after=is_now,
                )
            )
    if not changed_areas:
        reply.say("conversation.changes_same", date=date)
    memory = Memory(intent=Intent.CHANGES, areas=changed_areas)
    return Answer(reply.text(), None, Intent.CHANGES, ctx.last_area, memory=memory)
