"""Answers drawn from the rules catalog: how a metric is scored, which certifications count, who holds one.

Every number (points, caps, minimums, head counts, thresholds) is read from the catalog version the
partner is scored with, never written here, so a new rule version changes the answers by itself.
"""

from __future__ import annotations

import datetime as dt
import re

from cards import explain
from cards.i18n import t
from scoring.catalog import (
    CLOUD_PLATFORM_VERSION,
    Certification,
    default_catalog,
    resolve_certification,
    suggest_certifications,
    version_in_force,
)
from scoring.catalog.models import SKILLING_METRICS, CloudPlatformRules, MetricRules, RuleSet
from scoring.ids import Area, Metric, ReasonCode, Track
from scoring.results import Reason, Scorecard

from .buttons import ask_area_card
from .chat import chat_text
from .model import Answer, AnswerContext, Intent
from .scored import scorecard_for
from .understand import Query

_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _as_of(ctx: AnswerContext) -> dt.date:
    if ctx.scorecard is not None:
        return ctx.scorecard.as_of
    if ctx.profile is not None:
        return ctx.profile.as_of
    return _today()


def rule_version(ctx: AnswerContext) -> tuple[RuleSet, Track]:
    """The rule set and track the partner is (or would be) scored with."""
    catalog = default_catalog()
    version: str | None = None
    track: str = Track.ENTERPRISE
    if ctx.scorecard is not None:
        version, track = ctx.scorecard.rules, ctx.scorecard.track
    elif ctx.profile is not None:
        version, track = ctx.profile.rules, ctx.profile.track
    if version not in catalog.rule_sets:
        version = version_in_force(_as_of(ctx))
    rules = catalog.rule_set(version)
    return rules, rules.track_rules(track)[0]


def _cloud_rules() -> CloudPlatformRules:
    return default_catalog().cloud_platform_rules(CLOUD_PLATFORM_VERSION)


def _association(code: str) -> str:
    return code.replace("_T", " Tier ")  # CSP_T1 -> CSP Tier 1 (product names, not translated)


def _reply(lines: list[str], locale: str, text: str) -> None:
    lines.append(t(locale, "answers.bullet", text=text))


# --- rules ---------------------------------------------------------------------------------------


def _skilling_lines(locale: str, rules: RuleSet, track: Track, area: Area, metric: Metric) -> list[str]:
    area_rules = rules.areas[area]
    lines: list[str] = []
    params = area_rules.metrics.get(metric)
    if params is None:
        return [
            t(
                locale,
                "rules.not_applicable",
                area=t(locale, f"common.area.{area}"),
                metric=explain.metric_name(locale, metric),
            )
        ]
    _, track_rules = rules.track_rules(track)
    lines.append(
        t(
            locale,
            "rules.skilling_header",
            metric=explain.metric_name(locale, metric),
            area=t(locale, f"common.area.{area}"),
            max=params.max,
        )
    )
    for step in params.steps:
        certs = explain.certifications_label(locale, step.certifications)
        if step.role == "gate":
            key = "rules.skilling_gate_flat" if track_rules.gate_points else "rules.skilling_gate"
            _reply(
                lines,
                locale,
                t(
                    locale,
                    key,
                    step=step.step,
                    required=track_rules.gate_min_people,
                    count=track_rules.gate_min_people,
                    certifications=certs,
                    points=track_rules.gate_points,
                ),
            )
        else:
            _reply(
                lines,
                locale,
                t(
                    locale,
                    "rules.skilling_scoring",
                    step=step.step,
                    certifications=certs,
                    points_each=params.points_each,
                ),
            )
    lines.append(t(locale, "rules.skilling_valid"))
    return lines


def _metric_params(rules: RuleSet, area: Area | None, metric: Metric) -> MetricRules:
    for candidate in ([area] if area else []) + list(Area):
        if metric in rules.areas[candidate].metrics:
            return rules.areas[candidate].metrics[metric]
    raise KeyError(metric)


def _performance_lines(
    locale: str, rules: RuleSet, track: Track, area: Area | None, metric: Metric
) -> list[str]:
    params = _metric_params(rules, area, metric)
    _, track_rules = rules.track_rules(track)
    filters = rules.filters
    fields = {"points_each": params.points_each, "max": params.max}
    if metric == Metric.NET_CUSTOMER_ADDS:
        minimum = explain.money(locale, track_rules.customer_min_acr)
        text = t(locale, "rules.net_customer_adds", min_acr=minimum, **fields)
    elif metric == Metric.USAGE_GROWTH:
        text = t(locale, "rules.usage_growth", min_acr=explain.money(locale, params.min_acr), **fields)
    else:
        excluded = explain.join(locale, filters.excluded_deployment_services)
        text = t(locale, "rules.deployments", excluded=excluded, **fields)
    associations = explain.join(locale, [_association(a) for a in filters.eligible_associations])
    filters_text = t(
        locale,
        "rules.filters",
        associations=associations,
        offers=explain.join(locale, filters.excluded_offers, "or"),
    )
    return [text, filters_text]


