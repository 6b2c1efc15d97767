"""Plain-language question -> structured query (intent, area, metric, certification, section).

Keyword spotting over all five languages (see `lexicon`), tolerant of typos (difflib ratio on each
word, cached), word order (cues are found anywhere) and CJK text without spaces (substring match).
Exam codes and certification names are resolved through the scoring catalog.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from scoring.catalog import Certification, default_catalog, resolve_certification
from scoring.ids import Area, Metric

from . import lexicon
from .model import Intent, Section

_CJK = re.compile(r"[\u1100-\u11ff\u3130-\u318f\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")
# Exam codes, also glued to Korean/Chinese particles ("AZ-305는", "AZ-104가"), hence no \b at the end.
_EXAM = re.compile(r"(?<![a-z0-9])([a-z]{2,3})\s?-?\s?(\d{3})(?!\d)|(?<![a-z0-9])(70)\s?-?\s?(\d{3})(?!\d)")
_WORD = re.compile(r"[a-z0-9_]+(?:-[a-z0-9]+)*|[^\sa-z0-9_]+")
# Tokens that look like an exam code but are not meant as one ("top 100", "le 100"...).
_ZERO_POINTS = re.compile(r"(?<![\d.,])0\s*(?:점|分|pts?\b|points?\b|punkte?\b)")
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
    for pattern, token in lexicon.ABBREVIATIONS:
        text = re.sub(pattern, token, text)
    text = re.sub(r"[^\w&\s-]", " ", text)  # punctuation (CJK punctuation too) becomes a space
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
    for name, value in vars(lexicon).items():
        if not name.isupper() or name == "ABBREVIATIONS":
            continue
        lists = value.values() if isinstance(value, dict) else [value]
        for phrases in lists:
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
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.8)
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


@lru_cache(maxsize=4096)
def _understand(norm: str) -> Query:
    """Pure in the normalized text, so cached: people ask the same few questions over and over."""
    if not norm.strip():
        return Query(Intent.HELP)
    full = _text(norm)
    slug, unknown_exam, rest = _find_certification(norm, full)
    text = _text(rest)
    areas = _areas(text)
    metric = _metric(text)
    cloud = text.any(lexicon.CLOUD_PLATFORM_WORDS)
    named_levels = [level for level, words in lexicon.CLOUD_LEVEL_WORDS.items() if text.any(words)]
    cloud_level = named_levels[0] if len(named_levels) == 1 else None
    cues = {intent: text.any(words) for intent, words in lexicon.INTENT_WORDS.items()}
    # "0 points" / "0점" / "0分" as a number on its own (not the 0 of "70점") is a why cue.
    if _ZERO_POINTS.search(norm):
        cues[Intent.WHY] = True

    def query(intent: Intent, section: Section | None = None, thanks: bool = False) -> Query:
        return Query(
            intent,
            areas[0] if areas else None,
            metric,
            slug,
            unknown_exam,
            cloud,
            section,
            tuple(areas),
            thanks,
            cloud_level,
        )

    # 1. Notifications: "stop notifications", "unsubscribe", "Benachrichtigungen aus", "알림 끄기"...
    if full.any(lexicon.STOP_ALONE):
        return query(Intent.STOP_NOTIFICATIONS)
    if full.any(lexicon.START_ALONE) and not full.any(lexicon.NOTIFICATION_WORDS):
        return query(Intent.START_NOTIFICATIONS)
    if full.any(lexicon.NOTIFICATION_WORDS):
        if full.any(lexicon.STOP_WORDS):
            return query(Intent.STOP_NOTIFICATIONS)
        if full.any(lexicon.START_WORDS):
            return query(Intent.START_NOTIFICATIONS)
        return query(Intent.HELP)
    # 2. Start or update the data ("update my customers", "commencer", "데이터 업데이트").
    questions = (Intent.WHY, Intent.RULE, Intent.SCORE, Intent.PLAN)
    if full.any(lexicon.START_INTAKE_WORDS) and not any(cues[i] for i in questions):
        section = _section(full)
        if section or full.any(lexicon.DATA_WORDS) or len(full.words) <= 2 or not (areas or metric or slug):
            return query(Intent.START_INTAKE, section)
    # 3. Questions, most specific first. "Explain how growth is calculated" is a rule question, but
    # "why is growth calculated like that" is a why question: a real "why" beats rule cues.
    if text.any(lexicon.WHY_STRONG):
        return query(Intent.WHY)
    if cues[Intent.RULE]:
        return query(Intent.RULE)
    if cues[Intent.WHY]:
        return query(Intent.WHY)
    names_cert = full.any(lexicon.CERTIFICATION_NOUNS)
    if (slug or unknown_exam) and (full.any(lexicon.WHO_CUES) or not cues[Intent.PLAN]):
        return query(Intent.CERTIFICATIONS)
    if names_cert and not cues[Intent.SCORE] and (full.any(lexicon.LIST_CUES) or not cues[Intent.PLAN]):
        return query(Intent.CERTIFICATIONS)
    if cues[Intent.PLAN] and full.any(lexicon.HELP_STRONG) and not (areas or metric or cloud):
        return query(Intent.HELP)  # "I need help" asks for help, not for a plan
    if cues[Intent.PLAN]:
        return query(Intent.PLAN)
    if cues[Intent.SCORE] or areas or metric or cloud:
        return query(Intent.SCORE)
    if names_cert:
        return query(Intent.CERTIFICATIONS)
    if cues[Intent.HELP]:
        return query(Intent.HELP)
    if full.any(lexicon.THANKS):
        return query(Intent.HELP, thanks=True)
    return query(Intent.UNKNOWN)
