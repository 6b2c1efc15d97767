"""Every locale carries every English key, with the same format fields."""

import re
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


# --- Korean particles -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "object_particle"),
    [
        ("인증", "을"),  # Hangul with a final consonant (ㅇ)
        ("인프라", "를"),  # Hangul without
        ("김지성", "을"),
        ("이수", "를"),
        ("Grace", "를"),  # English words: 그레이스, 에이다 end in a vowel
        ("Ada", "를"),
        ("Jisung", "을"),  # 지성, 킴, 엑셀 end in a consonant
        ("Kim", "을"),
        ("Excel", "을"),
        ("AI", "를"),  # abbreviations letter by letter: 에이아이, 시에스피; 엘, 엠
        ("CSP", "를"),
        ("SQL", "을"),
        ("ARM", "을"),
        ("AZ-305", "를"),  # the last digit: 오, 사; 삼, 일, 칠, 팔, 영
        ("AZ-104", "를"),
        ("AZ-303", "을"),
        ("AZ-801", "을"),
        ("0", "을"),
        ("DP-300", "을"),  # round numbers by their last unit: 백, 십, 억; 조
        ("10", "을"),
        ("1,000,000,000", "을"),
        ("1,000,000,000,000", "를"),
        ("$112,700", "를"),  # 달러, 퍼센트
        ("12.5%", "를"),
        ("12.7", "을"),  # decimals by their last digit: 칠
        ("Azure Solutions Architect Expert(AZ-305)", "를"),  # the word before the parenthesis: 엑스퍼트
        ("데이터 및 AI", "를"),
        ("디지털 및 앱 혁신", "을"),
    ],
)
def test_korean_object_particle_follows_the_last_sound(word: str, object_particle: str) -> None:
    assert i18n.korean_particle(word, "을/를") == object_particle


def test_each_korean_particle_pair_and_the_rieul_rule_of_euro() -> None:
    particles = {pair: (i18n.korean_particle("인증", pair), i18n.korean_particle("인프라", pair))
                 for pair in i18n.PARTICLES}
    assert particles == {
        "이/가": ("이", "가"),
        "은/는": ("은", "는"),
        "을/를": ("을", "를"),
        "과/와": ("과", "와"),
        "으로/로": ("으로", "로"),
    }
    # A word ending in ㄹ takes 로, not 으로: 서울로, 일로 (1), 엑셀로.
    assert [i18n.korean_particle(w, "으로/로") for w in ("서울", "1", "Excel", "$20,000", "인증")] == [
        "로", "로", "로", "로", "으로",
    ]


def test_korean_text_gets_the_particle_of_the_inserted_word() -> None:
    assert i18n.t("ko", "intake.notice.person_added", name="Grace") == "Grace를 추가했습니다."
    assert i18n.t("ko", "intake.notice.person_added", name="김지성") == "김지성을 추가했습니다."
    blocked = i18n.t("ko", "reasons.metric_zero_blocks_qualification", metrics="중급 인증")
    assert blocked == "자격 미달: 모든 지표에 최소 1점이 필요한데 중급 인증이 0점입니다."
    not_qualified = i18n.t("ko", "answers.why_not_qualified", area="인프라", score=40)
    assert not_qualified == "인프라는 자격 미달입니다: 40/100."
    # Other fields of a text with a particle field are formatted as usual; other locales are untouched.
    half = i18n.t("ko", "answers.why_not_qualified", area="인프라", score=40.5)
    assert half == "인프라는 자격 미달입니다: 40.5/100."
    assert i18n.t("en", "intake.notice.person_added", name="Grace") == "Added Grace."


PLACEHOLDER_PARTICLE = re.compile(r"\((?:이|가|은|는|을|를|과|와|으|이나|이라)\)")


def test_no_korean_text_shows_a_particle_placeholder() -> None:
    texts = {
        key: text
        for key, value in i18n.catalog("ko").items()
        for text in (value.values() if isinstance(value, dict) else [value])
    }
    assert not {key: text for key, text in texts.items() if PLACEHOLDER_PARTICLE.search(text)}
