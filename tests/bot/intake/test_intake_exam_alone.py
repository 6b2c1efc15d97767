"""One exam of a credential that takes two (AZ-800 of AZ-800 + AZ-801) is a real exam that earns
nothing on its own: the intake says exactly that, in the user's language, rather than "unknown
certification". Exam codes typed without their hyphen ("PL300") are the certification."""

from __future__ import annotations

import pytest
from intake_harness import ORG, FakeServices, Harness, field_error

from bot.intake.validate import exam_alone, resolve_codes

HYBRID = "windows-server-hybrid-administrator"

ALONE = {
    "en": "“AZ-800” is one of the 2 exams of Windows Server Hybrid Administrator Associate "
    "(AZ-800 + AZ-801): on its own it earns no certification. Add AZ-801 once passed.",
    "fr": "« AZ-800 » est l’un des 2 examens de Windows Server Hybrid Administrator Associate "
    "(AZ-800 + AZ-801) : seul, il ne donne aucune certification. Ajoutez AZ-801 une fois réussi.",
    "de": "„AZ-800“ ist eine der 2 Prüfungen für Windows Server Hybrid Administrator Associate "
    "(AZ-800 + AZ-801): allein ergibt sie keine Zertifizierung. Fügen Sie AZ-801 hinzu, sobald bestanden.",
    "ko": "\"AZ-800\" 시험은 Windows Server Hybrid Administrator Associate"
    "(AZ-800 + AZ-801)의 시험 2개 중 하나입니다. "
    "이 시험만으로는 인증을 받을 수 없습니다. AZ-801에 합격하면 추가하세요.",
    "zh-TW": "「AZ-800」是 Windows Server Hybrid Administrator Associate（AZ-800 + AZ-801）的 2 項測驗之一："
    "單獨通過不會取得認證。通過 AZ-801 後請一併加入。",
}


@pytest.mark.parametrize("locale", sorted(ALONE))
async def test_one_exam_typed_in_the_person_form_is_said_to_earn_nothing_alone(
    services: FakeServices, locale: str
) -> None:
    harness = Harness(services, locale=locale)
    await harness.start()
    await harness.press("next", **ORG)
    await harness.press("next", areas="infrastructure")
    await harness.press("save_person", person_name="Carl", person_codes="AZ-104, AZ-800")
    assert field_error(harness.last_card, "person_codes") == ALONE[locale]


async def test_one_exam_pasted_on_a_line_names_the_line_and_the_missing_exam(harness: Harness) -> None:
    await harness.start()
    await harness.press("next", **ORG)
    await harness.press("next", areas="infrastructure")
    await harness.press("bulk", bulk="Ada: AZ-305\nBob: AZ-801")
    assert (
        "Line 1 (Bob): “AZ-801” is one of the 2 exams of Windows Server Hybrid Administrator Associate "
        "(AZ-800 + AZ-801): on its own it earns no certification. Add AZ-800 once passed."
    ) in harness.text()
    assert "unknown certification" not in harness.text().casefold()
    assert "1 person so far" in harness.text()  # Ada's line was taken


async def test_exam_codes_typed_without_their_hyphen_are_the_certification(harness: Harness) -> None:
    await harness.start()
    await harness.press("next", **ORG)
    await harness.press("next", areas="data_ai")
    await harness.press("save_person", person_name="Dee", person_codes="PL300, dp 203")
    assert field_error(harness.last_card, "person_codes") is None
    assert "Added Dee." in harness.text() and "PL-300" in harness.text() and "DP-203" in harness.text()


def test_both_exams_without_hyphens_are_the_credential_and_one_alone_is_named() -> None:
    assert resolve_codes(["az800", "AZ 801"]) == ([HYBRID], None)
    assert resolve_codes(["PL300"]) == (["data-analyst-associate"], None)
    assert resolve_codes([HYBRID, "AZ-800"]) == ([HYBRID], None)  # the exam of a credential also named
    assert resolve_codes(["AZ-800", "AZ-999"]) == ([], "AZ-800")
    assert exam_alone("az800") == {
        "code": "az800",
        "count": 2,
        "certification": "Windows Server Hybrid Administrator Associate",
        "exams": "AZ-800 + AZ-801",
        "missing": "AZ-801",
    }
    assert exam_alone("AZ-999") is None
