"""Structured query + profile/scorecard -> localized Answer.

Every sentence comes from the locale files (answers.*, rules.*) or from `cards.explain` (reasons,
plan steps), so no user text is written here.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import replace

from cards import explain
from cards.i18n import normalize_locale, t
from cards.scorecard import build_scorecard_card
from scoring import score_profile
from scoring.ids import SHORTFALL_CODES, Area, Metric, ReasonCode
from scoring.results import (
    CertificationExpired,
    CertificationRetired,
    DesignationResult,
    GateMet,
    MetricResult,
    NoScoringPeople,
    PeopleCounted,
    PrerequisiteUnmet,
    Reason,
    Scorecard,
)

from . import customers as customer_checks
from . import facts, follow_up, history, knowledge, simulate
from .buttons import follow_up_card, help_card, start_intake_card
from .chat import Reply, chat_text
from .model import Answer, AnswerContext, Intent, Memory, Section
from .render import Join, Money, People, Percent, Seq, Text, phrase, render_all
from .scored import scorecard_for
from .understand import Query

_MARKUP = re.compile(r"[<>\[\]()*_`#|\\~]|[\x00-\x1f\x7f]")
# Metrics measured on the partner as a whole (same value in every area), unlike the certification ones.
SHARED_METRICS = {Metric.NET_CUSTOMER_ADDS, Metric.USAGE_GROWTH, Metric.DEPLOYMENTS}
ACTION_INTENTS = {
    "why": Intent.WHY,
    "plan": Intent.PLAN,
    "score": Intent.SCORE,
    "help": Intent.HELP,
    "update": Intent.START_INTAKE,
    "certifications": Intent.CERTIFICATIONS,
    "rule": Intent.RULE,
}
NEEDS_PROFILE = {Intent.SCORE, Intent.WHY, Intent.PLAN, Intent.WHAT_IF, Intent.EXPIRY, Intent.CHANGES}

Handler = Callable[[Query, AnswerContext, str, dict[str, str], str], Answer]
# A score, why or plan answer about the areas, written into `reply` from the partner's scorecard.
ScoredHandler = Callable[[Query, AnswerContext, Reply, Scorecard], Answer]


# --- entry points --------------------------------------------------------------------------------


def respond(query: Query, ctx: AnswerContext, original: str = "", now: float | None = None) -> Answer:
    locale = normalize_locale(ctx.locale)
    ctx = replace(ctx, locale=locale)
    names = explain.names_of(ctx.profile)
    # The stored last area comes back from conversation state: a stale or odd value is dropped, not trusted.
    if ctx.last_area is not None and not isinstance(ctx.last_area, Area):
        try:
            ctx = replace(ctx, last_area=Area(str(ctx.last_area)))
        except ValueError:
            ctx = replace(ctx, last_area=None)
    moment = time.time() if now is None else now
    named = knowledge.mentioned_people(ctx, original)
    earlier = ctx.memory.person if ctx.memory is not None and ctx.memory.fresh(moment) else None
    if query.correction and len(named) == 2 and earlier in named:
        named = [p for p in named if p != earlier]  # "I meant Anna, not 이도윤": Anna instead
    person = named[0] if len(named) == 1 else None
    # "those certs" right after a person's certifications are still that person's.
    about_person = (
        ctx.memory is not None and ctx.memory.intent == Intent.CERTIFICATIONS and not ctx.memory.certification
    )
    if (
        person is None
        and (query.person_pronoun or (query.pronoun and about_person and not query.areas))
        and query.intent
        in (Intent.CERTIFICATIONS, Intent.UNKNOWN, Intent.WHAT_IF, Intent.EXPIRY, Intent.SCORE)
        and not query.who
        and (not query.certification or query.intent in (Intent.WHAT_IF, Intent.EXPIRY))
        and ctx.memory is not None
        and ctx.memory.fresh(moment)
    ):
        person = ctx.memory.person  # "what else does he hold?"
    asked = query.intent
    about_customers = query.about_customers or (
        ctx.memory is not None and ctx.memory.fresh(moment) and ctx.memory.metric == Metric.NET_CUSTOMER_ADDS
    )
    asks_why = asked == Intent.WHY or query.count_verb or query.yes_no
    # "pourquoi litware-labs ne compte pas ?", "et woodgrove ?" after the customer count. The customer
    # ids are looked up only for such a question (a profile may hold a million records).
    about_a_customer = (
        asked in (Intent.WHY, Intent.RULE, Intent.SCORE, Intent.UNKNOWN, Intent.CERTIFICATIONS)
        and not (query.association or query.excluded_offer or query.sovereign)  # "does TPOR count?": the rule
        and not query.cloud_platform
        and (asks_why or (about_customers and query.words <= 4))
    )
    by_id = customer_checks.customers_by_id(ctx.profile, original) if about_a_customer else []
    if (
        about_a_customer
        and (by_id or (about_customers and asks_why))
        and (customers := by_id or customer_checks.named_customers(ctx.profile, original))
    ):
        answer = customer_checks.customer_answer(ctx, customers)  # "why not the Cosmos DB one?"
        return replace(answer, memory=follow_up.remember(ctx.memory, answer.memory, moment))
    if (
        asked == Intent.WHY
        and not (query.areas or query.metric or query.certification or named)
        and query.words <= 6
        and ctx.memory is not None
        and ctx.memory.fresh(moment)
        and ctx.memory.intent in (Intent.EXPIRY, Intent.WHAT_IF)
        and (changed := simulate.changed_profile(ctx)) is not None
    ):
        answer = simulate.why_change(ctx, changed)  # "pourquoi autant ?" after an expiry or a what-if
        return replace(answer, memory=follow_up.remember(ctx.memory, answer.memory, moment))
    if (
        asked == Intent.WHY
        and not (query.metric or query.certification or named)
        and query.words <= 4
        and ctx.memory is not None
        and ctx.memory.fresh(moment)
        and ctx.memory.intent == Intent.WHAT_IF
        and (simulated := simulate.simulated_profile(ctx)) is not None
    ):
        # "why not?" after "so would infra qualify? No": the why of the simulated scores.
        areas = query.areas or tuple(ctx.memory.areas)
        sim_ctx = replace(ctx, profile=simulated, scorecard=score_profile(simulated), memory=None)
        answer = _why(
            replace(query, areas=areas, area=areas[0] if areas else None), sim_ctx, locale, names, ""
        )
        lead = render_all(locale, [phrase("conversation.in_simulation")], names)
        text = chat_text([*lead, answer.text])
        return replace(answer, text=text, memory=follow_up.remember(ctx.memory, ctx.memory, moment))
    query = follow_up.resolve(query, ctx.memory, moment, _has_metric(ctx), person)
    if (
        asked != query.intent
        and query.intent in (Intent.WHAT_IF, Intent.EXPIRY)
        and person is None
        and ctx.memory is not None
        and not (query.what_if is not None and query.what_if.count > 1)  # "and 2 people?": not just hers
    ):
        person = ctx.memory.person  # "would infra change too?" after a what-if: the same what-if
    if (
        ctx.memory is None
        and isinstance(ctx.last_area, Area)
        and not query.areas
        and query.metric is None
        and query.intent in (Intent.WHY, Intent.PLAN)
        and query.words <= 3
    ):
        # A bare "why?" in a conversation from before follow-ups were remembered: its last area.
        query = replace(query, areas=(ctx.last_area,), area=ctx.last_area)
    query = _areas_by_score(query, ctx, original)
    answer = _dispatch(query, ctx, locale, names, original, person, named)
    previous = ctx.memory if ctx.memory is not None and ctx.memory.fresh(moment) else None
    memory = follow_up.remember(
        previous, answer.memory or _memory_of(query, answer, person, previous, ctx), moment
    )
    return replace(answer, memory=memory)


_SCORE_NUMBER = re.compile(r"(?<![\d.,-])(\d{1,3})(?!\d|[.,]\d|\s*%)")  # not 1.5, 12%, AZ-104


def _areas_by_score(query: Query, ctx: AnswerContext, original: str) -> Query:
    """ "Why are we stuck at 48?": the areas whose score is the number said (the data decides)."""
    if query.areas or query.metric or query.intent not in (Intent.WHY, Intent.PLAN, Intent.SCORE):
        return query
    said = {int(n) for n in _SCORE_NUMBER.findall(original)} - {0, 70, 100}
    scorecard = scorecard_for(ctx) if said else None
    if scorecard is None:
        return query
    areas = tuple(d.area for d in scorecard.designations if d.score in said)
    return replace(query, areas=areas, area=areas[0]) if areas else query


def _has_metric(ctx: AnswerContext) -> Callable[[Area, Metric], bool]:
    rules, _ = knowledge.rule_version(ctx)
    return lambda area, metric: metric in rules.areas[area].metrics


def _memory_of(
    query: Query, answer: Answer, person: str | None, previous: Memory | None, ctx: AnswerContext
) -> Memory | None:
    if answer.intent in (Intent.UNKNOWN, Intent.HELP, Intent.NO_PROFILE, Intent.START_INTAKE):
        return None
    if answer.intent == Intent.CERTIFICATIONS and query.certification and person is None:
        # "who has AZ-700?" with one holder: "what else does she have?" is about her.
        person = knowledge.sole_holder(ctx, query.certification)
    if answer.intent == Intent.CERTIFICATIONS and query.certification and previous is not None:
        # "who has it?" is an aside: the topic (a why about intermediate in D&AI) goes on after it.
        return previous.model_copy(
            update={"certification": query.certification, "person": person or previous.person}
        )
    areas = list(query.areas) or ([answer.area] if answer.area else [])
    return Memory(
        intent=answer.intent,
        areas=areas,
        metric=query.metric,
        certification=query.certification,
        person=person,
        cloud_platform=query.cloud_platform,
    )


def _dispatch(
    query: Query,
    ctx: AnswerContext,
    locale: str,
    names: dict[str, str],
    original: str,
    person: str | None,
    named: list[str],
) -> Answer:
    """The answer to `query`; `person` is the one person it is about (named or from the conversation),
    `named` everyone the message names."""
    intent = query.intent
    if intent in NEEDS_PROFILE and ctx.profile is None and ctx.scorecard is None:
        intent = Intent.NO_PROFILE
    leaves = query.what_if is not None and query.what_if.kind == "leaves"
    if intent == Intent.WHAT_IF and leaves and query.worth and not named and person is None:
        intent = Intent.RULE  # "what is it worth?" with nobody named: the rule, not a who-leaves prompt
    if intent == Intent.WHAT_IF:
        people = named
        earlier = ctx.memory.person if ctx.memory is not None else None
        same = ctx.memory is not None and ctx.memory.certification in (None, query.certification)
        if query.also and earlier and earlier not in people and same:
            people = [earlier, *people]  # "and if Jürgen passes it too?": both of them
        if len(people) > 1:
            return simulate.what_if(query, ctx, None, None, people)
        return simulate.what_if(query, ctx, person, None if person else knowledge.new_name(ctx, original))
    if intent == Intent.EXPIRY:
        return simulate.expiry(query, ctx, person)
    if intent == Intent.CHANGES:
        return history.changes(ctx, query.areas)
    if intent == Intent.FACT:
        # "Siddharth passed AZ-305 last week, why isn't it in the score?": the lag, then whether the
        # data has his certification (issue class 6).
        slug = query.certification
        lag = query.fact in ("skilling_delay", "learn_profile") and slug is not None
        check = knowledge.holding_check(ctx, original, slug, names) if lag and slug else []
        said_once = [c for c in check if c.key != "conversation.person_cert_refresh"]  # the lag is the fact
        return facts.fact_answer(query, ctx, said_once)
    # "What does Ada hold?": a person of the profile named in a certification (or unclear) question.
    if (
        intent in (Intent.CERTIFICATIONS, Intent.UNKNOWN)
        and not query.certification
        and not query.unknown_exam
        and not query.out_of_scope  # "add Élodie to a Teams group": not a question about her
    ) and person is not None:
        return knowledge.person_answer(person, ctx, locale, names)
    if (
        intent == Intent.CERTIFICATIONS
        and ctx.profile is not None
        and not (query.certification or query.unknown_exam or query.areas or query.metric or query.who)
        and not (query.cloud_platform or query.pronoun or query.which_count)
        and (unknown := knowledge.new_name(ctx, original)) is not None
    ):
        # "what certs does Noa Levi have?" and no Noa in the data: say so, and who is, not "which area?".
        reply = Reply(locale, names)
        everyone = tuple(p.id for p in ctx.profile.people)
        reply.say("conversation.person_unknown", name=unknown, people=People(everyone))
        return Answer(reply.text(), None, Intent.CERTIFICATIONS, None)
    return _HANDLERS[intent](query, ctx, locale, names, original)


SUGGESTED = 4  # example questions also offered as quick replies


def _examples(locale: str) -> list[str]:
    keys = ("score", "area", "why", "not_qualified", "plan", "rule", "certs", "who", "cloud", "update")
    return [t(locale, f"answers.example_{key}") for key in keys]


def _help(query: Query, ctx: AnswerContext, locale: str, names: dict[str, str], original: str) -> Answer:
    examples = _examples(locale)
    if query.thanks:
        text = t(locale, "answers.thanks")
        return Answer(text, None, Intent.HELP, ctx.last_area, suggestions=examples[:SUGGESTED])
    more = [t(locale, f"conversation.example_{key}") for key in ("what_if", "expiry", "changes", "fact")]
    shown = [*examples[:5], examples[7], *more]
    # The list is in the card only: one reply, said once.
    reply = Reply(locale, names)
    reply.say("conversation.help_intro")
    reply.say("answers.help_notifications")
    return Answer(reply.text(), help_card(locale, shown), Intent.HELP, ctx.last_area)


def _unknown(query: Query, ctx: AnswerContext, locale: str, names: dict[str, str], original: str) -> Answer:
    examples = _examples(locale)
    reply = Reply(locale, names)
    # The user's own words come back quoted: without markup characters, so they cannot format the reply.
    shown = " ".join(_MARKUP.sub(" ", original).split())[:80] or "…"
    reply.say("conversation.cannot_answer", text=shown)
    offered = [examples[0], examples[2], examples[4]]
    reply.bullets(offered)
    return Answer(reply.text(), None, Intent.UNKNOWN, ctx.last_area, suggestions=offered)


def _no_profile(
    query: Query, ctx: AnswerContext, locale: str, names: dict[str, str], original: str
) -> Answer:
    text = t(locale, "answers.no_profile")
    return Answer(text, start_intake_card(locale, text), Intent.NO_PROFILE, query.area or ctx.last_area)


def _intake(query: Query, ctx: AnswerContext, locale: str, names: dict[str, str], original: str) -> Answer:
    if query.section is not None:
        section = t(locale, f"answers.section_{query.section}")
        text = t(locale, "answers.intake_start_section", section=section)
    else:
        text = t(locale, "answers.intake_start")
    return Answer(text, None, Intent.START_INTAKE, ctx.last_area, section=query.section)


def _notifications(
    query: Query, ctx: AnswerContext, locale: str, names: dict[str, str], original: str
) -> Answer:
    key = "stop" if query.intent == Intent.STOP_NOTIFICATIONS else "start"
    return Answer(t(locale, f"answers.notifications_{key}"), None, query.intent, ctx.last_area)


def _on_scorecard(intent: Intent, body: ScoredHandler) -> Handler:
    """A handler for a question about the partner's scores. What the score, why and plan answers
    share is here: the scorecard (none yet: offer the intake), and the Cloud Platform competency,
    which has no areas, so its level and every reason answer all three."""

    def handler(
        query: Query, ctx: AnswerContext, locale: str, names: dict[str, str], original: str
    ) -> Answer:
        card_data = scorecard_for(ctx)
        if card_data is None:
            return _no_profile(query, ctx, locale, names, original)
        reply = Reply(locale, names)
        if query.cloud_platform and query.area is None:
            _cloud_platform(reply, card_data, only=query.cloud_level)
            return Answer(reply.text(), None, intent, ctx.last_area)
        return body(query, ctx, reply, card_data)

    return handler


def _metric_result(result: DesignationResult, metric: Metric) -> MetricResult | None:
    return next((m for m in result.metrics if m.metric == metric), None)


def _metric_or_absent(reply: Reply, result: DesignationResult, metric: Metric) -> MetricResult | None:
    """The area's result for `metric`, or None after saying the area has no such metric."""
    found = _metric_result(result, metric)
    if found is None:
        reply.say("answers.why_metric_na", area=result.area, metric=metric)
    return found


