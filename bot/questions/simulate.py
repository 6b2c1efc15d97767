"""What-if and expiry answers: the engine scores a changed copy of the profile; nothing is saved.

"What if Bo passes AZ-305?", "what if we add two customers?", "and if usage grows 20%?" become plan
steps applied with `scoring.planner.apply_plan` (which knows aggregates and ACR records alike), so
the simulated score is exactly what the engine would give with that data.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace

from cards import explain
from cards.i18n import t
from scoring import HeldCertification, Profile, score_profile
from scoring.catalog import default_catalog
from scoring.ids import Area, Metric, PlanAction, Track
from scoring.planner import apply_plan, in_usage_form, measures_of
from scoring.programme import programme
from scoring.results import DesignationResult, PlanStep, PrerequisiteUnmet, Scorecard

from .chat import Reply
from .knowledge import lapsed
from .model import Answer, AnswerContext, Intent, Memory, WhatIf
from .render import Cert, Join, Money, People, Percent, Text, phrase
from .scored import scorecard_for
from .understand import Query


def _verdict(result: DesignationResult) -> Text:
    if result.qualified:
        return phrase("conversation.verdict_qualified")
    if result.score >= result.threshold and result.blocking_metrics:
        # 76/100 and still not qualified: say which metric at 0 stops it.
        return phrase("conversation.verdict_blocked", metrics=Join(tuple(result.blocking_metrics)))
    return phrase("conversation.verdict_not_qualified")


def compare(before: Scorecard, after: Scorecard) -> tuple[list[Text], bool]:
    """One line per area, before → after, and whether any score or verdict changed."""
    lines: list[Text] = []
    changed = False
    for old in before.designations:
        new = after.designation(old.area)
        same = new.score == old.score and new.qualified == old.qualified
        changed = changed or not same
        lines.append(
            phrase(
                "conversation.what_if_area_same" if same else "conversation.what_if_area",
                area=old.area,
                before=old.score,
                after=new.score,
                verdict=_verdict(new),
            )
        )
    return lines, changed


def _metric_of(profile: Profile, slug: str) -> Metric:
    rules = default_catalog().rules_for(profile.rules, profile.as_of)
    for area in rules.areas.values():
        for metric, params in area.ordered():
            if any(slug in step.certifications for step in params.steps):
                return metric
    return Metric.INTERMEDIATE_CERTIFICATIONS


def _growth(card: Scorecard) -> float | None:
    for designation in card.designations:
        for result in designation.metrics:
            if result.metric == Metric.USAGE_GROWTH:
                return result.value
    return None


def what_if(
    query: Query,
    ctx: AnswerContext,
    person: str | None,
    new_name: str | None,
    people: list[str] | None = None,
) -> Answer:
    """The scores after a hypothetical change (nothing is saved); `people` when several pass at once."""
    locale = ctx.locale
    names = explain.names_of(ctx.profile)
    reply = Reply(locale, names)
    before = scorecard_for(ctx)
    change = query.what_if
    if ctx.profile is None or before is None or change is None:
        reply.say("conversation.what_if_unclear")
        return Answer(reply.text(), None, Intent.WHAT_IF, ctx.last_area)
    profile = ctx.profile
    if change.kind == "leaves":
        return _leaves(reply, query, ctx, before, people or ([person] if person else []))
    measured = _measured(change, profile)
    if measured is not None:
        # "wenn der ACR auf 117.000 $ steigt", "if net adds were only 2": that figure itself.
        changed, text = measured
        after = score_profile(changed)
        _header(reply, query, after, text, before)
        reply.bullets(compare(before, after)[0])
        metric = Metric.USAGE_GROWTH if change.kind == "acr" else _FIGURES[change.kind]
        memory = Memory(intent=Intent.WHAT_IF, areas=list(query.areas), metric=metric, change=change)
        return Answer(reply.text(), None, Intent.WHAT_IF, ctx.last_area, memory=memory)
    if query.confirm and ctx.memory is not None and len(ctx.memory.grants) > 1:
        return _replay(reply, query, ctx, before, ctx.memory.grants)  # "donc on serait qualifiés ?"
    if person is None and query.renews:
        # "what does the renewal bring?": the one lapsed holding (of the certification talked about,
        # else the only one in the profile).
        gone = {(p.id, h.id) for p in profile.people for h in p.certifications if lapsed(h, profile.as_of)}
        named = {g for g in gone if g[1] == query.certification} or gone
        if len(named) == 1:
            person, slug = named.pop()
            query = replace(query, certification=slug)
    holder = profile.person(person) if person is not None else None
    if query.renews and holder is not None and query.certification and person is not None:
        dated = [h for h in holder.certifications if h.id == query.certification and h.expires is not None]
        if dated and not any(lapsed(h, profile.as_of) for h in dated):
            # "und wenn er verlängert?" before it lapses: renewing in time keeps those points.
            return _keep(reply, profile, before, person, query.certification)
    if change.kind == "certify" and query.certification is None and holder is not None:
        # "what if Sofia gets it back?": the one certification of hers that no longer counts.
        gone = {h.id for h in holder.certifications if lapsed(h, profile.as_of)}
        if len(gone) == 1:
            query = replace(query, certification=gone.pop())
    if people and change.kind == "certify" and query.certification:
        # Several people pass (or renew) one certification: those who do not hold it valid yet.
        slug = query.certification
        label = Cert(slug)
        takers = [
            pid
            for pid in people
            if (p := profile.person(pid)) is not None
            and not any(h.id == slug and not lapsed(h, profile.as_of) for h in p.certifications)
        ]
        if not takers:
            step, text = (
                None,
                phrase(
                    "conversation.what_if_already_holds",
                    person=People(tuple(people)),
                    certification=label,
                    count=len(people),
                ),
            )
        else:
            profile = _without(profile, {(pid, slug) for pid in takers})
            step = PlanStep(
                action=PlanAction.CERTIFY,
                metric=_metric_of(profile, slug),
                count=len(takers),
                points_gained=0,
                certification=slug,
                people=takers,
            )
            text = phrase(
                "conversation.what_if_certify_people",
                people=People(tuple(takers)),
                certification=label,
                count=len(takers),
            )
            holding = tuple(pid for pid in people if pid not in takers)
            if holding:  # "Łukasz and 山本 both pass PL-400": Łukasz has it, 山本's is what changes
                reply.say(
                    "conversation.what_if_some_hold",
                    person=People(holding),
                    certification=label,
                    count=len(holding),
                )
        person = people[-1]
    else:
        step, text = _step(change, query, profile, person, new_name)
    if change.kind == "track" and change.track is None:
        # Both tracks named ("enterprise instead of SMB"): the one the partner is not on.
        other = Track.SMB if profile.track == Track.ENTERPRISE else Track.ENTERPRISE
        change = replace(change, track=other)
        step, text = _step(change, query, profile, person, new_name)
    if change.kind == "track" and change.track is not None and text is not None:
        rules = default_catalog().rules_for(profile.rules, profile.as_of)
        if change.track not in rules.tracks:
            reply.say("rules.tracks_one", rules=rules.version)
            return Answer(reply.text(), None, Intent.WHAT_IF, ctx.last_area)
        after = score_profile(profile.model_copy(update={"track": change.track}))
        _header(reply, query, after, text, before)
        reply.bullets(compare(before, after)[0])
        return Answer(reply.text(), None, Intent.WHAT_IF, ctx.last_area)
    if step is None:
        reply.line(text or phrase("conversation.what_if_unclear"))
        return Answer(reply.text(), None, Intent.WHAT_IF, ctx.last_area)
    if (
        step.action == PlanAction.CERTIFY
        and not people
        and person is not None
        and step.certification is not None
    ):
        # A renewal: the expired holding is replaced by the one the plan adds.
        profile = _without(profile, {(person, step.certification)})
    grants: list[tuple[str, str]] = []
    if step.action == PlanAction.CERTIFY and step.people and step.certification:
        # The people named pass it themselves, even when they already count in that step (the planner
        # would give it to someone new then, and "if Arjun passes DP-300" would add a person).
        changed = _grant(profile, set(step.people), step.certification)
        grants = [(pid, step.certification) for pid in step.people]
        memory = ctx.memory
        earlier = list(memory.grants) if memory is not None and (query.also or query.correction) else []
        if query.correction and memory is not None:
            # "sorry, I meant Björn does AZ-700": his earlier grant is replaced, the others stay; "I
            # meant Farah": the person last simulated is replaced by her.
            replaced = set(step.people) | ({memory.person} if memory.person not in step.people else set())
            earlier = [g for g in earlier if g[0] not in replaced]
        added = [g for g in earlier if g not in grants]
        if added and any(slug != step.certification for _, slug in added):
            # "再加上 Mateus 考 AZ-140" after "Björn AZ-700": both changes together.
            changed = _granted(changed, added)
            text = Join(_grant_phrases(added) + ((text,) if text is not None else ()))
            grants = added + grants
    else:
        changed = apply_plan(profile, [step]) if step.count != 0 else profile
    if step.action == PlanAction.CERTIFY and new_name and not person:
        # The new person is called by the name the user gave, not the planner's placeholder id.
        named = [
            p.model_copy(update={"name": new_name}) if p.id.startswith("plan-") else p for p in changed.people
        ]
        changed = changed.model_copy(update={"people": named})
    after = score_profile(changed)
    if change.kind == "growth":
        reached = _growth(after) if change.relative else change.percent  # the target as said
        text = phrase(
            "conversation.what_if_growth" if change.relative else "conversation.what_if_growth_to",
            points=step.count,
            before=Percent(_growth(before)),
            after=Percent(reached),
        )
    _header(reply, query, after, text, before)
    lines, changed_any = compare(before, after)
    reply.bullets(lines)
    if not changed_any and step.metric in (Metric.NET_CUSTOMER_ADDS, Metric.DEPLOYMENTS, Metric.USAGE_GROWTH):
        _capped(reply, before, step.metric)
    memory = Memory(
        intent=Intent.WHAT_IF,
        areas=list(query.areas),
        metric=_FIGURES.get(change.kind, Metric.USAGE_GROWTH if change.kind == "growth" else None),
        certification=query.certification,
        person=person,
        change=change,
        grants=grants,
    )
    return Answer(reply.text(), None, Intent.WHAT_IF, ctx.last_area, memory=memory)


def _replay(
    reply: Reply, query: Query, ctx: AnswerContext, before: Scorecard, grants: list[tuple[str, str]]
) -> Answer:
    """The last what-if's certifications again, every person of it (several people, several exams)."""
    assert ctx.profile is not None
    after = score_profile(_granted(ctx.profile, grants))
    _header(reply, query, after, Join(_grant_phrases(grants)), before)
    reply.bullets(compare(before, after)[0])
    return Answer(reply.text(), None, Intent.WHAT_IF, ctx.last_area, memory=ctx.memory)


