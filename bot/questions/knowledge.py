"""Answers drawn from the rules catalog: how a metric is scored, which certifications count, who holds one.

Every number (points, caps, minimums, head counts, thresholds) is read from the catalog version the
partner is scored with, never written here, so a new rule version changes the answers by itself.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence

from anyascii import anyascii

from cards import explain
from scoring.catalog import (
    CLOUD_PLATFORM_VERSION,
    Certification,
    default_catalog,
    resolve_certification,
    suggest_certifications,
    version_in_force,
)
from scoring.catalog.models import SKILLING_METRICS, CloudPlatformRules, MetricRules, RuleSet, TrackRules
from scoring.ids import Area, Market, Metric, ReasonCode, Track
from scoring.models import HeldCertification, Profile
from scoring.programme import programme
from scoring.results import LapsedCertification, Reason, Scorecard

from .buttons import ask_area_card
from .chat import Reply
from .model import Answer, AnswerContext, Intent
from .render import Cert, Certs, Join, Money, People, Text, association_name, phrase
from .scored import scorecard_for
from .understand import Query, is_known_word, is_vocabulary_word

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


def _step_text(prefix: str, role: str, track_rules: TrackRules, **fields: object) -> Text:
    """One step of a certification metric, in the wording of `prefix` (the rule explanation, the list of
    certifications, where one certification counts): a prerequisite (how many people; points only on
    a track whose met prerequisites give flat points) or a scoring step."""
    if role == "gate":
        key = f"{prefix}_gate_flat" if track_rules.gate_points else f"{prefix}_gate"
    else:
        key = f"{prefix}_scoring"
    people = track_rules.gate_min_people
    return phrase(key, required=people, count=people, points=track_rules.gate_points, **fields)


# --- rules ---------------------------------------------------------------------------------------


def _skilling(reply: Reply, rules: RuleSet, track: Track, area: Area, metric: Metric) -> None:
    params = rules.areas[area].metrics.get(metric)
    if params is None:
        reply.say("rules.not_applicable", area=area, metric=metric)
        return
    _, track_rules = rules.track_rules(track)
    reply.say(
        "rules.skilling_header",
        metric=metric,
        area=area,
        max=params.max,
    )
    for step in params.steps:
        certs = Certs(tuple(step.certifications))
        reply.bullet(
            _step_text(
                "rules.skilling",
                step.role,
                track_rules,
                step=step.step,
                certifications=certs,
                points_each=params.points_each,
            )
        )
    reply.say("rules.skilling_valid")


def _gates(reply: Reply, rules: RuleSet, track: Track, areas: list[Area], metric: Metric | None) -> None:
    """Every prerequisite step (of `areas`, of `metric` when one is named): the head count and the
    certifications each needs."""
    _, track_rules = rules.track_rules(track)
    key = "rules.gates_header_flat" if track_rules.gate_points else "rules.gates_header"
    reply.say(key, count=track_rules.gate_min_people, points=track_rules.gate_points)
    for area in areas:
        for candidate in SKILLING_METRICS:
            params = rules.areas[area].metrics.get(candidate)
            if params is None or (metric is not None and candidate != metric):
                continue
            for step in params.steps:
                if step.role != "gate":
                    continue
                reply.bullet(
                    phrase(
                        "rules.gate_line",
                        area=area,
                        metric=candidate,
                        step=step.step,
                        certifications=Certs(tuple(step.certifications)),
                    )
                )


def _metric_params(rules: RuleSet, area: Area | None, metric: Metric) -> MetricRules:
    for candidate in ([area] if area else []) + list(Area):
        if metric in rules.areas[candidate].metrics:
            return rules.areas[candidate].metrics[metric]
    raise KeyError(metric)


def _performance(reply: Reply, rules: RuleSet, track: Track, area: Area | None, metric: Metric) -> None:
    params = _metric_params(rules, area, metric)
    _, track_rules = rules.track_rules(track)
    filters = rules.filters
    fields = {"points_each": params.points_each, "max": params.max}
    if metric == Metric.NET_CUSTOMER_ADDS:
        reply.say("rules.net_customer_adds", min_acr=Money(track_rules.customer_min_acr), **fields)
    elif metric == Metric.USAGE_GROWTH:
        reply.say("rules.usage_growth", min_acr=Money(params.min_acr), **fields)
    else:
        reply.say("rules.deployments", excluded=Join(tuple(filters.excluded_deployment_services)), **fields)
    reply.say(
        "rules.filters",
        associations=Join(tuple(association_name(a) for a in filters.eligible_associations)),
        offers=Join(tuple(filters.excluded_offers), "or"),
    )


def _qualification(reply: Reply, rules: RuleSet, area: Area | None) -> None:
    reply.say("rules.qualification", threshold=rules.threshold)
    for candidate in [area] if area else list(Area):
        caps = tuple(
            phrase("rules.cap_item", metric=metric, max=params.max)
            for metric, params in rules.areas[candidate].ordered()
        )
        caps_text = phrase("rules.metric_caps", caps=Join(caps))
        reply.bullet(phrase("answers.labelled", label=candidate, text=caps_text))


def _cloud_platform(reply: Reply, only: str | None = None) -> None:
    rules = _cloud_rules()
    reply.say("rules.cloud_platform_title", version=rules.version)
    for level, params in rules.levels.items():
        if only is not None and level != only:
            continue
        amounts = params.min_consumption_usd
        developed, developing = amounts[Market.DEVELOPED], amounts[Market.DEVELOPING]
        consumption = (
            Money(developed)
            if developed == developing
            else phrase(
                "rules.cloud_platform_markets", developed=Money(developed), developing=Money(developing)
            )
        )
        reply.bullet(
            phrase(
                "rules.cloud_platform_level",
                level=phrase(f"answers.cp_level_{level}"),
                consumption=consumption,
                months=rules.window_months,
                associations=Join(tuple(rules.associations), "or"),
                people=phrase("rules.cloud_platform_people", count=params.people),
            )
        )


def _track_rules(ctx: AnswerContext, named: Track | None) -> tuple[RuleSet, Track]:
    """The partner's rules and track, or those of a track the question names ("en SMB, …")."""
    rules, track = rule_version(ctx)
    if named is None:
        return rules, track
    rules = _with_tracks(rules, named)
    return rules, rules.track_rules(named)[0]


