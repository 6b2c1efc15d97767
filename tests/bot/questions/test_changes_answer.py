"""'What changed since last month?' compares the scorecard with the score history's last snapshot of
an earlier month: each changed area before → after, and the metrics whose points moved."""

from __future__ import annotations

import dataclasses
import datetime as dt

from eval_set import EVAL_PEOPLE
from qa_profiles import context, make_profile

from bot.questions import Intent, answer
from scoring import score_profile
from scoring.history import SnapshotKind, snapshot_of


def test_changes_name_each_area_and_metric_that_moved_since_the_earlier_snapshot() -> None:
    # Last month Grace did not hold DP-300 yet: Infrastructure and DAI intermediate had fewer points.
    earlier_people = [dict(p) for p in EVAL_PEOPLE]
    earlier_people[1] = {"id": "p2", "name": "Grace", "certifications": ["AZ-104"]}
    earlier = score_profile(make_profile(earlier_people, as_of="2026-09-30"))
    snapshot = snapshot_of(earlier, SnapshotKind.MONTHLY, dt.datetime(2026, 10, 21, tzinfo=dt.UTC))
    ctx = dataclasses.replace(context(make_profile(EVAL_PEOPLE)), previous=snapshot, history_loaded=True)
    reply = answer("what changed since last month?", ctx)
    assert reply.intent == Intent.CHANGES
    assert reply.text.splitlines()[0] == "Since the scorecard of September 30, 2026:"
    assert "• Digital & App Innovation: 36 → 40/100" in reply.text
    assert "• Intermediate certifications: 0 → 4" in reply.text


def test_without_an_earlier_snapshot_the_answer_says_so_and_invents_nothing() -> None:
    ctx = dataclasses.replace(context(make_profile(EVAL_PEOPLE)), history_loaded=True)
    reply = answer("what changed since last month?", ctx)
    assert reply.text.startswith("I have no earlier scorecard to compare with yet.")