def _granted(profile: Profile, grants: list[tuple[str, str]]) -> Profile:
    """The profile with each (person, certification) passed, an expired holding of it replaced."""
    for pid, slug in grants:
        profile = _grant(_without(profile, {(pid, slug)}), {pid}, slug)
    return profile


def _grant_phrases(grants: list[tuple[str, str]]) -> tuple[Text, ...]:
    return tuple(
        phrase("conversation.what_if_certify_person", person=People((pid,)), certification=Cert(slug))
        for pid, slug in grants
    )


def _measured(change: WhatIf, profile: Profile) -> tuple[Profile, Text] | None:
    """A what-if that sets a measured figure (an ACR amount, fewer customers or services, a figure
    said) as the changed profile and its name; None for the other kinds."""
    if change.kind == "acr" and change.amount is not None:
        now = float(measures_of(profile).acr_current)
        changed = in_usage_form(profile, acr_last_month=change.amount)
        return changed, phrase("conversation.what_if_acr_to", amount=Money(change.amount), now=Money(now))
    if change.kind in _FIGURES and (change.absolute or change.count < 0):
        return _set_figure(change, profile)
    return None


def _capped(reply: Reply, before: Scorecard, metric: Metric) -> None:
    """ "Two more customers?" at the cap: say that the metric is already full, not just "unchanged"."""
    for designation in before.designations:
        for result in designation.metrics:
            if result.metric == metric and result.points >= result.max:
                reply.say("conversation.what_if_capped", metric=metric, max=result.max)
                return


