"""Plain-language question -> structured query (intent, area, metric, certification, section).

Keyword spotting over all five languages (see `lexicon`), tolerant of typos (difflib ratio on each
word, cached), word order (cues are found anywhere) and CJK text without spaces (substring match).
Exam codes and certification names are resolved through the scoring catalog.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from scoring.catalog import Certification, default_catalog, exam_part_of, resolve_certification
from scoring.ids import Area, Metric, Track

from . import lexicon
from .model import Intent, Section, WhatIf

_CJK = re.compile(r"[\u1100-\u11ff\u3130-\u318f\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")
# Exam codes, also glued to Korean/Chinese particles ("AZ-305는", "AZ-104가"), hence no \b at the end.
_EXAM = re.compile(r"(?<![a-z0-9])([a-z]{2,3})\s?-?\s?(\d{3})(?!\d)|(?<![a-z0-9])(70)\s?-?\s?(\d{3})(?!\d)")
_WORD = re.compile(r"[a-z0-9_]+(?:-[a-z0-9]+)*|[^\sa-z0-9_]+")
# Tokens that look like an exam code but are not meant as one ("top 100", "le 100"...).
_ZERO_POINTS = re.compile(r"(?<![\d.,])0\s*(?:점|分|pts?\b|points?\b|punkte?\b)")
_GLUED = re.compile(
    r"(?<=[a-z0-9])(?=[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af])|(?<=[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af])(?=[a-z])"
)
_MAX_TEXT = 500  # longer messages are cut: nobody asks a 2-page question, and matching stays fast


@dataclass(frozen=True)
class Query:
    intent: Intent
    area: Area | None = None
    metric: Metric | None = None
    certification: str | None = None  # catalog slug
    unknown_exam: str | None = None  # something that looks like an exam code but is not known
    cloud_platform: bool = False
    section: Section | None = None
    areas: tuple[Area, ...] = ()  # every area named (first = `area`)
    thanks: bool = False  # a "thank you": HELP answered with a short "you are welcome"
    cloud_level: str | None = None  # "silver" or "gold" when the question names one
    # How the message relates to the conversation: an explicit intent cue, or an elliptical follow-up
    # ("and for infra?", "who has it?") whose gaps the conversation's memory fills.
    cued: bool = False
    follow_up: bool = False
    pronoun: bool = False
    yes_no: bool = False
    zero: bool = False  # the question's premise is "zero points" ("why 0 intermediate?")
    fact: str | None = None  # a programme fact asked about (catalog `programme`): "refresh", "window"...
    what_if: WhatIf | None = None
    who: bool = False  # "who has it?": a holder question (its certification may come from the context)
    person_pronoun: bool = False  # "he", "il", "그 사람": the person the conversation is about
    asks_excluded: bool = False  # "are VMs excluded?" (yes) rather than "do VMs count?" (no)
    out_of_scope: bool = False  # another programme or tool ("Dynamics 365"): not a follow-up either
    threshold: bool = False  # the qualification threshold, whatever metric the conversation was on
    track: Track | None = None  # a track the message names ("how many people on the SMB track?")
    compare_tracks: bool = False  # "SMB vs enterprise": how the tracks differ
    excluded_offer: str | None = None  # an offer type the rules exclude ("Trial"), asked about
    partner_score: bool = False  # names the Solutions Partner score/designations (not Cloud Platform)
    renews: bool = False  # "renew", "Verlängerung": a lapsed certification comes back
    correction: bool = False  # "no, I meant infra": a follow-up whatever its length
    which_count: bool = False  # "what counts?": the list of what the topic counts
    avoid: bool = False  # "how do we avoid that?"
    also: bool = False  # "too", "aussi", "도": added to what the conversation simulated
    sovereign: bool = False  # asks about sovereign or isolated clouds (E-23)
    association: str | None = None  # a partner association named ("PAL", "DPOR"), asked about
    our_track: bool = False  # "are we SMB or enterprise?"
    gate: bool = False  # about the prerequisite steps ("how many people for the gate?")
    ours: bool = False  # "and ours?": our own figure for the metric the conversation is about
    excluded_service: str | None = None  # a service the deployment rules exclude, named in the message
    percent: float | None = None  # a percentage said ("et à 10 % ?" after a growth what-if)
    amount: float | None = None  # a dollar amount said ("does a customer with $750 a month count?")
    already: bool = False  # "which certs have already expired?"
    first: bool = False  # "what first?", "뭐부터"
    closest: bool = False  # "which area is closest?"
    worth: bool = False  # "how much is Min-jun worth to us?"
    date: tuple[int, int, int | None] | None = None  # a day said (day, month, year or None): "am 5.1.2027"
    asks_qualified: bool = False  # names qualifying ("so we'd qualify?")
    confirm: bool = False  # a yes/no on the last what-if's verdict: "Yes."/"No." comes first
    about_customers: bool = False  # names customers ("client", "Kunde", "고객") or net customer adds
    count_verb: bool = False  # "count", "zählt", "算": does something count?
    loses: bool = False  # "lose", "verlieren", "잃": points or customers lost
    ours_count: bool = False  # "how many do we have?": our own figure of the metric talked about
    how_many: bool = False  # "how many (of those) do we need?": a head count
    count: int | None = None  # a number said ("那兩個呢" after "one more service?": two of them)
    words: int = 0


class _Phrases:
    """One phrase list split for fast matching: single words (a set), word sequences, CJK substrings."""

    __slots__ = ("cjk", "sequences", "singles")

    def __init__(self, phrases: list[str]) -> None:
        self.singles = frozenset(p for p in phrases if " " not in p and not _CJK.search(p))
        self.sequences = [tuple(p.split()) for p in phrases if " " in p and not _CJK.search(p)]
        self.cjk = [p.replace(" ", "") for p in phrases if _CJK.search(p)]


_COMPILED: dict[int, _Phrases] = {}


def _compiled(phrases: list[str]) -> _Phrases:
    found = _COMPILED.get(id(phrases))
    if found is None:  # lexicon lists are module constants: compiled once, keyed by identity
        found = _COMPILED[id(phrases)] = _Phrases(phrases)
    return found


@dataclass
class _Text:
    """A normalized message: Latin words (typos corrected) and a space-free copy for CJK phrases."""

    words: list[str]
    compact: str

    def __post_init__(self) -> None:
        self.wordset = frozenset(self.words)
        self.has_cjk = bool(_CJK.search(self.compact))

    def _sequence(self, parts: tuple[str, ...]) -> bool:
        if parts[0] not in self.wordset:
            return False
        n = len(parts)
        return any(tuple(self.words[i : i + n]) == parts for i in range(len(self.words) - n + 1))

    def has(self, phrase: str) -> bool:
        if _CJK.search(phrase):
            return phrase.replace(" ", "") in self.compact
        parts = tuple(phrase.split())
        return parts[0] in self.wordset if len(parts) == 1 else self._sequence(parts)

    def any(self, phrases: list[str]) -> bool:
        compiled = _compiled(phrases)
        if not self.wordset.isdisjoint(compiled.singles):
            return True
        if any(self._sequence(parts) for parts in compiled.sequences):
            return True
        return self.has_cjk and any(p in self.compact for p in compiled.cjk)


def _strip_accents(text: str) -> str:
    # Only Latin letters lose their marks: decomposing Hangul or kana would break CJK matching.
    out = []
    for ch in text:
        if ord(ch) < 0x250:
            base = unicodedata.normalize("NFD", ch)
            out.append("".join(c for c in base if not unicodedata.combining(c)))
        else:
            out.append(ch)
    return "".join(out)


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")[:_MAX_TEXT].casefold().replace("ß", "ss")
    text = _strip_accents(text)
    text = re.sub(r"n[’']t\b", " not", text)  # doesn't -> does not
    text = re.sub(r"[’'`´]", " ", text)
    text = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", text)  # Experten-Zertifizierungen -> two words
    # French "ai" is a verb ("j'ai", "ai-je", "qu'ai-je"), not Artificial Intelligence.
    text = re.sub(r"\b(?:j|qu|n)\s+ai\b|\bai\s+(?:je|t\s+il|t\s+elle)\b", " ", text)
    text = text.replace("&", " & ")
    # Korean and Chinese glue particles to Latin words ("DAI는", "Linus有"): a space keeps the word whole.
    text = _GLUED.sub(" ", text)
    for pattern, token in lexicon.ABBREVIATIONS:
        text = re.sub(pattern, token, text)
    # Punctuation (CJK punctuation too) becomes a space, but a decimal mark between digits stays ("12.9%"),
    # and so does a dollar sign.
    text = re.sub(r"(?<!\d)[.,]|[.,](?!\d)|[^\w&%$\s.,-]", " ", text)  # "$750" stays an amount
    return " ".join(text.split())


def _nameable_certifications() -> list[Certification]:
    """Certifications a user may name in words: those the Solutions Partner rules use (the Cloud
    Platform exams and assessments go by their codes, and their long names overlap common words)."""
    catalog = default_catalog()
    slugs: list[str] = []
    for rules in catalog.rule_sets.values():
        slugs.extend(slug for slug in rules.certification_slugs() if slug not in slugs)
    return [catalog.registry[slug] for slug in slugs]


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s-]", " ", _strip_accents(text.casefold())).split())


def _vocabulary() -> frozenset[str]:
    words: set[str] = set()
    for phrases in lexicon.all_phrase_lists():
        words.update(word for phrase in phrases for word in phrase.split())
    for cert in _NAMEABLE:
        words.update(_WORD.findall(_plain(cert.name)))
    return frozenset(words)


# A word the lexicon knows is never a typo of another one ("qualified" is not "qualify",
# "certifications" is not "notifications"): only unknown words get the fuzzy match.
_NAMEABLE = _nameable_certifications()
_VOCABULARY = _vocabulary()


_BY_LENGTH: dict[int, list[str]] = {}
for _word in sorted(_VOCABULARY):
    _BY_LENGTH.setdefault(len(_word), []).append(_word)


@lru_cache(maxsize=65536)
def correct(word: str) -> str:
    """The vocabulary word an unknown word is a typo of ("infrastrucutre" -> "infrastructure"), else itself.

    Short words must be exact (too many real words are one letter apart); the closest match wins, so
    "qualifed" becomes "qualified", not "qualify".
    """
    if word in _VOCABULARY or not 5 <= len(word) <= 24 or word[:1].isdigit() or _CJK.search(word):
        return word
    # A typo rarely hits both of the first two letters: comparing only with words that share one of
    # them keeps a page of gibberish cheap (each new word costs a scan of the vocabulary).
    lengths = range(len(word) - 2, len(word) + 3)
    candidates = [
        w
        for n in lengths
        for w in _BY_LENGTH.get(n, [])
        if len(w) >= 5 and (w[0] == word[0] or w[1] == word[1])
    ]
    # rapidfuzz's ratio is difflib's, computed in C: a page of gibberish stays cheap.
    close = process.extractOne(word, candidates, scorer=fuzz.ratio, score_cutoff=80)
    return close[0] if close else word


def _find_certification(norm: str, text: _Text) -> tuple[str | None, str | None, str]:
    """(slug, unknown exam code, text with the certification removed) for a message."""
    for match in _EXAM.finditer(norm):
        letters = match.group(1) or match.group(3)
        digits = match.group(2) or match.group(4)
        code = f"{letters}-{digits}"
        cert = resolve_certification(code)
        if cert is None and letters == "70":
            continue
        if cert is None:
            # "who has AZ-800?": one exam of a credential that takes two; the credential is meant.
            cert = exam_part_of(code)
        if cert is not None:
            return cert.slug, None, norm.replace(match.group(0), " ")
        if letters in _EXAM_PREFIXES:
            return None, code.upper(), norm.replace(match.group(0), " ")
    # Display names: every significant word of the name present (any order, typos allowed).
    best: tuple[int, Certification] | None = None
    for cert, words in _NAME_WORDS:
        distinctive = len(words) >= 2 or (len(words) == 1 and len(words[0]) >= 8)
        if distinctive and all(text.has(w) for w in words) and (best is None or len(words) > best[0]):
            best = (len(words), cert)
    if best is None:
        # A long name said short ("the Windows Server Hybrid cert"): all its words but one, at least
        # three of them, and no other certification as close.
        near = [
            cert
            for cert, words in _NAME_WORDS
            if len(words) >= 4 and sum(text.has(w) for w in words) >= len(words) - 1
        ]
        if len(near) == 1:
            best = (0, near[0])
    if best is not None:
        cert_words = _ALL_NAME_WORDS[best[1].slug]
        rest = " ".join(w for w in norm.split() if correct(w) not in cert_words)
        return best[1].slug, None, rest
    return None, None, norm


# Exam code prefixes Microsoft uses; "AB-123" with another prefix is not read as an exam code.
_EXAM_PREFIXES = {"az", "dp", "ai", "pl", "mb", "ms", "md", "sc", "gh", "mo", "ab", "70"}
_GENERIC_NAME_WORDS = {
    "azure",
    "microsoft",
    "certified",
    "associate",
    "specialty",
    "expert",
    "&",
    "and",
    "for",
    "on",
    "the",
    "of",
}
# Each nameable certification with the words that identify it, and all the words of its name.
_NAME_WORDS = [
    (cert, [w for w in _WORD.findall(_plain(cert.name)) if w not in _GENERIC_NAME_WORDS])
    for cert in _NAMEABLE
]
_ALL_NAME_WORDS = {cert.slug: frozenset(_WORD.findall(_plain(cert.name))) for cert in _NAMEABLE}


# The offer types any rule version excludes from Azure consumption ("Trial", "Benefit Program"...).
_EXCLUDED_OFFERS = sorted(
    {o for rules in default_catalog().rule_sets.values() for o in rules.filters.excluded_offers},
    key=len,
    reverse=True,
)


# Partner associations a question may name: those some rule version counts, and those no version counts.
_ASSOCIATIONS = ["DPOR", "PAL", "CSP", "CPOR", "TPOR"]


def _areas(text: _Text) -> list[Area]:
    found = []
    for area, words in lexicon.AREA_WORDS.items():
        if text.any(words):
            found.append(area)
    # "Digital & App Innovation" also says "app": the explicit token wins over loose words.
    for area in Area:
        if text.has(f"area_{area}"):
            return [area, *[a for a in found if a != area]]
    return found


def _metric(text: _Text) -> Metric | None:
    for metric, words in lexicon.METRIC_WORDS.items():
        if text.any(words):
            return metric
    return None


def _section(text: _Text) -> Section | None:
    for section, words in lexicon.SECTION_WORDS.items():
        if text.any(words):
            return section
    return None


_MAX_CORRECTED = 40  # words past this many are matched as written (a question is a sentence, not a page)


def _text(norm: str) -> _Text:
    words = _WORD.findall(norm)
    words = [correct(w) for w in words[:_MAX_CORRECTED]] + words[_MAX_CORRECTED:]
    return _Text(words=words, compact=norm.replace(" ", ""))


def understand(message: str) -> Query:
    return _understand(normalize(message))


_PERCENT = re.compile(r"(\d+(?:[.,]\d+)?)\s*(?:%|percent|pour\s*cent|prozent|퍼센트|프로|個百分點)")
_NUMBER = re.compile(r"(?<![a-z0-9_-])(\d{1,3})(?![\d%])")
# Bare words that name the Data & AI area only when nothing says they mean "the data" we hold.
_GENERIC_DATA = {"data", "donnees", "daten", "데이터", "資料", "数据", "數據"}
_DETERMINERS = re.compile(
    r"\b(?:the|my|our|your|mes|nos|vos|les|des|meine|unsere|die|der)\s+(?:data|donnees|daten)\b"
)


# "$750", "750 dollars", "1,000 USD", "750달러", "750美元": an amount of money in US dollars.
_AMOUNT = re.compile(
    r"(?:\$|usd|us\$)\s?(\d[\d,.\s]*\d|\d)|(\d[\d,.\s]*\d|\d)\s?(?:\$|usd|dollars?|dollar|달러|美元|美金)"
)


# "5.1.2027", "20.01.", "2027-01-05", "1/5/2027": a day. Day first unless the text is ISO or the second
# number cannot be a month; a missing year is the next such day (resolved against the scoring date).
_DATE = re.compile(
    r"(?<![\d.])(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)"
    r"|(?<![\d.])(\d{1,2})[./](\d{1,2})(?:[./](\d{2,4}))?(?![\d%])"
)


# "12월 20일", "12月20日", "20 décembre 2026", "20. Dezember", "December 20": a day in words.
_CJK_DATE = re.compile(r"(?:(\d{4})\s*(?:년|年)\s*)?(\d{1,2})\s*(?:월|月)\s*(\d{1,2})\s*(?:일|日|號|号)")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "janvier", "januar", "jan"),
            ("february", "fevrier", "februar", "feb"),
            ("march", "mars", "marz", "mar"),
            ("april", "avril", "apr"),
            ("may", "mai"),
            ("june", "juin", "juni", "jun"),
            ("july", "juillet", "juli", "jul"),
            ("august", "aout", "aug"),
            ("september", "septembre", "sept", "sep"),
            ("october", "octobre", "oktober", "oct", "okt"),
            ("november", "novembre", "nov"),
            ("december", "decembre", "dezember", "dec", "dez"),
        ),
        start=1,
    )
    for name in names
}
_WORD_DATE = re.compile(
    r"(?:(\d{1,2})\.?\s+(" + "|".join(_MONTHS) + r")\b|\b(" + "|".join(_MONTHS) + r")\s+(\d{1,2})\b)"
    r"(?:\s*,?\s*(\d{4}))?"
)


def _date(norm: str) -> tuple[int, int, int | None] | None:
    if (cjk := _CJK_DATE.search(norm)) is not None:
        year = int(cjk.group(1)) if cjk.group(1) else None
        return (int(cjk.group(3)), int(cjk.group(2)), year) if 1 <= int(cjk.group(2)) <= 12 else None
    if (words := _WORD_DATE.search(norm)) is not None:
        day = int(words.group(1) or words.group(4))
        month = _MONTHS[words.group(2) or words.group(3)]
        year = int(words.group(5)) if words.group(5) else None
        return (day, month, year) if 1 <= day <= 31 else None
    found = _DATE.search(norm)
    if found is None:
        return None
    if found.group(1):
        year, month, day = int(found.group(1)), int(found.group(2)), int(found.group(3))
    else:
        day, month = int(found.group(4)), int(found.group(5))
        year = int(found.group(6)) if found.group(6) else None
        if month > 12 >= day:
            day, month = month, day
        if year is not None and year < 100:
            year += 2000
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return day, month, year


# "115k", "1.2m", "120 000" beside "ACR": an amount without its currency sign.
_SHORT_AMOUNT = re.compile(r"(?<![\w.,])(\d+(?:[.,]\d+)?)\s?(k|m\b|萬|万|만)")
_MULTIPLIER = {"k": 1_000, "m": 1_000_000, "萬": 10_000, "万": 10_000, "만": 10_000}


def _amount(norm: str) -> float | None:
    short = _SHORT_AMOUNT.search(norm)
    if short is not None:
        return float(short.group(1).replace(",", ".")) * _MULTIPLIER[short.group(2)]
    found = _AMOUNT.search(norm)
    if found is None:
        return None
    digits = re.sub(r"[\s,]|\.(?=\d{3}\b)", "", found.group(1) or found.group(2))  # "1,000", "1.000"
    try:
        return float(digits)
    except ValueError:
        return None


def _count(norm: str, text: _Text) -> int | None:
    found = _NUMBER.search(norm)
    if found:
        return int(found.group(1))
    for word in text.words:
        if word in lexicon.NUMBER_WORDS:
            return lexicon.NUMBER_WORDS[word]
    if text.has_cjk:
        for word, value in lexicon.NUMBER_WORDS.items():
            if _CJK.search(word) and word in text.compact:
                return value
    return None


def _what_if(norm: str, text: _Text, slug: str | None, metric: Metric | None) -> WhatIf | None:
    percent = _PERCENT.search(norm)
    # A percentage in a what-if is a growth rate unless another metric is named ("et si on passe à 25 % ?").
    if percent and (metric in (Metric.USAGE_GROWTH, None) or text.any(lexicon.GROW)):
        value = float(percent.group(1).replace(",", "."))
        return WhatIf("growth", percent=value, relative=text.any(lexicon.RELATIVE_GROWTH))
    if slug is not None:
        return WhatIf("certify", count=max(1, min(_count(norm.replace(slug, " "), text) or 1, 50)))
    amount = _amount(norm)
    if amount is not None and (metric == Metric.USAGE_GROWTH or text.any(lexicon.GROW) or text.has("acr")):
        return WhatIf("acr", amount=amount)  # "et si l'usage passe à 120 000 $ ?": that ACR itself
    customers = metric == Metric.NET_CUSTOMER_ADDS or text.any(lexicon.MORE_CUSTOMERS)
    if customers or metric == Metric.DEPLOYMENTS:
        return _counted("customers" if customers else "services", norm, text, 1000 if customers else 50)
    if text.any(lexicon.LEAVE):
        return WhatIf("leaves")  # "what if Inès leaves?": who leaves is found in the original message
    return None


def _counted(kind: str, norm: str, text: _Text, most: int) -> WhatIf:
    """A change in a counted figure: more of it, fewer ("if a customer leaves"), or the figure itself."""
    said = _count(norm, text)
    if said is not None and text.any(lexicon.ONLY_VALUE) and not text.any(lexicon.MORE):
        return WhatIf(kind, count=min(said, most), absolute=True)
    count = max(1, min(said or 1, most))
    fewer = text.any(lexicon.FEWER) or text.any(lexicon.LEAVE)
    return WhatIf(kind, count=-count if fewer else count)


def _data_means_area(norm: str, text: _Text, areas: list[Area]) -> list[Area]:
    """Drop Data & AI when its only word is "data" meaning "our data" ("when is the data refreshed")."""
    if Area.DATA_AI not in areas or text.has("area_data_ai"):
        return areas
    specific = [w for w in lexicon.AREA_WORDS[Area.DATA_AI] if w not in _GENERIC_DATA]
    if text.any(specific):
        return areas
    if (
        _DETERMINERS.search(norm)
        or text.any(lexicon.START_INTAKE_WORDS)
        or any(text.any(words) for words in lexicon.FACT_WORDS.values())
    ):
        return [a for a in areas if a != Area.DATA_AI]
    return areas


# "How long do we stay qualified?" is the window, not the skilling lag its "how long" also says.
_FACT_ORDER = ("window", "skilling_delay")  # "how long until a renewal shows" is no data refresh


def _fact(text: _Text, intent_cued: bool) -> str | None:
    """The programme fact asked about: the topic with the longest phrase found ("多久更新" is the
    refresh, "多久" alone the skilling lag); on a tie, `_FACT_ORDER` first."""
    best: tuple[int, int, str] | None = None
    for rank, topic in enumerate(sorted(lexicon.FACT_WORDS, key=lambda t: t not in _FACT_ORDER)):
        found = [len(p.replace(" ", "")) for p in lexicon.FACT_WORDS[topic] if text.has(p)]
        if found and (best is None or (max(found), -rank) > best[:2]):
            best = (max(found), -rank, topic)
    return best[2] if best else None


def _asks_our_track(full: _Text, text: _Text, tracks: list[Track], metric: Metric | None) -> bool:
    """ "Which track are we on?", "sind wir jetzt SMB oder Enterprise?": the partner's own track; not
    "SMB vs enterprise?" (how they differ), "what if we were on SMB?" (a what-if), nor "the minimum ACR
    for a customer on our track" (the customer rule)."""
    named = full.any(lexicon.OUR_TRACK) or (bool(tracks) and full.any(lexicon.WE_ARE))
    return (
        named
        and not (full.any(lexicon.COMPARE) and not full.any(lexicon.OURS))
        and not (metric or text.any(lexicon.MORE_CUSTOMERS))
        and not full.any(lexicon.WHAT_IF)
    )


