"""How questions are read: typos, word order, abbreviations, exam codes, CJK without spaces."""

from __future__ import annotations

import pytest

from bot.questions import Intent, Section, understand
from scoring.ids import Area, Metric


@pytest.mark.parametrize(
    ("text", "intent", "area"),
    [
        ("waht is my socre", Intent.SCORE, None),
        ("infrastrucure scroe", Intent.SCORE, Area.INFRASTRUCTURE),
        ("pourqoui infra", Intent.WHY, Area.INFRASTRUCTURE),
        ("whyy am i not qualifed for infrastructre", Intent.WHY, Area.INFRASTRUCTURE),
        ("welche Zertifizirungen zählen für Infrastruktur", Intent.CERTIFICATIONS, Area.INFRASTRUCTURE),
        ("certifcations for infra", Intent.CERTIFICATIONS, Area.INFRASTRUCTURE),
        ("notifcations off", Intent.STOP_NOTIFICATIONS, None),
    ],
)
def test_typos_are_forgiven(text: str, intent: Intent, area: Area | None) -> None:
    query = understand(text)
    assert (query.intent, query.area) == (intent, area)


@pytest.mark.parametrize(
    "text",
    ["score infrastructure what is my", "infrastructure my score", "SCORE INFRA", "infra, score?"],
)
def test_word_order_and_case_do_not_matter(text: str) -> None:
    query = understand(text)
    assert (query.intent, query.area) == (Intent.SCORE, Area.INFRASTRUCTURE)


def test_known_words_are_not_mistaken_for_each_other() -> None:
    # "qualified" is a word of its own, not a typo of "qualify"; "certifications" is not "notifications".
    assert understand("am I qualified for infra").intent == Intent.SCORE
    assert understand("which certifications count for infra").intent == Intent.CERTIFICATIONS


@pytest.mark.parametrize(
    ("text", "area"),
    [
        ("D&AI", Area.DATA_AI),
        ("d & ai score", Area.DATA_AI),
        ("data and ai", Area.DATA_AI),
        ("Daten & KI", Area.DATA_AI),
        ("données et IA", Area.DATA_AI),
        ("DAI", Area.DIGITAL_APP_INNOVATION),
        ("digital & app innovation", Area.DIGITAL_APP_INNOVATION),
        ("app innovation", Area.DIGITAL_APP_INNOVATION),
        ("infra", Area.INFRASTRUCTURE),
        ("AMM", Area.INFRASTRUCTURE),
        ("데이터및AI점수", Area.DATA_AI),
        ("基礎結構分數", Area.INFRASTRUCTURE),
        ("數位與應用程式創新", Area.DIGITAL_APP_INNOVATION),
    ],
)
def test_area_synonyms_and_abbreviations(text: str, area: Area) -> None:
    assert understand(text).area == area


@pytest.mark.parametrize(
    ("text", "metric"),
    [
        ("why zero NCA", Metric.NET_CUSTOMER_ADDS),
        ("pourquoi zéro en ajouts nets", Metric.NET_CUSTOMER_ADDS),
        ("warum nur 8 Punkte Experten", Metric.ADVANCED_CERTIFICATIONS),
        ("ACR growth", Metric.USAGE_GROWTH),
        ("배포 점수", Metric.DEPLOYMENTS),
        ("中級認證為什麼是零", Metric.INTERMEDIATE_CERTIFICATIONS),
    ],
)
def test_metric_synonyms(text: str, metric: Metric) -> None:
    assert understand(text).metric == metric


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("who has AZ-305?", "azure-solutions-architect"),
        ("who has az305", "azure-solutions-architect"),
        ("who has az 104", "azure-administrator"),
        ("AZ-305는 누가 가지고 있나요?", "azure-solutions-architect"),
        ("誰有AZ-104", "azure-administrator"),
        ("who holds the solutions architect expert", "azure-solutions-architect"),
        ("who holds the Solutions Architetc Expert", "azure-solutions-architect"),
        ("who has the power platform developer", "power-platform-developer-associate"),
        ("70-533?", "70-533"),
    ],
)
def test_exam_codes_and_certification_names_resolve_to_catalog_slugs(text: str, slug: str) -> None:
    assert understand(text).certification == slug