def _with_tracks(rules: RuleSet, track: Track | None) -> RuleSet:
    """The partner's rules, or the newest rules that have the track the question names."""
    if track is None or track in rules.tracks:
        return rules
    versions = [r for r in default_catalog().rule_sets.values() if track in r.tracks]
    return max(versions, key=lambda r: r.effective_from) if versions else rules


def _tracks(reply: Reply, rules: RuleSet) -> None:
    """Each track's own numbers: the eligible customer's minimum and the prerequisite steps."""
    if len(rules.tracks) < 2:
        reply.say("rules.tracks_one", rules=rules.version)
        return
    reply.say("rules.tracks_header", rules=rules.version)
    for track, params in rules.tracks.items():
        points = (
            phrase("rules.track_gate_points", points=params.gate_points)
            if params.gate_points
            else phrase("rules.track_gate_no_points")
        )
        reply.bullet(
            phrase(
                "rules.track_line",
                track=phrase(f"rules.track_{track}"),
                min_acr=Money(params.customer_min_acr),
                people=phrase("rules.track_people", count=params.gate_min_people),
                gate_points=points,
            )
        )


def rule_answer(query: Query, ctx: AnswerContext, locale: str) -> Answer:
    rules, track = rule_version(ctx)
    if query.our_track and not query.compare_tracks:
        reply = Reply(locale)
        partner = ctx.profile.partner.name if ctx.profile is not None else ""
        reply.say(
            "conversation.our_track",
            partner=partner,
            track=phrase(f"rules.track_{track}"),
            rules=rules.version,
        )
        return Answer(reply.text(), None, Intent.RULE, ctx.last_area)
    if query.association is not None and query.excluded_offer is None:
        # "Does PAL count?": yes or no from the rules' eligible associations (CSP is CSP_T1/CSP_T2).
        eligible = rules.filters.eligible_associations
        counts = any(a == query.association or a.startswith(query.association + "_") for a in eligible)
        reply = Reply(locale)
        reply.say("conversation.yes" if counts else "conversation.no")
        reply.say(
            "conversation.association_counts" if counts else "conversation.association_not_counted",
            association=query.association,
            associations=Join(tuple(association_name(a) for a in eligible)),
        )
        return Answer(reply.text(), None, Intent.RULE, ctx.last_area)
    if query.sovereign and query.excluded_offer is None:
        reply = Reply(locale)
        reply.say("conversation.yes" if query.asks_excluded else "conversation.no")
        reply.say("conversation.sovereign_excluded")
        return Answer(reply.text(), None, Intent.RULE, ctx.last_area)
    if query.excluded_offer is not None:
        # "Do Trial offers count in ACR?": no (or yes, "are they excluded?"), then the rule.
        filters = rules.filters
        reply = Reply(locale)
        reply.say("conversation.yes" if query.asks_excluded else "conversation.no")
        reply.say(
            "conversation.offer_excluded",
            offer=query.excluded_offer,
            offers=Join(tuple(filters.excluded_offers)),
            associations=Join(tuple(association_name(a) for a in filters.eligible_associations)),
        )
        return Answer(reply.text(), None, Intent.RULE, ctx.last_area)
    if query.compare_tracks:
        reply = Reply(locale)
        if ctx.profile is not None and len(rules.tracks) > 1:  # "SMB or enterprise?": ours first
            reply.say(
                "conversation.our_track",
                partner=ctx.profile.partner.name,
                track=phrase(f"rules.track_{track}"),
                rules=rules.version,
            )
        _tracks(reply, _with_tracks(rules, Track.SMB))
        return Answer(reply.text(), None, Intent.RULE, ctx.last_area)
    if query.track is not None:
        rules = _with_tracks(rules, query.track)
        track = rules.track_rules(query.track)[0]
    area = query.area
    reply = Reply(locale)
    if query.cloud_platform and query.metric is None:
        _cloud_platform(reply, query.cloud_level)
        return Answer(reply.text(), None, Intent.RULE, ctx.last_area)
    metric = query.metric
    if query.amount is not None and metric in (Metric.NET_CUSTOMER_ADDS, None):
        # "Does a customer with $750 a month count?": yes or no against the track's threshold.
        minimum = rules.track_rules(track)[1].customer_min_acr
        counts = query.amount >= minimum
        reply.say("conversation.yes" if counts else "conversation.no")
        reply.say(
            "conversation.customer_amount_counts" if counts else "conversation.customer_amount_short",
            amount=Money(query.amount),
            min=Money(minimum),
            track=phrase(f"rules.track_{track}"),
        )
        return Answer(reply.text(), None, Intent.RULE, area)
    if metric == Metric.DEPLOYMENTS and (query.excluded_service or query.yes_no):
        # "Do virtual machines count as deployments?": yes or no first, then why.
        _deployment_yes_no(reply, rules, area, query.excluded_service, query.asks_excluded)
        return Answer(reply.text(), None, Intent.RULE, area)
    reply.say("rules.header", rules=rules.version, track=phrase(f"rules.track_{track}"))
    if query.gate:
        _gates(reply, rules, track, [area] if area else list(Area), metric)
        return Answer(reply.text(), None, Intent.RULE, area)
    if metric is not None and metric in SKILLING_METRICS:
        having = [a for a in Area if metric in rules.areas[a].metrics]
        if area is not None and area not in having:
            # "and advanced?" after Data & AI's intermediate rule: D&AI has none; where it exists.
            reply.say("answers.why_metric_na", area=area, metric=metric)
            area = None
        # No area named: the rule of every area that has the metric (each has its own certifications).
        for candidate in [area] if area else having:
            _skilling(reply, rules, track, candidate, metric)
        return Answer(reply.text(), None, Intent.RULE, area)
    if metric is not None:
        _performance(reply, rules, track, area, metric)
    else:
        _qualification(reply, rules, area)
        if area is None:
            reply.say("rules.skilling_by_area")
    return Answer(reply.text(), None, Intent.RULE, area or ctx.last_area)