def _header(
    reply: Reply,
    query: Query,
    after: Scorecard,
    change: Text | Join | None,
    before: Scorecard | None = None,
) -> None:
    """What is simulated; after "so we'd qualify for all 3?" the verdict first, yes or no."""
    if query.confirm:
        said = tuple(d.area for d in after.designations if query.count is not None and d.score == query.count)
        moved = tuple(
            d.area
            for d in after.designations
            if before is not None and d.score != before.designation(d.area).score
        )
        # "is 72 really enough?": the area at 72; "so would we qualify?": the areas the change moved
        asked = query.areas or said or moved or tuple(d.area for d in after.designations)
        qualified = all(after.designation(area).qualified for area in asked)
        reply.say("conversation.yes" if qualified else "conversation.no")
    reply.say("conversation.what_if_header", change=change)


# What-ifs on a counted figure, and the metric that counts it.
_FIGURES = {"customers": Metric.NET_CUSTOMER_ADDS, "services": Metric.DEPLOYMENTS}


def _leaves(reply: Reply, query: Query, ctx: AnswerContext, before: Scorecard, people: list[str]) -> Answer:
    """ "What if Inès leaves?": the scores without those people (their certifications go with them)."""
    assert ctx.profile is not None
    if not people:
        reply.say("conversation.what_if_who_leaves")
        return Answer(reply.text(), None, Intent.WHAT_IF, ctx.last_area)
    gone = set(people)
    staying = [p for p in ctx.profile.people if p.id not in gone]
    after = score_profile(ctx.profile.model_copy(update={"people": staying}))
    if query.worth:  # "how much is Min-jun worth to us?": what the scores owe to that person
        reply.say("conversation.what_if_worth_header", people=People(tuple(people)))
    else:
        _header(
            reply,
            query,
            after,
            phrase("conversation.what_if_leaves", people=People(tuple(people)), count=len(people)),
            before,
        )
    reply.bullets(compare(before, after)[0])
    memory = Memory(intent=Intent.WHAT_IF, areas=list(query.areas), person=people[-1], change=query.what_if)
    return Answer(reply.text(), None, Intent.WHAT_IF, ctx.last_area, memory=memory)


