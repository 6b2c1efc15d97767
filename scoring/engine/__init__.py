"""score_profile: profile + rules catalog -> Scorecard with reasons and a plan per area."""

from __future__ import annotations

import datetime as dt
from typing import Any

from scoring.catalog import default_catalog
from scoring.engine.cloud_platform import score_cloud_platform
from scoring.engine.context import Context
from scoring.engine.designation import score_designation
from scoring.errors import FieldError, ProfileError
from scoring.ids import Area
from scoring.models import Profile
from scoring.results import DesignationResult, NoPlan, Scorecard
from scoring.settings import Settings


def score_profile(
    profile: Profile,
    rules: str | None = None,
    as_of: dt.date | str | None = None,
    settings: Settings | None = None,
) -> Scorecard:
    """Score a profile. `rules`/`as_of` override the profile's; the rules default to the version in
    force on the scoring date. Raises ProfileError for an unknown rule version or a bad date."""
    from scoring.planner import plan_designation  # the planner builds on the engine

    settings = settings or Settings()
    catalog = default_catalog(settings.catalog_dir)
    try:
        day = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else (as_of or profile.as_of)
    except ValueError:
        raise ProfileError(
            [FieldError("as_of", as_of, f"'{as_of}' is not a date: expected YYYY-MM-DD")]
        ) from None
    version = rules or profile.rules
    try:
        rule_set = catalog.rules_for(version, day)
    except KeyError:
        known = ", ".join(catalog.rule_sets)
        raise ProfileError(
            [FieldError("rules", version, f"unknown rule version '{version}'; known: {known}")]
        ) from None
    track, track_rules = rule_set.track_rules(profile.track)
    ctx = Context(profile, day, rule_set, track, track_rules, settings, catalog)
    designations: list[DesignationResult] = []
    for area in Area:
        result, scored = score_designation(area, ctx)
        if not result.qualified:
            plan, unfixable = plan_designation(scored, result.blocking_metrics, ctx)
            update: dict[str, Any] = {"plan": plan}
            if unfixable:
                update["reasons"] = [*result.reasons, NoPlan(metrics=unfixable)]
            result = result.model_copy(update=update)
        designations.append(result)
    # E-28: the Cloud Platform text in force on the scoring date (or the one the settings name).
    cp_rules = (
        catalog.cloud_platform_rules(settings.cloud_platform_rules)
        if settings.cloud_platform_rules
        else catalog.cloud_platform_in_force(day)
    )
    cloud = score_cloud_platform(profile, day, cp_rules, settings, catalog)
    return Scorecard(
        partner_id=profile.partner.id,
        partner_name=profile.partner.name,
        as_of=day,
        rules=rule_set.version,
        track=track.value,
        designations=designations,
        cloud_platform=cloud,
    )