# --- score ---------------------------------------------------------------------------------------


def _metric_line(result: MetricResult) -> Text:
    points = {"metric": result.metric, "points": result.points, "max": result.max}
    if result.metric == Metric.USAGE_GROWTH and result.value is not None:
        # "Usage growth in %?": the measured growth beside its points.
        return phrase("conversation.score_metric_value", **points, value=Percent(result.value))
    if result.metric in (Metric.NET_CUSTOMER_ADDS, Metric.DEPLOYMENTS) and result.value is not None:
        # "How many of our services are counted?": the count beside its points.
        count = phrase(f"conversation.value_{result.metric}", count=int(result.value))
        return phrase("conversation.score_metric_value", **points, value=count)
    return phrase("answers.score_metric_line", **points)


def _area_lines(reply: Reply, result: DesignationResult) -> None:
    key = "answers.score_area_qualified" if result.qualified else "answers.score_area_not_qualified"
    reply.say(key, area=result.area, score=result.score, threshold=result.threshold)
    for metric in Metric:
        found = _metric_result(result, metric)
        if found is not None:
            reply.bullet(_metric_line(found))
        elif _not_applicable(result, metric):
            reply.bullet(phrase("answers.score_metric_na", metric=metric))


def _not_applicable(result: DesignationResult, metric: Metric) -> bool:
    return any(r.code == ReasonCode.NOT_APPLICABLE and r.metric == metric for r in result.reasons)


