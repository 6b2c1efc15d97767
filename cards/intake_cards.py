"""Intake step cards: one builder per step, all from `IntakeState` (the form state) and the locale.

Every button carries `{"intake": {"session", "step", "nav", "arg"}}` so the server can refuse a
stale or forged card. Buttons are Action.Execute (update the card in place) with an Action.Submit
fallback for clients without Universal Actions; both arrive at the same server code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cards import adaptive as ac
from cards.catalog_view import certification_choices, certification_short, rule_versions
from cards.explain import money, number
from cards.i18n import normalize_locale, t
from cards.intake_state import (
    AUTO_RULES,
    PEOPLE_PER_PAGE,
    SECTIONS,
    Draft,
    InputError,
    IntakeState,
    IntakeStep,
)
from scoring.ids import Area, Market, Track
from scoring.jsonvalue import is_list

VERB = "intake"
MAX_BULK_MESSAGES = 5  # line messages shown under the paste box; the rest are counted


@dataclass
class IntakeView:
    """What the cards need besides the state: the catalog lists and who may refresh the card."""

    locale: str
    services: list[str]
    rules_in_force: str
    user_id: str | None = None
    # area, score, threshold, ok
    preview: list[tuple[str, int, int, bool]] = field(default_factory=list[tuple[str, int, int, bool]])


def _t(view: IntakeView, key: str, **params: Any) -> str:
    return t(view.locale, f"intake.{key}", **params)


def _said(view: IntakeView, key: str, params: dict[str, Any]) -> str:
    """A message whose parameters echo what the user typed (names, raw values): shown literally.
    A limit ("max") is a number written the locale's way: 1.000.000.000 in German, not 1,000,..."""
    shown = {k: ac.literal(v) if isinstance(v, str) else v for k, v in params.items()}
    limit = shown.get("max")
    if isinstance(limit, int | float) and not isinstance(limit, bool):
        shown["max"] = number(view.locale, limit)
    if key.startswith(_SHARED_KEYS):
        return t(view.locale, key, **shown)
    return _t(view, key, **shown)


# Messages the intake shares with other places (the exam texts), named by their full key.
_SHARED_KEYS = ("exams.",)


def meta(state: IntakeState, nav: str, arg: str | int | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"session": state.session, "step": state.step.value, "nav": nav}
    if arg is not None:
        data["arg"] = arg
    return {"intake": data}


def button(
    view: IntakeView,
    state: IntakeState,
    title_key: str,
    nav: str,
    arg: str | int | None = None,
    *,
    style: str | None = None,
    with_inputs: bool = True,
    **params: Any,
) -> dict[str, Any]:
    return ac.execute(
        _t(view, title_key, **params),
        f"{VERB}.{nav}",
        meta(state, nav, arg),
        style=style,
        associated_inputs=None if with_inputs else "none",
    )


def error_for(view: IntakeView, error: InputError | None) -> dict[str, Any] | None:
    if error is None:
        return None
    return ac.error_text(_said(view, error.key, error.params))


def _with_error(view: IntakeView, state: IntakeState, element: dict[str, Any]) -> list[dict[str, Any]]:
    """An input followed by its error message, if the last submit left one (errors are keyed by input id)."""
    message = error_for(view, state.errors.get(element["id"]))
    if message is None:
        return [element]
    return [element, message]


def _value(state: IntakeState, name: str, default: Any) -> Any:
    return state.values.get(name, default)


def _chosen(state: IntakeState, name: str, default: list[str]) -> list[str]:
    """A multi-select's values: what the user sent (strings only, whatever a forged submit holds)."""
    chosen = _value(state, name, default)
    return [c for c in chosen if isinstance(c, str)] if is_list(chosen) else []


def _text_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def build_intake_card(state: IntakeState, view: IntakeView) -> dict[str, Any]:
    view.locale = normalize_locale(view.locale)
    builders = {
        IntakeStep.ORGANISATION: _organisation,
        IntakeStep.AREAS: _areas,
        IntakeStep.PEOPLE: _people,
        IntakeStep.USAGE: _usage,
        IntakeStep.SERVICES: _services,
        IntakeStep.REVIEW: _review,
    }
    body = _header(state, view) + builders[state.step](state, view)
    return ac.card(
        body,
        _nav(state, view),
        refresh=_refresh(state, view),
        lang=view.locale,
        fallback_text=_t(view, "fallback_text"),
    )


