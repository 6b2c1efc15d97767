"""Money is exact (RULES.md E-7, E-8): amounts are the decimals they were written as, growth is
floored on the exact value, and the figures a reason shows are the ones its points came from."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from scoring_builders import make_profile, metric_result, usage
from test_records import row, ttm

from scoring import score_profile
from scoring.ids import ReasonCode
from scoring.money import Amounts, exact, shown_pct

DA = "data_ai"


def growth(acr: float, acr_base: float):
    card = score_profile(make_profile(usage=usage(acr=acr, acr_base=acr_base)))
    return metric_result(card, DA, "usage_growth")


def test_a_growth_of_4_99998_percent_scores_4_and_says_4_9999_not_5():
    result = growth(344239.24, 327846.90)
    assert result.points == 4
    assert result.value == 4.9999
    assert [(r.code, r.growth_pct) for r in result.reasons] == [(ReasonCode.GROWTH, 4.9999)]


def test_a_growth_just_under_1_percent_says_so_with_its_zero_points():
    result = growth(100_999.99, 100_000)
    assert result.points == 0
    assert [(r.code, r.growth_pct) for r in result.reasons] == [(ReasonCode.NO_GROWTH, 0.9999)]


def test_amounts_finer_than_a_cent_are_not_rounded_before_the_growth():
    result = growth(1019.999, 1000)  # exactly 1.9999 %
    assert (result.points, result.value) == (1, 1.9999)
    assert (result.reasons[0].current, result.reasons[0].baseline) == (1019.999, 1000)


def test_record_amounts_finer_than_a_cent_are_summed_exactly_for_the_growth():
    rows = [*ttm("a", 2026, 102.0), *ttm("a", 2025, 100.0)]  # 1224 against 1200: 2 %
    rows += [row("a", "2026-09", -0.00012)]  # 1223.99988 against 1200: 1.99999 %
    result = metric_result(score_profile(make_profile(acr_records=rows)), DA, "usage_growth")
    assert result.reasons[0].current == 1223.99988 and result.reasons[0].baseline == 1200
    assert (result.points, result.value) == (1, 1.9999)


def test_a_customer_a_tenth_of_a_cent_under_1000_is_not_eligible():
    rows = [row("a", "2026-09", 999.9991)]
    card = score_profile(make_profile(acr_records=rows))
    assert metric_result(card, DA, "net_customer_adds").reasons[0].current == 0
    rows = [row("a", "2026-09", 999.9991), row("a", "2026-09", 0.0009)]
    card = score_profile(make_profile(acr_records=rows))
    assert metric_result(card, DA, "net_customer_adds").reasons[0].current == 1


def test_a_service_with_a_fraction_of_a_cent_of_net_usage_is_deployed():
    rows = [row("a", "2026-09", 0.004, service="Key Vault")]
    card = score_profile(make_profile(acr_records=rows))
    assert metric_result(card, DA, "deployments").reasons[0].services == ["Key Vault"]


def test_cloud_platform_consumption_is_exact():
    profile = make_profile({"p1": ["70-533"]}, cloud_platform={"consumption_usd_12m": 14_999.999})
    cloud = score_profile(profile).cloud_platform
    assert (cloud.level, cloud.consumption_usd_12m) == ("none", 14_999.999)


def test_exact_is_the_decimal_an_amount_was_written_as():
    assert exact(1019.999) == Decimal("1019.999")
    assert exact(0.1) == Decimal("0.1")
    assert exact(7) == Decimal(7)


def test_shown_percentages_are_floored_to_four_decimals():
    assert shown_pct(Fraction(499998, 100000)) == 4.9999
    assert shown_pct(Fraction(127, 10)) == 12.7
    assert shown_pct(Fraction(-1, 3)) == -0.3334  # floored: never more than the exact growth


def test_amounts_use_the_fewest_decimals_that_write_every_value():
    assert Amounts(np.array([1.5, 2.25, -3.0])).scale == 2
    assert Amounts(np.array([1019.999])).scale == 3
    assert Amounts(np.array([100.0, 200.0])).scale == 0


@pytest.mark.parametrize(
    "values",
    [
        [0.1234567890123, 1.0, 2.5],  # 13 decimals: beyond the vectorized scales
        [9e12, 9e12, 9e12, 0.001] * 300,  # magnitudes whose units overflow float64's exact range
    ],
)
def test_amounts_stay_exact_when_the_float_path_cannot_be(values):
    amounts = Amounts(np.array(values))
    assert not amounts.fast
    everything = np.ones(len(values), dtype=bool)
    assert amounts.total(everything) == sum(Decimal(repr(v)) for v in values)
    groups = np.arange(len(values)) % 2
    totals = amounts.group_totals(everything, groups, 2)
    assert Decimal(int(totals[0])).scaleb(-amounts.scale) == sum(Decimal(repr(v)) for v in values[::2])