def _score(query: Query, ctx: AnswerContext, reply: Reply, card_data: Scorecard) -> Answer:
    locale = reply.locale
    if query.closest and query.area is None:
        return _closest(reply, card_data)
    if query.area is not None:
        result = card_data.designation(query.area)
        if query.metric is None:
            _area_lines(reply, result)
        elif (found := _metric_or_absent(reply, result, query.metric)) is not None:
            reply.say(
                "answers.score_metric_one",
                metric=found.metric,
                area=query.area,
                points=found.points,
                max=found.max,
            )
            reply.reasons(found.reasons)
        return Answer(reply.text(), follow_up_card(locale, query.area), Intent.SCORE, query.area)
    partner = (
        card_data.partner_name
        or (ctx.profile.partner.name if ctx.profile is not None else None)
        or card_data.partner_id
    )
    reply.say(
        "answers.score_header",
        partner=partner,
        date=card_data.as_of,
        rules=card_data.rules,
    )
    for result in card_data.designations:
        if query.metric is not None:
            found = _metric_result(result, query.metric)
            line = (
                phrase("answers.score_metric_na", metric=query.metric)
                if found is None
                else _metric_line(found)
            )
            reply.bullet(phrase("answers.labelled", label=result.area, text=line))
            continue
        key = "answers.score_line_qualified" if result.qualified else "answers.score_line_not_qualified"
        reply.bullet(phrase(key, area=result.area, score=result.score))
    if card_data.cloud_platform is not None and query.metric is None:
        level = phrase(f"answers.cp_level_{card_data.cloud_platform.level}")
        reply.bullet(phrase("answers.cp_line", level=level))
    reply.say("answers.score_follow_up")
    # The question asked most gets the scorecard itself: bars, verdicts and buttons.
    card = build_scorecard_card(card_data, ctx.profile, locale) if query.metric is None else None
    return Answer(reply.text(), card, Intent.SCORE, ctx.last_area)


