"""Patch planner benchmark: greedy against the MILP at equal or lower disruption.

Run by hand:  .venv/bin/python benchmarks/patch_planner.py [--sizes 200 1000 5000] [--seed 1]

For each size it generates an instance (about 8 jobs per asset, 13 weekly windows per group of
~25 assets, a year-end freeze, clusters, heavy-tailed risk; see accord.engine.patching.generate),
plans it greedily without a budget, then solves the MILP with the greedy plan's downtime cost as
the disruption budget (so the MILP is compared at equal or lower disruption), checks both plans
with the independent checker and prints one table row per size.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from accord.engine.patching.checker import check_assignment
from accord.engine.patching.generate import random_instance
from accord.engine.patching.greedy import plan_greedy
from accord.engine.patching.planner import SINGLE_MILP_MAX_PAIRS, SolveOptions, solve

TIME_LIMITS = {200: 60.0, 1000: 170.0, 5000: 590.0}


def run(
    size: int, seed: int, time_limit: float, gap: float, single_max_pairs: int, capacity_factor: float
) -> dict[str, float | str]:
    instance = random_instance(np.random.default_rng([seed, size]), size, capacity_factor=capacity_factor)
    started = time.perf_counter()
    greedy = plan_greedy(instance, None)
    greedy_seconds = time.perf_counter() - started
    budget = greedy.outcome.disruption_cost
    options = SolveOptions(time_limit=time_limit, gap_tolerance=gap, single_milp_max_pairs=single_max_pairs)
    started = time.perf_counter()
    milp = solve(instance, budget, options, warm=greedy)
    milp_seconds = time.perf_counter() - started
    for plan, plan_budget in ((greedy, None), (milp, budget)):
        problems = check_assignment(instance, plan.assignment, plan_budget, plan.outcome)
        assert not problems, problems[:5]
    return {
        "assets": size,
        "jobs": len(instance.jobs),
        "windows": len(instance.windows),
        "greedy_s": greedy_seconds,
        "milp_s": milp_seconds,
        "greedy_exposure": greedy.outcome.exposure,
        "milp_exposure": milp.outcome.exposure,
        "exposure_cut": 1 - milp.outcome.exposure / greedy.outcome.exposure,
        "greedy_downtime": greedy.outcome.disruption_cost,
        "milp_downtime": milp.outcome.disruption_cost,
        "greedy_breaches": greedy.outcome.sla_breaches,
        "milp_breaches": milp.outcome.sla_breaches,
        "objective_cut": 1 - milp.outcome.objective / greedy.outcome.objective,
        "gap": float("nan") if milp.gap is None else milp.gap,
        "status": milp.status,
        "how": "; ".join(milp.notes) or "one MILP",
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000, 5000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--gap", type=float, default=1e-3, help="relative MIP gap at which to stop")
    parser.add_argument("--time-limit", type=float, default=None, help="seconds (default per size)")
    parser.add_argument("--single-milp-max-pairs", type=int, default=SINGLE_MILP_MAX_PAIRS)
    parser.add_argument("--capacity-factor", type=float, default=1.5, help="window capacity / jobs")
    args = parser.parse_args()
    header = (
        f"{'assets':>6} {'jobs':>6} {'greedy s':>8} {'MILP s':>7} {'greedy exposure':>16} {'MILP exposure':>14} "
        f"{'exp. cut':>8} {'greedy downtime':>15} {'MILP downtime':>13} {'breaches g/M':>12} {'obj. cut':>8} {'gap':>9}"
    )
    print(header)
    rows = []
    for size in args.sizes:
        limit = args.time_limit or TIME_LIMITS.get(size, 300.0)
        row = run(size, args.seed, limit, args.gap, args.single_milp_max_pairs, args.capacity_factor)
        rows.append(row)
        print(
            f"{row['assets']:>6} {row['jobs']:>6} {row['greedy_s']:>8.2f} {row['milp_s']:>7.1f} "
            f"{row['greedy_exposure']:>16,.0f} {row['milp_exposure']:>14,.0f} {row['exposure_cut']:>8.1%} "
            f"{row['greedy_downtime']:>15,.0f} {row['milp_downtime']:>13,.0f} "
            f"{row['greedy_breaches']:>5}/{row['milp_breaches']:<6} {row['objective_cut']:>8.1%} {row['gap']:>9.1e}",
            flush=True,
        )
    print()
    for row in rows:
        print(f"{row['assets']} assets: {row['status']}; {row['how']}")


if __name__ == "__main__":
    main()