def _qualification_lines(locale: str, rules: RuleSet, area: Area | None) -> list[str]:
    lines = [t(locale, "rules.qualification", threshold=rules.threshold)]
    for candidate in [area] if area else list(Area):
        caps = [
            t(locale, "rules.cap_item", metric=explain.metric_name(locale, metric), max=params.max)
            for metric, params in rules.areas[candidate].ordered()
        ]
        caps_text = t(locale, "rules.metric_caps", caps=explain.join(locale, caps))
        _reply(
            lines,
            locale,
            t(locale, "answers.labelled", label=t(locale, f"common.area.{candidate}"), text=caps_text),
        )
    return lines


def _cloud_platform_lines(locale: str, only: str | None = None) -> list[str]:
    rules = _cloud_rules()
    lines = []
    for level, params in rules.levels.items():
        if only is not None and level != only:
            continue
        amounts = params.min_consumption_usd
        developed, developing = amounts["developed"], amounts["developing"]
        consumption = (
            explain.money(locale, developed)
            if developed == developing
            else t(
                locale,
                "rules.cloud_platform_markets",
                developed=explain.money(locale, developed),
                developing=explain.money(locale, developing),
            )
        )
        _reply(
            lines,
            locale,
            t(
                locale,
                "rules.cloud_platform_level",
                level=t(locale, f"answers.cp_level_{level}"),
                consumption=consumption,
                months=rules.window_months,
                associations=explain.join(locale, list(rules.associations), "or"),
                people=t(locale, "rules.cloud_platform_people", count=params.people),
            ),
        )
    return lines


def rule_answer(query: Query, ctx: AnswerContext, locale: str) -> Answer:
    rules, track = rule_version(ctx)
    area = query.area or ctx.last_area
    header = t(locale, "rules.header", rules=rules.version, track=t(locale, f"rules.track_{track}"))
    if query.cloud_platform and query.metric is None:
        lines = [_cloud_rules().title, *_cloud_platform_lines(locale, query.cloud_level)]
        return Answer(chat_text(lines), None, Intent.RULE, ctx.last_area)
    metric = query.metric
    if metric in SKILLING_METRICS:
        if area is None:
            text, card = ask_area_card(locale, "rule")
            return Answer(text, card, Intent.RULE, None)
        lines = [header, *_skilling_lines(locale, rules, track, area, metric)]
        return Answer(chat_text(lines), None, Intent.RULE, area)
    if metric is not None:
        lines = [header, *_performance_lines(locale, rules, track, area, metric)]
        return Answer(chat_text(lines), None, Intent.RULE, query.area or ctx.last_area)
    lines = [header, *_qualification_lines(locale, rules, query.area)]
    if query.area is None:
        lines.append(t(locale, "rules.skilling_by_area"))
    return Answer(chat_text(lines), None, Intent.RULE, query.area or ctx.last_area)


# --- certifications ------------------------------------------------------------------------------


def _places(rules: RuleSet, slug: str) -> list[tuple[Area, Metric, MetricRules, int, str]]:
    found = []
    for area in Area:
        for metric, params in rules.areas[area].ordered():
            for step in params.steps:
                if slug in step.certifications:
                    found.append((area, metric, params, step.step, step.role))
    return found


def _holders(ctx: AnswerContext, slug: str) -> list[tuple[str, dt.date | None]]:
    """(person id, expiry) of everyone in the profile who holds `slug`."""
    if ctx.profile is None:
        return []
    return [
        (person.id, held.expires)
        for person in ctx.profile.people
        for held in person.certifications
        if held.id == slug
    ]


def _engine_reasons(scorecard: Scorecard | None, slug: str) -> list[Reason]:
    """The engine's reasons that name this certification (expired, retired), once each."""
    if scorecard is None:
        return []
    seen: list[Reason] = []
    for designation in scorecard.designations:
        for metric_result in designation.metrics:
            for reason in metric_result.reasons:
                if reason.certification == slug and reason not in seen:
                    seen.append(reason)
    return seen