def _closest(reply: Reply, card_data: Scorecard) -> Answer:
    """ "Which area is closest?": the unqualified area with the fewest points to go (ties: the
    blocked one last, since a metric at 0 needs more than points)."""
    open_areas = [d for d in card_data.designations if not d.qualified]
    if not open_areas:
        reply.say("conversation.closest_all")
        return Answer(reply.text(), None, Intent.SCORE, None)

    def distance(d: DesignationResult) -> tuple[int, bool]:
        return (max(0, d.threshold - d.score), bool(d.blocking_metrics))

    best = min(open_areas, key=distance)
    if best.score >= best.threshold and best.blocking_metrics:
        reply.say(
            "conversation.closest_blocked",
            area=best.area,
            score=best.score,
            metrics=Join(tuple(best.blocking_metrics)),
        )
    else:
        tied = tuple(d.area for d in open_areas if distance(d) == distance(best) and d.score == best.score)
        reply.say(
            "conversation.closest",
            area=Join(tied),
            score=best.score,
            missing=best.threshold - best.score,
            count=len(tied),
        )
    memory = Memory(intent=Intent.SCORE, areas=[best.area])
    return Answer(
        reply.text(), follow_up_card(reply.locale, best.area), Intent.SCORE, best.area, memory=memory
    )


