"""Why a customer counts, or not, among the eligible customers: "why not the Cosmos DB one?",
"does contoso count?". The customer is named by its id or by a service only its records use; the
reasons come from the engine's own tests (`scoring.derive.check_customers`)."""

from __future__ import annotations

import re

import numpy as np

from scoring import Profile
from scoring.catalog import default_catalog
from scoring.derive import CustomerCheck, check_customers, fold
from scoring.ids import Metric
from scoring.settings import Settings

from .chat import Reply
from .model import Answer, AnswerContext, Intent, Memory
from .render import Join, Money, association_name, phrase

_GENERIC = {"azure", "microsoft", "service", "services"}  # "Azure Cosmos DB" is named "cosmos db"


def _said(name: str, text: str) -> bool:
    words = [w for w in re.split(r"[\s_-]+", fold(name)) if w and w not in _GENERIC]
    phrase = " ".join(words)
    # Latin word edges only: a Korean particle may follow ("proseware는").
    return len(phrase) >= 2 and re.search(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", text) is not None


def _folded(text: str) -> str:
    return " ".join(re.split(r"[\s_-]+", fold(text)))


def customers_by_id(profile: Profile | None, text: str) -> list[str]:
    """The customers a message names by their id ("why doesn't litware-labs count?")."""
    if profile is None or profile.acr_records is None or not text:
        return []
    folded = _folded(text)
    customers = dict.fromkeys(profile.acr_records.customer.values())
    return [c for c in customers if len(c) >= 3 and _said(c, folded)]


def named_customers(profile: Profile | None, text: str) -> list[str]:
    """The customers a message names: by id, else by a service their records use."""
    by_id = customers_by_id(profile, text)
    if by_id or profile is None or profile.acr_records is None or not text:
        return by_id
    records = profile.acr_records
    folded = _folded(text)
    ids = records.customer.values()
    services = {k for k, name in enumerate(records.services) if _said(name, folded)}
    if not services:
        return []
    rows = np.flatnonzero(np.isin(records.service, sorted(services)))
    return list(dict.fromkeys(ids[int(i)] for i in rows))


def _excluded(check: CustomerCheck) -> bool:
    return bool(check.excluded_offers or check.ineligible_associations or check.sovereign_clouds)


def customer_answer(ctx: AnswerContext, customers: list[str]) -> Answer:
    """Each customer: counted (with its best month) or not, and every reason the rules give."""
    profile = ctx.profile
    assert profile is not None and profile.acr_records is not None
    settings = Settings()
    rules = default_catalog().rules_for(profile.rules, profile.as_of)
    _, track = rules.track_rules(profile.track)
    reply = Reply(ctx.locale)
    eligible = Join(tuple(association_name(a) for a in rules.filters.eligible_associations))
    for check in check_customers(profile.acr_records, profile.as_of, rules, track, settings, customers):
        amount, minimum = Money(float(check.best_usd)), Money(float(check.min_usd))
        if check.eligible:
            reply.say("conversation.customer_counts", customer=check.customer, amount=amount, min=minimum)
            continue
        reply.say("conversation.customer_not_counted", customer=check.customer)
        if check.excluded_offers:
            reply.bullet(phrase("conversation.customer_offer_excluded", offers=Join(check.excluded_offers)))
        if check.ineligible_associations:
            named = Join(tuple(association_name(a) for a in check.ineligible_associations))
            reply.bullet(
                phrase("conversation.customer_association_excluded", associations=named, eligible=eligible)
            )
        if check.sovereign_clouds:
            reply.bullet(phrase("conversation.customer_sovereign", clouds=Join(check.sovereign_clouds)))
        if not check.recent:
            reply.bullet(phrase("conversation.customer_no_recent"))
        elif check.best_usd < check.min_usd and (check.best_usd > 0 or not _excluded(check)):
            reply.bullet(phrase("conversation.customer_below", amount=amount, min=minimum))
    memory = Memory(intent=Intent.WHY, metric=Metric.NET_CUSTOMER_ADDS)
    return Answer(reply.text(), None, Intent.WHY, ctx.last_area, memory=memory)
