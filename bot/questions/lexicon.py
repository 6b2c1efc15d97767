"""The words the bot recognises, in all five languages at once.

A user may type English in a French Teams client, so understanding never depends on the locale:
every phrase of every language is tried. Phrases are matched after `understand.normalize` (lower
case, Latin accents removed). Latin phrases match word by word, in any order and with typos;
Korean and Chinese phrases match as substrings of the text with its spaces removed (no word breaks
in Chinese; Korean particles stick to nouns: 인프라의, 점수는). This is vocabulary, not user-facing
text, so it lives here rather than in the locale files.
"""

from __future__ import annotations

from scoring.ids import Area, Metric

from .model import Intent, Section

# Abbreviations rewritten to one token before matching (regex on the normalized text -> token).
# "D&AI" is Data & AI and "DAI" is Digital & App Innovation, as in RULES.md §5. AMM (Azure Migrate and
# Modernize) is the migration programme, which scores under Infrastructure.
ABBREVIATIONS: list[tuple[str, str]] = [
    (r"\bd\s*(?:&|and|n|\+|et|und)\s*a\s*i\b", " area_data_ai "),
    (r"\bd\s*(?:&|and|\+)\s*ai\b", " area_data_ai "),
    (r"\bdnai\b", " area_data_ai "),
    (r"\bdata\s*(?:&|and|\+|/)?\s*ai\b", " area_data_ai "),
    (r"\bdaten\s*(?:&|und|\+)?\s*ki\b", " area_data_ai "),
    (r"\bdonnees\s*(?:&|et|\+)?\s*(?:l\s*)?ia\b", " area_data_ai "),
    (r"\bd\s*(?:&|and|\+)\s*a\s*i\s*i\b", " area_digital_app_innovation "),
    (r"\bdai\b", " area_digital_app_innovation "),
    (r"\bdapi\b", " area_digital_app_innovation "),
    (r"\bamm\b", " area_infrastructure "),
    (r"\bcloud\s*platform\b", " cloud_platform "),
    (r"\bplateforme\s*cloud\b", " cloud_platform "),
]

AREA_WORDS: dict[Area, list[str]] = {
    Area.DATA_AI: [
        "area_data_ai", "data", "ai", "analytics", "machine learning", "donnees", "ia",
        "intelligence artificielle",
        "daten", "ki", "kunstliche intelligenz",
        "데이터", "인공지능", "데이터및ai",
        "資料", "數據", "人工智慧", "资料", "数据", "人工智能",
    ],
    Area.INFRASTRUCTURE: [
        "area_infrastructure", "infrastructure", "infra", "infrastruktur", "infrastructures",
        "인프라", "인프라스트럭처",
        "基礎結構", "基礎架構", "基础设施", "基礎設施",
    ],
    Area.DIGITAL_APP_INNOVATION: [
        "area_digital_app_innovation", "digital", "app innovation", "apps", "application innovation",
        "innovation", "numerique", "applications", "app-innovation", "digital innovation",
        "디지털", "앱혁신", "앱", "애플리케이션",
        "數位", "應用程式創新", "應用程式", "数字", "应用创新",
    ],
}

METRIC_WORDS: dict[Metric, list[str]] = {
    Metric.NET_CUSTOMER_ADDS: [
        "net customer adds", "customer adds", "net adds", "new customers", "customers", "customer", "nca",
        "ajouts nets", "nouveaux clients", "clients", "client",
        "kundenzuwachs", "neukunden", "kunden", "kunde", "netto-kundenzuwachs",
        "순고객", "고객추가", "신규고객", "고객",
        "淨新增客戶", "新增客戶", "客戶", "客户",
    ],
    Metric.INTERMEDIATE_CERTIFICATIONS: [
        "intermediate", "associate", "intermediaire", "intermediaires", "fortgeschrittene", "fortgeschritten",
        "mittlere", "mittelstufe", "중급", "中級", "中级",
    ],
    Metric.ADVANCED_CERTIFICATIONS: [
        "advanced", "expert", "experts", "avancee", "avancees", "avance", "experten", "expertenstufe",
        "erweiterte", "고급", "전문가", "進階", "高級", "高级",
    ],
    Metric.USAGE_GROWTH: [
        "usage growth", "growth", "usage", "acr", "consumption", "croissance", "utilisation", "consommation",
        "nutzungswachstum", "wachstum", "nutzung", "verbrauch",
        "사용량증가", "사용량", "성장", "증가율",
        "使用量成長", "成長", "使用量", "增長", "增长",
    ],
    Metric.DEPLOYMENTS: [
        "deployments", "deployment", "deployed", "services", "service", "deploiements", "deploiement",
        "bereitstellungen", "bereitstellung", "dienste",
        "배포", "서비스",
        "部署", "服務",
    ],
}

