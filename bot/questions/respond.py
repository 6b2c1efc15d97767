"""Structured query + profile/scorecard -> localized Answer.

Every sentence comes from the locale files (answers.*, rules.*) or from `cards.explain` (reasons,
plan steps), so no user text is written here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from cards import explain
from cards.i18n import normalize_locale, t
from cards.scorecard import build_explanation_card
from scoring.ids import SHORTFALL_CODES, Area, Metric, ReasonCode
from scoring.results import DesignationResult, MetricResult, Reason, Scorecard

from . import knowledge
from .buttons import ask_area_card, follow_up_card, start_intake_card
from .chat import chat_text
from .model import Answer, AnswerContext, Intent, Section
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
NEEDS_PROFILE = {Intent.SCORE, Intent.WHY, Intent.PLAN}


class _Reply:
    """Collects lines for one answer in one locale."""

    def __init__(self, locale: str, names: dict[str, str]) -> None:
        self.locale = locale
        self.names = names
        self.lines: list[str] = []

    def say(self, key: str, **params: object) -> None:
        self.lines.append(t(self.locale, key, **params))

    def line(self, text: str) -> None:
        self.lines.append(text)

    def bullet(self, text: str) -> None:
        self.lines.append(t(self.locale, "answers.bullet", text=text))

    def text(self) -> str:
        return chat_text(self.lines)


def area_name(locale: str, area: Area | str) -> str:
    return t(locale, f"common.area.{area}")


# --- entry points --------------------------------------------------------------------------------


def respond(query: Query, ctx: AnswerContext, original: str = "") -> Answer:
    locale = normalize_locale(ctx.locale)
    names = explain.names_of(ctx.profile)
    # The stored last area comes back from conversation state: a stale or odd value is dropped, not trusted.
    if ctx.last_area is not None and not isinstance(ctx.last_area, Area):
        try:
            ctx = replace(ctx, last_area=Area(str(ctx.last_area)))
        except ValueError:
            ctx = replace(ctx, last_area=None)
    intent = query.intent
    if intent in NEEDS_PROFILE and ctx.profile is None and ctx.scorecard is None:
        intent = Intent.NO_PROFILE
    # "What does Ada hold?": a person of the profile named in a certification (or unclear) question.
    if (
        intent in (Intent.CERTIFICATIONS, Intent.UNKNOWN)
        and not query.certification
        and not query.unknown_exam
    ):
        person = knowledge.mentioned_person(ctx, original)
        if person is not None:
            return knowledge.person_answer(person, ctx, locale, names)
    handler: Callable[[Query, AnswerContext, str, dict[str, str], str], Answer] = _HANDLERS[intent]
    return handler(query, ctx, locale, names, original)


def _examples(locale: str) -> list[str]:
    keys = ("score", "area", "why", "not_qualified", "plan", "rule", "certs", "who", "cloud", "update")
    return [t(locale, f"answers.example_{key}") for key in keys]


def _help(query: Query, ctx: AnswerContext, locale: str, names: dict[str, str], original: str) -> Answer:
    reply = _Reply(locale, names)
    if query.thanks:
        return Answer(
            t(locale, "answers.thanks"), None, Intent.HELP, ctx.last_area, suggestions=_examples(locale)[:4]
        )
    reply.say("answers.help_intro")
    for example in _examples(locale):
        reply.bullet(example)
    reply.say("answers.help_notifications")
    return Answer(reply.text(), None, Intent.HELP, ctx.last_area, suggestions=_examples(locale)[:4])


def _unknown(query: Query, ctx: AnswerContext, locale: str, names: dict[str, str], original: str) -> Answer:
    reply = _Reply(locale, names)
    # The user's own words come back quoted: without markup characters, so they cannot format the reply.
    shown = " ".join(_MARKUP.sub(" ", original).split())[:80] or "…"
    reply.say("answers.unknown", text=shown)
    for example in _examples(locale):
        reply.bullet(example)
    return Answer(reply.text(), None, Intent.UNKNOWN, ctx.last_area, suggestions=_examples(locale)[:4])


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


def _ask_area(locale: str, intent: Intent, action: str, ctx: AnswerContext) -> Answer:
    text, card = ask_area_card(locale, action)
    return Answer(text, card, intent, None)


# --- score ---------------------------------------------------------------------------------------


def _metric_line(locale: str, result: MetricResult) -> str:
    return t(
        locale,
        "answers.score_metric_line",
        metric=explain.metric_name(locale, result.metric),
        points=result.points,
        max=result.max,
    )


def _area_lines(reply: _Reply, result: DesignationResult) -> None:
    locale = reply.locale
    key = "answers.score_area_qualified" if result.qualified else "answers.score_area_not_qualified"
    reply.say(key, area=area_name(locale, result.area), score=result.score, threshold=result.threshold)
    present = {m.metric for m in result.metrics}
    for metric in Metric:
        found = next((m for m in result.metrics if m.metric == metric), None)
        if found is not None:
            reply.bullet(_metric_line(locale, found))
        elif metric not in present and _not_applicable(result, metric):
            reply.bullet(t(locale, "answers.score_metric_na", metric=explain.metric_name(locale, metric)))


def _not_applicable(result: DesignationResult, metric: Metric) -> bool:
    return any(r.code == ReasonCode.NOT_APPLICABLE and r.metric == metric for r in result.reasons)


def _score(query: Query, ctx: AnswerContext, locale: str, names: dict[str, str], original: str) -> Answer:
    card_data = scorecard_for(ctx)
    if card_data is None:
        return _no_profile(query, ctx, locale, names, original)
    reply = _Reply(locale, names)
    if query.cloud_platform and query.area is None:
        _cloud_platform(reply, card_data, detailed=True, only=query.cloud_level)
        return Answer(reply.text(), None, Intent.SCORE, ctx.last_area)
    if query.area is not None:
        result = card_data.designation(query.area)
        if query.metric is not None:
            found = next((m for m in result.metrics if m.metric == query.metric), None)
            if found is None:
                reply.say(
                    "answers.why_metric_na",
                    area=area_name(locale, query.area),
                    metric=explain.metric_name(locale, query.metric),
                )
            else:
                reply.say(
                    "answers.score_metric_one",
                    metric=explain.metric_name(locale, found.metric),
                    area=area_name(locale, query.area),
                    points=found.points,
                    max=found.max,
                )
                for reason in found.reasons:
                    reply.bullet(explain.reason_text(locale, reason, names))
        else:
            _area_lines(reply, result)
        return Answer(reply.text(), follow_up_card(locale, query.area), Intent.SCORE, query.area)
    partner = (
        card_data.partner_name
        or (ctx.profile.partner.name if ctx.profile is not None else None)
        or card_data.partner_id
    )
    reply.say(
        "answers.score_header",
        partner=partner,
        date=explain.date_text(locale, card_data.as_of),
        rules=card_data.rules,
    )
    for result in card_data.designations:
        if query.metric is not None:
            found = next((m for m in result.metrics if m.metric == query.metric), None)
            if found is None:
                metric = explain.metric_name(locale, query.metric)
                missing = t(locale, "answers.score_metric_na", metric=metric)
                reply.bullet(
                    t(locale, "answers.labelled", label=area_name(locale, result.area), text=missing)
                )
            else:
                reply.bullet(
                    t(
                        locale,
                        "answers.labelled",
                        label=area_name(locale, result.area),
                        text=_metric_line(locale, found),
                    )
                )
            continue
        key = "answers.score_line_qualified" if result.qualified else "answers.score_line_not_qualified"
        reply.bullet(t(locale, key, area=area_name(locale, result.area), score=result.score))
    if card_data.cloud_platform is not None and query.metric is None:
        level = t(locale, f"answers.cp_level_{card_data.cloud_platform.level}")
        reply.bullet(t(locale, "answers.cp_line", level=level))
    reply.say("answers.score_follow_up")
    return Answer(reply.text(), None, Intent.SCORE, ctx.last_area)


def _cloud_platform(reply: _Reply, card_data: Scorecard, detailed: bool, only: str | None = None) -> None:
    locale = reply.locale
    result = card_data.cloud_platform
    if result is None:
        reply.say("answers.cp_not_assessed")
        return
    reply.say("answers.cp_line", level=t(locale, f"answers.cp_level_{result.level}"))
    if result.consumption_usd_12m is not None:
        reply.say("answers.cp_consumption", value=explain.money(locale, result.consumption_usd_12m))
    if not detailed:
        return
    for level, outcome in result.levels.items():
        if only is not None and level != only:
            continue  # "why am I not Gold?" is about Gold
        name = t(locale, f"answers.cp_level_{level}")
        reply.say("answers.cp_level_met" if outcome.met else "answers.cp_level_not_met", level=name)
        for reason in outcome.reasons:
            reply.bullet(explain.reason_text(locale, reason, reply.names))


# --- why -----------------------------------------------------------------------------------------


def _shortfalls(result: MetricResult) -> list[Reason]:
    return [r for r in result.reasons if r.code in SHORTFALL_CODES]


def _why(query: Query, ctx: AnswerContext, locale: str, names: dict[str, str], original: str) -> Answer:
    if query.certification or query.unknown_exam:
        return knowledge.certification_answer(query, ctx, locale, names, why=True)
    card_data = scorecard_for(ctx)
    if card_data is None:
        return _no_profile(query, ctx, locale, names, original)
    reply = _Reply(locale, names)
    if query.cloud_platform and query.area is None:
        _cloud_platform(reply, card_data, detailed=True, only=query.cloud_level)
        return Answer(reply.text(), None, Intent.WHY, ctx.last_area)
    area = query.area or ctx.last_area
    if area is None and query.metric in SHARED_METRICS:
        # Customers, usage and services are the partner's, not an area's: one answer fits all three.
        result = next(r for r in card_data.designations if any(m.metric == query.metric for m in r.metrics))
        _why_metric(reply, result, query.metric, shared=True)
        return Answer(reply.text(), None, Intent.WHY, None)
    if area is None:
        return _ask_area(locale, Intent.WHY, "why", ctx)
    result = card_data.designation(area)
    if query.metric is not None:
        _why_metric(reply, result, query.metric)
        return Answer(reply.text(), _explanation(card_data, area, ctx, locale), Intent.WHY, area)
    if result.qualified:
        reply.say(
            "answers.why_qualified",
            area=area_name(locale, area),
            score=result.score,
            threshold=result.threshold,
        )
    else:
        reply.say("answers.why_not_qualified", area=area_name(locale, area), score=result.score)
        for reason in result.reasons:
            if reason.code != ReasonCode.NOT_APPLICABLE:
                reply.bullet(explain.reason_text(locale, reason, names))
    for metric_result in result.metrics:
        shortfalls = _shortfalls(metric_result)
        blocking = metric_result.points == 0 or metric_result.metric in result.blocking_metrics
        if not shortfalls and not blocking:
            continue
        if not shortfalls and blocking:
            shortfalls = list(metric_result.reasons)
        reply.say(
            "answers.why_metric_blocks",
            metric=explain.metric_name(locale, metric_result.metric),
            points=metric_result.points,
            max=metric_result.max,
        )
        for reason in shortfalls:
            reply.bullet(explain.reason_text(locale, reason, names))
    if not result.qualified and result.plan:
        reply.say("answers.why_plan_header")
        for step in result.plan:
            reply.bullet(explain.plan_step_text(locale, step, names))
    return Answer(reply.text(), _explanation(card_data, area, ctx, locale), Intent.WHY, area)


def _explanation(card_data: Scorecard, area: Area, ctx: AnswerContext, locale: str) -> dict[str, Any]:
    """The explanation card of the area: every metric with its bar and reasons, and the plan.
    The answer's text stays the message text, so a client without cards still reads the whole reply."""
    return build_explanation_card(card_data, area, ctx.profile, locale)


