"""Random but realistic planner instances, for tests, benchmarks and demos (seeded explicitly).

Shape: business services ("groups") of about 25 assets, each with one weekly maintenance window
(Friday-to-Sunday nights, 22:00 UTC, 4 hours) whose change capacity covers about 1.5 times the
group's jobs over the horizon; a Christmas freeze; clusters of 2-4 assets with one down at a time;
about 8 jobs per asset with heavy-tailed risk, 60% needing a reboot, SLA due dates from KEV and
SSVC-like decisions (some already overdue, as in real backlogs).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np

from accord.engine.patching.model import Asset, Cluster, Freeze, Instance, Job, Window

_SLA_DAYS = {"act": 7, "attend": 30, "track*": 90, "track": 180}


def random_instance(
    rng: np.random.Generator,
    n_assets: int,
    *,
    jobs_per_asset: float = 8.0,
    group_size: int = 25,
    weeks: int = 13,
    capacity_factor: float = 1.5,
    start: datetime = datetime(2026, 12, 1, tzinfo=UTC),
    disruption_budget: float | None = None,
) -> Instance:
    n_groups = max(1, math.ceil(n_assets / group_size))
    group_cost = rng.lognormal(mean=math.log(2_000), sigma=1.0, size=n_groups)
    assets: list[Asset] = []
    clusters: list[Cluster] = []
    jobs: list[Job] = []
    group_jobs = np.zeros(n_groups, dtype=int)
    for index in range(n_assets):
        group = index % n_groups
        assets.append(
            Asset(
                id=f"a{index}",
                group=f"g{group}",
                reboot_minutes=float(rng.integers(10, 31)),
                downtime_cost_per_hour=round(float(group_cost[group] * rng.uniform(0.5, 1.5)), 2),
            )
        )
    # clusters: consecutive assets of the same group, 2-4 members, max one down at a time
    by_group: dict[int, list[int]] = {}
    for index in range(n_assets):
        by_group.setdefault(index % n_groups, []).append(index)
    for group, members in by_group.items():
        position = 0
        while position < len(members):
            size = int(rng.integers(1, 5))
            chunk = members[position : position + size]
            position += size
            if len(chunk) >= 2 and rng.random() < 0.7:
                cluster_id = f"c{group}-{position}"
                clusters.append(Cluster(cluster_id, 1))
                for member in chunk:
                    old = assets[member]
                    assets[member] = Asset(
                        old.id, old.group, old.reboot_minutes, old.downtime_cost_per_hour, cluster_id
                    )
    for index, asset in enumerate(assets):
        count = max(1, int(rng.poisson(jobs_per_asset)))
        group_jobs[index % n_groups] += count
        for k in range(count):
            kev = bool(rng.random() < 0.05)
            decision = str(rng.choice(["act", "attend", "track*", "track"], p=[0.05, 0.2, 0.45, 0.3]))
            sla = 14 if kev else _SLA_DAYS[decision]
            found_days_ago = float(rng.uniform(0, 20))
            risk = float(rng.lognormal(mean=math.log(20.0), sigma=1.3)) * (
                5.0 if kev or decision == "act" else 1.0
            )
            jobs.append(
                Job(
                    id=f"{asset.id}-j{k}",
                    asset=asset.id,
                    minutes=float(min(120, max(5, round(rng.lognormal(math.log(15), 0.6))))),
                    reboot=bool(rng.random() < 0.6),
                    risk_per_day=round(risk, 2),
                    due=start + timedelta(days=sla - found_days_ago),
                    kev=kev,
                    decision=decision,
                )
            )
    windows: list[Window] = []
    for group in range(n_groups):
        weekday_offset = 3 + int(rng.integers(0, 3))  # Fri, Sat or Sun night (start is a Tuesday)
        capacity = math.ceil(capacity_factor * group_jobs[group] / max(1, weeks - 2))
        for week in range(weeks):
            windows.append(
                Window(
                    id=f"g{group}-w{week + 1}",
                    start=start + timedelta(days=weekday_offset + 7 * week, hours=22),
                    minutes=240.0,
                    groups=(f"g{group}",),
                    max_changes=capacity,
                )
            )
    freezes = (Freeze(start + timedelta(days=19), start + timedelta(days=33), "year-end"),)
    return Instance(
        start=start,
        horizon_days=7.0 * weeks,
        windows=tuple(windows),
        assets=tuple(assets),
        jobs=tuple(jobs),
        freezes=freezes,
        clusters=tuple(clusters),
        disruption_budget=disruption_budget,
    )