def _cloud_platform(reply: Reply, card_data: Scorecard, only: str | None = None) -> None:
    result = card_data.cloud_platform
    if result is None:
        reply.say("answers.cp_not_assessed")
        return
    reply.say("answers.cp_line", level=phrase(f"answers.cp_level_{result.level}"))
    if result.consumption_usd_12m is not None:
        reply.say("answers.cp_consumption", value=Money(result.consumption_usd_12m))
    for level, outcome in result.levels.items():
        if only is not None and level != only:
            continue  # "why am I not Gold?" is about Gold
        name = phrase(f"answers.cp_level_{level}")
        reply.say("answers.cp_level_met" if outcome.met else "answers.cp_level_not_met", level=name)
        reply.reasons(outcome.reasons)


# --- why -----------------------------------------------------------------------------------------


def _shortfalls(result: MetricResult) -> list[Reason]:
    """What holds the metric back; a lapsed certification of a prerequisite met without it costs
    nothing, so it is no reason ("Chloé's AZ-104 expired" while three others hold it)."""
    met = {slug for r in result.reasons if isinstance(r, GateMet) for slug in r.certifications}
    return [
        r
        for r in result.reasons
        if r.code in SHORTFALL_CODES and not (isinstance(r, CertificationExpired) and r.certification in met)
    ]


