"""The exact multiplicative residual and marginal contributions, against hand-computed values."""

from __future__ import annotations

import pytest

from accord.engine.portfolio.feasibility import selection_cost, violations
from accord.engine.portfolio.instance import parse_instance
from accord.engine.portfolio.residual import (
    marginal_contributions,
    residual_ale,
    residual_by_scenario,
    selection_mask,
    standalone_reduction,
)

INSTANCE = parse_instance(
    {
        "scenarios": [{"id": "r", "ale": 1000.0}, {"id": "p", "ale": 200.0}],
        "initiatives": [
            {"id": "a", "cost": 10, "annual_cost": 1, "effects": [{"scenario": "r", "reduction": 0.5}]},
            {
                "id": "b",
                "cost": 20,
                "effects": [{"scenario": "r", "reduction": 0.2}, {"scenario": "p", "reduction": 0.5}],
            },
            {"id": "c", "cost": 5, "effects": [{"scenario": "p", "reduction": 0.1}], "requires": ["a"]},
        ],
        "capacity": {},
        "horizon_years": 2,
    }
)


def test_residual_is_the_product_of_what_each_initiative_leaves():
    mask = selection_mask(INSTANCE, ["a", "b", "c"])
    by_scenario = residual_by_scenario(INSTANCE, mask)
    assert by_scenario.tolist() == pytest.approx([1000 * 0.5 * 0.8, 200 * 0.5 * 0.9])
    assert residual_ale(INSTANCE, mask) == pytest.approx(400 + 90)
    assert residual_ale(INSTANCE, selection_mask(INSTANCE, [])) == pytest.approx(1200)


def test_marginal_contributions_are_with_and_without_each_one():
    contributions = {c.initiative: c for c in marginal_contributions(INSTANCE, ["a", "b"])}
    # with both: r = 1000 x .5 x .8 = 400, p = 100 -> 500
    assert contributions["a"].residual_with == pytest.approx(500)
    assert contributions["a"].residual_without == pytest.approx(800 + 100)  # only b
    assert contributions["a"].marginal_reduction == pytest.approx(400)
    assert contributions["b"].residual_without == pytest.approx(500 + 200)  # only a
    assert contributions["b"].marginal_reduction == pytest.approx(200)
    # effects overlap on r, so the marginals add up to less than the set's reduction (1200 - 500)
    assert sum(c.marginal_reduction for c in contributions.values()) < 700
    # standalone: a alone removes 500, b alone 200 + 100
    assert standalone_reduction(INSTANCE, "a") == pytest.approx(500)
    assert standalone_reduction(INSTANCE, "b") == pytest.approx(300)


def test_cost_and_violations():
    assert selection_cost(INSTANCE, ["a", "b"]) == pytest.approx(10 + 2 * 1 + 20)
    assert violations(INSTANCE, ["c"], budget=100) == ["c requires a"]
    assert violations(INSTANCE, ["a", "b"], budget=31) == ["cost 32.00 exceeds budget 31.00"]