def _set_figure(change: WhatIf, profile: Profile) -> tuple[Profile, Text]:
    """The profile with fewer customers or services than today, or with the figure said ("if net adds
    were only 2"), and what the change is called. Only that figure changes (see `in_usage_form`)."""
    measures = measures_of(profile)
    if change.kind == "customers":
        now = measures.customers_current - measures.customers_baseline
        target = change.count if change.absolute else now + change.count
        last = max(0, measures.customers_baseline + target)  # fewer than none: the year before had more
        changed = in_usage_form(
            profile,
            eligible_customers_last_month=last,
            eligible_customers_same_month_last_year=last - target,
        )
        if change.absolute:
            return changed, phrase("conversation.what_if_customers_to", count=target, now=now)
        return changed, phrase("conversation.what_if_customers_fewer", count=-change.count)
    now = len(measures.services)
    target = max(0, change.count if change.absolute else now + change.count)
    if target > now:
        step = PlanStep(
            action=PlanAction.DEPLOY_SERVICES, metric=Metric.DEPLOYMENTS, count=target - now, points_gained=0
        )
        changed = apply_plan(profile, [step])
    else:
        changed = in_usage_form(profile, deployed_services=[*measures.services[:target], *measures.excluded])
    if change.absolute:
        return changed, phrase("conversation.what_if_services_to", count=target, now=now)
    return changed, phrase("conversation.what_if_services_fewer", count=now - target)