def _why(query: Query, ctx: AnswerContext, locale: str, names: dict[str, str], original: str) -> Answer:
    if (query.certification or query.unknown_exam) and not (query.areas or query.metric):
        return knowledge.certification_answer(query, ctx, locale, names, why=True)
    answer = _why_scores(query, ctx, locale, names, original)
    if query.certification:
        # "…show 0/20. Why? Gus passed AZ-400 last month": say whether Gus's AZ-400 is in the data.
        check = knowledge.holding_check(ctx, original, query.certification, names)
        if check:
            answer = replace(answer, text=chat_text([answer.text, *render_all(locale, check, names)]))
    return answer


def _premise_areas(card_data: Scorecard, metric: Metric, zero: bool) -> list[DesignationResult]:
    """The areas where "why zero/only … {metric}?" holds: the metric at 0 (or below its maximum)."""
    found = []
    for result in card_data.designations:
        metric_result = _metric_result(result, metric)
        if metric_result is None:
            continue
        if metric_result.points == 0 if zero else metric_result.points < metric_result.max:
            found.append(result)
    return found


def _why_areas(query: Query, ctx: AnswerContext, reply: Reply, card_data: Scorecard) -> Answer:
    locale = reply.locale
    areas = list(query.areas)
    metric = query.metric
    if not areas and metric is not None and metric in SHARED_METRICS:
        # Customers, usage and services are the partner's, not an area's: one answer fits all three.
        result = next(r for r in card_data.designations if _metric_result(r, metric) is not None)
        _why_metric(reply, result, metric, shared=True)
        return Answer(reply.text(), None, Intent.WHY, None)
    if not areas and metric is not None:
        # The data decides "which area?": the areas where the question's premise holds.
        results = _premise_areas(card_data, metric, query.zero) or _premise_areas(card_data, metric, False)
        if not results:
            reply.say("conversation.metric_none_zero", metric=metric)
            for result in card_data.designations:
                if (found := _metric_result(result, metric)) is not None:
                    reply.bullet(
                        phrase(
                            "conversation.metric_area_points",
                            area=result.area,
                            points=found.points,
                            max=found.max,
                        )
                    )
            return Answer(reply.text(), None, Intent.WHY, None)
        areas = [r.area for r in results]
    if not areas:
        pending = [r.area for r in card_data.designations if not r.qualified]
        if not pending:
            reply.say("conversation.all_qualified")
            for result in card_data.designations:
                reply.bullet(
                    phrase(
                        "answers.score_line_qualified",
                        area=result.area,
                        score=result.score,
                    )
                )
            return Answer(reply.text(), None, Intent.WHY, None)
        areas = pending
    if len(areas) == 1:
        area = areas[0]
        result = card_data.designation(area)
        if metric is not None:
            _why_metric(reply, result, metric)
        else:
            _why_area(reply, result)
        focus, person = _focus(result, metric)
        memory = Memory(intent=Intent.WHY, areas=[area], metric=metric, certification=focus, person=person)
        return Answer(reply.text(), follow_up_card(locale, area), Intent.WHY, area, memory=memory)
    results = [card_data.designation(a) for a in areas]
    if metric is not None:
        zero = query.zero or all(
            (found := _metric_result(r, metric)) is None or found.points == 0 for r in results
        )
        _why_metric_grouped(reply, results, metric, zero)
    else:
        _why_areas_grouped(reply, results)
    focus, person = next((f for r in results if (f := _focus(r, metric))[0]), (None, None))
    memory = Memory(intent=Intent.WHY, areas=areas, metric=metric, certification=focus, person=person)
    return Answer(reply.text(), None, Intent.WHY, None, memory=memory)


def _focus(result: DesignationResult, metric: Metric | None) -> tuple[str | None, str | None]:
    """The certification (and person) a follow-up to this answer means ("who has it?", "when did it
    expire?", "what if he renews it?"): an unmet prerequisite's, else a lapsed certification (of a
    metric at zero first), else the one nobody holds, else the plan's first certification."""
    results = [m for m in result.metrics if metric is None or m.metric == metric]
    for metric_result in results:
        for reason in metric_result.reasons:
            if isinstance(reason, PrerequisiteUnmet) and reason.certifications:
                return reason.certifications[0], None
    for metric_result in sorted(results, key=lambda m: m.points > 0):
        for reason in metric_result.reasons:
            if isinstance(reason, CertificationExpired | CertificationRetired):
                return reason.certification, reason.person
    for metric_result in results:
        for reason in metric_result.reasons:
            if isinstance(reason, NoScoringPeople) and reason.certifications:
                return reason.certifications[0], None
    planned = (
        s.certification for s in result.plan if s.certification and (metric is None or s.metric == metric)
    )
    return next(planned, None), None


