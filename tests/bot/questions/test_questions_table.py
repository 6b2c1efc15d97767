"""At least 20 questions per language: the intent and area understood, and what the answer says.

Every answer is computed by the real engine from the Contoso profile (conftest): Ada is the only
Solutions Architect Expert, so D&AI intermediate is 0 with the step-1 gate unmet.
"""

from __future__ import annotations

import pytest
from qa_profiles import ADA_ONLY_ARCHITECT, context, make_profile

from bot.questions import AnswerContext, Intent, answer
from scoring.ids import Area

DA, INF, DAI = Area.DATA_AI, Area.INFRASTRUCTURE, Area.DIGITAL_APP_INNOVATION
S, W, P, R, C, H = Intent.SCORE, Intent.WHY, Intent.PLAN, Intent.RULE, Intent.CERTIFICATIONS, Intent.HELP
IN, STOP, START, U = (
    Intent.START_INTAKE,
    Intent.STOP_NOTIFICATIONS,
    Intent.START_NOTIFICATIONS,
    Intent.UNKNOWN,
)

# (question, intent, area, text the answer must contain)
EN = [
    ("What is my score?", S, None, "Data & AI: 36/100"),
    ("what's my infrastructure score", S, INF, "Infrastructure: 40/100"),
    ("D&AI score?", S, DA, "Data & AI: 36/100"),
    ("DAI points", S, DAI, "Digital & App Innovation: 40/100"),
    ("What is my Cloud Platform level?", S, None, "Cloud Platform competency: not earned"),
    ("Why zero intermediate points for Data & AI?", W, DA, "not Ada"),
    (
        "why only 4 intermediate points in infra?",
        W,
        INF,
        "Intermediate certifications in Infrastructure: 4/20",
    ),
    ("Why am I not qualified for Infrastructure?", W, INF, "Advanced certifications (0/20)"),
    ("why no advanced points for data and ai", W, DA, "Data & AI has no Advanced certifications metric"),
    ("What do I need to qualify for D&AI?", P, DA, "To qualify for Data & AI (36/100 now, 70 needed)"),
    ("how do I qualify?", P, None, "To qualify for Infrastructure"),
    ("How is usage growth calculated?", R, None, "1 point per whole 1%"),
    ("how are net customer adds computed", R, None, "at least $1,000"),
    (
        "what is the rule for deployments",
        R,
        None,
        "Virtual Machines and Virtual Machines Licenses do not count",
    ),
    (
        "how are intermediate certifications scored for infra",
        R,
        INF,
        "Azure Network Engineer Associate (AZ-700)",
    ),
    (
        "Which certifications count for Digital & App Innovation?",
        C,
        DAI,
        "Azure Developer Associate (AZ-204)",
    ),
    ("who has AZ-305?", C, None, "Valid holder: Ada."),
    (
        "why doesn't AZ-104 count",
        W,
        None,
        "Ada’s Azure Administrator Associate (AZ-104) expired on March 1, 2026",
    ),
    ("who holds the solutions architect expert", C, None, "Valid holder: Ada."),
    ("help", H, None, "Ask in your own words"),
    ("update my customers", IN, None, "customers"),
    ("stop notifications", STOP, None, ""),
    ("turn on notifications", START, None, ""),
    ("what is the weather in Paris", U, None, "I can’t answer"),
]
FR = [
    ("Quel est mon score ?", S, None, "Données et IA : 36/100"),
    ("score infrastructure", S, INF, "Infrastructure : 40/100"),
    ("quelle est ma note en D&AI", S, DA, "Données et IA : 36/100"),
    ("Quel est mon niveau Cloud Platform ?", S, None, "Compétence Cloud Platform : non obtenue"),
    ("Pourquoi zéro point en certifications intermédiaires pour Données et IA ?", W, DA, "autre que Ada"),
    ("Pourquoi ne suis-je pas qualifié pour l’infrastructure ?", W, INF, "Certifications avancées (0/20)"),
    ("pourquoi seulement 4 points intermédiaires en infra", W, INF, "4/20"),
    ("Que me faut-il pour me qualifier en Données et IA ?", P, DA, "Pour vous qualifier en Données et IA"),
    ("comment me qualifier ?", P, None, "Pour vous qualifier en Infrastructure"),
    ("Comment est calculée la croissance de l’utilisation ?", R, None, "1 point par tranche entière de 1 %"),
    ("comment sont calculés les ajouts nets de clients", R, None, "1\u202f000\xa0$US"),
    ("règle des déploiements", R, None, "Virtual Machines"),
    (
        "Quelles certifications comptent pour Innovation numérique et des applications ?",
        C,
        DAI,
        "Azure Developer Associate (AZ-204)",
    ),
    (
        "quelles certifications comptent pour l’infrastructure",
        C,
        INF,
        "Azure Administrator Associate (AZ-104)",
    ),
    ("Qui a AZ-305 ?", C, None, "Titulaire valide : Ada."),
    ("pourquoi AZ-104 ne compte pas", W, None, "a expiré le 1 mars 2026"),
    ("aide", H, None, "Posez vos questions avec vos mots"),
    ("mettre à jour mes données", IN, None, "Saisissons"),
    ("mettre à jour les clients", IN, None, "clients"),
    ("arrêter les notifications", STOP, None, ""),
    ("activer les notifications", START, None, ""),
    ("quel temps fait-il", U, None, "Je ne peux pas répondre"),
]
DE = [
    ("Wie ist meine Punktzahl?", S, None, "Daten und KI: 36/100"),
    ("Punkte Infrastruktur", S, INF, "Infrastruktur: 40/100"),
    ("Punktestand Daten und KI", S, DA, "Daten und KI: 36/100"),
    ("Welche Cloud Platform-Stufe habe ich?", S, None, "Cloud Platform-Kompetenz: nicht erreicht"),
    ("Warum null Punkte bei den fortgeschrittenen Zertifizierungen für Daten und KI?", W, DA, "nicht Ada"),
    ("Warum bin ich für Infrastruktur nicht qualifiziert?", W, INF, "Zertifizierungen (Experten) (0/20)"),
    ("wieso nur 4 Punkte Fortgeschrittene infra", W, INF, "4/20"),
    ("Was brauche ich, um mich für D&AI zu qualifizieren?", P, DA, "Zur Qualifizierung für Daten und KI"),
    ("wie qualifiziere ich mich", P, None, "Zur Qualifizierung für Infrastruktur"),
    ("Wie wird das Nutzungswachstum berechnet?", R, None, "1 Punkt pro vollem 1 %"),
    ("wie wird der Netto-Kundenzuwachs berechnet", R, None, "1.000\xa0$"),
    ("Regel für Bereitstellungen", R, None, "Virtual Machines"),
    (
        "Welche Zertifizierungen zählen für Digital- und App-Innovation?",
        C,
        DAI,
        "Azure Developer Associate (AZ-204)",
    ),
    ("welche Zertifizierungen zählen für Infrastruktur", C, INF, "Azure Administrator Associate (AZ-104)"),
    ("Wer hat AZ-305?", C, None, "Gültiger Inhaber: Ada."),
    ("warum zählt AZ-104 nicht", W, None, "am 1. März 2026 abgelaufen"),
    ("Hilfe", H, None, "Fragen Sie in Ihren Worten"),
    ("meine Daten aktualisieren", IN, None, "Geben wir"),
    ("Kunden aktualisieren", IN, None, "Kunden"),
    ("Benachrichtigungen stoppen", STOP, None, ""),
    ("Benachrichtigungen aktivieren", START, None, ""),
    ("wie wird das Wetter", U, None, "kann ich nicht antworten"),
]
KO = [
    ("내 점수는?", S, None, "데이터 및 AI: 36/100"),
    ("인프라 점수 알려줘", S, INF, "인프라: 40/100"),
    ("데이터 및 AI 점수", S, DA, "데이터 및 AI: 36/100"),
    ("Cloud Platform 역량 등급은?", S, None, "Cloud Platform 역량: 미취득"),
    ("데이터 및 AI 중급 인증 점수가 왜 0점인가요?", W, DA, "Ada 외에"),
    ("인프라 자격이 안 되는 이유는?", W, INF, "고급 인증(0/20)"),
    ("인프라 중급 점수가 왜 4점밖에 안 되나요", W, INF, "4/20"),
    ("D&AI 자격을 얻으려면 무엇이 필요한가요?", P, DA, "데이터 및 AI 자격을 얻으려면"),
    ("자격을 얻으려면 어떻게 해야 하나요", P, None, "인프라 자격을 얻으려면"),
    ("사용량 증가는 어떻게 계산되나요?", R, None, "1% 단위마다 1점"),
    ("순 고객 추가 계산 방법", R, None, "US$1,000"),
    ("배포 규칙", R, None, "Virtual Machines"),
    ("디지털 및 앱 혁신에 해당하는 인증은?", C, DAI, "Azure Developer Associate(AZ-204)"),
    ("인프라에 인정되는 인증 목록", C, INF, "Azure Administrator Associate(AZ-104)"),
    ("AZ-305는 누가 가지고 있나요?", C, None, "유효한 보유자 1명: Ada."),
    ("AZ-104가 왜 인정되지 않나요", W, None, "2026년 3월 1일에 만료"),
    ("도움말", H, None, "편하게 물어보세요"),
    ("내 데이터 업데이트", IN, None, "데이터를 입력"),
    ("고객 정보 업데이트", IN, None, "고객"),
    ("알림 중지", STOP, None, ""),
    ("알림 켜기", START, None, ""),
    ("오늘 날씨 어때", U, None, "답할 수 없습니다"),
]
ZH = [
    ("我的分數是多少？", S, None, "資料與 AI：36/100"),
    ("基礎結構分數", S, INF, "基礎結構：40/100"),
    ("資料與AI的分數", S, DA, "資料與 AI：36/100"),
    ("我的雲端平台能力等級是什麼？", S, None, "雲端平台能力：尚未取得"),
    ("為什麼資料與 AI 的中級認證是零分？", W, DA, "除了 Ada 之外"),
    ("為什麼基礎結構沒有資格？", W, INF, "進階認證（0/20）"),
    ("為什麼基礎結構中級認證只有4分", W, INF, "4/20"),
    ("要取得 D&AI 資格需要什麼？", P, DA, "要取得資料與 AI資格"),
    ("如何取得資格", P, None, "要取得基礎結構資格"),
    ("使用量成長如何計算？", R, None, "每滿 1% 成長得 1 分"),
    ("淨新增客戶怎麼算", R, None, "US$1,000"),
    ("部署的規則", R, None, "Virtual Machines"),
    ("哪些認證適用於數位與應用程式創新？", C, DAI, "Azure Developer Associate (AZ-204)"),
    ("基礎結構的認證清單", C, INF, "Azure Administrator Associate (AZ-104)"),
    ("誰有 AZ-305？", C, None, "1 位有效持有者：Ada。"),
    ("為什麼 AZ-104 不算", W, None, "已於 2026年3月1日 到期"),
    ("說明", H, None, "用您自己的話問"),
    ("更新我的資料", IN, None, "輸入貴組織的資料"),
    ("更新客戶", IN, None, "客戶"),
    ("停止通知", STOP, None, ""),
    ("開啟通知", START, None, ""),
    ("今天天氣如何", U, None, "我無法回答"),
]
TABLE = {"en": EN, "fr": FR, "de": DE, "ko": KO, "zh-TW": ZH}
CASES = [(loc, *row) for loc, rows in TABLE.items() for row in rows]


def test_each_language_has_at_least_20_questions() -> None:
    assert all(len(rows) >= 20 for rows in TABLE.values())


@pytest.fixture(scope="module")
def contexts() -> dict[str, AnswerContext]:
    profile = make_profile(ADA_ONLY_ARCHITECT)
    return {loc: context(profile, loc) for loc in TABLE}


@pytest.mark.parametrize(
    ("locale", "question", "intent", "area", "expected"), CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES]
)
def test_question(
    contexts: dict[str, AnswerContext],
    locale: str,
    question: str,
    intent: Intent,
    area: Area | None,
    expected: str,
) -> None:
    reply = answer(question, contexts[locale])
    assert reply.intent == intent, reply.text
    if area is not None:
        assert reply.area == area
    assert expected in reply.text, reply.text
    assert "{" not in reply.text and "None" not in reply.text
