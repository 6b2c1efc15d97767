"""Every card the bot can send, in every locale, passes the official Adaptive Cards 1.5 schema,
keeps `msteams` to what Teams knows, fits Teams' message size limit and leaves no text unformatted."""

from __future__ import annotations

import re

import pytest
from card_fixtures import contoso_data, scored
from card_schema import MAX_CARD_BYTES, assert_valid_card, card_bytes, card_problems, texts
from sent_cards import PARAMS, builder_cards, notification_cards, sent_cards, view

from cards.i18n import SUPPORTED_LOCALES, catalog
from cards.intake_cards import build_intake_card, error_for
from cards.intake_state import InputError, IntakeState, IntakeStep
from cards.scorecard import build_scorecard_card


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_card_in_every_locale_is_valid_adaptive_card_1_5_within_teams_limits(locale: str) -> None:
    failures = {name: problems for name, card in sent_cards(locale) if (problems := card_problems(card))}
    assert not failures, "\n".join(f"{name}: {p}" for name, p in list(failures.items())[:10])


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_intake_message_renders_in_every_locale(locale: str) -> None:
    v = view(locale)
    keys = [
        k.removeprefix("intake.") for k in catalog("en") if k.startswith(("intake.error.", "intake.notice."))
    ]
    for key in keys:
        element = error_for(v, InputError(key=key, params=PARAMS))
        assert element is not None and texts(element) and "{" not in texts(element), key


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_the_monthly_notification_card_is_valid_too(locale: str) -> None:
    failures = {
        name: problems for name, card in notification_cards(locale) if (problems := card_problems(card))
    }
    assert not failures, failures


def test_the_biggest_cards_are_measured_and_stay_under_the_limit() -> None:
    sizes = sorted(((card_bytes(card), name) for name, card in builder_cards("de")), reverse=True)
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
    assert card_problems(teams) == ["msteams: 'Wide' is not one of ['Full']"]
    unknown_top = dict(good, extra=1)
    assert card_problems(unknown_top)
    huge = dict(good, body=good["body"] + [{"type": "TextBlock", "text": "x" * MAX_CARD_BYTES}])
    assert [re.sub(r"\d+ bytes", "N bytes", p) for p in card_problems(huge)] == [
        f"card is N bytes, over {MAX_CARD_BYTES}"
    ]
    leftover = dict(good, body=[{"type": "TextBlock", "text": "Hello {name}"}])
    assert card_problems(leftover) == ["unformatted text: ['Hello {name}']"]
