"""User-facing text, one folder per locale (`cards/locales/<locale>/*.json`).

Every file in a locale folder is a namespace: key `answers.score_line` is key `score_line` in
`answers.json`. Text uses `str.format` fields. A key may have plural forms as a dict keyed by CLDR
plural category (`{"one": "...", "other": "..."}`, and "zero", "two", "few", "many" where a language
has them), chosen by the `count` parameter with the language's CLDR rule (Babel): French uses "one"
for 0 and 1, Korean and Chinese always "other". A category the dict lacks falls back to "other". A
missing key falls back to English; a key missing in English is a bug and raises `KeyError` (tests
check every locale has every English key). Numbers, dates and lists are formatted by Babel (see
cards/explain.py), never by locale keys.
"""

from __future__ import annotations

import json
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


@cache
def catalog(locale: str) -> dict[str, Any]:
    """All keys of one locale, flattened as `namespace.key`."""
    folder = LOCALES_DIR / locale
    merged: dict[str, Any] = {}
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
    return value.format(**params) if params else value
