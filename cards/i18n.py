"""User-facing text, one folder per locale (`cards/locales/<locale>/*.json`).

Every file in a locale folder is a namespace: key `answers.score_line` is key `score_line` in
`answers.json`. Text uses `str.format` fields. A key may have plural forms as a dict keyed by CLDR
plural category (`{"one": "...", "other": "..."}`, and "zero", "two", "few", "many" where a language
has them), chosen by the `count` parameter with the language's CLDR rule (Babel): French uses "one"
for 0 and 1, Korean and Chinese always "other". A category the dict lacks falls back to "other". A
missing key falls back to English; a key missing in English is a bug and raises `KeyError` (tests
check every locale has every English key). Numbers, dates and lists are formatted by Babel (see
cards/explain.py), never by locale keys.

Korean particles: a field written `{name:을/를}` is followed by the particle that fits the sound the
inserted text ends with (`Grace를`, `Jisung을`, `DP-300을`, `AZ-305를`), so no text shows an
"을(를)" placeholder. Pairs: 이/가, 은/는, 을/를, 과/와, 으로/로 (see `korean_particle`).
"""

from __future__ import annotations

import json
import re
import string
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale

LOCALES_DIR = Path(__file__).parent / "locales"
DEFAULT_LOCALE = "en"
SUPPORTED_LOCALES = ("en", "fr", "de", "ko", "zh-TW")


def normalize_locale(locale: str | None) -> str:
    """Map a Teams activity locale (`fr-FR`, `zh-tw`, `zh-Hant-TW`, `de`) to a supported locale."""
    if not locale:
        return DEFAULT_LOCALE
    tag = locale.replace("_", "-").lower()
    if tag.startswith("zh"):
        # Only Traditional Chinese is shipped; Simplified falls back to English rather than mislead.
        return "zh-TW" if any(part in tag for part in ("tw", "hant", "hk", "mo")) else DEFAULT_LOCALE
    primary = tag.split("-", 1)[0]
    return primary if primary in SUPPORTED_LOCALES else DEFAULT_LOCALE


# Our locale codes as CLDR locales (Traditional Chinese as written in Taiwan).
_CLDR = {"en": "en", "fr": "fr", "de": "de", "ko": "ko", "zh-TW": "zh_Hant_TW"}


@cache
def cldr_locale(locale: str | None) -> Locale:
    """The Babel (CLDR) locale for a Teams locale, after `normalize_locale`."""
    parsed = Locale.parse(cldr_tag(locale))
    assert parsed is not None  # only None for a None identifier
    return parsed


def cldr_tag(locale: str | None) -> str:
    """The CLDR identifier ("fr", "zh_Hant_TW") for a Teams locale, after `normalize_locale`."""
    loc = locale if locale in SUPPORTED_LOCALES else normalize_locale(locale)
    return _CLDR[loc]


def plural_category(locale: str | None, count: float) -> str:
    """The CLDR plural category of `count` in `locale`: "one", "other", ... ("0 personne" in French)."""
    return cldr_locale(locale).plural_form(abs(count))


# A locale key's value: a text, or its plural forms by CLDR category ({"one": ..., "other": ...}).
Text = str | dict[str, str]


@cache
def catalog(locale: str) -> dict[str, Text]:
    """All keys of one locale, flattened as `namespace.key`."""
    folder = LOCALES_DIR / locale
    merged: dict[str, Text] = {}
    for path in sorted(folder.glob("*.json")):
        with path.open(encoding="utf-8") as handle:
            for key, value in json.load(handle).items():
                merged[f"{path.stem}.{key}"] = value
    return merged


def has(key: str) -> bool:
    return key in catalog(DEFAULT_LOCALE)


def t(locale: str | None, key: str, /, **params: Any) -> str:
    """The text for `key` in `locale` (normalised), formatted with `params`."""
    loc = normalize_locale(locale) if locale not in SUPPORTED_LOCALES else locale
    value = catalog(loc).get(key)
    if value is None:
        value = catalog(DEFAULT_LOCALE)[key]
    if isinstance(value, dict):
        count = params.get("count")
        category = plural_category(loc, count) if isinstance(count, int | float) else "other"
        value = value.get(category, value["other"])
    return format_text(value, params) if params else value


# --- Korean particles ---------------------------------------------------------------------------

