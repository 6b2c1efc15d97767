"""Charts, the score trend and the qualification window in the real client. The history comes the way
it does in production: two saved profiles (one dated four months ago, which qualified; one today) and
the monthly job. Whether the Agents Playground draws Teams' Chart.* elements or their fallbacks, the
card must read: the test records which one it saw (charts-rendering.txt beside the screenshots)."""

from __future__ import annotations

import datetime as dt

from card_fixtures import qualified_data
from e2e_client import PlaygroundChat
from e2e_harness import Stack
from test_questions import worked_example_da_4a

from cards.history_view import month_name
from cards.i18n import t
from scoring.history import add_months, month_of


def _whole(chat: PlaygroundChat, name: str, card) -> None:
    """The whole card, however tall: the chat screenshots show one viewport, and the chat pane clips
    an element screenshot to it, so the window is made taller than the card for this one."""
    size = chat.page.viewport_size
    chat.page.set_viewport_size({"width": 1280, "height": int(card.bounding_box()["height"]) + 400})
    card.scroll_into_view_if_needed()
    card.screenshot(path=str(chat.screenshots / f"{name}-whole.png"))
    if size is not None:
        chat.page.set_viewport_size(size)


def _charts_drawn(card) -> bool:
    """The playground draws a chart as SVG or canvas; the fallback is plain Adaptive Card text."""
    return card.locator("svg, canvas").count() > 0


def test_scorecard_and_monthly_card_show_charts_or_fallbacks(chat: PlaygroundChat, stack: Stack) -> None:
    today = dt.datetime.now(dt.UTC).date()
    month = month_of(today)
    earlier = add_months(month, -4)
    stack.import_profile({**qualified_data(), "as_of": f"{earlier}-20"})
    stack.import_profile({**worked_example_da_4a(), "rules": "2023-H2"})
    chat.open()
    chat.wait_reply(0, t("en", "service.welcome")[:40])

    # The scorecard card comes after a saved change (questions answer in text): save one.
    before = chat.send("update services")
    card = chat.wait_card(before, t("en", "intake.services.title"))
    chat.click(card, t("en", "intake.button.review"))
    card = chat.card_with(t("en", "intake.review.title"))
    chat.click(card, t("en", "intake.button.confirm"))
    scorecard = chat.card_with(t("en", "cards.title"))
    chat.screenshot("scorecard-with-charts", scorecard)
    _whole(chat, "scorecard", scorecard)
    drawn = _charts_drawn(scorecard)
    text = scorecard.inner_text()
    if not drawn:  # the fallbacks: the gauge's sentence and the metrics as facts
        assert "of 100 points · 70 needed to qualify" in text
        assert "0/40" in text  # Data & AI intermediate certifications, blocked by the gate

    before = chat.bot_message_count()
    run = stack.run_bot_command("notify", "--month", month)
    assert run.returncode == 0, run.stdout + run.stderr
    title = t("en", "notify.title", month=month_name("en", month))
    card = chat.wait_card(before, title)
    chat.screenshot("monthly-card-with-trend", card)
    _whole(chat, "monthly-card", card)
    monthly = card.inner_text()
    assert t("en", "history.trend_heading") in monthly
    # Data & AI qualified four months ago and not now: held through next month, at risk.
    held = month_name("en", add_months(earlier, 5))
    assert f"{t('en', 'common.area.data_ai')}: held through {held} unless you qualify again" in monthly
    if not _charts_drawn(card):
        assert month_name("en", month)[:3] in monthly  # the trend's text: "Dec 2026 52 · ..."
    found = f"scorecard charts drawn: {drawn}\nmonthly card charts drawn: {_charts_drawn(card)}\n"
    (chat.screenshots / "charts-rendering.txt").write_text(found, encoding="utf-8")