def _deployment_yes_no(
    reply: Reply, rules: RuleSet, area: Area | None, service: str | None, asks_excluded: bool
) -> None:
    """The answer first: "do VMs count?" is a no, "are VMs excluded?" a yes."""
    params = _metric_params(rules, area, Metric.DEPLOYMENTS)
    excluded = rules.filters.excluded_deployment_services
    fields = {"points_each": params.points_each, "max": params.max, "excluded": Join(tuple(excluded))}
    if service is not None:
        reply.say("conversation.yes" if asks_excluded else "conversation.no")
        named = next((e for e in excluded if e.casefold() == service.casefold()), excluded[0])
        reply.say("conversation.deploy_excluded", service=named, **fields)
    else:
        reply.say("conversation.no" if asks_excluded else "conversation.yes")
        reply.say("conversation.deploy_counts", **fields)


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


def sole_holder(ctx: AnswerContext, slug: str) -> str | None:
    """The one person who holds `slug`, if exactly one does."""
    holders = {pid for pid, _ in _holders(ctx, slug)}
    return holders.pop() if len(holders) == 1 else None


def _engine_reasons(scorecard: Scorecard | None, slug: str) -> list[LapsedCertification]:
    """The engine's reasons that name this certification (expired, retired), once each."""
    if scorecard is None:
        return []
    seen: list[LapsedCertification] = []
    for designation in scorecard.designations:
        for metric_result in designation.metrics:
            for reason in metric_result.reasons:
                lapsed = isinstance(reason, LapsedCertification)
                if lapsed and reason.certification == slug and reason not in seen:
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