def _step(
    change: WhatIf,
    query: Query,
    profile: Profile,
    person: str | None,
    new_name: str | None,
) -> tuple[PlanStep | None, Text | None]:
    """The plan step a what-if applies, and what the change is called (or why there is none)."""
    if change.kind == "certify" and query.certification:
        slug = query.certification
        label = Cert(slug)
        metric = _metric_of(profile, slug)
        if person is not None:
            holder = profile.person(person)
            held = [h for h in holder.certifications if h.id == slug] if holder is not None else []
            who = People((person,))
            if any(not lapsed(h, profile.as_of) for h in held):
                return None, phrase(
                    "conversation.what_if_already_holds", person=who, certification=label, count=1
                )
            step = PlanStep(
                action=PlanAction.CERTIFY,
                metric=metric,
                count=1,
                points_gained=0,
                certification=slug,
                people=[person],
            )
            if held:  # it expired: the simulation renews it
                on = max(h.expires for h in held if h.expires is not None)
                return step, phrase(
                    "conversation.what_if_renew_person", person=who, certification=label, on=on
                )
            return step, phrase("conversation.what_if_certify_person", person=who, certification=label)
        step = PlanStep(
            action=PlanAction.CERTIFY,
            metric=metric,
            count=max(1, change.count),
            points_gained=0,
            certification=slug,
        )
        if new_name and change.count == 1:
            return step, phrase("conversation.what_if_certify_person", person=new_name, certification=label)
        return step, phrase("conversation.what_if_certify_new", count=step.count, certification=label)
    if change.kind == "customers":
        step = PlanStep(
            action=PlanAction.ADD_CUSTOMERS,
            metric=Metric.NET_CUSTOMER_ADDS,
            count=change.count,
            points_gained=0,
        )
        return step, phrase("conversation.what_if_customers", count=change.count)
    if change.kind == "growth" and change.percent is not None:
        points = max(1, round(change.percent))
        if not change.relative:
            # "if growth hits 20%" (or "falls to 12%"): points follow the whole percent (E-7), so the
            # same points as at exactly that growth come from the whole percents between today's and it.
            now = _growth(score_profile(profile)) or 0.0
            points = math.floor(change.percent) - math.floor(now)
        step = PlanStep(
            action=PlanAction.GROW_USAGE, metric=Metric.USAGE_GROWTH, count=points, points_gained=0
        )
        return step, None  # named once the simulation has the growth after
    if change.kind == "track" and change.track is not None:
        # Scored on the other track: a change of the profile itself, not a plan step (see what_if).
        return None, phrase("conversation.what_if_track", track=phrase(f"rules.track_{change.track}"))
    if change.kind == "services":
        step = PlanStep(
            action=PlanAction.DEPLOY_SERVICES, metric=Metric.DEPLOYMENTS, count=change.count, points_gained=0
        )
        return step, phrase("conversation.what_if_services", count=change.count)
    return None, phrase("conversation.what_if_unclear")


# --- expiry ----------------------------------------------------------------------------------------


def _held_line(key: str, on: dt.date, pid: str, slug: str) -> Text:
    """One person's certification and its date ("Linus: AZ-104, expires on …")."""
    return phrase(key, person=People((pid,)), certification=Cert(slug), on=on)


def _say_impact(reply: Reply, before: Scorecard, after: Scorecard, header: str | None = None) -> None:
    """The areas before → after when the expiry changes a score, else that it changes none."""
    lines, changed = compare(before, after)
    if not changed:
        reply.say("conversation.expiry_no_impact")
        return
    if header is not None:
        reply.say(header)
    reply.bullets(lines)


def _grant(profile: Profile, people: set[str], slug: str) -> Profile:
    held = HeldCertification(id=slug)
    changed = [
        p.model_copy(update={"certifications": [*p.certifications, held]}) if p.id in people else p
        for p in profile.people
    ]
    return profile.model_copy(update={"people": changed})


