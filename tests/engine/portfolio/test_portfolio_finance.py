"""ROSI, NPV, payback and cost by year against closed forms worked by hand."""

from __future__ import annotations

import pytest

from accord.engine.portfolio.errors import InvalidInstance
from accord.engine.portfolio.finance import (
    annualised_cost,
    capital_recovery_factor,
    cost_by_year,
    initiative_finance,
    npv,
    payback_years,
    rosi,
)
from accord.engine.portfolio.instance import parse_instance


def test_capital_recovery_factor():
    assert capital_recovery_factor(0.0, 4) == pytest.approx(0.25)
    # 10% over 2 years: 0.1 / (1 - 1/1.21) = 0.1 x 1.21 / 0.21
    assert capital_recovery_factor(0.1, 2) == pytest.approx(0.121 / 0.21)


def test_rosi_issue_example():
    # edr: 300k one-off, 120k a year, 3 years, no discounting: 220k a year; delta ALE 840k (35% of 2.4M)
    cost = annualised_cost(300_000, 120_000, 3, 0.0)
    assert cost == pytest.approx(220_000)
    assert rosi(840_000, cost) == pytest.approx((840_000 - 220_000) / 220_000)
    assert rosi(100, 0) is None


def test_npv_closed_form():
    # -100 + 60/1.1 + 60/1.21 = 4.132...
    assert npv(70, 100, 10, 2, 0.1) == pytest.approx(-100 + 60 / 1.1 + 60 / 1.21)
    assert npv(70, 100, 10, 2, 0.0) == pytest.approx(20)


def test_payback():
    # -100, then +60 a year: paid back after 1 + 40/60 years
    assert payback_years(70, 100, 10, 3, 0.1) == pytest.approx(1 + 40 / 60)
    # discounted: 60/1.1 = 54.55, remaining 45.45; 60/1.21 = 49.59 -> 1 + 45.45/49.59
    first = 60 / 1.1
    assert payback_years(70, 100, 10, 3, 0.1, discounted=True) == pytest.approx(
        1 + (100 - first) / (60 / 1.21)
    )
    assert payback_years(70, 100, 10, 1, 0.0) is None  # not within the horizon
    assert payback_years(5, 100, 10, 5, 0.0) is None  # never: running cost above the benefit
    assert payback_years(5, 0, 0, 5, 0.0) == 0.0


def test_initiative_finance_carries_the_90_percent_range():
    result = initiative_finance(
        delta_ale=840_000,
        delta_ale_90=(400_000, 1_500_000),
        one_off=300_000,
        annual=120_000,
        years=3,
        rate=0.08,
    )
    cost = 120_000 + 300_000 * capital_recovery_factor(0.08, 3)
    assert result.annualised_cost == pytest.approx(cost)
    assert result.rosi.at_low == pytest.approx((400_000 - cost) / cost)
    assert result.rosi.at_estimate == pytest.approx((840_000 - cost) / cost)
    assert result.rosi.at_high == pytest.approx((1_500_000 - cost) / cost)
    assert result.npv.at_low < result.npv.at_estimate < result.npv.at_high
    assert result.payback_years.at_low > result.payback_years.at_high
    # NPV at the annualised break-even delta ALE is zero: the annualised cost is its annuity equivalent
    assert npv(cost, 300_000, 120_000, 3, 0.08) == pytest.approx(0, abs=1e-6)
    with pytest.raises(InvalidInstance, match="delta_ale_90"):
        initiative_finance(delta_ale=1, delta_ale_90=(2, 1), one_off=1, annual=0, years=1, rate=0)
    with pytest.raises(InvalidInstance, match="discount_rate"):
        npv(1, 1, 0, 1, -0.5)


def test_cost_by_year_sums_to_the_budget_measure():
    instance = parse_instance(
        {
            "scenarios": [{"id": "s", "ale": 1}],
            "initiatives": [
                {"id": "a", "cost": 100, "annual_cost": 10},
                {"id": "b", "cost": 50, "annual_cost": 5},
                {"id": "c", "cost": 999},
            ],
            "horizon_years": 3,
        }
    )
    years = cost_by_year(instance, ["a", "b"])
    assert [(y.year, y.one_off, y.running, y.total) for y in years] == [
        (1, 150, 15, 165),
        (2, 0, 15, 15),
        (3, 0, 15, 15),
    ]
    assert sum(y.total for y in years) == pytest.approx(instance.horizon_costs[:2].sum())
