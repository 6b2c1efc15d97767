"""Every card the bot can send, in every locale, passes the official Adaptive Cards 1.5 schema,
keeps `msteams` to what Teams knows, fits Teams' message size limit and leaves no text unformatted."""

from __future__ import annotations

from typing import Any

import pytest
from card_fixtures import big_data, contoso_data, qualified_data, scored
from card_schema import MAX_CARD_BYTES, assert_valid_card, card_bytes, card_problems

from bot.intake import validate
from bot.intake.convert import draft_from_profile
from cards.catalog_view import known_services
from cards.i18n import SUPPORTED_LOCALES, catalog
from cards.intake_cards import IntakeView, build_closed_card, build_intake_card, error_for
from cards.intake_state import SECTIONS, InputError, IntakeState, IntakeStep
from cards.scorecard import build_explanation_card, build_scorecard_card
from scoring.ids import Area

PARAMS = {
    "max": "1,000",
    "code": "AZ-999",
    "suggestions": "AZ-900, AZ-104",
    "name": "Ada",
    "line": 3,
    "count": 2,
    "added": 4,
    "details": "people[0].name: too long",
}


def view(locale: str) -> IntakeView:
    return IntakeView(
        locale=locale,
        services=known_services(),
        rules_in_force="2026",
        user_id="29:user-ada",
        preview=[("data_ai", 36, 70, False), ("infrastructure", 82, 70, True)],
    )


def error_keys() -> list[str]:
    return sorted(k.removeprefix("intake.") for k in catalog("en") if k.startswith("intake.error."))


def intake_states(data: dict[str, Any]) -> list[tuple[str, IntakeState]]:
    """Each step, clean and with every field wrong, for a saved profile `data`."""
    draft = draft_from_profile(data)
    out = []
    for step in (*SECTIONS, IntakeStep.REVIEW):
        out.append((f"{step}", IntakeState(session="s1", step=step, draft=draft, today="2026-10-31")))
        for mode in ("section",):
            out.append(
                (
                    f"{step}-{mode}",
                    IntakeState(
                        session="s1",
                        step=step,
                        draft=draft,
                        mode=mode,
                        section=step if step != IntakeStep.REVIEW else IntakeStep.PEOPLE,
                        today="2026-10-31",
                    ),
                )
            )
    fields = [
        "partner_id",
        "partner_name",
        "market",
        "track",
        "rules",
        "areas",
        "person_name",
        "person_certs",
        "person_codes",
        "bulk",
        "customers_last_month",
        "customers_year_ago",
        "acr_last_month",
        "acr_year_ago",
        "consumption_12m",
        "services",
        "services_other",
    ]
    steps = {
        IntakeStep.ORGANISATION: fields[:5],
        IntakeStep.AREAS: fields[5:6],
        IntakeStep.PEOPLE: fields[6:10],
        IntakeStep.USAGE: fields[10:15],
        IntakeStep.SERVICES: fields[15:],
    }
    keys = error_keys()
    for step, names in steps.items():
        # Every field wrong at once, with the longest messages; values at their echo maximum.
        errors = {name: InputError(key=keys[i % len(keys)], params=PARAMS) for i, name in enumerate(names)}
        if step == IntakeStep.PEOPLE:
            errors |= {
                f"bulk#{i}": InputError(key="error.bulk_unknown_suggest", params=PARAMS) for i in range(1, 40)
            }
        values = {name: "x" * 200 for name in names}
        values["bulk"] = validate.MAX_BULK_ECHO * "x"
        state = IntakeState(
            session="s1",
            step=step,
            draft=draft,
            errors=errors,
            values=values,
            editing=0,
            notice=InputError(key="notice.fix_errors", params={"count": len(errors)}),
            today="2026-10-31",
        )
        out.append((f"{step}-errors", state))
    notices = sorted(k.removeprefix("intake.") for k in catalog("en") if k.startswith("intake.notice."))
    out.append(
        (
            "notice",
            IntakeState(
                session="s1",
                step=IntakeStep.PEOPLE,
                draft=draft,
                today="2026-10-31",
                page=99,
                notice=InputError(key=notices[-1], params=PARAMS),
            ),
        )
    )
    return out


PROFILES = {"contoso": contoso_data, "qualified": qualified_data, "big": big_data}


