"""Card sizes with charts and a year of history, per locale, against Teams' limit: prints figures.

    .venv/bin/python bench/bench_card_sizes.py

Teams refuses a bot message over about 28 KB (the whole activity); the card tests hold every card to
24 KB to leave room for the envelope. For the contoso profile and the big one (300 people, 150
services), the scorecard without history, with a year of history, and the monthly card with a year
of history, in each locale: bytes as the connector sends them, and the share of the budget.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "cards"), str(ROOT / "tests" / "shared")]

from card_fixtures import big_data, contoso_data  # noqa: E402
from history_fixtures import year_with_a_lapse  # noqa: E402

from bot.notifications.card import build_card  # noqa: E402
from bot.notifications.content import score_month, with_history  # noqa: E402
from cards.i18n import SUPPORTED_LOCALES  # noqa: E402
from cards.scorecard import build_scorecard_card  # noqa: E402
from scoring import load_profile, score_profile  # noqa: E402

BUDGET = 24 * 1024
MONTH = "2026-10"


def size(card: dict) -> int:
    return len(json.dumps(card).encode("utf-8"))


def main() -> None:
    header = f"{'profile':8} {'locale':6} {'scorecard':>10} {'+history':>10} {'monthly+hist':>13}"
    print(f"{header}   shares of the {BUDGET} B budget")
    for name, make in (("contoso", contoso_data), ("big", big_data)):
        data = make()
        profile = load_profile(data)
        scorecard = score_profile(profile)
        history = year_with_a_lapse(data, MONTH)
        monthly_card, content = score_month(profile, MONTH, dt.date(2026, 10, 21), None, None)
        content = with_history(content, monthly_card, history)
        for locale in SUPPORTED_LOCALES:
            plain = size(build_scorecard_card(scorecard, profile, locale))
            full = size(build_scorecard_card(scorecard, profile, locale, history=history))
            monthly = size(build_card(content, locale))
            shares = " ".join(f"{value / BUDGET:4.0%}" for value in (plain, full, monthly))
            print(f"{name:8} {locale:6} {plain:>10} {full:>10} {monthly:>13}   {shares}")


if __name__ == "__main__":
    main()
