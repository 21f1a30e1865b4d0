"""The frontier: monotone, optimal at every budget, with break-even and Gordon-Loeb marks."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from accord.engine.portfolio.feasibility import selection_cost, violations
from accord.engine.portfolio.frontier import compute_frontier
from accord.engine.portfolio.instance import parse_instance
from accord.engine.portfolio.milp import SolverOptions
from accord.engine.portfolio.synthetic import random_instance


@pytest.mark.parametrize("seed", range(12))
def test_frontier_is_monotone_and_optimal_at_each_budget(seed, brute_force):
    rng = np.random.default_rng(1000 + seed)
    instance = random_instance(
        rng,
        int(rng.integers(6, 11)),
        3,
        effects_per_initiative=(1, 3),
        requires_share=0.2,
        excludes_share=0.2,
        mandatory_share=0.1,
        teams=2,
    )
    frontier = compute_frontier(instance, 8, SolverOptions(gap=1e-9))
    points = frontier.points
    assert len(points) == 8
    assert points[0].budget == pytest.approx(selection_cost(instance, instance.forced))
    for before, after in itertools.pairwise(points):
        assert after.budget >= before.budget
        assert after.spend >= before.spend - 1e-6
        assert after.residual_ale <= before.residual_ale + 1e-6
        assert after.risk_reduction >= before.risk_reduction - 1e-6
    for point in points:
        assert violations(instance, point.selected, point.budget) == []
        _, residuals = brute_force(instance, point.budget)
        assert point.residual_ale == pytest.approx(residuals.min(), rel=1e-7, abs=1e-6)
    # the top of the range buys the best selection there is
    _, unlimited = brute_force(instance, math.inf)
    assert points[-1].residual_ale == pytest.approx(unlimited.min(), rel=1e-7)


def three_steps():
    """Three independent scenarios, one initiative each, with returns 10x, 2x and 0.5x over 2 years."""
    return parse_instance(
        {
            "scenarios": [{"id": "a", "ale": 1000.0}, {"id": "b", "ale": 1000.0}, {"id": "c", "ale": 1000.0}],
            "initiatives": [
                {
                    "id": "great",
                    "cost": 100,
                    "effects": [{"scenario": "a", "reduction": 0.5}],
                },  # 1000 for 100
                {
                    "id": "fair",
                    "cost": 250,
                    "annual_cost": 0,
                    "effects": [{"scenario": "b", "reduction": 0.25}],
                },
                {"id": "poor", "cost": 800, "effects": [{"scenario": "c", "reduction": 0.2}]},  # 400 for 800
            ],
            "horizon_years": 2,
        }
    )


def test_break_even_is_where_the_next_euro_buys_less_than_a_euro():
    instance = three_steps()
    frontier = compute_frontier(instance, 2, budgets=[0, 100, 350, 1150])
    assert [p.selected for p in frontier.points] == [
        (),
        ("great",),
        ("great", "fair"),
        ("great", "fair", "poor"),
    ]
    assert [p.marginal_return for p in frontier.points] == [
        None,
        pytest.approx(10),
        pytest.approx(2),
        pytest.approx(0.5),
    ]
    # net benefit over 2 years: 0, 900, 900 + 250, 1150 - 400: the best stops before "poor"
    assert frontier.break_even == 2
    assert frontier.break_even_point.spend == pytest.approx(350)


def test_gordon_loeb_ceiling_is_one_over_e_of_expected_loss_over_the_horizon():
    frontier = compute_frontier(three_steps(), 3)
    assert frontier.gordon_loeb_ceiling == pytest.approx(3000 * 2 / math.e)
    assert frontier.gordon_loeb_ceiling / (3000 * 2) == pytest.approx(0.3679, abs=1e-4)
    # default budgets: from the forced cost (nothing) to the cost of the best selection (everything)
    assert [p.budget for p in frontier.points] == pytest.approx([0, 575, 1150])


def test_frontier_needs_two_points():
    with pytest.raises(ValueError, match="at least 2"):
        compute_frontier(three_steps(), 1)