def _certification(
    reply: Reply, cert: Certification, ctx: AnswerContext, why: bool, track_named: Track | None = None
) -> None:
    names = reply.names
    rules, track = _track_rules(ctx, track_named)
    as_of = _as_of(ctx)
    label = Cert(cert.slug)
    reply.say("answers.cert_title", certification=label)
    places = _places(rules, cert.slug)
    if places:
        reply.say("answers.cert_counts_header", rules=rules.version)
        _, track_rules = rules.track_rules(track)
        for area, metric, params, step, role in places:
            reply.bullet(
                _step_text(
                    "answers.cert_counts",
                    role,
                    track_rules,
                    area=area,
                    metric=metric,
                    step=step,
                    max=params.max,
                    points_each=params.points_each,
                )
            )
    cloud_platform = cert.slug in _cloud_rules().certification_slugs()
    if cloud_platform:
        reply.say("answers.cert_counts_cloud_platform")
    if not places and not cloud_platform:
        reply.say("answers.cert_counts_nowhere", certification=label, rules=rules.version)
    if cert.count_until is not None and cert.count_until < as_of:
        reply.say("answers.cert_no_longer_counts", until=cert.count_until)
    elif cert.retired is not None:
        reply.say(
            "answers.cert_retired",
            retired=cert.retired,
            until=cert.count_until,
        )
    if ctx.profile is None:
        return
    scorecard = scorecard_for(ctx)
    holders = _holders(ctx, cert.slug)
    reasons = _engine_reasons(scorecard, cert.slug)
    flagged = {r.person for r in reasons}  # the engine's word on who no longer counts wins
    lapsed = {pid for pid, expires in holders if expires is not None and expires < as_of}
    valid = sorted({pid for pid, _ in holders} - lapsed - flagged, key=lambda pid: names.get(pid, pid))
    if valid:
        reply.say("answers.cert_holders", count=len(valid), people=People(tuple(valid)))
    else:
        reply.say("answers.cert_holders_none")
    reply.reasons(reasons)
    for pid, expires in holders:
        if pid in lapsed and pid not in flagged and expires is not None:
            reply.bullet(
                phrase(
                    "answers.cert_expired_holder",
                    person=names.get(pid, pid),
                    on=expires,
                )
            )
    if why:
        for area, metric, reason in _blocking_gates(scorecard, rules, cert.slug):
            scope = phrase("answers.area_metric", area=area, metric=metric)
            reply.bullet(phrase("answers.labelled", label=scope, text=reason))