def all_cards(locale: str) -> list[tuple[str, dict[str, Any]]]:
    cards: list[tuple[str, dict[str, Any]]] = []
    for name, make in PROFILES.items():
        scorecard, profile = scored(make())
        cards.append((f"scorecard-{name}", build_scorecard_card(scorecard, profile, locale)))
        cards.append(
            (
                f"scorecard-{name}-areas",
                build_scorecard_card(scorecard, profile, locale, areas=["infrastructure"]),
            )
        )
        for area in Area:
            cards.append((f"why-{name}-{area}", build_explanation_card(scorecard, area, profile, locale)))
        v = view(locale)
        for state_name, state in intake_states(make()):
            cards.append((f"intake-{name}-{state_name}", build_intake_card(state, v)))
    empty = IntakeState(session="s1", today="2026-10-31")
    cards.append(("intake-new", build_intake_card(empty, view(locale))))
    for key in ("closed.cancelled", "closed.saved", "closed.stale", "closed.broken"):
        cards.append((key, build_closed_card(locale, key)))
    return cards


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_card_in_every_locale_is_valid_adaptive_card_1_5_within_teams_limits(locale: str) -> None:
    failures = {name: problems for name, card in all_cards(locale) if (problems := card_problems(card))}
    assert not failures, "\n".join(f"{name}: {p}" for name, p in list(failures.items())[:10])


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_intake_message_renders_in_every_locale(locale: str) -> None:
    v = view(locale)
    keys = [
        k.removeprefix("intake.") for k in catalog("en") if k.startswith(("intake.error.", "intake.notice."))
    ]
    for key in keys:
        element = error_for(v, InputError(key=key, params=PARAMS))
        assert element is not None and element["text"] and "{" not in element["text"], key


def notification_cards(locale: str) -> list[tuple[str, dict[str, Any]]]:
    """The monthly notification (bot/notifications builds it; it is sent too, so it is checked here)."""
    import datetime as dt

    from bot.notifications.card import build_card
    from bot.notifications.content import compose, expiring_certifications

    out = []
    for name, make in PROFILES.items():
        scorecard, profile = scored(make())
        previous, _ = scored(qualified_data())
        horizon = scorecard.as_of + dt.timedelta(days=200)
        expiring = expiring_certifications(profile, scorecard.as_of, horizon)
        content = compose("2026-10", profile, scorecard, previous, scorecard, expiring, horizon)
        out.append((f"notify-{name}", build_card(content, locale)))
    return out


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_the_monthly_notification_card_is_valid_too(locale: str) -> None:
    failures = {
        name: problems for name, card in notification_cards(locale) if (problems := card_problems(card))
    }
    assert not failures, failures


def test_the_biggest_cards_are_measured_and_stay_under_the_limit() -> None:
    sizes = sorted(((card_bytes(card), name) for name, card in all_cards("de")), reverse=True)
    largest, name = sizes[0]
    assert largest <= MAX_CARD_BYTES, f"{name}: {largest} bytes"
    # The big profile really is big: the limit is exercised, not trivially met.
    assert largest > MAX_CARD_BYTES // 3, f"largest card only {largest} bytes ({name})"


def test_the_checker_refuses_what_teams_would_refuse() -> None:
    scorecard, profile = scored(contoso_data())
    good = build_scorecard_card(scorecard, profile, "en")
    assert_valid_card(good)
    wrong_style = build_scorecard_card(scorecard, profile, "en")
    wrong_style["body"][0]["size"] = "huge"
    assert card_problems(wrong_style)
    areas = IntakeState(session="s", step=IntakeStep.AREAS, today="2026-10-31")
    filtered = build_intake_card(areas, view("en"))
    filtered["body"][-1]["style"] = "filtered"  # not in the 1.5 schema's ChoiceInputStyle
    assert card_problems(filtered)
    teams = dict(good, msteams={"width": "Wide"})
    assert any("msteams" in p for p in card_problems(teams))
    unknown_top = dict(good, extra=1)
    assert card_problems(unknown_top)
    huge = dict(good, body=good["body"] + [{"type": "TextBlock", "text": "x" * MAX_CARD_BYTES}])
    assert any("bytes" in p for p in card_problems(huge))
    leftover = dict(good, body=[{"type": "TextBlock", "text": "Hello {name}"}])
    assert any("unformatted" in p for p in card_problems(leftover))