def _why_metric(reply: _Reply, result: DesignationResult, metric: Metric, shared: bool = False) -> None:
    locale, names = reply.locale, reply.names
    found = next((m for m in result.metrics if m.metric == metric), None)
    if found is None:
        reply.say(
            "answers.why_metric_na",
            area=area_name(locale, result.area),
            metric=explain.metric_name(locale, metric),
        )
        return
    reply.say(
        "answers.why_metric_header_shared" if shared else "answers.why_metric_header",
        metric=explain.metric_name(locale, metric),
        area=area_name(locale, result.area),
        points=found.points,
        max=found.max,
    )
    # Shortfalls first: they answer "why only/zero"; then what did earn points.
    ordered = _shortfalls(found) + [r for r in found.reasons if r.code not in SHORTFALL_CODES]
    for reason in ordered:
        reply.bullet(explain.reason_text(locale, reason, names))
    if not found.reasons:
        reply.say("answers.why_metric_no_detail")
    if found.points >= found.max:
        reply.say("answers.why_metric_full")
        return
    steps = [step for step in result.plan if step.metric == metric]
    if steps and not shared:
        reply.say("answers.why_plan_header")
        for step in steps:
            reply.bullet(explain.plan_step_text(locale, step, names))


# --- plan ----------------------------------------------------------------------------------------


