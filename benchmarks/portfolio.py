"""Portfolio solver benchmark: run by hand, prints a table.

    .venv/bin/python benchmarks/portfolio.py [--seeds 3]

1. 500 initiatives x 80 scenarios, solved to a 0.1% gap on the risk reduction (target: under 5 s),
   at budgets of 5%, 10%, 25% and 50% of the total cost of all initiatives over the horizon.
2. A 20-point frontier for 150 initiatives x 40 scenarios (target: under 30 s).

Instances come from accord.engine.portfolio.synthetic with fixed seeds: 1-4 effects per initiative
(reductions 5-60%), 10% of initiatives require another, 5% exclusion pairs, 3% mandatory, three
teams with 40% of the capacity demand available. Times include building the HiGHS model.
Every answer is checked: rules kept, residual equal to the exact multiplicative residual.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import time

import highspy
import numpy as np

from accord.engine.portfolio.feasibility import violations
from accord.engine.portfolio.frontier import compute_frontier
from accord.engine.portfolio.milp import PortfolioSolver, SolverOptions
from accord.engine.portfolio.residual import residual_ale, selection_mask
from accord.engine.portfolio.synthetic import random_instance


def check(instance, selection, budget) -> None:
    assert not violations(instance, selection.selected, budget), "rule broken"
    exact = residual_ale(instance, selection_mask(instance, selection.selected))
    assert abs(exact - selection.residual_ale) <= 1e-9 * instance.total_ale


def large_solves(seeds: int) -> list[tuple]:
    rows = []
    for seed in range(seeds):
        instance = random_instance(np.random.default_rng(seed), 500, 80)
        total = float(instance.horizon_costs.sum())
        for share in (0.05, 0.10, 0.25, 0.50):
            budget = total * share
            start = time.perf_counter()
            selection = PortfolioSolver(instance, SolverOptions(gap=1e-3)).solve(budget)
            elapsed = time.perf_counter() - start
            check(instance, selection, budget)
            rows.append(
                (
                    seed,
                    share,
                    elapsed,
                    selection.gap,
                    selection.rounds,
                    len(selection.selected),
                    selection.risk_reduction / instance.total_ale,
                )
            )
    return rows


def frontiers(seeds: int) -> list[tuple]:
    rows = []
    for seed in range(seeds):
        instance = random_instance(np.random.default_rng(100 + seed), 150, 40)
        start = time.perf_counter()
        frontier = compute_frontier(instance, 20, SolverOptions(gap=1e-3))
        elapsed = time.perf_counter() - start
        for point in frontier.points:
            check(instance, point, point.budget)  # FrontierPoint has the fields check() reads
        residuals = [p.residual_ale for p in frontier.points]
        monotone = all(b <= a + 1e-6 for a, b in itertools.pairwise(residuals))
        worst_gap = max(p.gap for p in frontier.points)
        rows.append((seed, elapsed, len(frontier.points), worst_gap, monotone, frontier.break_even))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=3)
    seeds = parser.parse_args().seeds
    print(f"python {platform.python_version()}, highspy {highspy.Highs().version()}, {os.cpu_count()} cpus")
    print("\n500 initiatives x 80 scenarios, target gap 0.1% (on risk reduction), target < 5 s")
    print(f"{'seed':>4} {'budget':>7} {'seconds':>8} {'gap':>9} {'rounds':>6} {'chosen':>6} {'reduction':>9}")
    large = large_solves(seeds)
    for seed, share, elapsed, gap, rounds, chosen, reduction in large:
        print(
            f"{seed:>4} {share:>7.0%} {elapsed:>8.2f} {gap:>9.4%} {rounds:>6} {chosen:>6} {reduction:>9.1%}"
        )
    times = [row[2] for row in large]
    print(
        f"max {max(times):.2f} s, median {float(np.median(times)):.2f} s, worst gap {max(r[3] for r in large):.4%}"
    )

    print("\n20-point frontier, 150 initiatives x 40 scenarios, target < 30 s")
    print(f"{'seed':>4} {'seconds':>8} {'points':>6} {'worst gap':>10} {'monotone':>8} {'break-even':>10}")
    for seed, elapsed, points, worst_gap, monotone, break_even in frontiers(seeds):
        print(f"{seed:>4} {elapsed:>8.2f} {points:>6} {worst_gap:>10.4%} {monotone!s:>8} {break_even:>10}")


if __name__ == "__main__":
    main()
