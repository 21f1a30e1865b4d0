"""The priced trade-off frontier: every point feasible, monotone in downtime, a point never worse
than greedy at greedy's downtime, the recommended point by its rule, and one deadline for all."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np
import pytest

from accord.engine.patching.checker import check_assignment
from accord.engine.patching.frontier import FrontierPoint, price_grid
from accord.engine.patching.generate import random_instance
from accord.engine.patching.model import Instance, Outcome, Plan, evaluate
from accord.engine.patching.plan import PlanReport, plan_instance, recommend
from accord.engine.patching.planner import SolveOptions

OPTIONS = SolveOptions(time_limit=60.0, gap_tolerance=0.0)
Factory = Callable[..., Instance]


def _brute_force(instance: Instance, price: float) -> float:
    """The least expected loss + breach penalties + price x downtime over every feasible assignment."""
    best = np.inf
    for combo in itertools.product([None, *(w.id for w in instance.windows)], repeat=len(instance.jobs)):
        assignment = dict(zip((j.id for j in instance.jobs), combo, strict=True))
        if check_assignment(instance, assignment):
            continue
        outcome = evaluate(instance, assignment)
        best = min(best, outcome.objective + price * outcome.disruption_cost)
    return float(best)


def _price_points(report: PlanReport) -> list[FrontierPoint]:
    return [p for p in report.points if p.kind == "price"]


def test_price_grid_always_holds_the_recommended_price() -> None:
    assert price_grid(1) == [1.0]
    assert price_grid(3) == [None, 1.0, 0.0]  # no downtime, a euro for a euro, downtime free
    assert price_grid(5) == [None, 2.0, 1.0, 0.5, 0.0]
    assert len(price_grid(14)) == 14 and len(set(price_grid(14))) == 14


@pytest.mark.parametrize("seed", range(6))
def test_each_price_point_is_the_brute_force_optimum_of_its_objective(make_tiny: Factory, seed: int) -> None:
    instance = make_tiny(300 + seed, n_jobs=5, n_windows=4)
    report = plan_instance(instance, options=OPTIONS, frontier_points=5)
    for point in _price_points(report):
        assert check_assignment(instance, point.plan.assignment, None, point.plan.outcome) == []
        if point.price is None:
            assert point.disruption_cost == 0.0
            continue
        value = point.plan.outcome.objective + point.price * point.disruption_cost
        assert value == pytest.approx(_brute_force(instance, point.price), rel=1e-9, abs=1e-6)


@pytest.mark.parametrize("seed", range(8))
def test_the_point_at_greedys_downtime_is_never_worse_than_greedy(make_tiny: Factory, seed: int) -> None:
    instance = make_tiny(400 + seed, n_jobs=12, n_windows=5)
    report = plan_instance(instance, options=SolveOptions(time_limit=20.0), frontier_points=3)
    (point,) = [p for p in report.points if p.kind == "greedy_downtime"]
    greedy = report.greedy.outcome
    assert check_assignment(instance, point.plan.assignment, greedy.disruption_cost, point.plan.outcome) == []
    assert point.disruption_cost <= greedy.disruption_cost + 1e-6
    assert point.exposure <= greedy.exposure + 1e-6
    assert point.sla_breaches <= greedy.sla_breaches


def test_the_point_at_greedys_downtime_improves_on_a_contended_instance() -> None:
    instance = random_instance(np.random.default_rng(7), 50)
    report = plan_instance(instance, options=SolveOptions(time_limit=30.0), frontier_points=1)
    (point,) = [p for p in report.points if p.kind == "greedy_downtime"]
    assert point.exposure < 0.9 * report.greedy.outcome.exposure


@pytest.mark.parametrize("seed", range(4))
def test_price_points_are_monotone(seed: int) -> None:
    instance = random_instance(np.random.default_rng(30 + seed), 25, group_size=5, jobs_per_asset=4)
    report = plan_instance(instance, options=SolveOptions(time_limit=30.0), frontier_points=7)
    points = sorted(_price_points(report), key=lambda p: -np.inf if p.price is None else -p.price)
    assert len(points) == 7
    for dear, cheap in itertools.pairwise(points):  # downtime gets cheaper down the list
        assert cheap.disruption_cost >= dear.disruption_cost - 1e-6
        assert cheap.plan.outcome.objective <= dear.plan.outcome.objective + 1e-6
    for point in report.points:
        assert check_assignment(instance, point.plan.assignment, point.budget, point.plan.outcome) == []


def _point(downtime: float, loss: float) -> FrontierPoint:
    outcome = Outcome(exposure=loss, disruption_cost=downtime, sla_breaches=0, objective=loss)
    return FrontierPoint("price", Plan({}, outcome, "milp"), price=1.0)


def test_recommended_is_the_last_point_where_a_euro_of_downtime_buys_a_euro_of_loss() -> None:
    points = [_point(0, 1000), _point(100, 700), _point(300, 450), _point(600, 300), _point(900, 280)]
    # steps buy 3.0, 1.25, 0.5 and 0.07 euros of expected loss per euro of downtime
    assert recommend(points) == 2
    # under a budget of 200 the best affordable point is the second
    assert recommend(points, budget=200) == 1
    # a tie in downtime + loss goes to less downtime
    assert recommend([_point(0, 500), _point(100, 400)]) == 0


def test_recommended_point_is_the_default_plan_and_no_point_costs_less_in_total() -> None:
    instance = random_instance(np.random.default_rng(12), 12, jobs_per_asset=4)
    report = plan_instance(instance, options=SolveOptions(time_limit=30.0), frontier_points=5)
    best = report.points[report.recommended]
    assert report.chosen == report.recommended and report.plan is best.plan
    assert all(best.total_cost <= p.total_cost + 1e-6 for p in report.points)
    later = [p for p in report.points if p.disruption_cost > best.disruption_cost]
    assert later, "the frontier should offer more protection than the recommended point"
    for p in later:  # each further euro of downtime buys less than a euro of expected loss
        assert best.exposure - p.exposure <= p.disruption_cost - best.disruption_cost + 1e-6


def test_a_budget_adds_its_plan_and_makes_it_the_default() -> None:
    instance = random_instance(np.random.default_rng(12), 12, jobs_per_asset=4)
    budget = 0.5 * plan_instance(instance, options=SolveOptions(time_limit=10.0)).greedy.outcome.disruption_cost
    report = plan_instance(instance, budget=budget, options=SolveOptions(time_limit=20.0), frontier_points=3)
    chosen = report.points[report.chosen]
    assert chosen.kind == "budget" and chosen.disruption_cost <= budget + 1e-6
    assert report.points[report.recommended].disruption_cost <= budget + 1e-6


def test_an_exhausted_time_limit_still_gives_every_point_complete_and_feasible() -> None:
    instance = random_instance(np.random.default_rng(5), 40, group_size=5, jobs_per_asset=4)
    report = plan_instance(instance, options=SolveOptions(time_limit=0.0), frontier_points=5)
    assert any("time limit" in note for note in report.notes)
    assert len(report.points) == 6
    for point in report.points:
        assert set(point.plan.assignment) == {j.id for j in instance.jobs}
        assert check_assignment(instance, point.plan.assignment, point.budget, point.plan.outcome) == []
        assert point.plan.bound is not None and point.plan.bound <= point.plan.outcome.objective + 1e-6 + (
            0.0 if point.price is None else point.price * point.disruption_cost)
    greedy = report.greedy.outcome
    (against,) = [p for p in report.points if p.kind == "greedy_downtime"]
    assert against.exposure <= greedy.exposure + 1e-6 and against.sla_breaches <= greedy.sla_breaches
