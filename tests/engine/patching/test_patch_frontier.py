"""The trade-off frontier is monotone and every point respects its budget."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np
import pytest

from accord.engine.patching.checker import check_assignment
from accord.engine.patching.frontier import trace_frontier
from accord.engine.patching.generate import random_instance
from accord.engine.patching.model import Instance
from accord.engine.patching.planner import SolveOptions, solve

OPTIONS = SolveOptions(time_limit=20.0, gap_tolerance=0.0)


def _assert_monotone(instance: Instance, points: int) -> None:
    frontier = trace_frontier(instance, points, OPTIONS)
    assert len(frontier) == max(points, 2)
    budgets = [p.budget for p in frontier]
    assert budgets == sorted(budgets) and budgets[0] == 0.0
    for point in frontier:
        assert check_assignment(instance, point.plan.assignment, point.budget, point.plan.outcome) == []
        assert point.disruption_cost <= point.budget + 1e-6
    for low, high in itertools.pairwise(frontier):
        assert high.plan.outcome.objective <= low.plan.outcome.objective + 1e-6
        if high.sla_breaches == low.sla_breaches:
            assert high.exposure <= low.exposure + 1e-6
    # the last point is as good as planning with no budget at all
    free = solve(instance, None, OPTIONS)
    assert frontier[-1].plan.outcome.objective == pytest.approx(free.outcome.objective, rel=1e-9)


@pytest.mark.parametrize("seed", range(5))
def test_frontier_is_monotone_on_tiny_instances(make_tiny: Callable[..., Instance], seed: int) -> None:
    _assert_monotone(make_tiny(200 + seed, n_jobs=12, n_windows=5), 5)


def test_frontier_is_monotone_on_a_generated_instance() -> None:
    _assert_monotone(random_instance(np.random.default_rng(21), 12, jobs_per_asset=4), 5)


def test_frontier_spans_a_real_trade_off() -> None:
    instance = random_instance(np.random.default_rng(12), 12, jobs_per_asset=4)
    frontier = trace_frontier(instance, 4, OPTIONS)
    assert frontier[0].disruption_cost == 0.0
    assert frontier[-1].disruption_cost > 0.0
    assert frontier[-1].plan.outcome.objective < frontier[0].plan.outcome.objective
