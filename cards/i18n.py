"""User-facing text, one folder per locale (`cards/locales/<locale>/*.json`).

Every file in a locale folder is a namespace: key `answers.score_line` is key `score_line` in
`answers.json`. Text uses `str.format` fields. A key may have plural forms as a dict
(`{"one": "...", "other": "..."}`) chosen by the `count` parameter. A missing key falls back to
English; a key missing in English is a bug and raises `KeyError` (tests check every locale has
every English key).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

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
        value = value.get("one") if count == 1 and "one" in value else value["other"]
    return value.format(**params) if params else value
