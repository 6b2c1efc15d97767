"""What the intake cards say, read like a user reads them."""

from __future__ import annotations

import re

import pytest
from intake_harness import ORG, USAGE, FakeServices, Harness, field_error, walk_to

from cards.i18n import t


async def test_certification_choices_name_each_exam_code_once(harness: Harness) -> None:
    await harness.start()
    await harness.press("next", **ORG)
    await harness.press("next", areas="data_ai")
    titles = [choice["title"] for choice in harness.inputs()["person_certs"]["choices"]]
    assert "Azure Solutions Architect Expert (AZ-305)" in titles
    repeated = [title for title in titles if re.search(r"\(([^()]+)\)\s*\(\1\)$", title)]
    assert not repeated, repeated
    assert "Architecting Microsoft Azure Solutions (70-534)" in titles


@pytest.mark.parametrize(
    ("locale", "limit"),
    [("en", "1,000,000,000"), ("de", "1.000.000.000"), ("fr", "1\u202f000\u202f000\u202f000")],
)
async def test_a_maximum_is_written_the_way_the_users_locale_writes_numbers(
    services: FakeServices, locale: str, limit: str
) -> None:
    harness = Harness(services, locale=locale)
    await walk_to(harness, "usage")
    await harness.press("next", **{**USAGE, "acr_last_month": "2e9"})
    assert field_error(harness.last_card, "acr_last_month") == t(locale, "intake.error.too_large", max=limit)