CLOUD_PLATFORM_WORDS = [
    "cloud_platform", "competency", "competence", "kompetenz", "silver", "gold", "silber",
    "역량", "실버", "골드", "能力", "金級", "銀級", "金牌", "銀牌", "雲端平台",
]

# Intent cue words. Several intents can fire; `understand.decide` resolves them by priority.
INTENT_WORDS: dict[Intent, list[str]] = {
    Intent.SCORE: [
        "score", "scores", "points", "point", "where do i stand", "status", "standing", "level", "result",
        "results", "qualified", "am i qualified", "note", "resultat", "niveau", "punktzahl", "punkte",
        "punktestand", "stand", "ergebnis", "qualifiziert", "bewertung",
        "점수", "결과", "몇점", "현황", "레벨", "등급",
        "分數", "得分", "幾分", "分数", "積分", "等級", "狀態", "多少分",
    ],
    Intent.WHY: [
        "why", "how come", "only", "zero", "not qualified", "not count", "not counted", "not counting",
        "explain", "reason", "pourquoi", "seulement", "zero", "pas qualifie", "ne compte pas", "expliquer",
        "explique", "raison", "warum", "wieso", "weshalb", "nur", "null", "nicht qualifiziert",
        "zahlt nicht", "erklare", "erklaren", "grund",
        "왜", "어째서", "이유", "0점", "밖에", "안되", "안 되", "못했", "미달", "설명해",
        "為什麼", "为什么", "為何", "怎麼會", "原因", "只有", "零分", "0分", "不合格", "沒有資格", "未達",
        "解釋", "不算", "不計",
    ],
    Intent.PLAN: [
        "what do i need", "need", "to qualify", "how do i qualify", "how to qualify", "qualify", "plan",
        "improve", "increase", "reach", "get to", "next steps", "what should", "missing",
        "besoin", "faut", "me qualifier", "qualifier", "ameliorer", "atteindre", "manque",
        "brauche", "benotige", "qualifizieren", "verbessern", "erreichen", "fehlt", "was muss",
        "필요", "어떻게", "자격을 얻", "자격 취득", "달성", "올리", "계획",
        "需要", "如何", "怎麼", "怎样", "達到", "计划", "計畫", "計劃", "取得資格", "提升", "缺少",
    ],
    Intent.RULE: [
        "how is", "how are", "calculated", "calculate", "computed", "rule", "rules", "formula", "how does",
        "work", "works", "defined", "definition", "mean", "means",
        "calcul", "calcule", "calculee", "regle", "regles", "formule", "fonctionne",
        "berechnet", "berechnung", "regel", "regeln", "formel", "funktioniert", "definiert",
        "계산", "규칙", "공식", "기준", "산정",
        "計算", "计算", "規則", "规则", "公式", "算法", "怎麼算", "定義",
    ],
    Intent.HELP: [
        "help", "what can you do", "commands", "examples", "aide", "aidez", "que sais-tu faire", "hilfe",
        "was kannst du", "befehle", "hallo", "hello", "hi", "bonjour", "salut",
        "도움말", "도움", "도와", "안녕", "說明", "幫助", "帮助", "你好", "您好", "使用方式",
    ],
}
# Certification questions: a certification noun with a "which / list / count" cue, or "who has" + a
# certification the text names.
CERTIFICATION_NOUNS = [
    "certifications", "certification", "certs", "cert", "exams", "exam", "credentials", "examens",
    "examen", "zertifizierungen", "zertifizierung", "zertifikate", "prufungen", "prufung",
    "인증", "자격증", "시험", "認證", "认证", "證照", "考試", "考试",
]
LIST_CUES = [
    "which", "what", "list", "count", "counts", "eligible", "valid", "qualifying", "needed", "required",
    "quelles", "quels", "liste", "comptent", "compte", "welche", "liste", "zahlen", "gelten", "gultig",
    "어떤", "무슨", "목록", "인정", "해당", "哪些", "什麼", "清單", "列表", "有效", "適用", "计入", "計入",
]
WHO_CUES = [
    "who", "who has", "who holds", "whom", "qui", "wer", "누가", "누구", "誰", "谁",
]