def _without(profile: Profile, drop: set[tuple[str, str]]) -> Profile:
    people = [
        p.model_copy(update={"certifications": [h for h in p.certifications if (p.id, h.id) not in drop]})
        for p in profile.people
    ]
    return profile.model_copy(update={"people": people})


def expiry(query: Query, ctx: AnswerContext, person: str | None) -> Answer:
    locale = ctx.locale
    names = explain.names_of(ctx.profile)
    reply = Reply(locale, names)
    before = scorecard_for(ctx)
    if ctx.profile is None or before is None:
        return Answer(t(locale, "answers.no_profile"), None, Intent.NO_PROFILE, ctx.last_area)
    profile = ctx.profile
    as_of = profile.as_of
    if person is None and query.certification:
        # "when did that expire?" about a certification: its one holder with a date, if one.
        dated = [
            p.id
            for p in profile.people
            if any(h.id == query.certification and h.expires for h in p.certifications)
        ]
        person = dated[0] if len(dated) == 1 else None
    if query.date is not None and person is None:
        day = _day(query.date, as_of)
        on_day = sorted({(p.id, h.id) for p in profile.people for h in p.certifications if h.expires == day})
        if len(on_day) == 1:
            return _one_expiry(reply, profile, before, on_day[0][0], on_day[0][1], names)
        if not on_day and day is not None:
            reply.say("conversation.expiry_none_on", on=day)
        elif on_day and day is not None:  # "was passiert am 5.1.2027?": all that lapses that day
            for pid, slug in on_day:
                reply.bullet(_held_line("conversation.expiry_line", day, pid, slug))
            after = score_profile(_without(profile, set(on_day)))
            _say_impact(reply, before, after, header="conversation.expiry_impact_header")
            return Answer(reply.text(), None, Intent.EXPIRY, ctx.last_area)
    holder = profile.person(person) if person is not None else None
    undated = holder is not None and any(
        h.id == query.certification and h.expires is None for h in holder.certifications
    )
    if holder is not None and undated and any(h.expires is not None for h in holder.certifications):
        query = replace(query, certification=None)  # "und bei Rafael?": his dated one, not Aroha's kind
    if holder is not None and query.certification not in {h.id for h in holder.certifications}:
        query = replace(query, certification=None)  # "et celle de Małgorzata ?": her own, not Inès's
    if person is not None and query.certification:
        if query.avoid:
            return _keep(reply, profile, before, person, query.certification)
        confirm = query.areas if query.confirm else None
        return _one_expiry(reply, profile, before, person, query.certification, names, confirm)
    days = programme().expiring_soon_days
    horizon = as_of + dt.timedelta(days=days)
    soon: list[tuple[dt.date, str, str]] = []
    expired: list[tuple[dt.date, str, str]] = []
    dated = False
    for p in profile.people:
        if person is not None and p.id != person:
            continue
        for held in p.certifications:
            if held.expires is None:
                continue
            dated = True
            if lapsed(held, as_of):  # the scoring day itself is already lapsed (E-16 default)
                expired.append((held.expires, p.id, held.id))
            elif held.expires <= horizon:
                soon.append((held.expires, p.id, held.id))
    if query.already and person is None:
        # "which certs have already expired?": the lapsed ones only (the list to come is another ask).
        if not expired:
            reply.say("conversation.expired_none")
            return Answer(reply.text(), None, Intent.EXPIRY, ctx.last_area)
        reply.say("conversation.expired_header")
        for on, pid, slug in sorted(expired):
            reply.bullet(_held_line("conversation.expired_line", on, pid, slug))
        who = {pid for _, pid, _ in expired}
        memory = Memory(
            intent=Intent.EXPIRY,
            certification=sorted(expired)[0][2],
            person=who.pop() if len(who) == 1 else None,
        )
        return Answer(reply.text(), None, Intent.EXPIRY, ctx.last_area, memory=memory)
    if not dated and person is not None:
        reply.say("conversation.expiry_person_no_dates", person=People((person,)))
        return Answer(reply.text(), None, Intent.EXPIRY, ctx.last_area)
    if not dated:
        reply.say("conversation.expiry_no_dates")
        return Answer(reply.text(), None, Intent.EXPIRY, ctx.last_area)
    if soon:
        reply.say("conversation.expiry_header", days=days)
        for on, pid, slug in sorted(soon):
            reply.bullet(_held_line("conversation.expiry_line", on, pid, slug))
        after = score_profile(_without(profile, {(pid, slug) for _, pid, slug in soon}))
        _say_impact(reply, before, after, header="conversation.expiry_impact_header")
    else:
        reply.say("conversation.expiry_none", days=days)
    for on, pid, slug in sorted(expired):
        reply.bullet(_held_line("conversation.expired_line", on, pid, slug))
    first = sorted(soon)[0][2] if soon else None
    if person is None and len({pid for _, pid, _ in soon}) == 1:
        person = soon[0][1]  # the one person whose certification expires: "what else does he hold?"
    return Answer(
        reply.text(),
        None,
        Intent.EXPIRY,
        ctx.last_area,
        memory=Memory(intent=Intent.EXPIRY, certification=first, person=person),
    )