def _grouped(items: list[tuple[Area, object]]) -> list[tuple[list[Area], object]]:
    """Lines said once with every area they apply to (equal reasons, steps or texts), in first-seen
    order."""
    groups: list[tuple[list[Area], object]] = []
    for area, said in items:
        bucket = next((found for found, other in groups if other == said), None)
        if bucket is None:
            groups.append(([area], said))
        elif area not in bucket:
            bucket.append(area)
    return groups


def _say_grouped(reply: Reply, items: list[tuple[Area, object]], all_areas: list[Area]) -> None:
    for found, said in _grouped(items):
        if found == all_areas:
            reply.bullet(said)
        else:
            reply.bullet(phrase("conversation.in_areas", areas=Join(tuple(found)), text=said))


def _why_metric_grouped(reply: Reply, results: list[DesignationResult], metric: Metric, zero: bool) -> None:
    """One metric in several areas: each cause said once, with the areas it applies to."""
    all_areas = [r.area for r in results]
    key = "conversation.metric_in_areas_zero" if zero else "conversation.metric_in_areas_low"
    reply.say(key, metric=metric, areas=Join(tuple(all_areas)))
    causes: list[tuple[Area, object]] = []
    steps: list[tuple[Area, object]] = []
    for result in results:
        found = _metric_result(result, metric)
        if found is None:
            continue
        if not zero:
            causes.append((result.area, _metric_line(found)))
        shortfalls = _shortfalls(found) or found.reasons
        causes.extend((result.area, r) for r in shortfalls)
        steps.extend((result.area, step) for step in result.plan if step.metric == metric)
    _say_grouped(reply, causes, all_areas)
    if steps:
        reply.say("answers.why_plan_header")
        _say_grouped(reply, steps, all_areas)


def _why_areas_grouped(reply: Reply, results: list[DesignationResult]) -> None:
    """Several areas not qualified: the score of each, then each blocking cause once with its areas."""
    all_areas = [r.area for r in results]
    for result in results:
        reply.say("answers.why_not_qualified", area=result.area, score=result.score)
    causes: list[tuple[Area, object]] = []
    for result in results:
        for metric_result in result.metrics:
            blocking = metric_result.points == 0 or metric_result.metric in result.blocking_metrics
            if not blocking:
                continue
            header = phrase(
                "answers.why_metric_blocks",
                metric=metric_result.metric,
                points=metric_result.points,
                max=metric_result.max,
            )
            for reason in _shortfalls(metric_result) or metric_result.reasons:
                causes.append((result.area, Seq((header, reason))))
    _say_grouped(reply, causes, all_areas)
    reply.say("conversation.to_do_areas", areas=Join(tuple(all_areas)))
    steps: list[tuple[Area, object]] = [(result.area, step) for result in results for step in result.plan]
    _say_grouped(reply, steps, all_areas)


def _why_area(reply: Reply, result: DesignationResult) -> None:
    name = result.area
    if result.qualified:
        reply.say("answers.why_qualified", area=name, score=result.score, threshold=result.threshold)
    else:
        reply.say("answers.why_not_qualified", area=name, score=result.score)
        reply.reasons(r for r in result.reasons if r.code != ReasonCode.NOT_APPLICABLE)
    for metric_result in result.metrics:
        shortfalls = _shortfalls(metric_result)
        blocking = metric_result.points == 0 or metric_result.metric in result.blocking_metrics
        # Below its maximum in an area that does not qualify: who counts says where the points are.
        counted = [
            r
            for r in metric_result.reasons
            if isinstance(r, PeopleCounted)
            and not result.qualified
            and metric_result.points < metric_result.max
        ]
        full = metric_result.points >= metric_result.max and not result.qualified
        if (not shortfalls and not blocking and not counted) or full:
            continue  # in an area that does not qualify, a metric at its maximum holds nothing back
        reply.say(
            "answers.why_metric_blocks",
            metric=metric_result.metric,
            points=metric_result.points,
            max=metric_result.max,
        )
        reply.reasons((shortfalls + counted) if (shortfalls or counted) else metric_result.reasons)
    if not result.qualified and result.plan:
        reply.say("answers.why_plan_header")
        reply.plan(result.plan)


