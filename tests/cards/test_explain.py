"""Every reason code and plan action renders as a real sentence in every locale."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import TypeAdapter

from cards import explain
from cards.history_view import month_name
from cards.i18n import SUPPORTED_LOCALES
from scoring.ids import Metric, PlanAction, ReasonCode
from scoring.results import PlanStep, Reason

NAMES = {"p1": "Ada", "p2": "Grace", "p3": "Linus"}

_REASON: TypeAdapter[Reason] = TypeAdapter(Reason)


def _reason(**fields: object) -> Reason:
    """The model of `code`, as a stored scorecard is read back."""
    return _REASON.validate_python(fields)


# One fully-populated example per code: every field its model in scoring/results.py has.
EXAMPLES: dict[ReasonCode, Reason] = {
    ReasonCode.PREREQUISITE_UNMET: _reason(
        code=ReasonCode.PREREQUISITE_UNMET,
        step=1,
        certifications=["azure-solutions-architect"],
        required=2,
        have=1,
        people=["p1"],
    ),
    ReasonCode.CAPPED: _reason(code=ReasonCode.CAPPED, value=44, max=40),
    ReasonCode.NOT_APPLICABLE: _reason(code=ReasonCode.NOT_APPLICABLE, metric=Metric.ADVANCED_CERTIFICATIONS),
    ReasonCode.NO_GROWTH: _reason(
        code=ReasonCode.NO_GROWTH, growth_pct=0.999, current=100999, baseline=100000
    ),
    ReasonCode.ZERO_BASELINE: _reason(code=ReasonCode.ZERO_BASELINE, current=50000, baseline=0),
    ReasonCode.BELOW_MINIMUM_ACR: _reason(
        code=ReasonCode.BELOW_MINIMUM_ACR, current=900, baseline=800, minimum=1000
    ),
    ReasonCode.NET_ADDS_NOT_POSITIVE: _reason(
        code=ReasonCode.NET_ADDS_NOT_POSITIVE, value=-2, current=2, baseline=4
    ),
    ReasonCode.NO_SCORING_PEOPLE: _reason(
        code=ReasonCode.NO_SCORING_PEOPLE, step=3, certifications=["azure-data-engineer"], have=0, people=[]
    ),
    ReasonCode.NO_ELIGIBLE_SERVICES: _reason(
        code=ReasonCode.NO_ELIGIBLE_SERVICES, excluded=["Virtual Machines"]
    ),
    ReasonCode.CERTIFICATION_EXPIRED: _reason(
        code=ReasonCode.CERTIFICATION_EXPIRED,
        person="p2",
        certification="azure-administrator",
        on=dt.date(2026, 3, 1),
    ),
    ReasonCode.CERTIFICATION_RETIRED: _reason(
        code=ReasonCode.CERTIFICATION_RETIRED,
        person="p3",
        certification="azure-stack-hub-operator",
        on=dt.date(2024, 7, 31),
    ),
    ReasonCode.METRIC_ZERO_BLOCKS_QUALIFICATION: _reason(
        code=ReasonCode.METRIC_ZERO_BLOCKS_QUALIFICATION, metrics=[Metric.USAGE_GROWTH]
    ),
    ReasonCode.BELOW_THRESHOLD: _reason(code=ReasonCode.BELOW_THRESHOLD, value=62, required=70),
    ReasonCode.GATE_MET: _reason(
        code=ReasonCode.GATE_MET,
        step=2,
        certifications=["azure-administrator"],
        required=2,
        have=2,
        people=["p1", "p2"],
    ),
    ReasonCode.GATE_POINTS: _reason(code=ReasonCode.GATE_POINTS, step=1, points=4),
    ReasonCode.PEOPLE_COUNTED: _reason(
        code=ReasonCode.PEOPLE_COUNTED,
        step=3,
        certifications=["azure-data-engineer"],
        have=2,
        people=["p2", "p3"],
        points_each=4,
    ),
    ReasonCode.NET_ADDS: _reason(code=ReasonCode.NET_ADDS, value=2, current=5, baseline=3, points_each=10),
    ReasonCode.GROWTH: _reason(code=ReasonCode.GROWTH, growth_pct=12.7, current=112700, baseline=100000),
    ReasonCode.SERVICES_COUNTED: _reason(
        code=ReasonCode.SERVICES_COUNTED,
        services=["Azure SQL Database", "Azure App Service"],
        excluded=["Virtual Machines"],
        points_each=2,
    ),
    ReasonCode.QUALIFIED: _reason(code=ReasonCode.QUALIFIED, value=73, required=70),
    ReasonCode.CONSUMPTION_BELOW_THRESHOLD: _reason(
        code=ReasonCode.CONSUMPTION_BELOW_THRESHOLD, value=10000, required=15000, market="developed"
    ),
    ReasonCode.CONSUMPTION_MET: _reason(
        code=ReasonCode.CONSUMPTION_MET, value=20000, required=15000, market="developed"
    ),
    ReasonCode.NOT_ENOUGH_PEOPLE_PASSED: _reason(
        code=ReasonCode.NOT_ENOUGH_PEOPLE_PASSED, required=2, have=1, people=["p1"], certifications=["70-533"]
    ),
    ReasonCode.PEOPLE_PASSED: _reason(
        code=ReasonCode.PEOPLE_PASSED, required=1, have=1, people=["p1"], certifications=["70-533"]
    ),
    ReasonCode.CONSUMPTION_UNKNOWN: _reason(
        code=ReasonCode.CONSUMPTION_UNKNOWN, required=15000, market="developed"
    ),
    ReasonCode.NO_PLAN: _reason(code=ReasonCode.NO_PLAN, metrics=[Metric.USAGE_GROWTH]),
}


def test_every_reason_code_has_an_example_here() -> None:
    assert set(EXAMPLES) == set(ReasonCode), "a new reason code needs an example (and locale text)"


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
@pytest.mark.parametrize("code", list(ReasonCode))
def test_every_reason_code_renders_in_every_locale(locale: str, code: ReasonCode) -> None:
    text = explain.reason_text(locale, EXAMPLES[code], NAMES)
    assert text and "{" not in text and "}" not in text and "None" not in text
    if "_" in code:
        assert str(code) not in text, "the raw code must not leak into user text"
    for pid in ("p1", "p2", "p3"):
        assert pid not in text, "person ids are rendered as names"
    fields = EXAMPLES[code].model_dump()
    for pid in fields.get("people", []) + ([fields["person"]] if "person" in fields else []):
        assert NAMES[pid] in text


UNMET_PREREQUISITE_TEXT = {
    "en": "Step 1 is a prerequisite and it is not met: 2 people must hold Azure Solutions Architect Expert"
    " (AZ-305), and you have 1. Holder: Ada. To do: one more person with Azure Solutions Architect Expert"
    " (AZ-305), not Ada.",
    "fr": "L’étape 1 est un prérequis non rempli : 2 personnes doivent détenir Azure Solutions Architect"
    " Expert (AZ-305), et vous en avez 1. Titulaire : Ada. À faire : une personne de plus avec Azure"
    " Solutions Architect Expert (AZ-305), autre que Ada.",
    "de": "Schritt 1 ist eine Voraussetzung und nicht erfüllt: 2 Personen müssen Azure Solutions Architect"
    " Expert (AZ-305) besitzen, Sie haben 1. Inhaber: Ada. Zu tun: eine weitere Person mit Azure Solutions"
    " Architect Expert (AZ-305), nicht Ada.",
    "ko": "1단계는 필수 조건이며 충족되지 않았습니다: Azure Solutions Architect Expert(AZ-305) 보유자가 2명"
    " 필요하지만 현재 1명입니다. 보유자: Ada. 할 일: Ada 외에 Azure Solutions Architect Expert(AZ-305) 보유자"
    " 1명 추가.",
    "zh-TW": "第 1 步是必要條件，尚未達成：需要 2 人持有 Azure Solutions Architect Expert (AZ-305)，目前有 1"
    " 人。持有者：Ada。待辦：除了 Ada 之外，再 1 位持有 Azure Solutions Architect Expert (AZ-305) 的人員。",
}


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_unmet_prerequisite_names_step_certification_counts_holder_and_the_fix(locale: str) -> None:
    """The step, the certification by its display name and exam (not its slug), how many are needed and
    held, who holds it, and the one more person to find."""
    text = explain.reason_text(locale, EXAMPLES[ReasonCode.PREREQUISITE_UNMET], NAMES)
    assert text == UNMET_PREREQUISITE_TEXT[locale]


def test_unmet_prerequisite_with_nobody_asks_for_the_full_count() -> None:
    reason = _reason(
        code=ReasonCode.PREREQUISITE_UNMET,
        step=2,
        certifications=["azure-administrator"],
        required=2,
        have=0,
        people=[],
    )
    text = explain.reason_text("en", reason, NAMES)
    assert text == (
        "Step 2 is a prerequisite and it is not met: 2 people must hold Azure Administrator Associate"
        " (AZ-104), and you have 0. To do: 2 people with Azure Administrator Associate (AZ-104)."
    )


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "$112,700"),
        ("fr", "112\u202f700\xa0$US"),
        ("de", "112.700\xa0$"),
        ("ko", "US$112,700"),
        ("zh-TW", "US$112,700"),
    ],
)
def test_money_is_grouped_per_locale(locale: str, expected: str) -> None:
    assert explain.money(locale, 112700.0) == expected


def test_percent_keeps_two_decimals_at_most_and_uses_the_locale_separator() -> None:
    assert explain.percent("en", 12.7) == "12.7%"
    assert explain.percent("de", 0.999) == "0,99\xa0%"  # truncated: "1 %" would contradict its 0 points
    assert explain.percent("fr", 12.75) == "12,75\xa0%"


def test_lists_use_the_locale_conjunction() -> None:
    assert explain.join("en", ["Ada", "Grace", "Linus"]) == "Ada, Grace, and Linus"
    assert explain.join("fr", ["Ada", "Grace"], "or") == "Ada ou Grace"
    assert explain.join("zh-TW", ["Ada", "Grace", "Linus"]) == "Ada、Grace和Linus"
    assert explain.join("de", []) == ""


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
@pytest.mark.parametrize("action", list(PlanAction))
@pytest.mark.parametrize("count", [1, 3])
def test_every_plan_action_renders_in_every_locale(locale: str, action: PlanAction, count: int) -> None:
    step = PlanStep(
        action=action,
        metric=Metric.INTERMEDIATE_CERTIFICATIONS,
        count=count,
        points_gained=12,
        certification="azure-solutions-architect" if action == PlanAction.CERTIFY else None,
        people=["p2"] if action == PlanAction.CERTIFY else None,
    )
    text = explain.plan_step_text(locale, step, NAMES)
    assert "12" in text and "{" not in text and "None" not in text
    if action == PlanAction.CERTIFY:
        assert "Grace" in text


def test_names_of_a_profile_like_object_maps_ids_to_names() -> None:
    class Person:
        def __init__(self, pid: str, name: str | None) -> None:
            self.id, self.name = pid, name

    class Profile:
        def __init__(self) -> None:
            self.people = [Person("p1", "Ada"), Person("p2", None)]

    assert explain.names_of(Profile()) == {"p1": "Ada", "p2": "p2"}
    assert explain.names_of(None) == {}


def test_long_lists_are_cut_with_the_count_of_the_rest() -> None:
    ids = [f"p{i}" for i in range(40)]
    text = explain.person_names("en", ids, {pid: f"Name{pid}" for pid in ids})
    assert text == ", ".join(f"Namep{i}" for i in range(12)) + " and 28 more"  # twelve names, then the count
    assert explain.person_names("fr", ids[:12], None) == "p0, p1, p2, p3, p4, p5, p6, p7, p8, p9, p10 et p11"


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_a_retired_exam_named_after_its_code_shows_the_code_once(locale: str) -> None:
    # "Architecting Microsoft Azure Solutions (70-534)" already carries its exam code.
    label = explain.certification_label(locale, "70-534")
    assert label == "Architecting Microsoft Azure Solutions (70-534)"
    reason = _reason(
        code=ReasonCode.NOT_ENOUGH_PEOPLE_PASSED, required=1, have=0, people=[], certifications=["70-534"]
    )
    assert explain.reason_text(locale, reason, NAMES).count("70-534") == 1
    assert explain.certification_label(locale, "azure-solutions-architect").count("AZ-305") == 1


@pytest.mark.parametrize(
    ("locale", "day", "month"),
    [
        ("en", "October 31, 2026", "October 2026"),
        ("fr", "31 octobre 2026", "octobre 2026"),
        ("de", "31. Oktober 2026", "Oktober 2026"),
        ("ko", "2026년 10월 31일", "2026년 10월"),
        ("zh-TW", "2026年10月31日", "2026年10月"),
    ],
)
def test_dates_and_months_are_written_with_the_locales_month_names(locale: str, day: str, month: str) -> None:
    assert explain.date_text(locale, "2026-10-31") == day
    assert month_name(locale, "2026-10") == month


def test_a_long_list_is_cut_with_the_locales_separator_and_plural() -> None:
    names = [f"P{n}" for n in range(5)]
    assert explain.short_join("fr", names, limit=3) == "P0, P1, P2 et 2 autres"
    assert explain.short_join("zh-TW", names[:3], limit=2) == "P0、P1，以及另外 1 個"