def test_an_unknown_exam_code_is_kept_for_the_answer() -> None:
    query = understand("who has AZ-999")
    assert query.certification is None and query.unknown_exam == "AZ-999"


def test_a_certification_name_does_not_leak_into_the_metric() -> None:
    # "Expert" and "Associate" belong to the certification's name here, not to a metric.
    query = understand("why doesn't the Azure Solutions Architect Expert count")
    assert query.intent == Intent.WHY and query.metric is None


@pytest.mark.parametrize(
    ("text", "section"),
    [
        ("update my data", None),
        ("start", None),
        ("update customers", Section.CUSTOMERS),
        ("add a person", Section.PEOPLE),
        ("modifier l’utilisation", Section.USAGE),
        ("Dienste aktualisieren", Section.SERVICES),
        ("회사 정보 수정", Section.ORGANISATION),
        ("更新人員", Section.PEOPLE),
    ],
)
def test_intake_requests_name_their_section(text: str, section: Section | None) -> None:
    query = understand(text)
    assert (query.intent, query.section) == (Intent.START_INTAKE, section)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("stop notifications", Intent.STOP_NOTIFICATIONS),
        ("unsubscribe", Intent.STOP_NOTIFICATIONS),
        ("Benachrichtigungen aus", Intent.STOP_NOTIFICATIONS),
        ("알림 끄기", Intent.STOP_NOTIFICATIONS),
        ("start notifications", Intent.START_NOTIFICATIONS),
        ("subscribe", Intent.START_NOTIFICATIONS),
        ("réactiver les notifications", Intent.START_NOTIFICATIONS),
        ("開啟通知", Intent.START_NOTIFICATIONS),
    ],
)
def test_notification_switches(text: str, intent: Intent) -> None:
    assert understand(text).intent == intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("explain how usage growth is calculated", Intent.RULE),
        ("why is usage growth calculated like that", Intent.WHY),
        ("how many customers must I add", Intent.PLAN),
        ("how many points do I have", Intent.SCORE),
        ("how am I doing", Intent.SCORE),
        ("what's blocking data & ai", Intent.WHY),
        ("what's the threshold", Intent.RULE),
        ("ne plus recevoir de notifications", Intent.STOP_NOTIFICATIONS),
        ("인프라 70점을 받으려면", Intent.PLAN),  # the 0 of 70점 is not "0 points"
        ("基礎結構要怎樣才能達到70分", Intent.PLAN),
        ("중급 0점", Intent.WHY),
        ("0 points for infra?", Intent.WHY),
        ("I need help", Intent.HELP),
        ("help me qualify for infra", Intent.PLAN),
        ("hi, what is my score", Intent.SCORE),
        ("Wie viele Punkte habe ich?", Intent.SCORE),
        ("Wie viele Kunden muss ich noch gewinnen?", Intent.PLAN),
        ("還要再增加多少客戶？", Intent.PLAN),
        ("what is the weather", Intent.UNKNOWN),
        ("今天天氣如何", Intent.UNKNOWN),
        ("", Intent.HELP),
        ("   ", Intent.HELP),
        ("👍", Intent.HELP),
    ],
)
def test_intent_priorities(text: str, intent: Intent) -> None:
    assert understand(text).intent == intent


def test_a_huge_message_is_cut_and_still_understood() -> None:
    assert understand("what is my score " + "blah " * 20000).intent == Intent.SCORE


@pytest.mark.parametrize("text", ["thanks", "merci !", "Danke", "고마워요", "謝謝"])
def test_thanks_gets_a_polite_reply_not_the_did_not_understand_one(text: str) -> None:
    query = understand(text)
    assert query.intent == Intent.HELP and query.thanks


def test_french_ai_verb_is_not_artificial_intelligence() -> None:
    assert understand("Pourquoi ai-je si peu de points en déploiements ?").area is None
    assert understand("j'ai une question sur l'infrastructure").area == Area.INFRASTRUCTURE
    assert understand("score IA").area == Area.DATA_AI
