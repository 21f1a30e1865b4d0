"""Patch plan wall time: the whole plan, frontier included, inside one time limit.

Run by hand:  .venv/bin/python benchmarks/patch_plan_wall_time.py [--assets 2000] [--group-size 5]
              [--time-limit 20] [--points 5] [--seed 1]

Generates an instance (accord.engine.patching.generate: about 8 jobs per asset, 13 weekly windows,
a year-end freeze, clusters; `--group-size 5` gives 400 maintenance groups for 2,000 assets),
plans it with `plan_instance` (greedy, the priced frontier, the point at greedy's downtime) under
the time limit, checks every point with the independent checker, and prints the wall time, the
time the report states, and each point's figures and proven gap.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from accord.engine.patching.checker import check_assignment
from accord.engine.patching.generate import random_instance
from accord.engine.patching.plan import plan_instance
from accord.engine.patching.planner import SolveOptions
from accord.engine.patching.report import point_label


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--assets", type=int, default=2000)
    parser.add_argument("--group-size", type=int, default=5)
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--points", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    instance = random_instance(np.random.default_rng([args.seed, args.assets]), args.assets,
                               group_size=args.group_size)
    groups = len({a.group for a in instance.assets})
    print(f"{args.assets} assets in {groups} groups, {len(instance.jobs)} jobs, {len(instance.windows)} windows; "
          f"time limit {args.time_limit:g} s, {args.points} priced points")
    started = time.perf_counter()
    report = plan_instance(instance, options=SolveOptions(time_limit=args.time_limit),
                           frontier_points=args.points)
    wall = time.perf_counter() - started
    for point in report.points:
        problems = check_assignment(instance, point.plan.assignment, point.budget, point.plan.outcome)
        assert not problems, problems[:5]
    print(f"wall {wall:.1f} s (report says {report.seconds:.1f} s); {'; '.join(report.notes)}")
    greedy = report.greedy.outcome
    print(f"{'point':<58} {'downtime':>12} {'exp. loss':>14} {'breaches':>8} {'gap':>9}")
    print(f"{'greedy':<58} {greedy.disruption_cost:>12,.0f} {greedy.exposure:>14,.0f} {greedy.sla_breaches:>8}")
    for k, point in enumerate(report.points):
        mark = " (recommended)" if k == report.recommended else ""
        gap = "-" if point.plan.gap is None else f"{point.plan.gap:.3%}"
        print(f"{point_label(point)[:44] + mark:<58} {point.disruption_cost:>12,.0f} {point.exposure:>14,.0f} "
              f"{point.sla_breaches:>8} {gap:>9}")


if __name__ == "__main__":
    main()
