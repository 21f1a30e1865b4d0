"""The MILP against brute force over all subsets, on small random instances with every rule in play."""

from __future__ import annotations

import math

import numpy as np
import pytest

from accord.engine.portfolio.errors import InfeasibleBudget
from accord.engine.portfolio.feasibility import selection_cost, violations
from accord.engine.portfolio.instance import parse_instance
from accord.engine.portfolio.milp import PortfolioSolver, SolverOptions, optimize
from accord.engine.portfolio.residual import residual_ale, selection_mask
from accord.engine.portfolio.synthetic import random_instance

EXACT = SolverOptions(gap=1e-9)


def small_instance(seed: int):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(6, 13))  # up to 12 initiatives: 4096 subsets
    m = int(rng.integers(2, 6))  # few scenarios, so initiatives overlap and effects multiply
    return random_instance(
        rng,
        n,
        m,
        effects_per_initiative=(1, 3),
        requires_share=0.25,
        excludes_share=0.2,
        mandatory_share=0.1,
        teams=2,
    )


@pytest.mark.parametrize("seed", range(40))
def test_matches_brute_force_over_all_subsets(seed, brute_force):
    instance = small_instance(seed)
    solver = PortfolioSolver(instance, EXACT)
    total = float(instance.horizon_costs.sum())
    for share in (0.15, 0.35, 0.6, 1.0):
        forced = selection_cost(instance, instance.forced)
        budget = max(total * share, forced)
        _, residuals = brute_force(instance, budget)
        selection = solver.solve(budget)
        assert selection.residual_ale == pytest.approx(residuals.min(), rel=1e-7, abs=1e-6)
        # every returned selection keeps every rule
        assert violations(instance, selection.selected, budget) == []
        assert selection.cost <= budget + 1e-6
        # the residual reported is the exact multiplicative residual of the selected set
        exact = residual_ale(instance, selection_mask(instance, selection.selected))
        assert selection.residual_ale == pytest.approx(exact, rel=1e-12)
        assert selection.risk_reduction == pytest.approx(instance.total_ale - exact, rel=1e-9, abs=1e-6)
        # the lower bound is a real bound on the true optimum
        assert selection.residual_lower_bound <= residuals.min() * (1 + 1e-9) + 1e-6


@pytest.mark.parametrize("seed", range(40, 55))
def test_reported_gap_is_a_true_bound(seed, brute_force):
    """With the default 0.1% target the answer may be suboptimal, but never by more than `gap` says."""
    instance = small_instance(seed)
    budget = max(float(instance.horizon_costs.sum()) * 0.4, selection_cost(instance, instance.forced))
    selection = optimize(instance, budget)
    _, residuals = brute_force(instance, budget)
    best_reduction = instance.total_ale - residuals.min()
    assert selection.gap <= 1e-3
    assert best_reduction <= selection.risk_reduction * (1 + selection.gap) + 1e-6


def test_budget_counts_one_off_plus_annual_times_years():
    data = {
        "scenarios": [{"id": "s", "ale": 1_000_000}],
        "initiatives": [
            # 100k + 50k x 3 = 250k over the horizon: does not fit 200k although its one-off does
            {
                "id": "big",
                "cost": 100_000,
                "annual_cost": 50_000,
                "effects": [{"scenario": "s", "reduction": 0.5}],
            },
            {"id": "small", "cost": 150_000, "effects": [{"scenario": "s", "reduction": 0.2}]},
        ],
        "horizon_years": 3,
    }
    instance = parse_instance(data)
    assert optimize(instance, 200_000).selected == ("small",)
    assert optimize(instance, 250_000).selected == ("big",)
    both = optimize(instance, 400_000)
    assert both.selected == ("big", "small")
    assert both.residual_ale == pytest.approx(1_000_000 * 0.5 * 0.8)
    assert both.cost == pytest.approx(400_000)


def test_effects_multiply_rather_than_add():
    data = {
        "scenarios": [{"id": "s", "ale": 100.0}],
        "initiatives": [
            {"id": f"half{k}", "cost": 1, "effects": [{"scenario": "s", "reduction": 0.5}]} for k in range(3)
        ],
        "horizon_years": 1,
    }
    selection = optimize(parse_instance(data), 10)
    assert len(selection.selected) == 3
    assert selection.residual_ale == pytest.approx(12.5)  # 100 x 0.5^3, not 100 x (1 - 1.5) < 0


def test_full_reduction_and_idle_initiatives():
    data = {
        "scenarios": [{"id": "a", "ale": 1000.0}, {"id": "b", "ale": 10.0}],
        "initiatives": [
            {"id": "kill", "cost": 5, "effects": [{"scenario": "a", "reduction": 1.0}]},
            {"id": "also-a", "cost": 1, "effects": [{"scenario": "a", "reduction": 0.3}]},
            {"id": "nothing", "cost": 1},
            {"id": "b-fix", "cost": 2, "effects": [{"scenario": "b", "reduction": 0.5}]},
        ],
        "horizon_years": 1,
    }
    selection = optimize(parse_instance(data), 100)
    # once "kill" removes all of a, "also-a" and "nothing" buy nothing: not bought
    assert selection.selected == ("kill", "b-fix")
    assert selection.residual_ale == pytest.approx(5.0)
    assert selection.gap <= 1e-3


def test_mandatory_and_requires_are_always_honoured():
    data = {
        "scenarios": [{"id": "s", "ale": 1000.0}],
        "initiatives": [
            {"id": "policy", "cost": 10, "mandatory": True, "requires": ["base"]},
            {"id": "base", "cost": 10},
            {
                "id": "good",
                "cost": 10,
                "effects": [{"scenario": "s", "reduction": 0.9}],
                "excludes": ["policy"],
            },
            {"id": "ok", "cost": 10, "effects": [{"scenario": "s", "reduction": 0.4}]},
        ],
        "horizon_years": 1,
    }
    selection = optimize(parse_instance(data), 30)
    assert selection.selected == ("policy", "base", "ok")


def test_budget_below_the_forced_cost_is_refused():
    data = {
        "scenarios": [{"id": "s", "ale": 1000.0}],
        "initiatives": [{"id": "policy", "cost": 10, "annual_cost": 5, "mandatory": True}],
        "horizon_years": 2,
    }
    with pytest.raises(InfeasibleBudget) as caught:
        optimize(parse_instance(data), 19)
    assert caught.value.path == "budget"
    assert "20" in caught.value.message
    with pytest.raises(InfeasibleBudget):
        optimize(parse_instance(data), math.nan)


def test_zero_budget_buys_only_free_initiatives():
    data = {
        "scenarios": [{"id": "s", "ale": 1000.0}],
        "initiatives": [
            {"id": "free", "cost": 0, "effects": [{"scenario": "s", "reduction": 0.1}]},
            {"id": "paid", "cost": 1, "effects": [{"scenario": "s", "reduction": 0.9}]},
        ],
        "horizon_years": 1,
    }
    selection = optimize(parse_instance(data), 0)
    assert selection.selected == ("free",)
    assert selection.residual_ale == pytest.approx(900.0)