def lapsed(held: HeldCertification, as_of: dt.date) -> bool:
    """Whether a holding no longer counts on `as_of` (E-16: `expires` is the first day it does not)."""
    return held.expires is not None and held.expires <= as_of


def _counting(slugs: Sequence[str], as_of: dt.date) -> list[str]:
    """The certifications of a step that still count on `as_of` (a retired one stops at its cut-off)."""
    registry = default_catalog().registry
    kept = [
        s for s in slugs if (c := registry.get(s)) is None or c.count_until is None or c.count_until >= as_of
    ]
    return kept or list(slugs)


def _area_list(
    reply: Reply, rules: RuleSet, track: Track, area: Area, metric: Metric | None, as_of: dt.date
) -> None:
    _, track_rules = rules.track_rules(track)
    reply.say("answers.certs_area_header", area=area, rules=rules.version)
    for candidate in SKILLING_METRICS:
        if metric in SKILLING_METRICS and candidate != metric:
            continue
        params = rules.areas[area].metrics.get(candidate)
        if params is None:
            reply.say("answers.certs_not_applicable", metric=candidate)
            continue
        reply.say("answers.certs_metric_line", metric=candidate, max=params.max)
        for step in params.steps:
            reply.bullet(
                _step_text(
                    "answers.certs_step",
                    step.role,
                    track_rules,
                    step=step.step,
                    certifications=Certs(tuple(_counting(step.certifications, as_of))),
                    points_each=params.points_each,
                )
            )


# Letters NFKD does not take apart: people type "Soren" for Søren, "Lukasz" for Łukasz.
_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"})


def _unaccented(text: str) -> str:
    """Case and accents folded ("Élodie" is "elodie", "Søren" "soren"): names are typed plainly in chat."""
    folded = unicodedata.normalize("NFKD", text.casefold().translate(_LETTERS))
    return "".join(c for c in folded if not unicodedata.combining(c))


_OTHER_ALPHABET = re.compile(r"[\u0370-\u03ff\u0400-\u04ff\u0590-\u05ff\u0600-\u06ff\u0e00-\u0e7f]")


def _labels(person_id: str, name: str) -> list[str]:
    """What a message may call a person: the id, the whole name, and each part of the name ("Jürgen"
    of "Jürgen Weiß") that is long enough and not a word of the bot's vocabulary; a name in another
    alphabet also in Latin letters ("Anna" for Анна). Korean and Chinese names are left as written:
    their romanisations vary too much ("Kim Minjun", "Minjun Kim", "GimMinJun") to guess one."""
    spellings = {_unaccented(name).strip()}
    if _OTHER_ALPHABET.search(name) and not _CJK_CHAR.search(name):
        latin = re.sub(r"['`]", "", _unaccented(anyascii(name))).strip()  # "Ol'ga" is typed "Olga"
        spellings |= {latin, latin.replace("oy", "ou")}  # Greek ου is "ou" when people type it
    labels = {_unaccented(person_id)}
    if _CJK_CHAR.search(name) and " " not in name.strip() and 3 <= len(name.strip()) <= 4:
        # "佐藤" or "美咲" for 佐藤美咲, "서연" for 정서연: the family or the given name alone.
        written = name.strip()
        labels |= {_unaccented(written[:2]), _unaccented(written[-2:])}  # folded as the message is
    for whole in spellings:
        labels.add(whole)
        if " " in whole:
            labels.update(
                p
                for p in whole.split()
                if len(p) >= (2 if _CJK_CHAR.search(p) else 3) and not is_vocabulary_word(p)
            )
    return [label for label in labels if label]