@lru_cache(maxsize=4096)
def _understand(norm: str) -> Query:
    """Pure in the normalized text, so cached: people ask the same few questions over and over."""
    if not norm.strip():
        return Query(Intent.HELP)
    full = _text(norm)
    slug, unknown_exam, rest = _find_certification(norm, full)
    text = _text(rest)
    areas = _data_means_area(rest, text, _areas(text))
    metric = _metric(text)
    partner_score = text.any(lexicon.PARTNER_SCORE_WORDS)
    cloud = text.any(lexicon.CLOUD_PLATFORM_WORDS) and not partner_score
    named_levels = [level for level, words in lexicon.CLOUD_LEVEL_WORDS.items() if text.any(words)]
    cloud_level = named_levels[0] if len(named_levels) == 1 and cloud else None
    cues = {intent: text.any(words) for intent, words in lexicon.INTENT_WORDS.items()}
    zero = bool(_ZERO_POINTS.search(norm)) or full.any(lexicon.ZERO_WORDS) or "0" in full.words
    if zero:
        cues[Intent.WHY] = True
    excluded = next((s for s in lexicon.EXCLUDED_SERVICE_WORDS if full.has(s)), None)
    if excluded is not None:
        metric = metric or Metric.DEPLOYMENTS
    association = next((a for a in _ASSOCIATIONS if full.has(a.casefold())), None)
    offer = next((o for o in _EXCLUDED_OFFERS if full.has(o.casefold())), None)
    # "Trial offers in ACR?", "Trial 的訂閱算淨新增客戶嗎": an offer type the rules exclude, asked about.
    asks_offer = full.any(lexicon.OFFER_WORDS) or metric == Metric.NET_CUSTOMER_ADDS
    excluded_offer = offer if offer is not None and asks_offer else None
    tracks = [track for track, words in lexicon.TRACK_WORDS.items() if full.any(words)]
    # Korean and Chinese run words together: about three characters make a word for "a short message".
    words = sum(max(1, len(w) // 3) if _CJK.search(w) else 1 for w in full.words)
    shared = {
        "areas": tuple(areas),
        "metric": metric,
        "certification": slug,
        "unknown_exam": unknown_exam,
        "cloud_platform": cloud,
        "cloud_level": cloud_level,
        "follow_up": full.any(lexicon.FOLLOW_UP),
        "pronoun": full.any(lexicon.PRONOUNS),
        # A yes/no question opens with its verb in English, French and German ("do VMs count…?"); in
        # Korean and Chinese it ends with its particle ("…되나요?", "…嗎？").
        "yes_no": (bool(full.words) and _compiled(lexicon.YES_NO).singles.__contains__(full.words[0]))
        or full.any([p for p in lexicon.YES_NO if " " in p or _CJK.search(p)]),
        "zero": zero,
        "excluded_service": excluded,
        "words": words,
        "percent": float(said.group(1).replace(",", ".")) if (said := _PERCENT.search(norm)) else None,
        "count": _count(rest, text),
        "how_many": full.any(lexicon.HOW_MANY),
        "ours_count": full.any(lexicon.HOW_MANY) and full.any(lexicon.WE_HAVE),
        "asks_qualified": full.any(lexicon.QUALIFY_WORDS),
        "closest": full.any(lexicon.CLOSEST),
        "first": full.any(lexicon.FIRST),
        "already": full.any(lexicon.ALREADY),
        "worth": full.any(lexicon.WORTH),
        "date": _date(norm),
        "loses": full.any(lexicon.FEWER) or full.any(lexicon.LOST_POINTS),
        "about_customers": metric == Metric.NET_CUSTOMER_ADDS or text.any(lexicon.MORE_CUSTOMERS),
        "count_verb": full.any(lexicon.COUNT_VERBS),
        "amount": _amount(norm),
        "who": full.any(lexicon.WHO_CUES),
        "ours": full.any(lexicon.OURS),
        "person_pronoun": full.any(lexicon.PERSON_PRONOUNS),
        "asks_excluded": full.any(lexicon.EXCLUDED_CUES) and not full.any(lexicon.EITHER_OR),
        "threshold": full.any(lexicon.THRESHOLD),
        "sovereign": full.any(lexicon.SOVEREIGN),
        "our_track": _asks_our_track(full, text, tracks, metric) and not cues[Intent.SCORE],
        "association": association,
        "also": full.any(lexicon.ALSO),
        "avoid": full.any(lexicon.AVOID),
        "which_count": full.any(lexicon.WHICH_COUNT),
        "correction": full.any(lexicon.CORRECTION),
        "renews": full.any(lexicon.RENEW),
        "partner_score": partner_score,
        "excluded_offer": excluded_offer,
        "track": tracks[0] if len(tracks) == 1 else None,
    }

    def query(intent: Intent, section: Section | None = None, thanks: bool = False, **extra: object) -> Query:
        explicit = bool(extra.pop("cued", False))
        cued = explicit or any(cues.values())
        return Query(
            intent,
            areas[0] if areas else None,
            section=section,
            thanks=thanks,
            cued=cued,
            **shared,  # type: ignore[arg-type]
            **extra,  # type: ignore[arg-type]
        )

    # 1. Notifications: "stop notifications", "unsubscribe", "Benachrichtigungen aus", "알림 끄기"...
    # An action, so never from a question about something else ("Trial 訂閱的 ACR 算嗎": a subscription).
    about_other = slug or metric or excluded_offer or association or shared["sovereign"]
    if not (about_other or full.any(lexicon.OFFER_WORDS) or full.any(lexicon.COUNT_VERBS)):
        if full.any(lexicon.STOP_ALONE):
            return query(Intent.STOP_NOTIFICATIONS, cued=True)
        if full.any(lexicon.START_ALONE) and not full.any(lexicon.NOTIFICATION_WORDS):
            return query(Intent.START_NOTIFICATIONS, cued=True)
        if full.any(lexicon.NOTIFICATION_WORDS):
            if full.any(lexicon.STOP_WORDS):
                return query(Intent.STOP_NOTIFICATIONS, cued=True)
            if full.any(lexicon.START_WORDS):
                return query(Intent.START_NOTIFICATIONS, cued=True)
            return query(Intent.HELP, cued=True)
    if shared["our_track"]:
        return query(Intent.RULE, cued=True)  # "welcher Track gilt für uns?"
    if len(tracks) > 1 and full.any(lexicon.WHAT_IF) and not slug:
        # "what if we were on the enterprise track instead of SMB?": the other track than ours
        return query(Intent.WHAT_IF, what_if=WhatIf("track"), cued=True)
    if len(tracks) > 1 or (tracks and full.any(lexicon.COMPARE)):
        return query(Intent.RULE, compare_tracks=True, cued=True)  # "SMB vs enterprise?"
    # 2. "What if Bo passes AZ-305?", "et si on gagne deux clients ?": the engine on a changed copy
    # ("what happens when Ada's AZ-104 expires?" is an expiry question, even with its "if").
    if full.any(lexicon.RENEW) and full.any(lexicon.GAIN_CUES) and not full.any(lexicon.WHAT_IF):
        # "was bringt die Verlängerung?": renewing the certification the conversation is about.
        return query(Intent.WHAT_IF, what_if=WhatIf("certify"), cued=True)
    counted_topic = metric in (Metric.NET_CUSTOMER_ADDS, Metric.DEPLOYMENTS) or text.any(
        lexicon.MORE_CUSTOMERS
    )
    if full.any(lexicon.NOT_RENEW) and not counted_topic:  # "si on perd un client": a customers what-if
        return query(Intent.EXPIRY, cued=True)  # "what if Élodie does not renew her AZ-700?"
    renews = full.any(lexicon.RENEW)
    # "갱신하면 점수 반영까지 얼마나 걸려": how long a renewal takes to show is the skilling lag, no what-if.
    lag = text.any(lexicon.FACT_WORDS["skilling_delay"]) and not _PERCENT.search(norm)
    counted = False  # "what if it is only one?": a number of something the conversation is about
    change = _what_if(norm, text, slug, metric) if full.any(lexicon.WHAT_IF) else None
    conditional = full.any(lexicon.WHAT_IF) or full.any(lexicon.CONDITIONAL)
    if change is None and len(tracks) == 1 and conditional and not slug and not shared["our_track"]:
        change = WhatIf("track", track=tracks[0])  # "SMB 트랙이면 점수 어떻게 돼?"
        if not full.any(lexicon.WHAT_IF):
            return query(Intent.WHAT_IF, what_if=change, cued=True)  # "hätten wir im SMB-Track?"
    # "how does the score change if we sign 2 more customers?": a figure makes it a what-if, even
    # with a rule word in it.
    counted = change is not None and change.kind != "certify" and bool(_NUMBER.search(norm) or change.percent)
    more_or_fewer = full.any(lexicon.MORE) or full.any(lexicon.FEWER)
    if change is None and more_or_fewer and _count(norm, text) is not None and not slug:
        more_of = _what_if(norm, text, None, metric)
        if more_of is not None and more_of.kind in ("customers", "services"):
            return query(Intent.WHAT_IF, what_if=more_of, cued=True)  # "und mit zwei Kunden weniger?"
    if (
        full.any(lexicon.WHAT_IF)
        and not lag
        and (counted or not cues[Intent.RULE] or full.any(lexicon.PASS))  # "was bringt es, wenn Anna … macht"
        and (renews or not full.any(lexicon.EXPIRY))
    ):
        passes = renews or full.any(lexicon.PASS)
        if change is not None and (change.kind != "certify" or passes or full.any(lexicon.WHAT_IF_STRONG)):
            return query(Intent.WHAT_IF, what_if=change, cued=True)
        if (
            change is None
            and (passes or (counted := _count(norm, text) is not None and not cues[Intent.PLAN]))
            and (full.any(lexicon.PRONOUNS) or words <= 4 or renews or counted or _NUMBER.search(norm))
        ):
            # "what if Grace gets it?": the certification comes from the conversation ("what if 2 fewer?"
            # after a customers what-if: the customers, see follow_up).
            return query(Intent.WHAT_IF, what_if=_counted("certify", norm, text, 1000), cued=True)
    asks_amount = full.has("acr") or shared["amount"] is not None or shared["threshold"]
    customer_counts = full.any(lexicon.COUNT_VERBS) and text.any(lexicon.MORE_CUSTOMERS)
    counts_ours = full.any(lexicon.WE_HAVE) or customer_counts
    if counted_topic and shared["how_many"] and counts_ours and not (asks_amount or slug or text.has("min")):
        # "how many of our customers count?", "combien de clients éligibles on a": our own figure and
        # what it is made of (the why answer gives the counts behind net adds; the score line, services).
        customers = metric == Metric.NET_CUSTOMER_ADDS or text.any(lexicon.MORE_CUSTOMERS)
        return query(Intent.WHY if customers else Intent.SCORE, cued=True)
    if partner_score and full.any(lexicon.DEFINITION) and not (metric or areas or full.any(lexicon.WE_HAVE)):
        return query(Intent.RULE, cued=True)  # "파트너 역량 점수가 정확히 뭐예요?": how the score works
    names_other = slug or metric or text.any(lexicon.MORE_CUSTOMERS) or full.any(lexicon.WHAT_IF)
    if shared["worth"] and not names_other:
        # "combien vaut Élodie pour nous ?": the scores without that person (see respond for no person)
        return query(Intent.WHAT_IF, what_if=WhatIf("leaves"), cued=True)
    about_points = bool(metric) or cues[Intent.SCORE] or partner_score
    prices = full.any(lexicon.PRICES) and bool(slug or unknown_exam) and not about_points
    if full.any(lexicon.REQUESTS) or prices:
        return query(Intent.UNKNOWN, cued=True, out_of_scope=True)  # "book me an AZ-305 voucher"
    if full.any(lexicon.OUT_OF_SCOPE) and not slug:
        return query(Intent.UNKNOWN, cued=True, out_of_scope=True)  # "Dynamics 365 score?": not ours
    moved = full.any(lexicon.LOST_POINTS) or full.any(lexicon.WENT_UP)
    # "why did we lose points on certs?" (but "will it drop if X expires?" is an expiry question)
    if moved and not cues[Intent.RULE] and not full.any(lexicon.EXPIRY):
        return query(Intent.CHANGES, cued=True)
    # What changed since last month comes before the intake's verbs (a French 'a changé' is no 'change').
    if (
        full.any(lexicon.CHANGES)
        and not cues[Intent.RULE]
        and (not text.any(lexicon.WHY_STRONG) or full.any(lexicon.SINCE))
    ):
        return query(Intent.CHANGES, cued=True)
    # 3. Start or update the data ("update my customers", "commencer", "데이터 업데이트").
    questions = (Intent.WHY, Intent.RULE, Intent.SCORE, Intent.PLAN)
    # "When is the data updated?" asks a fact, it does not start the intake.
    asks_when = full.any(lexicon.WHEN) and (_fact(full, True) is not None or full.any(lexicon.DATA_WORDS))
    if (
        full.any(lexicon.START_INTAKE_WORDS)
        and not any(cues[i] for i in questions)
        and not asks_when
        and not full.any(lexicon.EXPIRY)  # "qu'est-ce que ça change si celle d'Inès expire ?"
        and not (excluded_offer or association or full.any(lexicon.COUNT_VERBS))  # "TPOR 算淨新增客戶嗎"
    ):
        section = _section(full)
        about_data = section or full.any(lexicon.DATA_WORDS) or len(full.words) <= 2
        if (about_data or not (areas or metric or slug)) and not (slug and full.any(lexicon.WHO_CUES)):
            return query(Intent.START_INTAKE, section, cued=True)
    if full.any(lexicon.EXPIRY) and full.any(lexicon.COUNT_VERBS) and not slug and areas == [] and not metric:
        return query(Intent.FACT, fact="expired", cued=True)  # "do expired certifications still count?"
    if shared["date"] is not None and (
        full.any(lexicon.EXPIRY) or full.any(lexicon.HAPPENS) or (full.any(lexicon.FOLLOW_UP) and words <= 4)
    ):
        return query(Intent.EXPIRY, cued=True)  # "was passiert am 5.1.2027?", "und am 20.01.?"
    # 4. Expiry and change over time.
    if full.any(lexicon.EXPIRY) and not cues[Intent.RULE]:
        return query(Intent.EXPIRY, cued=True)
    asks_list = full.any(lexicon.WHICH) or full.any(lexicon.WHICH_COUNT)  # "which ones count? DPOR too?"
    if association and (shared["yes_no"] or full.any(lexicon.COUNT_VERBS)) and not (slug or asks_list):
        return query(Intent.RULE, cued=True)  # "PAL 연결된 고객도 ACR에 포함돼?"
    # 5. Programme facts (refresh dates, the qualification window...), unless a score question names a metric.
    fact = _fact(full, any(cues.values())) or ("refresh" if asks_when else None)
    if fact == "skilling_delay" and metric is not None and metric not in SKILLING:
        fact = None  # "ab wann zählt ein Kunde?": when a customer counts is the customer rule
    if fact is not None and not (metric and (cues[Intent.WHY] or cues[Intent.PLAN])) and not zero:
        return query(Intent.FACT, fact=fact, cued=True)
    # 6. Questions, most specific first. "Explain how growth is calculated" is a rule question, but
    # "why is growth calculated like that" is a why question: a real "why" beats rule cues.
    if shared["closest"] and not (metric or slug or cues[Intent.WHY]):
        return query(Intent.SCORE, cued=True)  # "which area is closest?": the answer leads with it
    if full.any(lexicon.WHO_CUES) and full.any(lexicon.COUNT_VERBS) and not (slug or areas or metric):
        return query(Intent.CERTIFICATIONS, cued=True)  # "wer zählt da überhaupt?": who holds what counts
    if text.any(lexicon.WHY_STRONG):
        return query(Intent.WHY)
    if shared["sovereign"] and (full.any(lexicon.OFFER_WORDS) or full.any(lexicon.COUNT_VERBS) or metric):
        return query(Intent.RULE, cued=True)  # "les abonnements Azure Chine comptent ?"
    if excluded_offer is not None:
        return query(Intent.RULE, cued=True)  # "les offres Trial comptent dans l'ACR ?"
    if shared["amount"] is not None and counted_topic and not full.any(lexicon.WHAT_IF):
        # "zählt ein Kunde mit 750 Dollar im Monat?": the eligible-customer threshold, yes or no.
        return query(Intent.RULE, cued=True)
    customers_rule = metric == Metric.NET_CUSTOMER_ADDS or text.any(lexicon.MORE_CUSTOMERS)
    if (
        customers_rule
        and full.any(lexicon.COUNT_VERBS)
        and (shared["how_many"] or shared["threshold"])
        and (not full.any(lexicon.WE_HAVE) or full.has("acr"))  # "how many of our customers count?": ours
    ):
        return query(Intent.RULE, cued=True)  # "il faut combien d'ACR pour qu'un client compte ?"
    if excluded is not None and (
        shared["yes_no"]
        or full.any(lexicon.LIST_CUES)
        or full.any(lexicon.EXCLUDED_CUES)
        or full.any(lexicon.COUNT_VERBS)
    ):
        return query(Intent.RULE, cued=True)  # "do VMs count as deployments?"
    if full.any(lexicon.GATE) and not slug:
        return query(Intent.RULE, gate=True, cued=True)  # "how many ppl need the prereq cert?"
    if slug and shared["how_many"] and (cues[Intent.PLAN] or full.any(lexicon.GATE)):
        return query(Intent.CERTIFICATIONS, cued=True)  # "how many SAEs do we need for the gate?": its steps
    if shared["person_pronoun"] and full.any(lexicon.ELSE) and not (slug or metric or areas):
        return query(Intent.CERTIFICATIONS, cued=True)  # "what else does he have?"
    if full.any(lexicon.SCORE_STRONG) and not metric:
        return query(Intent.SCORE, cued=True)
    if cues[Intent.RULE] and slug and not metric:
        return query(Intent.CERTIFICATIONS, cued=True)  # "what is AZ-305 worth?": where it counts
    if shared["threshold"] and not (metric or zero):
        return query(Intent.RULE, cued=True)  # "ab wie vielen Punkten ist man qualifiziert?"
    if cues[Intent.RULE] and not zero:
        return query(Intent.RULE)
    if cues[Intent.WHY]:
        return query(Intent.WHY)
    names_cert = full.any(lexicon.CERTIFICATION_NOUNS)
    who = full.any(lexicon.WHO_CUES)
    if slug and full.any(lexicon.HOW_MANY_PEOPLE):
        return query(Intent.CERTIFICATIONS, cued=True)  # "how many people need AZ-305?": its steps say
    if who and not (areas or metric) and (shared["words"] <= 3 or full.any(lexicon.PRONOUNS)):
        return query(Intent.CERTIFICATIONS, cued=True)  # "who has it?", "誰有？"
    if who and (slug or unknown_exam or full.any(lexicon.PRONOUNS) or names_cert or metric in SKILLING):
        return query(Intent.CERTIFICATIONS, cued=True)
    if (slug or unknown_exam) and not cues[Intent.PLAN]:
        return query(Intent.CERTIFICATIONS, cued=True)
    if full.any(lexicon.WHICH_COUNT) and not (cues[Intent.PLAN] or cues[Intent.SCORE]):
        return query(Intent.CERTIFICATIONS, cued=True)
    if names_cert and not cues[Intent.SCORE] and (full.any(lexicon.LIST_CUES) or not cues[Intent.PLAN]):
        return query(Intent.CERTIFICATIONS, cued=True)
    if cues[Intent.PLAN] and full.any(lexicon.HELP_STRONG) and not (areas or metric or cloud):
        return query(Intent.HELP)  # "I need help" asks for help, not for a plan
    if cues[Intent.PLAN]:
        return query(Intent.PLAN)
    if cues[Intent.SCORE] or partner_score:
        return query(Intent.SCORE, cued=True)
    if areas or metric or cloud:
        return query(Intent.SCORE)  # "infra?" alone: a score, unless the conversation says otherwise
    if names_cert:
        return query(Intent.CERTIFICATIONS, cued=True)
    if cues[Intent.HELP]:
        return query(Intent.HELP)
    if full.any(lexicon.THANKS):
        return query(Intent.HELP, thanks=True, cued=True)
    return query(Intent.UNKNOWN)


SKILLING = (Metric.INTERMEDIATE_CERTIFICATIONS, Metric.ADVANCED_CERTIFICATIONS)


def is_known_word(word: str) -> bool:
    """A word of the bot's vocabulary or of a certification's name (so not a person's name)."""
    norm = normalize(word)
    return not norm or norm in _VOCABULARY or correct(norm) != norm


def is_vocabulary_word(word: str) -> bool:
    """A word the bot's vocabulary has exactly ("data", "infra"): not one it would correct a typo to."""
    norm = normalize(word)
    return bool(norm) and norm in _VOCABULARY
