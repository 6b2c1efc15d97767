"""Elliptical follow-ups: fill what a short message leaves out from the user's previous question.

"why is intermediate 0 for data & ai?" → "who has it?" asks who holds the certification that answer
was about; "and for infra?" repeats the last question for another area; "what about advanced?" for
another metric. A message that names something new changes only that; a full question starts a new
topic. The memory is per user and per conversation, and forgotten after `MEMORY_TTL`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from scoring.ids import Area, Metric

from .model import Intent, Memory, WhatIf
from .understand import Query

# Intents a follow-up can carry over ("and for infra?" after a why is a why).
_CARRIED = {
    Intent.SCORE,
    Intent.WHY,
    Intent.PLAN,
    Intent.RULE,
    Intent.CERTIFICATIONS,
    Intent.EXPIRY,
    Intent.CHANGES,
    Intent.WHAT_IF,
}
_SKILLING = (Metric.INTERMEDIATE_CERTIFICATIONS, Metric.ADVANCED_CERTIFICATIONS)
_COUNTED = {Metric.NET_CUSTOMER_ADDS: "customers", Metric.DEPLOYMENTS: "services"}
_SHORT = 8  # words: longer messages are whole questions of their own


def _elliptical(query: Query) -> bool:
    if query.correction:
        return True
    return query.words <= _SHORT and (query.follow_up or query.pronoun or not query.cued)


HasMetric = Callable[[Area, Metric], bool]


def resolve(
    query: Query, memory: Memory | None, now: float, has_metric: HasMetric, person: str | None = None
) -> Query:
    """The query with its gaps filled from `memory` (unchanged when it needs nothing or memory is stale).
    `has_metric` tells whether an area has a metric under the partner's rules (D&AI has no advanced)."""
    if memory is None or not memory.fresh(now) or memory.intent is None or query.out_of_scope:
        return query
    try:
        last_intent = Intent(memory.intent)
    except ValueError:
        return query
    areas = tuple(memory.areas)
    metric = memory.metric
    if memory.cloud_platform and query.partner_score:
        return query  # "and the Azure designations?" after Cloud Platform: a new topic
    if (
        memory.cloud_platform
        and query.intent in (Intent.CERTIFICATIONS, Intent.RULE, Intent.PLAN)
        and not (query.areas or query.metric or query.certification or query.cloud_platform)
    ):
        # "which exams count?" after a Cloud Platform answer: the competency's exams, not an area's.
        return replace(query, cloud_platform=True)
    names_new = bool(query.areas or query.metric or query.certification or person)
    if query.intent == Intent.WHAT_IF and query.certification is None and query.what_if is not None:
        if query.what_if.kind == "certify" and metric is not None and metric in _COUNTED:
            # "what if we get 3?" after customers (or services): that many more of them.
            return replace(query, what_if=replace(query.what_if, kind=_COUNTED[metric]), metric=metric)
        if memory.certification:
            return replace(query, certification=memory.certification)
    if (
        last_intent == Intent.EXPIRY
        and query.loses
        and query.intent in (Intent.FACT, Intent.CHANGES, Intent.UNKNOWN, Intent.SCORE, Intent.WHY)
        and query.words <= 6
        and person is None
        and not (query.areas or query.metric or query.certification)
    ):
        # "verlieren wir dadurch Punkte?" after an expiry answer: what those expiries cost.
        return replace(
            query, intent=Intent.EXPIRY, certification=memory.certification if memory.person else None
        )
    if (
        last_intent == Intent.WHAT_IF
        and memory.change is not None
        and query.intent != Intent.WHAT_IF
        and query.asks_qualified
        and (query.yes_no or query.follow_up or query.pronoun)
        and query.words <= 8
        and person is None
        and not (query.certification or query.metric)
    ):
        # "so we'd qualify for all 3?", "donc on serait qualifiés ?": the same what-if, its verdict first.
        return replace(
            query,
            intent=Intent.WHAT_IF,
            what_if=memory.change,
            certification=memory.certification,
            confirm=True,
        )
    if (
        last_intent == Intent.WHAT_IF
        and query.also
        and person is not None
        and memory.certification
        and not (query.certification or query.areas or query.metric)
    ):
        # "and if Ayşe does too?" after "what if Priya passes PL-400?": both of them.
        return replace(
            query, intent=Intent.WHAT_IF, what_if=WhatIf("certify"), certification=memory.certification
        )
    if (
        last_intent == Intent.WHAT_IF
        and query.correction
        and person is not None
        and memory.change is not None
        and memory.change.kind in ("certify", "leaves")
        and not (query.certification or query.areas or query.metric)
    ):
        # "no sorry, I meant Farah" after "what if Thandiwe passes AZ-140?": the same what-if, for her.
        return replace(
            query,
            intent=Intent.WHAT_IF,
            what_if=WhatIf(memory.change.kind),
            certification=memory.certification if memory.change.kind == "certify" else None,
        )
    if (
        last_intent == Intent.WHAT_IF
        and query.intent != Intent.WHAT_IF
        and query.percent is not None
        and metric in (Metric.USAGE_GROWTH, None)
        and not (query.areas or query.certification)
        and query.words <= 6
    ):
        # "et à 10 % ?", "and at 25%?" after a growth what-if: the same what-if at that growth.
        return replace(query, intent=Intent.WHAT_IF, what_if=WhatIf("growth", percent=query.percent))
    if (
        last_intent == Intent.WHAT_IF
        and query.intent != Intent.WHAT_IF
        and query.count is not None
        and query.percent is None
        and not query.asks_qualified  # "所以三個都會達標？": the three areas, not three of something
        and not (query.areas or query.certification or query.metric)
        and query.words <= 4
        and (metric in _COUNTED or memory.certification)
    ):
        # "那兩個呢", "and 3?" after "one more service?" (or a certification): that many of them.
        kind = "certify" if metric is None else _COUNTED.get(metric, "certify")
        return replace(
            query,
            intent=Intent.WHAT_IF,
            what_if=WhatIf(kind, count=query.count),
            certification=None if metric in _COUNTED else memory.certification,
        )
    if (
        query.intent == Intent.PLAN
        and query.how_many
        and query.pronoun
        and memory.certification
        and not (query.areas or query.metric or query.certification)
    ):
        # "how many of those do we need?" after "who holds AZ-104?": that certification's head count.
        return replace(query, intent=Intent.CERTIFICATIONS, certification=memory.certification)
    if (
        query.ours_count
        and metric in _COUNTED
        and not (query.metric or query.certification or query.what_if)
        and query.words <= 6
    ):
        # "how many do we have?" after the net-adds rule: our own count (its why says what makes it).
        new_intent = Intent.WHY if metric == Metric.NET_CUSTOMER_ADDS else Intent.SCORE
        return replace(query, intent=new_intent, metric=metric, areas=(), area=None)
    if query.ours and query.intent in (Intent.SCORE, Intent.UNKNOWN, Intent.RULE) and (metric or areas):
        # "and ours?" after a rule: our own figure for that metric.
        new_areas = query.areas or areas
        return replace(
            query,
            intent=Intent.SCORE,
            metric=query.metric or metric,
            areas=new_areas,
            area=new_areas[0] if new_areas else None,
        )
    one_holding = last_intent == Intent.EXPIRY and memory.certification is not None and bool(memory.person)
    if last_intent == Intent.EXPIRY and query.avoid and memory.certification and not query.certification:
        # "how do we avoid that?" after an expiry answer: how to keep those points.
        return replace(query, intent=Intent.EXPIRY, certification=memory.certification)
    names_topic = query.areas or query.metric or query.certification
    if one_holding and query.intent == Intent.PLAN and query.first and not names_topic:
        # "그럼 뭐부터 해야 돼요?" after one holding's expiry: renew it in time.
        return replace(query, intent=Intent.EXPIRY, certification=memory.certification, avoid=True)
    if (
        one_holding
        and (query.asks_qualified or query.loses)
        and query.words <= 8
        and person is None
        and not (query.certification or query.metric)
    ):
        # "인프라 자격 잃는 거 맞아요?" after an expiry: yes or no first, then that expiry again.
        return replace(query, intent=Intent.EXPIRY, certification=memory.certification, confirm=True)
    if (
        last_intent == Intent.WHAT_IF
        and query.intent == Intent.CERTIFICATIONS
        and query.certification
        and (query.follow_up or query.correction or query.also)
        and not query.who
    ):
        # "那改考 PL-400 呢", "no, I meant AZ-120": the same what-if with that certification.
        return replace(query, intent=Intent.WHAT_IF, what_if=WhatIf("certify"))
    # "who has it?", "qui l'a ?", "그거 누가 갖고 있어요?": the certification the last answer was about.
    carried_metric = query.metric is not None and query.follow_up and last_intent != Intent.CERTIFICATIONS
    if (
        query.intent == Intent.CERTIFICATIONS
        and not query.certification
        and not query.unknown_exam
        and not carried_metric
    ):
        if person is not None and not query.who:
            return query  # "what other certs does Kenji have?": that person's certifications
        if query.which_count and metric is not None and metric not in _SKILLING and not query.metric:
            # "what counts?" after deployments (or growth): that metric's rule, not a certification list.
            return replace(query, intent=Intent.RULE, metric=metric, areas=query.areas or areas)
        if memory.certification and query.who and not (query.areas or query.metric):
            return replace(query, certification=memory.certification)
        if not query.areas and areas and not query.who:
            # "which certs count there?" after an answer about an area: that area (and its skilling
            # metric, when the answer was about one).
            skilling = query.metric or (metric if metric in _SKILLING else None)
            return replace(query, areas=areas, area=areas[0], metric=skilling)
        if memory.certification and (query.pronoun or not (query.areas or query.metric)):
            return replace(query, certification=memory.certification)
        if not query.areas and areas and (query.metric or metric):
            return replace(query, areas=areas, area=areas[0], metric=query.metric or metric)
        return query
    if (
        query.intent == Intent.EXPIRY
        and not query.certification
        and memory.certification
        and (
            query.pronoun
            or query.person_pronoun
            or (last_intent == Intent.EXPIRY and memory.person and query.words <= 4 and not person)
        )
    ):
        # "她的什麼時候到期", "到期會扣幾分" after an answer about one holding: that holding.
        return replace(query, certification=memory.certification)
    # "and deployments?", "what about advanced?", "und für Infra?": the last question, one slot changed.
    follows = query.intent in (Intent.SCORE, Intent.UNKNOWN) or (
        query.intent == Intent.CERTIFICATIONS and carried_metric and not query.certification
    )
    if follows and query.cloud_platform and last_intent in (Intent.WHAT_IF, Intent.EXPIRY):
        return query  # "and Cloud Platform?" after a what-if: the competency today, not simulated
    if follows and last_intent == Intent.CHANGES and query.metric is not None:
        return query  # "and the exact growth?" after what changed: that figure, today
    if (
        follows
        and person is not None
        and last_intent in (Intent.WHAT_IF, Intent.EXPIRY)
        and query.what_if is None
        and query.words > 3
    ):
        return query  # "and what does Malgorzata hold?" after a what-if: her certifications, no what-if
    if follows and _elliptical(query) and last_intent in _CARRIED:
        if (
            not names_new
            and not query.pronoun
            and not query.follow_up
            and not (query.intent == Intent.UNKNOWN and query.words <= 5)
        ):
            return query
        new_metric = query.metric or metric
        new_areas = query.areas or (
            areas
            if query.metric is None
            or all(has_metric(a, query.metric) for a in areas)
            or last_intent == Intent.RULE  # its answer says the area has no such metric, then where it is
            else ()
        )
        certification = query.certification or (memory.certification if not names_new else None)
        return replace(
            query,
            intent=last_intent,
            areas=new_areas,
            area=new_areas[0] if new_areas else None,
            metric=new_metric,
            certification=(
                certification
                if last_intent == Intent.CERTIFICATIONS
                else (query.certification or memory.certification)
                if last_intent in (Intent.WHAT_IF, Intent.EXPIRY)
                else query.certification
            ),
            # The same what-if again ("and for infra?"): the change simulated is the remembered one.
            what_if=WhatIf("certify")
            if last_intent == Intent.WHAT_IF and memory.certification
            else query.what_if,
        )
    # "why?", "ok how do we get that to 70?", "und warum?": the last question's areas (and metric).
    if (
        query.intent in (Intent.WHY, Intent.PLAN, Intent.RULE)
        and not query.areas
        and not query.cloud_platform
    ):
        if query.metric is None and not query.certification:
            # "how is it calculated?", "and the max?" ask about the metric just discussed; "what's the
            # minimum score to qualify?" names none and is about the whole area.
            elliptical_rule = not query.threshold and (
                query.follow_up or query.words <= 4 or (query.pronoun and query.words <= 6)
            )
            keep_metric = (
                metric
                if (
                    query.intent == Intent.WHY
                    or (query.intent == Intent.RULE and elliptical_rule)
                    or (query.intent == Intent.PLAN and query.pronoun)
                )
                and query.words <= _SHORT
                else None
            )
            return replace(query, areas=areas, area=areas[0] if areas else None, metric=keep_metric)
        if (
            query.metric is not None
            and areas
            and (all(has_metric(a, query.metric) for a in areas) or query.intent == Intent.RULE)
        ):
            # "and advanced?" after Data & AI: the answer says D&AI has no such metric.
            return replace(query, areas=areas, area=areas[0])
    return query


def remember(previous: Memory | None, answer_memory: Memory | None, now: float) -> Memory | None:
    """The memory after this turn: the answer's topic, or the previous one when the answer had none."""
    if answer_memory is None:
        return previous
    return answer_memory.model_copy(update={"at": now})
