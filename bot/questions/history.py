"""'What changed since last month?': this scorecard against the last snapshot the score history kept
from an earlier month (the monthly job's, or one taken when the profile was saved)."""

from __future__ import annotations

from cards import explain
from cards.i18n import t
from scoring.ids import SHORTFALL_CODES, Area, Metric, ReasonCode
from scoring.programme import programme
from scoring.results import CertificationExpired, CertificationRetired, MetricResult, Reason

from .chat import Reply
from .model import Answer, AnswerContext, Intent, Memory
from .render import Join, phrase
from .scored import scorecard_for


def changes(ctx: AnswerContext, areas: tuple[Area, ...] = ()) -> Answer:
    """What moved since the earlier snapshot (in `areas` when the question names some)."""
    locale = ctx.locale
    reply = Reply(locale, explain.names_of(ctx.profile))
    now = scorecard_for(ctx)
    before = ctx.previous
    if now is None:
        return Answer(t(locale, "answers.no_profile"), None, Intent.NO_PROFILE, ctx.last_area)
    if before is None:
        reply.say("conversation.changes_none", day=programme().refresh_day)
        return Answer(reply.text(), None, Intent.CHANGES, ctx.last_area)
    date = before.as_of
    changed_areas = []
    dropped: list[tuple[Area, MetricResult]] = []
    for new in now.designations:
        old = before.areas.get(new.area)
        if old is None or (areas and new.area not in areas):
            continue
        metrics = [
            (m.metric, old.metrics[m.metric], m.points)
            for m in new.metrics
            if m.metric in old.metrics and old.metrics[m.metric] != m.points
        ]
        if new.score == old.score and new.qualified == old.qualified and not metrics:
            continue
        changed_areas.append(new.area)
        key = "conversation.changes_area"
        if new.qualified and not old.qualified:
            key = "conversation.changes_area_qualified"
        elif old.qualified and not new.qualified:
            key = "conversation.changes_area_lost"
        if len(changed_areas) == 1:
            reply.say("conversation.changes_header", date=date)
        reply.bullet(phrase(key, area=new.area, before=old.score, after=new.score))
        dropped += [
            (new.area, m) for m in new.metrics if m.metric in old.metrics and m.points < old.metrics[m.metric]
        ]
        for metric, was, is_now in metrics:
            reply.bullet(
                phrase(
                    "conversation.changes_metric",
                    metric=metric,
                    before=was,
                    after=is_now,
                )
            )
    if not changed_areas:
        reply.say("conversation.changes_same", date=date)
    focus = _causes(reply, dropped)
    # "whose certification was that?", "what if he renews it?": the first lapsed certification said.
    memory = Memory(intent=Intent.CHANGES, areas=changed_areas, certification=focus[0], person=focus[1])
    return Answer(reply.text(), None, Intent.CHANGES, ctx.last_area, memory=memory)


# Lapsed certifications first: "why did we lose points?" is most often an expiry.
_FIRST = (ReasonCode.CERTIFICATION_EXPIRED, ReasonCode.CERTIFICATION_RETIRED)


def _causes(reply: Reply, dropped: list[tuple[Area, MetricResult]]) -> tuple[str | None, str | None]:
    """Why each metric that went down has fewer points now, said once for the areas it shares; the
    first lapsed certification said (and its holder)."""
    causes: list[tuple[Metric, Reason, list[Area]]] = []
    for area, result in dropped:
        shortfalls = sorted(
            (r for r in result.reasons if r.code in SHORTFALL_CODES), key=lambda r: r.code not in _FIRST
        )
        for reason in shortfalls[:2]:
            same = next((c for c in causes if c[0] == result.metric and c[1] == reason), None)
            if same is None:
                causes.append((result.metric, reason, [area]))
            else:
                same[2].append(area)
    if not causes:
        return None, None
    reply.say("conversation.changes_why_down")
    for metric, text, areas in causes:
        reply.bullet(
            phrase(
                "conversation.changes_cause",
                areas=Join(tuple(areas)),
                metric=metric,
                reason=text,
            )
        )
    lapsed = next(
        (r for _, r, _ in causes if isinstance(r, CertificationExpired | CertificationRetired)), None
    )
    return (lapsed.certification, lapsed.person) if lapsed is not None else (None, None)
