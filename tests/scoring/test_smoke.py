"""First-cut smoke test: the public API loads, scores and plans a profile end to end."""

from contract_profile import example_profile

from scoring import load_profile, score_profile
from scoring.catalog import get_catalog, resolve_certification
from scoring.planner import apply_plan


def test_contract_example_scores_and_plan_qualifies():
    profile = load_profile(example_profile())
    card = score_profile(profile)
    data_ai = card.designation("data_ai")
    assert [m.points for m in data_ai.metrics] == [20, 0, 12, 4]
    assert (data_ai.score, data_ai.qualified) == (36, False)
    assert sum(step.points_gained for step in data_ai.plan) == 34  # the plan reaches the threshold, 70
    rescored = score_profile(apply_plan(profile, card))
    assert all(d.qualified for d in rescored.designations)
    assert resolve_certification("az-305").slug == "azure-solutions-architect"
    assert get_catalog("2023-H2").threshold == 70
