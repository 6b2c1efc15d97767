"""A credential earned by passing two exams (Windows Server Hybrid Administrator: AZ-800 + AZ-801)
typed the way people write it: the exam codes separated like any other list."""

from __future__ import annotations

import pytest
from intake_harness import ORG, Harness, field_error

from bot.intake.validate import resolve_codes

HYBRID = "windows-server-hybrid-administrator"


@pytest.mark.parametrize("line", ["Bob: AZ-800, AZ-801", "Bob: AZ-800/AZ-801", "Bob: az-801; AZ-800, AZ-104"])
async def test_both_exam_codes_pasted_on_a_line_add_the_credential(harness: Harness, line: str) -> None:
    await harness.start()
    await harness.press("next", **ORG)
    await harness.press("next", areas="infrastructure")
    await harness.press("bulk", bulk=line)
    assert field_error(harness.last_card, "bulk") is None
    assert "1 person so far" in harness.text()
    assert "AZ-800+AZ-801" in harness.text()  # the person's row names the credential


async def test_both_exam_codes_typed_in_the_person_form_add_the_credential(harness: Harness) -> None:
    await harness.start()
    await harness.press("next", **ORG)
    await harness.press("next", areas="infrastructure")
    await harness.press("save_person", person_name="Carl", person_codes="AZ-800, AZ-801")
    assert field_error(harness.last_card, "person_codes") is None
    assert "Added Carl." in harness.text() and "AZ-800+AZ-801" in harness.text()


def test_one_exam_of_two_is_still_not_a_certification() -> None:
    assert resolve_codes(["AZ-800"]) == ([], "AZ-800")
    assert resolve_codes(["AZ-800", "AZ-104", "AZ-999"]) == (["azure-administrator"], "AZ-800")
    assert resolve_codes(["AZ-801", "AZ-800"]) == ([HYBRID], None)