def _day(said: tuple[int, int, int | None], as_of: dt.date) -> dt.date | None:
    """The day a message names; without a year, the next such day from the scoring date on."""
    day, month, year = said
    try:
        if year is not None:
            return dt.date(year, month, day)
        found = dt.date(as_of.year, month, day)
        return found if found >= as_of else dt.date(as_of.year + 1, month, day)
    except ValueError:
        return None


def _one_expiry(
    reply: Reply,
    profile: Profile,
    before: Scorecard,
    person: str,
    slug: str,
    names: dict[str, str],
    confirm: tuple[Area, ...] | None = None,
) -> Answer:
    who = names.get(person, person)
    label = Cert(slug)
    holder = profile.person(person)
    held = next((h for h in holder.certifications if h.id == slug), None) if holder else None
    memory = Memory(intent=Intent.EXPIRY, certification=slug, person=person)
    if held is None:
        reply.say("conversation.expiry_not_held", person=who, certification=label)
        return Answer(reply.text(), None, Intent.EXPIRY, None, memory=memory)
    if lapsed(held, profile.as_of):
        # Already lapsed: the score has lost it already; what renewing it would bring back.
        assert held.expires is not None
        reply.line(_held_line("conversation.expired_line", held.expires, person, slug))
        step = PlanStep(
            action=PlanAction.CERTIFY,
            metric=_metric_of(profile, slug),
            count=1,
            points_gained=0,
            certification=slug,
            people=[person],
        )
        renewed = score_profile(apply_plan(_without(profile, {(person, slug)}), [step]))
        reply.say("conversation.renewal_impact_header")
        reply.bullets(compare(before, renewed)[0])
        return Answer(reply.text(), None, Intent.EXPIRY, None, memory=memory)
    if held.expires is None:
        reply.say("conversation.expiry_one_no_date", person=who, certification=label)
    else:
        reply.say(
            "conversation.expiry_one_header",
            person=who,
            certification=label,
            on=held.expires,
        )
    after = score_profile(_without(profile, {(person, slug)}))
    if confirm is not None:  # "do we lose infra?": yes if an area asked about stops qualifying
        asked = confirm or tuple(d.area for d in before.designations)
        lost = any(before.designation(a).qualified and not after.designation(a).qualified for a in asked)
        reply.lines.insert(0, (False, phrase("conversation.yes" if lost else "conversation.no")))
    _say_impact(reply, before, after)
    gates = _gates_before(before, profile, slug)
    if gates and not compare(before, after)[1]:
        # "陳怡君's DP-300 expires": nothing changes because it earns nothing today; say why.
        reply.say("conversation.expiry_no_points_gated")
        reply.reasons(gates)
    return Answer(reply.text(), None, Intent.EXPIRY, None, memory=memory)


