"""Every locale carries every English key, with the same format fields."""

import string

import pytest

from cards import i18n


def _fields(text: object) -> set[str]:
    texts = text.values() if isinstance(text, dict) else [text]
    return {name for t in texts for _, name, _, _ in string.Formatter().parse(str(t)) if name}


@pytest.mark.parametrize("locale", [loc for loc in i18n.SUPPORTED_LOCALES if loc != "en"])
def test_every_locale_has_every_english_key_with_the_same_fields(locale: str) -> None:
    english = i18n.catalog("en")
    other = i18n.catalog(locale)
    missing = sorted(set(english) - set(other))
    assert not missing, f"{locale} lacks {missing}"
    wrong = [key for key in english if _fields(english[key]) != _fields(other[key])]
    assert not wrong, f"{locale} has other format fields in {wrong}"


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("fr-FR", "fr"),
        ("de-DE", "de"),
        ("ko-KR", "ko"),
        ("zh-TW", "zh-TW"),
        ("zh-Hant", "zh-TW"),
        ("zh-CN", "en"),
        ("en-US", "en"),
        ("pt-BR", "en"),
        (None, "en"),
        ("", "en"),
    ],
)
def test_activity_locales_map_to_supported_ones(tag: str | None, expected: str) -> None:
    assert i18n.normalize_locale(tag) == expected


def test_unsupported_locales_fall_back_to_english() -> None:
    assert i18n.t("ko-KR", "common.metric.deployments") == "배포"
    assert i18n.t("pt-BR", "common.area.data_ai") == "Data & AI"


def test_plural_forms_are_chosen_by_count() -> None:
    assert i18n.t("en", "intake.people.count", count=0) == "0 people so far"
    assert i18n.t("en", "intake.people.count", count=1) == "1 person so far"
    assert i18n.t("en", "intake.people.count", count=3) == "3 people so far"


def test_plural_forms_follow_each_languages_cldr_rule() -> None:
    assert i18n.t("fr-FR", "intake.people.count", count=0) == "0 personne pour l’instant"
    assert i18n.t("fr-FR", "intake.people.count", count=1) == "1 personne pour l’instant"
    assert i18n.t("fr-FR", "intake.people.count", count=2) == "2 personnes pour l’instant"
    assert [i18n.plural_category(loc, n) for loc in ("fr", "de", "ko", "zh-TW") for n in (0, 1)] == [
        "one", "one", "other", "one", "other", "other", "other", "other"]


def test_a_key_missing_in_english_is_a_bug_not_a_silent_blank() -> None:
    with pytest.raises(KeyError):
        i18n.t("en", "common.no_such_key")
