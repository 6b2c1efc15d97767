"""A people file names a certification by exam code too: the two exams of a credential that takes
two (AZ-800 + AZ-801), on one row or on two, are that credential; one alone is refused saying it is a
real exam that earns nothing alone (not "unknown certification"); "PL300" is PL-300."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.imports.preview import ReceivedFile, build_preview
from cards.import_cards import refused_line
from scoring import load_profile

HYBRID = "windows-server-hybrid-administrator"
BASE = load_profile(
    {
        "partner": {"id": "4412345", "name": "Contoso Ltd"},
        "as_of": "2026-10-31",
        "rules": "2023-H2",
        "people": [{"id": "p1", "name": "Ada", "certifications": ["AZ-305"]}],
        "usage": {
            "eligible_customers_last_month": 5,
            "eligible_customers_same_month_last_year": 3,
            "acr_last_month": 1000.0,
            "acr_same_month_last_year": 900.0,
        },
    }
)


def preview(text: str, locale: str = "en"):
    return build_preview(BASE, [ReceivedFile("f", text.encode(), None)], locale=locale, tenant_id="t")


def held(result, name: str) -> list[tuple[str, dt.date | None]]:
    [person] = [p for p in result.profile.people if p.name == name]
    return [(c.id, c.expires) for c in person.certifications]


@pytest.mark.parametrize(
    "text",
    [
        'name,certification\nAda,AZ-305\nBob,"AZ-800, AZ-801"\n',
        "name,certification\nAda,AZ-305\nBob,AZ-800\nBob,az801\n",
        "name,certification\nAda,AZ-305\nBob,AZ-800 + AZ-801\n",
    ],
    ids=["one cell", "two rows", "written as the pair"],
)
def test_both_exams_are_the_credential(text: str) -> None:
    result = preview(text)
    assert held(result, "Bob") == [(HYBRID, None)]
    assert result.view.files[0].refused == []


def test_the_credential_expires_with_the_first_of_its_exams() -> None:
    text = "name,certification,expires\nAda,AZ-305,\nBob,AZ-801,2027-05-01\nBob,AZ-800,2027-03-01\n"
    assert held(preview(text), "Bob") == [(HYBRID, dt.date(2027, 3, 1))]


ALONE = {
    "en": 'Row 3: "AZ-800": one of the 2 exams of Windows Server Hybrid Administrator Associate '
    "(AZ-800 + AZ-801): on its own it earns no certification; add AZ-801 once passed.",
    "fr": "Ligne 3 : « AZ-800 » : l’un des 2 examens de Windows Server Hybrid Administrator Associate "
    "(AZ-800 + AZ-801) : seul, il ne donne aucune certification ; ajoutez AZ-801 une fois réussi.",
    "de": "Zeile 3: „AZ-800“: eine der 2 Prüfungen für Windows Server Hybrid Administrator Associate "
    "(AZ-800 + AZ-801): allein ergibt sie keine Zertifizierung; fügen Sie AZ-801 hinzu, sobald bestanden.",
    "ko": '3행: "AZ-800": Windows Server Hybrid Administrator Associate(AZ-800 + AZ-801)의 시험 2개 중 '
    "하나로, 이 시험만으로는 인증을 받을 수 없습니다. AZ-801에 합격하면 추가하세요.",
    "zh-TW": "第 3 列：「AZ-800」：這是 Windows Server Hybrid Administrator Associate（AZ-800 + AZ-801）的 "
    "2 項測驗之一：單獨通過不會取得認證；通過 AZ-801 後請一併加入。",
}


@pytest.mark.parametrize("locale", sorted(ALONE))
def test_one_exam_alone_is_refused_as_earning_nothing_alone(locale: str) -> None:
    result = preview("name,certification\nAda,AZ-305\nBob,AZ-800\nBob,AZ-104\n", locale)
    [row] = result.view.files[0].refused
    assert (row.row, row.reason, row.value) == (3, "exam_alone", "AZ-800")
    assert refused_line(locale, row) == ALONE[locale]
    assert held(result, "Bob") == [("azure-administrator", None)]


def test_an_exam_next_to_its_credential_is_that_credential() -> None:
    result = preview(f"name,certification\nAda,AZ-305\nBob,{HYBRID}\nBob,AZ-800\n")
    assert held(result, "Bob") == [(HYBRID, None)]
    assert result.view.files[0].refused == []


def test_refused_rows_stay_in_file_order() -> None:
    result = preview("name,certification\nAda,AZ-305\nBob,AZ-800\nCid,AZ-10A\n")
    assert [(r.row, r.reason) for r in result.view.files[0].refused] == [
        (3, "exam_alone"),
        (4, "unknown_certification"),
    ]


def test_exam_codes_without_their_hyphen_are_the_certification() -> None:
    result = preview("name,certification\nAda,AZ-305\nDee,PL300\nDee,dp 203\n")
    assert held(result, "Dee") == [("data-analyst-associate", None), ("azure-data-engineer", None)]
