"""What the intake cards say, read like a user reads them."""

from __future__ import annotations

import re

from intake_harness import ORG, Harness


async def test_certification_choices_name_each_exam_code_once(harness: Harness) -> None:
    await harness.start()
    await harness.press("next", **ORG)
    await harness.press("next", areas="data_ai")
    titles = [choice["title"] for choice in harness.inputs()["person_certs"]["choices"]]
    assert "Azure Solutions Architect Expert (AZ-305)" in titles
    repeated = [title for title in titles if re.search(r"\(([^()]+)\)\s*\(\1\)$", title)]
    assert not repeated, repeated
    assert "Architecting Microsoft Azure Solutions (70-534)" in titles
