"""Greedy and MILP plans: always feasible (independent checker), MILP optimal on brute-forceable
instances, never worse than greedy, and the decomposed solver's bound is a real bound."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pytest

from accord.engine.patching.checker import check_assignment
from accord.engine.patching.generate import random_instance
from accord.engine.patching.greedy import plan_greedy
from accord.engine.patching.model import Instance, evaluate
from accord.engine.patching.planner import SolveOptions, solve

Factory = Callable[..., Instance]
OPTIONS = SolveOptions(time_limit=20.0, gap_tolerance=0.0)


def brute_force_optimum(instance: Instance, budget: float | None) -> float:
    """The best objective over every assignment of every job to any window or to none, keeping
    only those the independent checker accepts."""
    choices = [None, *(w.id for w in instance.windows)]
    best = np.inf
    for combo in itertools.product(choices, repeat=len(instance.jobs)):
        assignment = dict(zip((j.id for j in instance.jobs), combo, strict=True))
        if check_assignment(instance, assignment, budget):
            continue
        best = min(best, evaluate(instance, assignment).objective)
    return float(best)


@pytest.mark.parametrize("seed", range(8))
def test_milp_matches_brute_force(make_tiny: Factory, seed: int) -> None:
    instance = make_tiny(seed, n_jobs=5, n_windows=4)
    budget = None if seed % 2 == 0 else 0.5 * plan_greedy(instance, None).outcome.disruption_cost
    optimum = brute_force_optimum(instance, budget)
    plan = solve(instance, budget, OPTIONS)
    assert plan.outcome.objective == pytest.approx(optimum, rel=1e-9, abs=1e-6)
    assert plan.bound is not None and plan.bound <= optimum + 1e-6
    assert plan.gap == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize("seed", range(12))
def test_every_plan_passes_the_checker_and_milp_beats_greedy(make_tiny: Factory, seed: int) -> None:
    instance = make_tiny(100 + seed, n_jobs=14, n_windows=5)
    unbudgeted = plan_greedy(instance, None).outcome.disruption_cost
    for budget in (None, 0.0, 0.4 * unbudgeted):
        greedy = plan_greedy(instance, budget)
        milp = solve(instance, budget, OPTIONS, warm=greedy)
        for plan in (greedy, milp):
            assert check_assignment(instance, plan.assignment, budget, plan.outcome) == []
        assert milp.outcome.objective <= greedy.outcome.objective + 1e-6


@pytest.mark.parametrize("seed", range(3))
def test_decomposed_solver_is_feasible_and_bounded(seed: int) -> None:
    instance = random_instance(np.random.default_rng(seed), 30, group_size=10, jobs_per_asset=5)
    greedy = plan_greedy(instance, None)
    budget = greedy.outcome.disruption_cost
    whole = solve(instance, budget, OPTIONS, warm=greedy)
    pieces = solve(instance, budget, replace(OPTIONS, single_milp_max_pairs=0), warm=greedy)
    assert pieces.notes and "pieces" in pieces.notes[0]
    for plan in (whole, pieces):
        assert check_assignment(instance, plan.assignment, budget, plan.outcome) == []
        assert plan.outcome.objective <= greedy.outcome.objective + 1e-6
    # the pieces' bound is the whole instance's LP relaxation: below the exact optimum
    assert pieces.bound is not None and pieces.bound <= whole.outcome.objective + 1e-6
    # splitting the budget may cost a little optimality, never feasibility
    assert pieces.outcome.objective >= whole.outcome.objective - 1e-6
    # without a budget the pieces are exactly independent, so the split loses nothing
    free = solve(instance, None, OPTIONS)
    free_whole = solve(instance, None, replace(OPTIONS, single_milp_max_pairs=10**9))
    assert free.outcome.objective == pytest.approx(free_whole.outcome.objective, rel=1e-9)


def test_milp_beats_greedy_clearly_on_a_contended_instance() -> None:
    instance = random_instance(np.random.default_rng(7), 50)
    greedy = plan_greedy(instance, None)
    milp = solve(instance, greedy.outcome.disruption_cost, OPTIONS, warm=greedy)
    assert milp.outcome.disruption_cost <= greedy.outcome.disruption_cost + 1e-6
    assert milp.outcome.objective < 0.95 * greedy.outcome.objective


def test_checker_catches_each_kind_of_violation(make_tiny: Factory) -> None:
    instance = make_tiny(3, n_jobs=6)
    erp_job = next(j for j in instance.jobs if instance.asset_by_id[j.asset].group == "erp")
    frozen = next(w for w in instance.windows if not instance.is_usable(w))
    web_only = replace(instance.windows[0], id="web-only", groups=("web",))
    bigger = replace(instance, windows=(*instance.windows, web_only))
    base = {j.id: None for j in instance.jobs}
    assert check_assignment(instance, base) == []
    assert "overlaps a freeze" in check_assignment(instance, {**base, erp_job.id: frozen.id})[0]
    assert "does not serve group" in check_assignment(bigger, {**base, erp_job.id: "web-only"})[0]
    assert "unknown window" in check_assignment(instance, {**base, erp_job.id: "nope"})[0]
    assert "missing from the plan" in check_assignment(instance, {})[0]


def test_checker_catches_length_capacity_cluster_and_budget() -> None:
    from datetime import UTC, datetime, timedelta

    from accord.engine.patching.model import Asset, Cluster, Job, Window

    start = datetime(2026, 12, 1, tzinfo=UTC)
    window = Window("w", start + timedelta(days=2), 60.0, ("g",), max_changes=2)
    assets = (Asset("a", "g", 20.0, 600.0, "c"), Asset("b", "g", 20.0, 600.0, "c"))
    jobs = (
        Job("j1", "a", 30.0, True, 1.0),
        Job("j2", "a", 5.0, True, 1.0),
        Job("j3", "b", 10.0, True, 1.0),
    )
    instance = Instance(start, 30.0, (window,), assets, jobs, clusters=(Cluster("c", 1),))
    problems = check_assignment(instance, {"j1": "w", "j2": "w", "j3": "w"}, budget=250.0)
    text = " | ".join(problems)
    assert "3 changes, capacity 2" in text
    assert "2 members down" in text
    # asset a: 30 + 5 minutes of jobs and ONE reboot of 20 = 55 <= 60 fits; two reboots would not
    assert "asset 'a'" not in text
    # two reboots of 20 minutes at 600 per hour = 400 > 250
    assert "exceeds the budget" in text
    lengthy = replace(instance, jobs=(*jobs[:2], Job("j4", "a", 10.0, False, 1.0)))
    assert "needs 65 min" in " ".join(check_assignment(lengthy, {"j1": "w", "j2": "w", "j4": "w"}))