def _why_metric(reply: Reply, result: DesignationResult, metric: Metric, shared: bool = False) -> None:
    found = _metric_or_absent(reply, result, metric)
    if found is None:
        return
    reply.say(
        "answers.why_metric_header_shared" if shared else "answers.why_metric_header",
        metric=metric,
        area=result.area,
        points=found.points,
        max=found.max,
    )
    # Shortfalls first: they answer "why only/zero"; then what did earn points.
    reply.reasons(_shortfalls(found) + [r for r in found.reasons if r.code not in SHORTFALL_CODES])
    excluded = sorted(
        {s for r in found.reasons if r.code == ReasonCode.SERVICES_COUNTED for s in r.excluded or []}
    )
    if excluded:
        reply.say("conversation.deploy_not_counted", excluded=Join(tuple(excluded)))
    if not found.reasons:
        reply.say("answers.why_metric_no_detail")
    if found.points >= found.max:
        reply.say("answers.why_metric_full")
        return
    steps = [step for step in result.plan if step.metric == metric]
    if steps and not shared:
        reply.say("answers.why_plan_header")
        reply.plan(steps)


# --- plan ----------------------------------------------------------------------------------------


def _plan_lines(reply: Reply, result: DesignationResult) -> None:
    name = result.area
    if result.qualified:
        reply.say("answers.plan_already", area=name, score=result.score)
        return
    if not result.plan:
        blocked = [r for r in result.reasons if r.code == ReasonCode.NO_PLAN]
        for reason in blocked:
            reply.line(reason)
        if not blocked:
            reply.say("answers.plan_none_found", area=name)
        return
    reply.say("answers.plan_header", area=name, score=result.score, threshold=result.threshold)
    reply.plan(result.plan)
    reply.say("answers.plan_result", points=sum(step.points_gained for step in result.plan))


def _plan(query: Query, ctx: AnswerContext, reply: Reply, card_data: Scorecard) -> Answer:
    locale = reply.locale
    area = query.area or ctx.last_area
    if area is None and query.metric in SHARED_METRICS:
        # "How do we fix that?" about usage growth: the same steps serve every area that needs them.
        pending = [r for r in card_data.designations if not r.qualified]
        steps = next(([st for st in r.plan if st.metric == query.metric] for r in pending if r.plan), [])
        steps = [st for st in steps if st.metric == query.metric]
        if steps:
            reply.say(
                "answers.plan_metric_header", metric=query.metric, area=Join(tuple(r.area for r in pending))
            )
            reply.plan(steps)
            return Answer(reply.text(), None, Intent.PLAN, None)
    if area is None:
        pending = [r for r in card_data.designations if not r.qualified]
        if not pending:
            reply.say("answers.plan_all_qualified")
        for result in pending:
            _plan_lines(reply, result)
        return Answer(reply.text(), None, Intent.PLAN, None)
    result = card_data.designation(area)
    metric = query.metric
    steps = [s for s in result.plan if s.metric == metric] if metric is not None else []
    if steps and metric is not None and not result.qualified and _metric_result(result, metric) is not None:
        reply.say(
            "answers.plan_metric_header",
            metric=metric,
            area=area,
        )
        reply.plan(steps)
    else:
        _plan_lines(reply, result)
        steps = result.plan
    # "and if only Ngozi does it?" after a plan: the plan's certification.
    focus = next((s.certification for s in steps if s.certification), None)
    memory = Memory(intent=Intent.PLAN, areas=[area], metric=metric, certification=focus)
    return Answer(reply.text(), follow_up_card(locale, area), Intent.PLAN, area, memory=memory)


def _rule(query: Query, ctx: AnswerContext, locale: str, names: dict[str, str], original: str) -> Answer:
    return knowledge.rule_answer(query, ctx, locale)


def _certifications(
    query: Query, ctx: AnswerContext, locale: str, names: dict[str, str], original: str
) -> Answer:
    return knowledge.certification_answer(query, ctx, locale, names, why=False)


_why_scores = _on_scorecard(Intent.WHY, _why_areas)
_HANDLERS: dict[Intent, Handler] = {
    Intent.SCORE: _on_scorecard(Intent.SCORE, _score),
    Intent.WHY: _why,
    Intent.PLAN: _on_scorecard(Intent.PLAN, _plan),
    Intent.RULE: _rule,
    Intent.CERTIFICATIONS: _certifications,
    Intent.HELP: _help,
    Intent.START_INTAKE: _intake,
    Intent.STOP_NOTIFICATIONS: _notifications,
    Intent.START_NOTIFICATIONS: _notifications,
    Intent.NO_PROFILE: _no_profile,
    Intent.UNKNOWN: _unknown,
}


def query_for_action(action: str, area: str | None, section: str | None = None) -> Query:
    intent = ACTION_INTENTS.get((action or "").strip().lower(), Intent.HELP)
    try:
        parsed_area = Area(area) if area else None
    except ValueError:
        parsed_area = None
    try:
        parsed_section = Section(section) if section else None
    except ValueError:
        parsed_section = None
    return Query(intent, parsed_area, section=parsed_section, areas=(parsed_area,) if parsed_area else ())
