"""Every card the bot sends, in a locale, built by the real builders from profiles scored by the real
engine: the scorecard and explanation cards, each intake step (clean, with every field wrong, with each
notice), the closed-intake cards, the monthly notification and the cards that come with chat answers.
Shared by the schema, rendering and button-title tests (this folder is on pytest's pythonpath)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from card_fixtures import INTAKE_INPUTS, big_data, contoso_data, qualified_data, scored
from history_fixtures import monthly, year_with_a_lapse

from bot.intake import validate
from bot.intake.convert import draft_from_profile
from bot.notifications.card import build_card
from bot.notifications.content import compose, expiring_certifications, with_history
from bot.questions import AnswerContext, answer, answer_action
from cards.catalog_view import known_services
from cards.i18n import catalog
from cards.intake_cards import IntakeView, build_closed_card, build_intake_card
from cards.intake_state import SECTIONS, InputError, IntakeState, IntakeStep
from cards.scorecard import build_explanation_card, build_scorecard_card
from scoring import load_profile, score_profile
from scoring.history import build_history, month_of
from scoring.ids import Area

Card = dict[str, Any]
TODAY = "2026-10-31"

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
    keys = error_keys()
    for step, names in INTAKE_INPUTS.items():
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


def builder_cards(locale: str) -> list[tuple[str, dict[str, Any]]]:
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
        # With a year of history (trend chart, areas held by an earlier month: at risk) and with the
        # history of a first save (no history yet).
        month = month_of(scorecard.as_of)
        for kind, history in (
            ("history", year_with_a_lapse(make(), month)),
            ("first", build_history([monthly(make(), month)])),
        ):
            card = build_scorecard_card(scorecard, profile, locale, history=history)
            cards.append((f"scorecard-{name}-{kind}", card))
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


def notification_cards(locale: str) -> list[tuple[str, dict[str, Any]]]:
    """The monthly notification (bot/notifications builds it; it is sent too, so it is checked here)."""
    out = []
    for name, make in PROFILES.items():
        scorecard, profile = scored(make())
        previous, _ = scored(qualified_data())
        horizon = scorecard.as_of + dt.timedelta(days=200)
        expiring = expiring_certifications(profile, scorecard.as_of, horizon)
        content = compose("2026-10", profile, scorecard, previous, scorecard, expiring, horizon)
        out.append((f"notify-{name}", build_card(content, locale)))
        held = with_history(content, scorecard, year_with_a_lapse(make(), "2026-10"))
        out.append((f"notify-{name}-history", build_card(held, locale)))
    return out


def notice_cards(locale: str) -> list[tuple[str, Card]]:
    """The people step under each notice banner (good and bad news), names with and without a final
    consonant (Korean particles follow it)."""
    draft = draft_from_profile(contoso_data())
    params = {"name": "Grace", "count": 1, "added": 2, "details": "people[0].name: too long"}
    out = []
    for key in sorted(k.removeprefix("intake.") for k in catalog("en") if k.startswith("intake.notice.")):
        for name in ("Grace", "Jisung"):
            notice = InputError(key=key, params=params | {"name": name})
            state = IntakeState(session="s1", step=IntakeStep.PEOPLE, draft=draft, notice=notice, today=TODAY)
            card = build_intake_card(state, view(locale))
            out.append((f"notice-{key.removeprefix('notice.')}-{name}", card))
    return out


# What users ask, typed and by button: each answer that comes with a card.
QUESTIONS = ("what is my score?", "why?", "why infra", "plan for d&ai", "which certifications count", "help")
BUTTONS = (("rule", None), ("why", "data_ai"), ("plan", "infrastructure"), ("score", None))


def answer_cards(locale: str) -> list[tuple[str, Card]]:
    """The cards of chat answers, through the questions package's public API (how the handler gets them)."""
    profile = load_profile(contoso_data())
    ctx = AnswerContext(locale=locale, profile=profile, scorecard=score_profile(profile))
    replies = [(f"answer-{q}", answer(q, ctx)) for q in QUESTIONS]
    replies += [(f"button-{a}-{area}", answer_action(a, area, ctx)) for a, area in BUTTONS]
    replies.append(("answer-no-profile", answer("what is my score?", AnswerContext(locale=locale))))
    return [(name, reply.card) for name, reply in replies if reply.card is not None]


def sent_cards(locale: str) -> list[tuple[str, Card]]:
    """Every card the bot sends, named, in `locale`."""
    return builder_cards(locale) + notice_cards(locale) + notification_cards(locale) + answer_cards(locale)


def layouts(locale: str) -> list[tuple[str, Card]]:
    """`sent_cards` less the repeats of a layout: the very large partner's cards (the same elements,
    only more of them) and the qualified partner's intake (the same forms with other values). What a
    renderer sees differs between the cards kept, not between these and their repeats."""
    return [
        (name, card)
        for name, card in sent_cards(locale)
        if "-big" not in name and not name.startswith("intake-qualified-")
    ]