def _refresh(state: IntakeState, view: IntakeView) -> dict[str, Any] | None:
    # Teams refreshes the card for these users when it is shown again, so an old copy of the form
    # turns into the current step (or a "closed" card) instead of offering stale buttons.
    if not view.user_id:
        return None
    action = {"type": "Action.Execute", "verb": f"{VERB}.refresh", "data": meta(state, "refresh")}
    return {"action": action, "userIds": [view.user_id]}


def _header(state: IntakeState, view: IntakeView) -> list[dict[str, Any]]:
    if state.step == IntakeStep.REVIEW:
        progress = _t(view, "progress_review")
    elif state.mode == "section":
        progress = _t(view, "progress_section")
    else:
        progress = _t(view, "progress", step=SECTIONS.index(state.step) + 1, total=len(SECTIONS))
    out = [
        ac.text(progress, size="Small", subtle=True, spacing="None"),
        ac.heading(_t(view, f"{state.step.value}.title")),
        ac.text(_t(view, f"{state.step.value}.intro"), subtle=True),
    ]
    if state.notice is not None:
        bad = state.notice.key in {
            "notice.fix_errors",
            "notice.stale_card",
            "notice.unknown_action",
            "notice.profile_rejected",
            "notice.incomplete",
        }
        mark = ac.ATTENTION_MARK if bad else ac.GOOD_MARK
        message = _said(view, state.notice.key, state.notice.params)
        out.append(ac.status([ac.text(f"{mark} {message}", weight="Bolder")], good=not bad))
    return out


def _nav(state: IntakeState, view: IntakeView) -> list[dict[str, Any]]:
    actions: list[dict[str, Any]] = []
    if state.step == IntakeStep.REVIEW:
        actions.append(button(view, state, "button.confirm", "confirm", style="positive", with_inputs=False))
        actions.append(button(view, state, "button.back", "back", with_inputs=False))
    else:
        final = state.mode == "section" or state.reviewed or state.step == SECTIONS[-1]
        actions.append(
            button(view, state, "button.review" if final else "button.next", "next", style="positive")
        )
        first = state.step == SECTIONS[0] and state.mode == "full"
        if not first and not (state.mode == "section" and not state.reviewed):
            actions.append(button(view, state, "button.back", "back", with_inputs=False))
    actions.append(button(view, state, "button.cancel", "cancel", style="destructive", with_inputs=False))
    return actions


# --- organisation ---------------------------------------------------------------------------------


def _organisation(state: IntakeState, view: IntakeView) -> list[dict[str, Any]]:
    d = state.draft
    rules_choices = [(_t(view, "organisation.rules_auto", version=view.rules_in_force), AUTO_RULES)]
    rules_choices += [(version, version) for version in rule_versions()]
    body: list[dict[str, Any]] = []
    body += _with_error(
        view,
        state,
        ac.input_text(
            "partner_id",
            label=_t(view, "organisation.partner_id"),
            value=_text_value(_value(state, "partner_id", d.partner_id)),
            placeholder=_t(view, "organisation.partner_id_hint"),
            max_length=10,
        ),
    )
    body += _with_error(
        view,
        state,
        ac.input_text(
            "partner_name",
            label=_t(view, "organisation.partner_name"),
            value=_text_value(_value(state, "partner_name", d.partner_name)),
            max_length=200,
        ),
    )
    body += _with_error(
        view,
        state,
        ac.choice_set(
            "market",
            label=_t(view, "organisation.market"),
            choices=[(_t(view, f"market.{m.value}"), m.value) for m in Market],
            value=_text_value(_value(state, "market", d.market)),
            style="expanded",
        ),
    )
    body += _with_error(
        view,
        state,
        ac.choice_set(
            "track",
            label=_t(view, "organisation.track"),
            choices=[(_t(view, f"track.{tr.value}"), tr.value) for tr in Track],
            value=_text_value(_value(state, "track", d.track)),
            style="expanded",
        ),
    )
    body += _with_error(
        view,
        state,
        ac.choice_set(
            "rules",
            label=_t(view, "organisation.rules"),
            choices=rules_choices,
            value=_text_value(_value(state, "rules", d.rules)),
        ),
    )
    body.append(
        ac.text(_t(view, "organisation.rules_note", version=view.rules_in_force), size="Small", subtle=True)
    )
    return body


