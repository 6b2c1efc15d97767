"""The notification card: what it says, in every locale, valid against the Adaptive Cards 1.5 schema."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from pathlib import Path

import jsonschema
import pytest
from notify_helpers import profile, profile_data

from bot.notifications.card import build_card, opt_out_text, summary_text
from bot.notifications.content import score_month
from cards.explain import certification_label, date_text
from cards.i18n import SUPPORTED_LOCALES, t
from scoring import load_profile, score_profile

SCHEMAS = Path(__file__).resolve().parents[2] / "cards" / "schemas"
OFFICIAL = jsonschema.Draft6Validator(json.loads((SCHEMAS / "adaptive-card-1.5.json").read_text("utf-8")))
AS_OF = dt.date(2026, 11, 21)
MAX_CARD_BYTES = 24 * 1024  # Teams refuses bot messages over ~28 KB


def _content():
    # Last month Ken had no AZ-700 yet: Infrastructure was short of 70, now it qualifies.
    data = profile_data()
    data["people"][3]["certifications"] = ["AZ-104"]
    october = score_profile(load_profile(json.dumps(data)), as_of=dt.date(2026, 10, 21))
    _, content = score_month(profile(), "2026-11", AS_OF, october, None)
    return content


def _texts(card: dict) -> list[str]:
    out = []
    for block in card["body"]:
        if block["type"] == "TextBlock":
            out.append(block["text"])
        elif block["type"] == "FactSet":
            out += [f"{fact['title']}: {fact['value']}" for fact in block["facts"]]
    return out


def test_the_content_has_this_month_the_change_the_expiry_cost_and_the_plan():
    content = _content()
    infra = next(line for line in content.areas if line.area == "infrastructure")
    assert (infra.score, infra.qualified, infra.change) == (72, True, infra.score - infra.previous_score)
    assert infra.previous_qualified is False and content.gained == ["infrastructure"]
    [expiring] = content.expiring
    assert (expiring.person, expiring.certification, expiring.expires) == (
        "Ada",
        "azure-virtual-desktop-specialty",
        dt.date(2026, 12, 15),
    )
    [cost] = content.costs
    assert (cost.area, cost.score_now, cost.score_then, cost.qualified_then) == (
        "infrastructure",
        72,
        68,
        False,
    )
    dai = next(line for line in content.areas if line.area == "digital_app_innovation")
    assert dai.blocking and dai.plan


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_the_card_is_valid_adaptive_card_1_5_in_every_locale(locale):
    card = build_card(_content(), locale)
    official = copy.deepcopy(card)
    assert official.pop("msteams") == {"width": "Full"}
    errors = sorted(OFFICIAL.iter_errors(official), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]
    assert card["version"] == "1.5"
    assert len(json.dumps(card, ensure_ascii=False).encode("utf-8")) < MAX_CARD_BYTES
    texts = _texts(card)
    assert not [text for text in texts if re.search(r"\{[a-z_]+\}", text)]  # every field filled in
    assert texts[-1] == opt_out_text(locale)
    assert t(locale, "notify.gained", area=t(locale, "common.area.infrastructure")) in texts
    expiry = t(
        locale,
        "notify.expiring",
        person="Ada",
        certification=certification_label(locale, "azure-virtual-desktop-specialty"),
        date=date_text(locale, dt.date(2026, 12, 15)),
    )
    assert expiry in texts
    assert (
        t(
            locale,
            "notify.cost_loses",
            area=t(locale, "common.area.infrastructure"),
            now=72,
            then=68,
            change="−4",
        )
        in texts
    )
    assert card["actions"][1]["data"] == {"action": "plan", "area": "data_ai"}


def test_the_summary_names_the_partner_and_the_qualified_areas():
    infrastructure = t("de", "common.area.infrastructure")
    assert summary_text(_content(), "de") == t(
        "de", "notify.summary_qualified", partner="Contoso Ltd", month="November 2026", areas=infrastructure
    )


def test_a_first_month_says_there_is_nothing_to_compare_yet():
    _, content = score_month(profile(), "2026-11", AS_OF, None, None)
    assert t("en", "notify.first_month") in _texts(build_card(content, "en"))
    assert all(line.change is None for line in content.areas) and not content.gained and not content.lost


def test_names_written_as_markdown_links_never_become_links_in_the_card():
    data = profile_data()
    data["partner"]["name"] = "[Contoso](https://evil.example/login)"
    data["people"][0]["name"] = "[Ada](https://evil.example/ada)"
    link_profile = load_profile(json.dumps(data))
    _, content = score_month(link_profile, "2026-11", AS_OF, None, None)
    card = build_card(content, "en")
    rendered = json.dumps(card, ensure_ascii=False)
    assert "](https://evil.example" not in rendered
    assert "Contoso" in rendered  # the name is still shown, as plain text