# The particle after a word that ends in a consonant sound (batchim), and after one that does not.
PARTICLES = {
    "이/가": ("이", "가"),
    "은/는": ("은", "는"),
    "을/를": ("을", "를"),
    "과/와": ("과", "와"),
    "으로/로": ("으로", "로"),
}
_HANGUL_FIRST, _HANGUL_LAST, _RIEUL = 0xAC00, 0xD7A3, 8  # 8: ㄹ, the final consonant 으로/로 treats as none
# How the last letter or digit is read: its final consonant ("" none, "ㄹ" rieul, "C" another).
_LETTER_FINALS = {"L": "ㄹ", "M": "C", "N": "C", "R": "ㄹ"}  # 엘, 엠, 엔, 알; 에이, 비, 씨... end in a vowel
# 영 일 삼 육 칠 팔 end in a consonant; 이 사 오 구 in a vowel.
_DIGIT_FINALS = {"0": "C", "1": "ㄹ", "3": "C", "6": "C", "7": "ㄹ", "8": "ㄹ"}
# A round number is read by its last unit: 십 (10), 백, 천, 만 (10^4..10^7), 억 (10^8..), 조 (10^12..).
_ZEROS_FINALS = {1: "C", 2: "C", 3: "C", 4: "C", 8: "C", 12: ""}
_NUMBER = re.compile(r"(\$?)([\d,]*\d)(\.\d+)?(%?)$")
_WORD = re.compile(r"[A-Za-z]+$")
_PARTICLE_FIELD = re.compile(r"\{[a-z_]+:(?:" + "|".join(PARTICLES) + r")\}")


def _final_sound(text: str) -> str:
    """The final consonant the end of `text` is read with: "" (a vowel), "ㄹ", or "C" (another)."""
    text = text.rstrip(" .…”’\"'")
    while text.endswith(")") and "(" in text:
        # A particle after a parenthesis agrees with the word before it: "Expert(AZ-305)를".
        inner_start = text.rindex("(")
        text = (text[:inner_start] or text[inner_start + 1 : -1]).rstrip()
    if not text:
        return ""
    last = text[-1]
    if _HANGUL_FIRST <= ord(last) <= _HANGUL_LAST:
        final = (ord(last) - _HANGUL_FIRST) % 28
        return "" if final == 0 else "ㄹ" if final == _RIEUL else "C"
    number = _NUMBER.search(text)
    if number:
        dollar, whole, decimals, percent = number.groups()
        if dollar or percent:
            return ""  # 달러, 퍼센트
        if decimals:
            return _DIGIT_FINALS.get(decimals[-1], "")
        digits = whole.replace(",", "")
        zeros = len(digits) - len(digits.rstrip("0"))
        if zeros == 0 or int(digits) == 0:
            return _DIGIT_FINALS.get(digits[-1], "")
        unit = max(z for z in _ZEROS_FINALS if z <= zeros)
        return _ZEROS_FINALS[unit]
    word = _WORD.search(text)
    if word:
        letters = word.group()
        if len(letters) == 1 or letters.isupper():
            return _LETTER_FINALS.get(letters[-1].upper(), "")  # an abbreviation: letter by letter
        lower = letters.lower()
        if lower.endswith(("l", "le")):
            return "ㄹ"  # Excel 엑셀, Google 구글, Mobile 모바일
        return "C" if lower.endswith(("m", "n", "ng")) else ""  # Kim 킴, Jisung 지성; Ada 에이다
    return ""


def korean_particle(text: str, pair: str) -> str:
    """The particle of `pair` ("을/를", ...) that follows `text` as Korean reads it."""
    with_final, without = PARTICLES[pair]
    final = _final_sound(text)
    if pair == "으로/로":
        return with_final if final == "C" else without
    return with_final if final else without


class _Formatter(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec in PARTICLES:
            text = super().format_field(value, "")
            return text + korean_particle(text, format_spec)
        return super().format_field(value, format_spec)


_FORMATTER = _Formatter()


def format_text(text: str, params: dict[str, Any]) -> str:
    """`text.format(**params)`, with Korean particle fields (`{name:을/를}`) resolved."""
    if _PARTICLE_FIELD.search(text):
        return _FORMATTER.vformat(text, (), params)
    return text.format(**params)
