"""Every reason code has plain-English text in the CLI, and every plan action too."""

from __future__ import annotations

import datetime as dt
from typing import get_args

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from scoring.catalog import default_catalog
from scoring.ids import Metric, PlanAction, ReasonCode
from scoring.reasons import Describer
from scoring.results import Growth, NoGrowth, PlanStep, Reason

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


_REASON: TypeAdapter[Reason] = TypeAdapter(Reason)
# The reason models, by the code each carries.
MODELS: dict[ReasonCode, type[BaseModel]] = {
    model.model_fields["code"].default: model for model in get_args(get_args(Reason)[0])
}


def test_every_reason_code_has_its_own_model() -> None:
    assert len(MODELS) == len(get_args(get_args(Reason)[0])) and set(MODELS) == set(ReasonCode)


@pytest.mark.parametrize("code", list(ReasonCode))
def test_every_reason_code_reads_as_a_sentence(code: ReasonCode) -> None:
    fields = {name: value for name, value in FULL.items() if name in MODELS[code].model_fields}
    reason = _REASON.validate_python({"code": code, **fields})
    text = Describer(default_catalog(), {"p1": "Ada"}).reason(reason)
    assert text != str(code) and len(text) > 10


@pytest.mark.parametrize("code", list(ReasonCode))
def test_a_reason_refuses_a_field_its_code_does_not_carry(code: ReasonCode) -> None:
    foreign = next(name for name in FULL if name not in MODELS[code].model_fields)
    with pytest.raises(ValidationError, match=foreign):
        _REASON.validate_python({"code": code, **FULL})


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
    growth = Growth(growth_pct=4.9999, current=344239.24, baseline=327846.9)
    assert describe.reason(growth) == ("usage grew 4.99% ($344,239.24 vs $327,846.90), 1 point per whole %")
    under = NoGrowth(growth_pct=0.29, current=1019.999, baseline=1017.05)
    assert describe.reason(under) == "growth of 0.29% is under 1% ($1,019.999 vs $1,017.05)"