def mentioned_people(ctx: AnswerContext, text: str) -> list[str]:
    """The ids of the profile's people a message names (by id, whole name, or a part of the name that
    only one person has), in the order the message names them. Names match as whole words, also when
    glued to Chinese or Korean text ("Linus有哪些認證")."""
    if ctx.profile is None or not text:
        return []
    folded = _unaccented(text)
    owners: dict[str, set[str]] = {}
    for person in ctx.profile.people:
        for label in _labels(person.id, person.name or ""):
            if len(label) >= (2 if _CJK_CHAR.search(label) else 3):
                owners.setdefault(label, set()).add(person.id)
    found: dict[str, int] = {}
    for label, ids in owners.items():
        if len(ids) != 1:
            continue  # a first name two people share names neither
        match = re.search(rf"(?<![a-z0-9]){re.escape(label)}(?![a-z0-9])", folded)
        if match:
            (pid,) = ids
            found[pid] = min(found.get(pid, match.start()), match.start())
    return sorted(found, key=found.__getitem__)


def without_names(ctx: AnswerContext, text: str) -> str:
    """The message with the profile's people's names taken out, so that a name is never read as a
    misspelt word ("Soren" as "score"); who is named is found on the original text."""
    if ctx.profile is None or not text:
        return text
    labels = {label for p in ctx.profile.people for label in _labels(p.id, p.name or "") if len(label) >= 2}
    # Fold character by character, remembering where each folded character came from ("ß" is "ss").
    folded, origin = "", []
    for i, char in enumerate(text):
        part = _unaccented(char)
        folded += part
        origin += [i] * len(part)
    origin.append(len(text))
    cut = [False] * len(text)
    for label in labels:
        for m in re.finditer(rf"(?<![a-z0-9]){re.escape(label)}(?![a-z0-9])", folded):
            for i in range(origin[m.start()], origin[m.end() - 1] + 1):
                cut[i] = True
    return "".join(" " if gone else char for char, gone in zip(text, cut, strict=True))


def mentioned_person(ctx: AnswerContext, text: str) -> str | None:
    """The one person a message names, else None (see `mentioned_people`)."""
    people = mentioned_people(ctx, text)
    return people[0] if len(people) == 1 else None


def person_answer(person_id: str, ctx: AnswerContext, locale: str, names: dict[str, str]) -> Answer:
    """What one person holds, whether each certification is valid today, and where it counts."""
    assert ctx.profile is not None
    person = ctx.profile.person(person_id)
    assert person is not None
    rules, _ = rule_version(ctx)
    as_of = _as_of(ctx)
    catalog = default_catalog()
    name = names.get(person.id, person.id)
    reply = Reply(locale, names)
    if not person.certifications:
        reply.say("answers.person_none", person=name)
        return Answer(reply.text(), None, Intent.CERTIFICATIONS, ctx.last_area)
    reply.say("answers.person_title", person=name)
    for held in person.certifications:
        label = Cert(held.id)
        cert = catalog.registry.get(held.id)
        if lapsed(held, as_of):
            line = phrase("answers.person_cert_expired", certification=label, on=held.expires)
        elif cert is not None and cert.count_until is not None and cert.count_until < as_of:
            line = phrase("answers.person_cert_retired", certification=label, on=cert.count_until)
        elif places := tuple(
            phrase("answers.person_place", area=area, metric=metric, step=step)
            for area, metric, _, step, _ in _places(rules, held.id)
        ):
            line = phrase("answers.person_cert_counts", certification=label, places=Join(places))
        elif held.id in _cloud_rules().certification_slugs():
            line = phrase("answers.person_cert_cloud_platform", certification=label, rules=rules.version)
        else:
            line = phrase("answers.person_cert_nowhere", certification=label, rules=rules.version)
        reply.bullet(line)
    return Answer(reply.text(), None, Intent.CERTIFICATIONS, ctx.last_area)