# --- areas ----------------------------------------------------------------------------------------


def _areas(state: IntakeState, view: IntakeView) -> list[dict[str, Any]]:
    choices = [(t(view.locale, f"common.area.{a.value}"), a.value) for a in Area]
    return _with_error(
        view,
        state,
        ac.choice_set(
            "areas",
            label=_t(view, "areas.label"),
            choices=choices,
            value=_chosen(state, "areas", state.draft.areas),
            multi=True,
            style="expanded",
        ),
    )


# --- people ---------------------------------------------------------------------------------------


def person_line(person_certs: list[str]) -> str:
    return ", ".join(certification_short(slug) for slug in person_certs)


def _people(state: IntakeState, view: IntakeView) -> list[dict[str, Any]]:
    people = state.draft.people
    body: list[dict[str, Any]] = [ac.text(_t(view, "people.count", count=len(people)), weight="Bolder")]
    pages = max(1, -(-len(people) // PEOPLE_PER_PAGE))
    page = min(max(state.page, 0), pages - 1)
    start = page * PEOPLE_PER_PAGE
    for index, person in enumerate(people[start : start + PEOPLE_PER_PAGE], start=start):
        certs = person_line(person.slugs()) or _t(view, "people.no_certifications")
        style = "emphasis" if state.editing == index else None
        body.append(
            ac.columns(
                [
                    ac.column(
                        [
                            ac.text(ac.literal(person.name), weight="Bolder"),
                            ac.text(certs, size="Small", subtle=True, spacing="None"),
                        ],
                        vertical="Center",
                    ),
                    ac.column(
                        [
                            ac.action_set(
                                [
                                    # One button per row keeps long lists small; Remove is in the edit form.
                                    button(
                                        view, state, "button.edit", "edit_person", index, with_inputs=False
                                    ),
                                ]
                            )
                        ],
                        width="auto",
                        vertical="Center",
                    ),
                ],
                separator=True,
            )
            | ({"style": style} if style else {})
        )
    if pages > 1:
        nav: list[ac.Element] = []
        if page > 0:
            nav.append(button(view, state, "button.previous_page", "page", page - 1, with_inputs=False))
        if page < pages - 1:
            nav.append(button(view, state, "button.next_page", "page", page + 1, with_inputs=False))
        body.append(ac.text(_t(view, "people.page", page=page + 1, pages=pages), size="Small", subtle=True))
        body.append(ac.action_set(nav))
    body.append(_person_form(state, view))
    body.append(_bulk_form(state, view))
    return body


def _person_form(state: IntakeState, view: IntakeView) -> dict[str, Any]:
    index = state.editing
    editing = index is not None and 0 <= index < len(state.draft.people)
    title = (
        _said(view, "people.edit_title", {"name": state.draft.people[index].name})
        if index is not None and editing
        else _t(view, "people.add_title")
    )
    items: list[dict[str, Any]] = [ac.text(title, weight="Bolder", size="Medium")]
    items += _with_error(
        view,
        state,
        ac.input_text(
            "person_name",
            label=_t(view, "people.name"),
            value=_text_value(_value(state, "person_name", "")),
            max_length=100,
        ),
    )
    items += _with_error(
        view,
        state,
        ac.choice_set(
            "person_certs",
            label=_t(view, "people.certifications"),
            choices=list(certification_choices(None)),
            value=_chosen(state, "person_certs", []),
            multi=True,
            placeholder=_t(view, "people.certifications_hint"),
        ),
    )
    items += _with_error(
        view,
        state,
        ac.input_text(
            "person_codes",
            label=_t(view, "people.codes"),
            value=_text_value(_value(state, "person_codes", "")),
            placeholder=_t(view, "people.codes_hint"),
            max_length=600,
        ),
    )
    actions = [
        button(
            view,
            state,
            "button.save_person" if editing else "button.add_person",
            "save_person",
            style="positive",
        )
    ]
    if editing:
        actions.append(
            button(
                view,
                state,
                "button.remove",
                "remove_person",
                state.editing,
                style="destructive",
                with_inputs=False,
            )
        )
        actions.append(button(view, state, "button.cancel_edit", "new_person", with_inputs=False))
    items.append(ac.action_set(actions))
    return ac.container(items, style="emphasis", separator=True, spacing="Large")


def _bulk_form(state: IntakeState, view: IntakeView) -> dict[str, Any]:
    items: list[dict[str, Any]] = [
        ac.text(_t(view, "people.bulk_title"), weight="Bolder", size="Medium"),
        ac.input_text(
            "bulk",
            label=_t(view, "people.bulk_label"),
            value=_text_value(_value(state, "bulk", "")),
            placeholder=_t(view, "people.bulk_hint"),
            multiline=True,
            max_length=30_000,
        ),
    ]
    names = sorted((n for n in state.errors if n == "bulk" or n.startswith("bulk#")), key=_bulk_order)
    messages = [_said(view, state.errors[n].key, state.errors[n].params) for n in names[:MAX_BULK_MESSAGES]]
    if len(names) > MAX_BULK_MESSAGES:
        messages.append(_t(view, "error.bulk_more", count=len(names) - MAX_BULK_MESSAGES))
    if messages:
        items.append(ac.error_text(*messages))
    items.append(ac.action_set([button(view, state, "button.bulk", "bulk")]))
    return ac.container(items, separator=True, spacing="Large")


def _bulk_order(name: str) -> int:
    return int(name.split("#", 1)[1]) if "#" in name and name.split("#", 1)[1].isdigit() else 0


# --- usage ----------------------------------------------------------------------------------------


def _usage(state: IntakeState, view: IntakeView) -> list[dict[str, Any]]:
    d = state.draft
    body: list[dict[str, Any]] = []
    if d.acr_records and not state.values:
        body.append(ac.text(_t(view, "usage.records_note", count=len(d.acr_records)), color="Accent"))
    pairs = [
        ("customers_last_month", d.customers_last_month),
        ("customers_year_ago", d.customers_year_ago),
        ("acr_last_month", d.acr_last_month),
        ("acr_year_ago", d.acr_year_ago),
        ("consumption_12m", d.consumption_12m),
    ]
    for name, saved in pairs:
        raw = _value(state, name, saved)
        body += _with_error(
            view,
            state,
            ac.input_text(
                name,
                label=_t(view, f"usage.{name}"),
                value=_text_value(raw),
                placeholder=_t(view, f"usage.{name}_hint"),
                max_length=40,
            ),
        )
    return body


# --- services -------------------------------------------------------------------------------------


def _services(state: IntakeState, view: IntakeView) -> list[dict[str, Any]]:
    known = {s.casefold() for s in view.services}
    saved_listed = [s for s in state.draft.services if s.casefold() in known]
    saved_other = ", ".join(s for s in state.draft.services if s.casefold() not in known)
    body = _with_error(
        view,
        state,
        ac.choice_set(
            "services",
            label=_t(view, "services.label"),
            choices=[(s, s) for s in view.services],
            value=_chosen(state, "services", saved_listed),
            multi=True,
            placeholder=_t(view, "services.hint"),
        ),
    )
    body += _with_error(
        view,
        state,
        ac.input_text(
            "services_other",
            label=_t(view, "services.other"),
            value=_text_value(_value(state, "services_other", saved_other)),
            placeholder=_t(view, "services.other_hint"),
            max_length=15_000,
        ),
    )
    body.append(ac.text(_t(view, "services.vm_note"), size="Small", subtle=True))
    return body


# --- review ---------------------------------------------------------------------------------------

REVIEW_PEOPLE = 25  # names listed on the review card; the rest are counted (keeps it small)
REVIEW_SERVICES = 60  # likewise for deployed services


def review_facts(draft: Draft, view: IntakeView) -> dict[IntakeStep, list[tuple[str, str]]]:
    loc = view.locale
    none = _t(view, "review.none")
    rules = view.rules_in_force if draft.rules == AUTO_RULES else draft.rules
    people_lines = [
        (ac.literal(p.name), person_line(p.slugs()) or _t(view, "people.no_certifications"))
        for p in draft.people[:REVIEW_PEOPLE]
    ]
    if len(draft.people) > REVIEW_PEOPLE:
        people_lines.append(("…", _t(view, "review.more_people", count=len(draft.people) - REVIEW_PEOPLE)))
    if draft.acr_records and draft.customers_last_month is None:
        usage = [(_t(view, "review.records"), str(len(draft.acr_records)))]
    else:
        usage = [
            (_t(view, "usage.customers_last_month"), number(loc, draft.customers_last_month)),
            (_t(view, "usage.customers_year_ago"), number(loc, draft.customers_year_ago)),
            (_t(view, "usage.acr_last_month"), money(loc, draft.acr_last_month)),
            (_t(view, "usage.acr_year_ago"), money(loc, draft.acr_year_ago)),
        ]
    if draft.consumption_12m is not None:
        usage.append((_t(view, "usage.consumption_12m"), money(loc, draft.consumption_12m)))
    return {
        IntakeStep.ORGANISATION: [
            (_t(view, "organisation.partner_id"), draft.partner_id or none),
            (_t(view, "organisation.partner_name"), ac.literal(draft.partner_name or none)),
            (_t(view, "organisation.market"), _t(view, f"market.{draft.market}") if draft.market else none),
            (_t(view, "organisation.track"), _t(view, f"track.{draft.track}") if draft.track else none),
            (_t(view, "organisation.rules"), rules),
        ],
        IntakeStep.AREAS: [
            (_t(view, "areas.label"), ", ".join(t(loc, f"common.area.{a}") for a in draft.areas) or none)
        ],
        IntakeStep.PEOPLE: people_lines or [(_t(view, "people.title"), none)],
        IntakeStep.USAGE: usage,
        IntakeStep.SERVICES: [
            (_t(view, "services.label"), ac.literal(", ".join(draft.services[:REVIEW_SERVICES])) or none)
        ]
        + (
            [("…", _t(view, "review.more_services", count=len(draft.services) - REVIEW_SERVICES))]
            if len(draft.services) > REVIEW_SERVICES
            else []
        ),
    }


def _review(state: IntakeState, view: IntakeView) -> list[dict[str, Any]]:
    body: list[dict[str, Any]] = []
    for step, pairs in review_facts(state.draft, view).items():
        body.append(
            ac.columns(
                [
                    ac.column(
                        [ac.text(_t(view, f"{step.value}.title"), weight="Bolder", size="Medium")],
                        vertical="Center",
                    ),
                    ac.column(
                        [
                            ac.action_set(
                                [button(view, state, "button.edit", "goto", step.value, with_inputs=False)]
                            )
                        ],
                        width="auto",
                    ),
                ],
                separator=True,
                spacing="Medium",
            )
        )
        body.append(ac.facts(pairs))
    if view.preview:
        body.append(ac.text(_t(view, "review.preview"), weight="Bolder", size="Medium", separator=True))
        body.append(
            ac.facts(
                [
                    (
                        t(view.locale, f"common.area.{area}"),
                        _t(
                            view,
                            "review.preview_line",
                            score=score,
                            threshold=threshold,
                            verdict=_t(view, "review.qualified" if ok else "review.not_qualified"),
                        ),
                    )
                    for area, score, threshold, ok in view.preview
                ]
            )
        )
    body.append(ac.text(_t(view, "review.nothing_saved_yet"), size="Small", subtle=True))
    return body


def build_closed_card(locale: str, key: str, **params: Any) -> dict[str, Any]:
    """What an intake card turns into once the intake is over (cancelled, saved, or out of date)."""
    loc = normalize_locale(locale)
    return ac.card(
        [ac.text(t(loc, f"intake.{key}", **params), wrap=True)],
        lang=loc,
        fallback_text=t(loc, f"intake.{key}", **params),
    )