START_INTAKE_WORDS = [
    "start", "get started", "begin", "update", "update my data", "enter", "edit", "change", "modify",
    "set up", "setup", "onboard", "import", "my data", "re-enter", "correct",
    "commencer", "demarrer", "mettre a jour", "mise a jour", "modifier", "saisir", "mes donnees",
    "starten", "beginnen", "aktualisieren", "andern", "bearbeiten", "eingeben", "meine daten",
    "시작", "업데이트", "수정", "변경", "입력", "갱신", "내 데이터",
    "開始", "开始", "更新", "修改", "輸入", "编辑", "編輯", "我的資料", "設定",
]
# Words that make a "start"/"update" message about data (and not, say, "start notifications").
DATA_WORDS = ["data", "profile", "info", "information", "donnees", "profil", "daten", "angaben",
              "데이터", "프로필", "정보", "資料", "数据", "檔案", "資訊"]

NOTIFICATION_WORDS = [
    "notifications", "notification", "notify", "alerts", "alert", "reminders", "monthly", "messages",
    "avertissements", "rappels", "benachrichtigungen", "benachrichtigung", "erinnerungen",
    "알림", "통지", "通知", "提醒",
]
STOP_WORDS = [
    "stop", "disable", "turn off", "off", "mute", "unsubscribe", "no more", "pause", "cancel",
    "arreter", "arrete", "desactiver", "desabonner", "plus de", "stoppen", "deaktivieren", "abbestellen",
    "aus", "abmelden", "keine",
    "중지", "끄기", "꺼", "해제", "그만", "취소", "停止", "關閉", "关闭", "取消", "不要",
]
START_WORDS = [
    "start", "enable", "turn on", "on", "subscribe", "resume", "activer", "reactiver", "abonner",
    "aktivieren", "einschalten", "abonnieren", "an", "켜기", "켜", "구독", "다시", "시작", "開啟", "开启",
    "訂閱", "恢復", "開始",
]
# Stand-alone words that mean the subscription even without "notifications".
STOP_ALONE = ["unsubscribe", "desabonner", "abbestellen", "구독취소", "取消訂閱"]
START_ALONE = ["subscribe", "abonner", "abonnieren", "구독", "訂閱"]

SECTION_WORDS: dict[Section, list[str]] = {
    Section.PEOPLE: ["people", "person", "persons", "team", "staff", "employees", "certifications",
                     "personnes", "equipe", "personen", "mitarbeiter", "team", "인원", "사람", "직원", "팀",
                     "人員", "人员", "員工", "團隊"],
    Section.CUSTOMERS: ["customers", "customer", "clients", "client", "kunden", "kunde",
                        "고객", "客戶", "客户"],
    Section.USAGE: ["usage", "acr", "consumption", "revenue", "utilisation", "consommation", "nutzung",
                    "verbrauch", "umsatz", "사용량", "매출", "使用量", "用量", "營收"],
    Section.SERVICES: ["services", "service", "deployments", "dienste", "bereitstellungen", "서비스", "배포",
                       "服務", "部署"],
    Section.ORGANISATION: ["organisation", "organization", "company", "partner", "market", "entreprise",
                           "societe", "marche", "unternehmen", "firma", "markt", "조직", "회사", "시장",
                           "組織", "公司", "市場"],
}