def certification_answer(
    query: Query, ctx: AnswerContext, locale: str, names: dict[str, str], why: bool
) -> Answer:
    intent = Intent.WHY if why else Intent.CERTIFICATIONS
    reply = Reply(locale, names)
    if query.certification:
        cert = resolve_certification(query.certification)
        if cert is not None:
            _certification(reply, cert, ctx, why, query.track)
            return Answer(reply.text(), None, intent, query.area or ctx.last_area)
    if query.unknown_exam:
        reply.say("answers.cert_unknown_exam", code=query.unknown_exam)
        near = suggest_certifications(query.unknown_exam)
        if near:
            reply.say("answers.cert_did_you_mean", names=Join(tuple(Cert(c.slug) for c in near), "or"))
        return Answer(reply.text(), None, intent, ctx.last_area)
    if query.cloud_platform and query.area is None:
        reply.say("answers.certs_cloud_platform_header")
        reply.bullets(Cert(slug) for slug in _cloud_rules().certification_slugs())
        return Answer(reply.text(), None, intent, ctx.last_area)
    area = query.area or ctx.last_area
    if area is None:
        text, card = ask_area_card(locale, "certifications")
        return Answer(text, card, intent, None)
    rules, track = _track_rules(ctx, query.track)
    if query.who and ctx.profile is not None:
        _area_holders(reply, rules, area, query.metric, ctx.profile)  # "who has those?"
    else:
        _area_list(reply, rules, track, area, query.metric, _as_of(ctx))
    return Answer(reply.text(), None, intent, area)


def _area_holders(reply: Reply, rules: RuleSet, area: Area, metric: Metric | None, profile: Profile) -> None:
    """Who holds each step's certifications (valid on the scoring date), step by step."""
    reply.say("answers.holders_area_header", area=area, rules=rules.version)
    for candidate in SKILLING_METRICS:
        params = rules.areas[area].metrics.get(candidate)
        if params is None or (metric in SKILLING_METRICS and candidate != metric):
            continue
        reply.say("answers.certs_metric_line", metric=candidate, max=params.max)
        for step in params.steps:
            slugs = _counting(step.certifications, profile.as_of)
            people = tuple(
                p.id
                for p in profile.people
                if any(h.id in slugs and not lapsed(h, profile.as_of) for h in p.certifications)
            )
            key = "answers.holders_step" if people else "answers.holders_step_none"
            reply.bullet(
                phrase(key, step=step.step, certifications=Certs(tuple(slugs)), people=People(people))
            )


# A name may carry a Korean or Chinese particle right after it ("Gus가", "Gus的").
_CAPITALISED = re.compile(r"(?<![\w-])([A-Z][a-zà-öø-ÿ]+)(?![A-Za-z0-9_à-öø-ÿ-])")


def new_name(ctx: AnswerContext, text: str) -> str | None:
    """A person's name the message uses that is not in the profile ("what if Bo passes AZ-305?"): the
    first capitalised word that is not a word the bot knows (question words, areas, certifications)."""
    for match in _CAPITALISED.finditer(text or ""):
        if not is_known_word(match.group(1)):
            return match.group(1)
    return None


def holding_check(ctx: AnswerContext, text: str, slug: str, names: dict[str, str]) -> list[Text]:
    """Whether the person a message names ("Gus passed AZ-400 last month") holds the certification in
    the data, and how to add it when not; empty when the message names nobody."""
    if ctx.profile is None:
        return []
    label = Cert(slug)
    code = ", ".join(explain.certification_exams(slug)) or label
    days = programme().skilling_lag_days
    person_id = mentioned_person(ctx, text)
    if person_id is None:
        name = new_name(ctx, text)
        if name is None:
            return []
        return [
            phrase("conversation.person_cert_missing", person=name, certification=label, code=code),
            phrase("conversation.person_cert_refresh", person=name, days=days),
        ]
    person = ctx.profile.person(person_id)
    who = names.get(person_id, person_id)
    held = next((h for h in person.certifications if h.id == slug), None) if person else None
    if held is None:
        return [
            phrase("conversation.person_cert_not_held", person=who, certification=label, code=code),
            phrase("conversation.person_cert_refresh", person=who, days=days),
        ]
    if lapsed(held, _as_of(ctx)):
        return [
            phrase("conversation.person_cert_held_expired", person=who, certification=label, on=held.expires)
        ]
    return [phrase("conversation.person_cert_held", person=who, certification=label)]
