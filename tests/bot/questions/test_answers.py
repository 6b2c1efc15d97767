"""Answers computed by the real engine: the exact cause, who, when, and what to do."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from qa_profiles import ADA_ONLY_ARCHITECT, context, make_profile

from bot.questions import AnswerContext, Intent, answer, answer_action
from cards import explain
from cards.i18n import SUPPORTED_LOCALES, t
from scoring.catalog import get_catalog
from scoring.ids import Area, Metric

# RULES.md DA-4a: A:{SAE}, B:{ADM, DBA}, C:{ADM, AIE}: only one Solutions Architect Expert.
DA_4A = [
    {"id": "a", "name": "Ada", "certifications": ["AZ-305"]},
    {"id": "b", "name": "Bob", "certifications": ["AZ-104", "DP-300"]},
    {"id": "c", "name": "Chen", "certifications": ["AZ-104", "AI-102"]},
]


def _why(people: list[dict[str, Any]], question: str, locale: str = "en", **overrides: Any) -> str:
    return answer(question, context(make_profile(people, **overrides), locale)).text


def test_da_4a_one_solutions_architect_names_the_step_1_gate_the_certification_the_counts_and_ada() -> None:
    text = _why(DA_4A, "why zero intermediate points for D&AI?")
    assert "Intermediate certifications in Data & AI: 0/40 points." in text
    assert (
        "Step 1 is a prerequisite and it is not met: 2 people must hold Azure Solutions Architect Expert "
        "(AZ-305), and you have 1. Holder: Ada. To do: one more person with Azure Solutions Architect "
        "Expert (AZ-305), not Ada." in text
    )
    assert (
        "Step 2 prerequisite met: 2 people hold Azure Administrator Associate (AZ-104) (2 needed): "
        "Bob and Chen." in text
    )


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_da_4a_in_every_language_names_the_exam_the_counts_and_the_person(locale: str) -> None:
    text = _why(DA_4A, "D&AI why zero intermediate? 왜 為什麼", locale)
    assert "AZ-305" in text and "Ada" in text and "0/40" in text
    assert "2" in text and "1" in text


def test_da_4b_gate_met_answer_counts_the_scoring_people() -> None:
    people = [dict(p) for p in DA_4A]
    people[1] = {"id": "b", "name": "Bob", "certifications": ["AZ-104", "DP-300", "AZ-305"]}
    text = _why(people, "why only 8 intermediate points in data & ai")
    assert "Intermediate certifications in Data & AI: 8/40 points." in text
    assert "2 people hold a step 3 certification (Bob and Chen): 4 points each." in text
    assert "prerequisite and it is not met" not in text


def test_not_qualified_names_blocking_metric_points_missing_and_plan(ctx: AnswerContext) -> None:
    text = answer("why am I not qualified for infrastructure", ctx).text
    assert "Infrastructure is not qualified: 40/100." in text
    assert "Score 40 is below the 70 needed to qualify (30 points short)." in text
    assert "every metric needs at least 1 point, and Advanced certifications has 0" in text
    assert "Advanced certifications (0/20):" in text
    assert "To qualify:" in text and "Azure Virtual Desktop Specialty (AZ-140)" in text


def test_expired_certification_says_who_and_when(ctx: AnswerContext) -> None:
    text = answer("why doesn't AZ-104 count?", ctx).text
    expired = "Ada’s Azure Administrator Associate (AZ-104) expired on March 1, 2026 and no longer counts."
    assert expired in text
    assert "2 valid holders: Grace and Linus." in text


def test_zero_usage_baseline_is_explained() -> None:
    usage = {
        "eligible_customers_last_month": 5,
        "eligible_customers_same_month_last_year": 3,
        "acr_last_month": 50000.0,
        "acr_same_month_last_year": 0.0,
        "deployed_services": ["Azure SQL Database"],
    }
    text = _why(ADA_ONLY_ARCHITECT, "why zero usage growth", usage=usage)
    assert "Usage growth: 0/20 points" in text
    assert "no qualifying usage a year earlier ($0)" in text


def test_qualified_area_says_so_and_the_plan_is_empty() -> None:
    people = [
        {"id": f"p{i}", "name": f"P{i}", "certifications": ["AZ-305", "AZ-104", "DP-300"]} for i in range(10)
    ]
    usage = {
        "eligible_customers_last_month": 9,
        "eligible_customers_same_month_last_year": 2,
        "acr_last_month": 150000.0,
        "acr_same_month_last_year": 100000.0,
        "deployed_services": [
            "Azure SQL Database",
            "Azure App Service",
            "Azure Storage",
            "Azure Functions",
            "Azure Cosmos DB",
        ],
    }
    ctx = context(make_profile(people, usage=usage))
    assert answer("why data & ai", ctx).text.startswith("Data & AI is qualified: 100/100")
    assert (
        answer("what do I need for D&AI", ctx).text
        == "Data & AI is already qualified (100/100): nothing to add."
    )


def test_plan_for_all_areas_lists_each_unqualified_one_with_its_points(ctx: AnswerContext) -> None:
    reply = answer("what do I need to qualify?", ctx)
    assert reply.intent == Intent.PLAN
    for area in ("Data & AI (36/100", "Infrastructure (40/100", "Digital & App Innovation (40/100"):
        assert f"To qualify for {area} now, 70 needed):" in reply.text
    assert (
        "Certify one more person in Azure Solutions Architect Expert (AZ-305) (Intermediate certifications, "
        "+8 points). Candidate: Grace." in reply.text
    )
    assert "completes the prerequisite, no points by itself" in reply.text


def test_the_plan_applied_qualifies_so_the_answer_quotes_a_real_plan(ctx: AnswerContext) -> None:
    from scoring import score_profile
    from scoring.planner import apply_plan

    assert ctx.profile is not None and ctx.scorecard is not None
    plan = ctx.scorecard.designation(Area.DATA_AI).plan
    text = answer("plan for data and ai", ctx).text
    for step in plan:
        assert explain.plan_step_text("en", step, explain.names_of(ctx.profile)) in text
    assert score_profile(apply_plan(ctx.profile, plan)).designation(Area.DATA_AI).qualified


def test_cloud_platform_level_with_its_reasons(ctx: AnswerContext) -> None:
    text = answer("what's my cloud platform level", ctx).text
    assert "Cloud Platform competency: not earned" in text
    assert "meeting the $15,000 required (developed market)" in text
    assert "1 person must pass a listed Cloud Platform exam or assessment; nobody has yet." in text


def test_retired_certification_says_until_when() -> None:
    text = answer("who has AZ-600", context(make_profile(ADA_ONLY_ARCHITECT))).text
    assert "Azure Stack Hub Operator Associate (AZ-600)" in text
    assert "It was retired and stopped counting on July 31, 2024." in text


def test_unknown_exam_code_suggests_close_ones(ctx: AnswerContext) -> None:
    text = answer("who has AZ-306", ctx).text
    assert text.startswith("I do not know the exam AZ-306.")
    assert "Did you mean" in text


# --- rules come from the catalog, not from this code ----------------------------------------------


@pytest.mark.parametrize("version", ["2023-H2", "2026"])
def test_rule_answers_quote_the_catalog_parameters(version: str) -> None:
    ctx = context(make_profile(ADA_ONLY_ARCHITECT, rules=version))
    rules = get_catalog(version)
    growth = rules.areas[Area.DATA_AI].metrics["usage_growth"]
    text = answer("how is usage growth calculated", ctx).text
    assert f"under the {version} rules" in text
    assert f"up to {growth.max}." in text and explain.money("en", growth.min_acr) in text
    adds = answer("how are net customer adds calculated", ctx).text
    customer_min = rules.tracks["enterprise"].customer_min_acr
    assert explain.money("en", customer_min) in adds


def test_smb_track_rule_mentions_flat_gate_points_and_one_person() -> None:
    ctx = context(make_profile(ADA_ONLY_ARCHITECT, rules="2026", track="smb"))
    text = answer("how are intermediate certifications scored for data & ai", ctx).text
    assert "(SMB track)" in text
    assert (
        "at least 1 person must hold Azure Administrator Associate (AZ-104); once met it gives 4 points."
        in text
    )


def test_2026_data_ai_gates_are_swapped_in_the_certification_list() -> None:
    ctx = context(make_profile(ADA_ONLY_ARCHITECT, rules="2026"))
    text = answer("which certifications count for data & ai", ctx).text
    first, second = text.index("Step 1"), text.index("Step 2")
    assert text.index("AZ-104") < second < text.index("AZ-305") and first < second


# --- context, asking back, no profile, unknown ----------------------------------------------------


def test_area_left_out_comes_from_the_last_area() -> None:
    ctx = context(make_profile(ADA_ONLY_ARCHITECT), last_area=Area.INFRASTRUCTURE)
    for question, intent in (
        ("why?", Intent.WHY),
        ("what do I need?", Intent.PLAN),
        ("which certifications count", Intent.CERTIFICATIONS),
    ):
        reply = answer(question, ctx)
        assert (reply.intent, reply.area) == (intent, Area.INFRASTRUCTURE), question
        assert "Infrastructure" in reply.text


def test_shared_metric_without_area_needs_no_area(ctx: AnswerContext) -> None:
    reply = answer("why only 20 customer points", ctx)
    assert reply.intent == Intent.WHY and "Net customer adds: 20/30 points" in reply.text
    assert "Net customer adds: 2 (5 eligible customers last month against 3 a year earlier)" in reply.text


def test_answers_that_are_not_about_an_area_keep_the_conversation_area() -> None:
    ctx = context(make_profile(ADA_ONLY_ARCHITECT), last_area=Area.DATA_AI)
    for question in ("help", "what is my score", "blah blah", "how is usage growth calculated"):
        assert answer(question, ctx).area == Area.DATA_AI, question


@pytest.mark.parametrize(
    "question", ["what is my score", "why zero intermediate points for infra", "plan", "why?"]
)
def test_no_profile_offers_the_intake(question: str) -> None:
    reply = answer(question, AnswerContext(locale="fr-FR"))
    assert reply.intent == Intent.NO_PROFILE
    assert "commencer" in reply.text and reply.card is not None
    assert reply.card["actions"][0]["data"] == {"action": "update"}


def test_rules_and_certifications_need_no_profile() -> None:
    empty = AnswerContext(locale="en")
    assert "1 point per whole 1%" in answer("how is usage growth calculated", empty).text
    text = answer("who has AZ-305", empty).text
    assert "Where it counts (2026 rules):" in text or "Where it counts (2023-H2 rules):" in text
    assert "holder" not in text


def test_the_echoed_question_cannot_carry_markup(ctx: AnswerContext) -> None:
    text = answer("zzz [click](http://evil.example) <b>x</b> **y**", ctx).text
    for char in "[]()<>*":
        assert char not in text.split("\n")[0]


@pytest.mark.parametrize(
    ("action", "area", "intent", "expected_area"),
    [
        ("why", "infrastructure", Intent.WHY, Area.INFRASTRUCTURE),
        ("plan", "data_ai", Intent.PLAN, Area.DATA_AI),
        ("score", "digital_app_innovation", Intent.SCORE, Area.DIGITAL_APP_INNOVATION),
        ("help", None, Intent.HELP, None),
        ("update", None, Intent.START_INTAKE, None),
        ("why", "not-an-area", Intent.WHY, None),  # a forged area: asked again, never a crash
        ("drop table", None, Intent.HELP, None),
    ],
)
def test_card_buttons(
    action: str, area: str | None, intent: Intent, expected_area: Area | None, ctx: AnswerContext
) -> None:
    reply = answer_action(action, area, ctx)
    assert (reply.intent, reply.area) == (intent, expected_area)
    assert reply.text


def test_locale_tags_from_teams_are_normalised(ctx: AnswerContext) -> None:
    for tag, word in (
        ("de-DE", "Punktzahlen"),
        ("zh-Hant-TW", "分數"),
        ("ko-KR", "점수"),
        ("pt-BR", "Scores"),
    ):
        localized = AnswerContext(locale=tag, profile=ctx.profile, scorecard=ctx.scorecard)
        assert word in answer("score", localized).text


@pytest.mark.parametrize(("locale", "text"), [("en", "thanks"), ("de", "danke"), ("zh-TW", "謝謝")])
def test_thanks_is_answered_briefly(locale: str, text: str) -> None:
    reply = answer(text, AnswerContext(locale=locale))
    assert reply.intent == Intent.HELP and "\n" not in reply.text and reply.text


@pytest.mark.parametrize(
    ("locale", "question"),
    [
        ("en", "what certifications does Ada have?"),
        ("fr", "certifications de Ada"),
        ("zh-TW", "Ada有哪些認證"),
    ],
)
def test_a_person_named_gets_their_certifications_with_status_and_where_they_count(
    locale: str, question: str, ctx: AnswerContext
) -> None:
    localized = AnswerContext(locale=locale, profile=ctx.profile, scorecard=ctx.scorecard)
    reply = answer(question, localized)
    assert reply.intent == Intent.CERTIFICATIONS
    assert "Ada" in reply.text and "AZ-305" in reply.text and "AZ-104" in reply.text
    assert explain.date_text(locale, "2026-03-01") in reply.text  # her AZ-104 expired


def test_a_name_that_is_part_of_another_word_is_not_a_person(ctx: AnswerContext) -> None:
    assert answer("canada", ctx).intent == Intent.UNKNOWN


def test_a_named_cloud_platform_level_is_answered_alone(ctx: AnswerContext) -> None:
    text = answer("why am I not gold?", ctx).text
    assert "Gold: not met." in text and "below the $100,000 required" in text
    assert "Silver" not in text
    rule = answer("how does cloud platform silver work", ctx).text
    assert "Silver:" in rule and "$15,000 in developed markets, $10,000 in developing markets" in rule
    assert "Gold:" not in rule


def test_without_a_scorecard_the_profile_is_scored_like_the_handler_does(contoso: Any) -> None:
    # The handler passes the stored profile and no scorecard: the answer must be the same.
    handler_like = AnswerContext(locale="en", profile=contoso, scorecard=None)
    scored = context(contoso)
    for question in ("why doesn't AZ-104 count", "why zero intermediate points for D&AI", "what is my score"):
        assert answer(question, handler_like).text == answer(question, scored).text, question


# 2026 SMB track (RULES.md E-20): a met prerequisite gives flat points. The certification lists say
# so, as the rule explanation does; before, they said "no points" on every track.
@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_smb_2026_prerequisites_say_their_flat_points_in_the_certification_lists(locale: str) -> None:
    rules = get_catalog("2026")
    _, smb_rules = rules.track_rules("smb")
    _, enterprise_rules = rules.track_rules("enterprise")
    assert smb_rules.gate_points > 0 and enterprise_rules.gate_points == 0
    gate = rules.areas[Area.INFRASTRUCTURE].metrics[Metric.ADVANCED_CERTIFICATIONS].steps[0]
    assert gate.role == "gate" and gate.certifications == ("azure-solutions-architect",)  # AZ-305
    fields = {
        "step": gate.step,
        "certifications": explain.certifications_label(locale, gate.certifications),
        "area": t(locale, "common.area.infrastructure"),
        "metric": t(locale, "common.metric.advanced_certifications"),
    }
    for track, track_rules, flat in (("smb", smb_rules, "_flat"), ("enterprise", enterprise_rules, "")):
        ctx = context(make_profile(ADA_ONLY_ARCHITECT, rules="2026", track=track), locale)
        people = track_rules.gate_min_people
        counts = {"required": people, "count": people, "points": track_rules.gate_points}
        listed = t(locale, f"answers.certs_step_gate{flat}", **fields, **counts)
        assert (
            t(locale, "answers.bullet", text=listed) in answer("certifications for infrastructure", ctx).text
        )
        where = t(locale, f"answers.cert_counts_gate{flat}", **fields, **counts)
        assert t(locale, "answers.bullet", text=where) in answer("who has AZ-305", ctx).text


def test_smb_2026_certification_list_in_english() -> None:
    smb = context(make_profile(ADA_ONLY_ARCHITECT, rules="2026", track="smb"))
    text = answer("which certifications count for infrastructure", smb).text
    assert (
        "• Step 1, prerequisite, 1 person needed (4 points once met): Azure Solutions Architect Expert"
        in text
    )
    assert "no points" not in text
    where = answer("who has AZ-305", smb).text
    assert "Infrastructure, Advanced certifications: step 1, prerequisite (1 person needed, 4 points" in where
    rule = answer("how are advanced certifications scored for infrastructure", smb).text
    assert "once met it gives 4 points" in rule


# Both gates of D&AI intermediate met (two architects, two administrators); Grace counts in its scoring step.
_GATES_MET = [
    {"id": "p1", "name": "Ada", "certifications": ["AZ-305", "AZ-104"]},
    {"id": "p2", "name": "Bo", "certifications": ["AZ-305", "AZ-104"]},
    {"id": "p3", "name": "Grace", "certifications": ["DP-300"]},
]


def test_what_if_someone_counted_in_a_step_passes_another_of_its_certifications_changes_nothing() -> None:
    ctx = context(make_profile(_GATES_MET))
    before = ctx.scorecard.designation(Area.DATA_AI).score  # type: ignore[union-attr]
    text = answer("what if Grace passes DP-100?", ctx).text
    assert f"• Data & AI: {before}/100, unchanged" in text


def test_what_if_a_person_new_to_the_step_passes_it_adds_that_persons_points() -> None:
    ctx = context(make_profile(_GATES_MET))
    before = ctx.scorecard.designation(Area.DATA_AI).score  # type: ignore[union-attr]
    text = answer("what if Bo passes DP-100?", ctx).text
    assert f"• Data & AI: {before} → {before + 4}/100" in text  # 4 points a person (2023-H2)


_OTHER_ALPHABETS = [
    {"id": "p1", "name": "Анна Кузнецова", "certifications": ["AZ-700"]},
    {"id": "p2", "name": "Νίκος Παπαδόπουλος", "certifications": ["AZ-104", "AZ-305"]},
]


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("what does Anna hold?", "Анна Кузнецова"),
        ("what does Kuznetsova hold?", "Анна Кузнецова"),
        ("what does Nikos hold?", "Νίκος Παπαδόπουλος"),
        ("what does Papadopoulos hold?", "Νίκος Παπαδόπουλος"),
    ],
)
def test_a_name_in_another_alphabet_is_found_typed_in_latin_letters(question: str, name: str) -> None:
    reply = answer(question, context(make_profile(_OTHER_ALPHABETS)))
    assert reply.intent == Intent.CERTIFICATIONS
    assert reply.text.startswith(f"{name}’s certifications:")


def test_a_correction_naming_both_people_simulates_the_one_meant() -> None:
    ctx = context(make_profile(_OTHER_ALPHABETS))
    first = answer("what if Nikos leaves?", ctx)
    second = answer("sorry, I meant Anna, not Nikos", replace(ctx, memory=first.memory))
    assert second.intent == Intent.WHAT_IF
    assert second.text.startswith("If Анна Кузнецова leaves the organisation")


def _record(customer: str, service: str, usd: float, **extra: str) -> dict[str, object]:
    row: dict[str, object] = {
        "customer": customer,
        "month": "2026-09",
        "service": service,
        "offer": extra.get("offer", "Azure plan"),
        "association": extra.get("association", "CSP_T1"),
        "usd": usd,
    }
    return row


_RECORDS = [
    _record("contoso", "Azure SQL Database", 2500.0),
    _record("northwind", "Azure Cosmos DB", 1500.0, association="TPOR"),
    _record("tailspin", "Azure Functions", 3000.0, offer="Trial"),
    _record("litware", "Azure Monitor", 300.0),
]


def _records_context(locale: str = "en") -> AnswerContext:
    profile = make_profile(ADA_ONLY_ARCHITECT, usage=None, acr_records=_RECORDS)
    return context(profile, locale)


def test_why_a_customer_named_by_its_service_does_not_count_gives_the_rules_reason() -> None:
    text = answer("why doesn't the cosmos db customer count?", _records_context()).text
    assert text == (
        "northwind does not count as an eligible customer:\n\n"
        "• its consumption through TPOR does not count (only CSP Tier 1, CSP Tier 2, DPOR, and PAL do)"
    )


def test_a_customer_below_the_threshold_is_told_its_best_month() -> None:
    text = answer("does litware count as a customer?", _records_context()).text
    assert (
        "• its eligible consumption reaches $300 at most in the last two months, below the $1,000 needed"
        in text
    )


def test_a_counted_customer_says_so_in_french() -> None:
    text = answer("pourquoi contoso compte comme client ?", _records_context("fr")).text
    assert text == (
        "contoso compte comme client éligible : 2\u202f500\xa0$US de consommation Azure éligible "
        "sur l’un des deux derniers mois (au moins 1\u202f000\xa0$US requis)."
    )


def test_a_person_not_in_the_data_is_said_so_with_the_people_known() -> None:
    reply = answer("what certs does Noa have?", context(make_profile(ADA_ONLY_ARCHITECT)))
    assert reply.text == (
        "I don’t find Noa among the people in your organisation’s data. "
        "The people I know: Ada, Grace, and Linus."
    )


def test_an_expiry_that_changes_nothing_because_a_gate_is_unmet_says_so() -> None:
    people = [
        {"id": "p1", "name": "Ada", "certifications": ["AZ-305", "AZ-104"]},
        {"id": "p2", "name": "Linus", "certifications": [{"id": "DP-100", "expires": "2026-12-15"}]},
    ]
    text = answer("what happens when Linus's DP-100 expires?", context(make_profile(people))).text
    assert text.endswith(
        "Their expiry would not change any score.\n\n"
        "It earns no points today: in each place it counts, an earlier prerequisite step is not met.\n\n"
        "• Step 1 is a prerequisite and it is not met: 2 people must hold Azure Solutions Architect Expert "
        "(AZ-305), and you have 1. Holder: Ada. To do: one more person with Azure Solutions Architect "
        "Expert (AZ-305), not Ada.\n\n"
        "• Step 2 is a prerequisite and it is not met: 2 people must hold Azure Administrator Associate "
        "(AZ-104), and you have 1. Holder: Ada. To do: one more person with Azure Administrator Associate "
        "(AZ-104), not Ada."
    )


def test_a_certification_expiring_on_the_scoring_day_is_listed_as_expired_not_soon() -> None:
    people = [{"id": "p1", "name": "Ada", "certifications": [{"id": "AZ-104", "expires": "2026-10-31"}]}]
    text = answer("whose certifications expire soon?", context(make_profile(people))).text
    expired = "• Ada: Azure Administrator Associate (AZ-104), expired on October 31, 2026 (no longer counted)"
    assert expired in text
    assert "expires on October 31, 2026" not in text


def test_a_cyrillic_name_with_a_soft_sign_is_found_typed_plainly() -> None:
    people = [{"id": "p1", "name": "Ольга Петренко", "certifications": ["AZ-700"]}]
    reply = answer("what does Olga hold?", context(make_profile(people)))
    assert reply.text.startswith("Ольга Петренко’s certifications:")