def _blocking_gates(
    scorecard: Scorecard | None, rules: RuleSet, slug: str
) -> list[tuple[Area, Metric, Reason]]:
    """Unmet prerequisites of every metric this certification is part of (why it earns nothing there)."""
    if scorecard is None:
        return []
    found = []
    for area, metric, _, _, _ in _places(rules, slug):
        try:
            designation = scorecard.designation(area)
        except KeyError:
            continue
        for metric_result in designation.metrics:
            if metric_result.metric != metric:
                continue
            found.extend(
                (area, metric, r) for r in metric_result.reasons if r.code == ReasonCode.PREREQUISITE_UNMET
            )
    return found


def _certification_lines(
    cert: Certification, ctx: AnswerContext, locale: str, names: dict[str, str], why: bool
) -> list[str]:
    rules, _ = rule_version(ctx)
    as_of = _as_of(ctx)
    label = explain.certification_label(locale, cert.slug)
    lines = [t(locale, "answers.cert_title", certification=label)]
    places = _places(rules, cert.slug)
    if places:
        lines.append(t(locale, "answers.cert_counts_header", rules=rules.version))
        _, track_rules = rules.track_rules(rule_version(ctx)[1])
        for area, metric, params, step, role in places:
            fields = {
                "area": t(locale, f"common.area.{area}"),
                "metric": explain.metric_name(locale, metric),
                "step": step,
                "max": params.max,
                "points_each": params.points_each,
                "required": track_rules.gate_min_people,
                "count": track_rules.gate_min_people,
            }
            _reply(
                lines,
                locale,
                t(locale, f"answers.cert_counts_{'gate' if role == 'gate' else 'scoring'}", **fields),
            )
    if cert.slug in _cloud_rules().certification_slugs():
        lines.append(t(locale, "answers.cert_counts_cloud_platform"))
    if not places and cert.slug not in _cloud_rules().certification_slugs():
        lines.append(t(locale, "answers.cert_counts_nowhere", certification=label, rules=rules.version))
    if cert.count_until is not None and cert.count_until < as_of:
        until = explain.date_text(locale, cert.count_until)
        lines.append(t(locale, "answers.cert_no_longer_counts", until=until))
    elif cert.retired is not None:
        lines.append(
            t(
                locale,
                "answers.cert_retired",
                retired=explain.date_text(locale, cert.retired),
                until=explain.date_text(locale, cert.count_until),
            )
        )
    if ctx.profile is not None:
        holders = _holders(ctx, cert.slug)
        reasons = _engine_reasons(scorecard_for(ctx), cert.slug)
        flagged = {r.person for r in reasons}  # the engine's word on who no longer counts wins
        lapsed = {pid for pid, expires in holders if expires is not None and expires < as_of}
        valid = sorted({pid for pid, _ in holders} - lapsed - flagged, key=lambda pid: names.get(pid, pid))
        if valid:
            lines.append(
                t(
                    locale,
                    "answers.cert_holders",
                    count=len(valid),
                    people=explain.person_names(locale, valid, names),
                )
            )
        else:
            lines.append(t(locale, "answers.cert_holders_none"))
        for reason in reasons:
            _reply(lines, locale, explain.reason_text(locale, reason, names))
        for pid, expires in holders:
            if pid in lapsed and pid not in flagged and expires is not None:
                _reply(
                    lines,
                    locale,
                    t(
                        locale,
                        "answers.cert_expired_holder",
                        person=names.get(pid, pid),
                        on=explain.date_text(locale, expires),
                    ),
                )
        if why:
            for area, metric, reason in _blocking_gates(scorecard_for(ctx), rules, cert.slug):
                scope = t(
                    locale,
                    "answers.area_metric",
                    area=t(locale, f"common.area.{area}"),
                    metric=explain.metric_name(locale, metric),
                )
                text = t(
                    locale, "answers.labelled", label=scope, text=explain.reason_text(locale, reason, names)
                )
                _reply(lines, locale, text)
    return lines


def _area_list_lines(
    locale: str, rules: RuleSet, track: Track, area: Area, metric: Metric | None
) -> list[str]:
    name = t(locale, f"common.area.{area}")
    lines = [t(locale, "answers.certs_area_header", area=name, rules=rules.version)]
    for candidate in SKILLING_METRICS:
        if metric in SKILLING_METRICS and candidate != metric:
            continue
        params = rules.areas[area].metrics.get(candidate)
        if params is None:
            missing = explain.metric_name(locale, candidate)
            lines.append(t(locale, "answers.certs_not_applicable", metric=missing))
            continue
        lines.append(
            t(
                locale,
                "answers.certs_metric_line",
                metric=explain.metric_name(locale, candidate),
                max=params.max,
            )
        )
        for step in params.steps:
            certs = explain.certifications_label(locale, step.certifications)
            if step.role == "gate":
                _, track_rules = rules.track_rules(track)
                text = t(
                    locale,
                    "answers.certs_step_gate",
                    step=step.step,
                    certifications=certs,
                    required=track_rules.gate_min_people,
                    count=track_rules.gate_min_people,
                )
            else:
                text = t(
                    locale,
                    "answers.certs_step_scoring",
                    step=step.step,
                    certifications=certs,
                    points_each=params.points_each,
                )
            _reply(lines, locale, text)
    return lines