def _gates_before(card: Scorecard, profile: Profile, slug: str) -> list[PrerequisiteUnmet]:
    """The unmet prerequisite steps before the steps where `slug` counts, once each; empty unless every
    place it counts waits on one (then it earns nothing today)."""
    rules = default_catalog().rules_for(profile.rules, profile.as_of)
    found: list[PrerequisiteUnmet] = []
    for area, params in rules.areas.items():
        for metric, metric_rules in params.ordered():
            placed = [step.step for step in metric_rules.steps if slug in step.certifications]
            if not placed:
                continue
            result = next(m for m in card.designation(area).metrics if m.metric == metric)
            gates = [r for r in result.reasons if isinstance(r, PrerequisiteUnmet) and r.step < placed[0]]
            if not gates:
                return []  # it counts somewhere without waiting on a gate
            found.extend(g for g in gates if g not in found)
    return found


def _keep(reply: Reply, profile: Profile, before: Scorecard, person: str, slug: str) -> Answer:
    """How to keep the points a certification's expiry would cost: renew it before that day."""
    holder = profile.person(person)
    held = next((h for h in holder.certifications if h.id == slug), None) if holder else None
    memory = Memory(intent=Intent.EXPIRY, certification=slug, person=person)
    if held is None or held.expires is None:
        return _one_expiry(reply, profile, before, person, slug, {})
    reply.say(
        "conversation.avoid_expiry", person=People((person,)), certification=Cert(slug), on=held.expires
    )
    _say_impact(
        reply, before, score_profile(_without(profile, {(person, slug)})), "conversation.expiry_impact_header"
    )
    return Answer(reply.text(), None, Intent.PLAN, None, memory=memory)


# --- why a simulated change costs (or brings) what it does --------------------------------------


def changed_profile(ctx: AnswerContext) -> Profile | None:
    """The profile as the conversation's last expiry or what-if about one person changed it, if any."""
    memory, profile = ctx.memory, ctx.profile
    if memory is None or profile is None or memory.person is None:
        return None
    person, slug = memory.person, memory.certification
    if memory.intent == Intent.EXPIRY and slug is not None:
        return _without(profile, {(person, slug)})
    change = memory.change
    if memory.intent == Intent.WHAT_IF and change is not None:
        if change.kind == "leaves":
            return profile.model_copy(update={"people": [p for p in profile.people if p.id != person]})
        if change.kind == "certify" and slug is not None:
            return _granted(profile, [(person, slug)])
    return None


def simulated_profile(ctx: AnswerContext) -> Profile | None:
    """The profile as the conversation's last what-if changed it (any kind), for "why?" about it."""
    memory, profile = ctx.memory, ctx.profile
    if memory is None or profile is None or memory.intent != Intent.WHAT_IF or memory.change is None:
        return None
    change = memory.change
    if memory.grants:
        return _granted(profile, memory.grants)
    if change.kind == "leaves" and memory.person:
        return profile.model_copy(update={"people": [p for p in profile.people if p.id != memory.person]})
    if (measured := _measured(change, profile)) is not None:
        return measured[0]
    if change.kind == "track" and change.track is not None:
        return profile.model_copy(update={"track": change.track})
    step, _ = _step(change, Query(Intent.WHAT_IF, certification=memory.certification), profile, None, None)
    return apply_plan(profile, [step]) if step is not None and step.count > 0 else None


def why_change(ctx: AnswerContext, changed: Profile) -> Answer:
    """ "Pourquoi autant ?" after an expiry or a what-if: each metric that moves, and why it lands there."""
    reply = Reply(ctx.locale, explain.names_of(ctx.profile))
    before = scorecard_for(ctx)
    assert before is not None
    after = score_profile(changed)
    reply.say("conversation.why_change_header")
    for old in before.designations:
        new = after.designation(old.area)
        for was in old.metrics:
            now = next(m for m in new.metrics if m.metric == was.metric)
            if now.points == was.points:
                continue
            reply.bullet(
                phrase(
                    "conversation.why_change_metric",
                    area=old.area,
                    metric=was.metric,
                    before=was.points,
                    after=now.points,
                )
            )
            reply.reasons(now.reasons)
    return Answer(reply.text(), None, Intent.WHY, ctx.last_area, memory=ctx.memory)
