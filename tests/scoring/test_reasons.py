"""Every reason code has plain-English text in the CLI, and every plan action too."""

from __future__ import annotations

import datetime as dt

import pytest

from scoring.catalog import default_catalog
from scoring.ids import Metric, PlanAction, ReasonCode
from scoring.reasons import Describer
from scoring.results import PlanStep, Reason

FULL = {
    "metric": Metric.DEPLOYMENTS,
    "metrics": [Metric.USAGE_GROWTH],
    "step": 1,
    "certifications": ["azure-administrator"],
    "required": 2,
    "have": 1,
    "people": ["p1"],
    "points": 4,
    "points_each": 4,
    "value": 3,
    "max": 20,
    "current": 1200.0,
    "baseline": 1000.0,
    "minimum": 1000.0,
    "growth_pct": 20.0,
    "services": ["Storage"],
    "excluded": ["Virtual Machines"],
    "person": "p1",
    "certification": "azure-administrator",
    "on": dt.date(2026, 3, 1),
    "market": "developed",
}


@pytest.mark.parametrize("code", list(ReasonCode))
def test_every_reason_code_reads_as_a_sentence(code):
    text = Describer(default_catalog(), {"p1": "Ada"}).reason(Reason(code=code, **FULL))
    assert text != str(code) and len(text) > 10


@pytest.mark.parametrize("action", list(PlanAction))
def test_every_plan_action_reads_as_a_sentence(action):
    step = PlanStep(
        action=action,
        metric=Metric.DEPLOYMENTS,
        count=2,
        points_gained=4,
        certification="azure-administrator",
        people=["p1"],
    )
    text = Describer(default_catalog(), {"p1": "Ada"}).plan_step(step)
    assert "+4 points" in text and text != str(action)


def test_growth_text_shows_the_figures_the_points_came_from_never_rounded_up():
    describe = Describer(default_catalog(), {})
    growth = Reason(code=ReasonCode.GROWTH, growth_pct=4.9999, current=344239.24, baseline=327846.9)
    assert describe.reason(growth) == ("usage grew 4.99% ($344,239.24 vs $327,846.90), 1 point per whole %")
    under = Reason(code=ReasonCode.NO_GROWTH, growth_pct=0.29, current=1019.999, baseline=1017.05)
    assert describe.reason(under) == "growth of 0.29% is under 1% ($1,019.999 vs $1,017.05)"