def _plan_lines(reply: _Reply, result: DesignationResult) -> None:
    locale = reply.locale
    name = area_name(locale, result.area)
    if result.qualified:
        reply.say("answers.plan_already", area=name, score=result.score)
        return
    if not result.plan:
        blocked = [r for r in result.reasons if r.code == ReasonCode.NO_PLAN]
        if blocked:
            for reason in blocked:
                reply.line(explain.reason_text(locale, reason, reply.names))
        else:
            reply.say("answers.plan_none_found", area=name)
        return
    reply.say("answers.plan_header", area=name, score=result.score, threshold=result.threshold)
    for step in result.plan:
        reply.bullet(explain.plan_step_text(locale, step, reply.names))
    reply.say("answers.plan_result", points=sum(step.points_gained for step in result.plan))


def _plan(query: Query, ctx: AnswerContext, locale: str, names: dict[str, str], original: str) -> Answer:
    card_data = scorecard_for(ctx)
    if card_data is None:
        return _no_profile(query, ctx, locale, names, original)
    reply = _Reply(locale, names)
    if query.cloud_platform and query.area is None:
        _cloud_platform(reply, card_data, detailed=True, only=query.cloud_level)
        return Answer(reply.text(), None, Intent.PLAN, ctx.last_area)
    area = query.area or ctx.last_area
    if area is None:
        pending = [r for r in card_data.designations if not r.qualified]
        if not pending:
            reply.say("answers.plan_all_qualified")
        for result in pending:
            _plan_lines(reply, result)
        return Answer(reply.text(), None, Intent.PLAN, None)
    result = card_data.designation(area)
    if query.metric is not None and not result.qualified:
        found = next((m for m in result.metrics if m.metric == query.metric), None)
        steps = [s for s in result.plan if s.metric == query.metric]
        if found is not None and steps:
            reply.say(
                "answers.plan_metric_header",
                metric=explain.metric_name(locale, query.metric),
                area=area_name(locale, area),
            )
            for step in steps:
                reply.bullet(explain.plan_step_text(locale, step, names))
            return Answer(reply.text(), follow_up_card(locale, area), Intent.PLAN, area)
    _plan_lines(reply, result)
    return Answer(reply.text(), follow_up_card(locale, area), Intent.PLAN, area)


def _rule(query: Query, ctx: AnswerContext, locale: str, names: dict[str, str], original: str) -> Answer:
    return knowledge.rule_answer(query, ctx, locale)


def _certifications(
    query: Query, ctx: AnswerContext, locale: str, names: dict[str, str], original: str
) -> Answer:
    return knowledge.certification_answer(query, ctx, locale, names, why=False)


_HANDLERS: dict[Intent, Callable[[Query, AnswerContext, str, dict[str, str], str], Answer]] = {
    Intent.SCORE: _score,
    Intent.WHY: _why,
    Intent.PLAN: _plan,
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