def mentioned_person(ctx: AnswerContext, text: str) -> str | None:
    """The id of the one person of the profile whose name (or id) the message uses, else None.

    Names match as whole words, also when glued to Chinese or Korean text ("Linus有哪些認證").
    """
    if ctx.profile is None or not text:
        return None
    folded = text.casefold()
    found = set()
    for person in ctx.profile.people:
        for label in {person.id, person.name or ""}:
            label = label.casefold().strip()
            if len(label) < (2 if _CJK_CHAR.search(label) else 3):
                continue
            if re.search(rf"(?<![a-z0-9]){re.escape(label)}(?![a-z0-9])", folded):
                found.add(person.id)
    return next(iter(found)) if len(found) == 1 else None


def person_answer(person_id: str, ctx: AnswerContext, locale: str, names: dict[str, str]) -> Answer:
    """What one person holds, whether each certification is valid today, and where it counts."""
    assert ctx.profile is not None
    person = ctx.profile.person(person_id)
    assert person is not None
    rules, _ = rule_version(ctx)
    as_of = _as_of(ctx)
    catalog = default_catalog()
    name = names.get(person.id, person.id)
    if not person.certifications:
        return Answer(
            t(locale, "answers.person_none", person=name), None, Intent.CERTIFICATIONS, ctx.last_area
        )
    lines = [t(locale, "answers.person_title", person=name)]
    for held in person.certifications:
        label = explain.certification_label(locale, held.id)
        cert = catalog.registry.get(held.id)
        if held.expires is not None and held.expires < as_of:
            text = t(
                locale,
                "answers.person_cert_expired",
                certification=label,
                on=explain.date_text(locale, held.expires),
            )
        elif cert is not None and cert.count_until is not None and cert.count_until < as_of:
            text = t(
                locale,
                "answers.person_cert_retired",
                certification=label,
                on=explain.date_text(locale, cert.count_until),
            )
        else:
            places = [
                t(
                    locale,
                    "answers.person_place",
                    area=t(locale, f"common.area.{area}"),
                    metric=explain.metric_name(locale, metric),
                    step=step,
                )
                for area, metric, _, step, _ in _places(rules, held.id)
            ]
            if places:
                text = t(
                    locale,
                    "answers.person_cert_counts",
                    certification=label,
                    places=explain.join(locale, places),
                )
            else:
                text = t(locale, "answers.person_cert_nowhere", certification=label, rules=rules.version)
        _reply(lines, locale, text)
    return Answer(chat_text(lines), None, Intent.CERTIFICATIONS, ctx.last_area)


def certification_answer(
    query: Query, ctx: AnswerContext, locale: str, names: dict[str, str], why: bool
) -> Answer:
    intent = Intent.WHY if why else Intent.CERTIFICATIONS
    if query.certification:
        cert = resolve_certification(query.certification)
        if cert is not None:
            lines = _certification_lines(cert, ctx, locale, names, why)
            return Answer(chat_text(lines), None, intent, query.area or ctx.last_area)
    if query.unknown_exam:
        lines = [t(locale, "answers.cert_unknown_exam", code=query.unknown_exam)]
        near = suggest_certifications(query.unknown_exam)
        if near:
            labels = [explain.certification_label(locale, c.slug) for c in near]
            lines.append(t(locale, "answers.cert_did_you_mean", names=explain.join(locale, labels, "or")))
        return Answer(chat_text(lines), None, intent, ctx.last_area)
    if query.cloud_platform and query.area is None:
        rules_cp = _cloud_rules()
        lines = [t(locale, "answers.certs_cloud_platform_header")]
        for slug in rules_cp.certification_slugs():
            _reply(lines, locale, explain.certification_label(locale, slug))
        return Answer(chat_text(lines), None, intent, ctx.last_area)
    area = query.area or ctx.last_area
    if area is None:
        text, card = ask_area_card(locale, "certifications")
        return Answer(text, card, intent, None)
    rules, track = rule_version(ctx)
    return Answer(chat_text(_area_list_lines(locale, rules, track, area, query.metric)), None, intent, area)
