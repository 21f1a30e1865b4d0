"""An independent feasibility checker: it re-derives every rule from the raw instance and shares
no code with the solvers, so a bug in their shared rules cannot hide from it.

Checks: every job planned at most once into a known window; the window starts inside the horizon
and touches no freeze; it serves the asset's group; per asset and window, job minutes plus one
reboot (if any job there reboots) fit the window length; the window's job count stays within its
change capacity; per cluster and window, rebooted members stay within max_down; the disruption
cost (one reboot per asset and window) stays within the budget; and the outcome the plan reports
matches a recomputation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import timedelta

from accord.engine.patching.model import Instance, Outcome

_TOLERANCE = 1e-6


def check_assignment(
    instance: Instance,
    assignment: Mapping[str, str | None],
    budget: float | None = None,
    reported: Outcome | None = None,
) -> list[str]:
    """Every violation found, as readable sentences; an empty list means the plan is feasible."""
    problems: list[str] = []
    assets = {a.id: a for a in instance.assets}
    windows = {w.id: w for w in instance.windows}
    clusters = {c.id: c for c in instance.clusters}
    jobs = {j.id: j for j in instance.jobs}
    horizon_end = instance.start + timedelta(days=instance.horizon_days)

    for job_id in assignment:
        if job_id not in jobs:
            problems.append(f"job {job_id!r} is not in the instance")
    work: dict[tuple[str, str], float] = defaultdict(float)
    reboots: dict[tuple[str, str], bool] = defaultdict(bool)
    changes: dict[str, int] = defaultdict(int)
    exposure = 0.0
    breaches = 0
    for job in instance.jobs:
        if job.id not in assignment:
            problems.append(f"job {job.id!r} is missing from the plan")
            continue
        window_id = assignment[job.id]
        if window_id is None:
            exposure += _expected_loss(job.risk_per_day, job.loss_cap, instance.horizon_days)
            breaches += job.due is not None and job.due < horizon_end
            continue
        window = windows.get(window_id)
        if window is None:
            problems.append(f"job {job.id!r}: unknown window {window_id!r}")
            continue
        asset = assets[job.asset]
        window_end = window.start + timedelta(minutes=window.minutes)
        if not instance.start <= window.start < horizon_end:
            problems.append(f"job {job.id!r}: window {window_id!r} starts outside the horizon")
        for freeze in instance.freezes:
            if window.start < freeze.end and freeze.start < window_end:
                problems.append(f"job {job.id!r}: window {window_id!r} overlaps a freeze")
        if asset.group not in window.groups:
            problems.append(f"job {job.id!r}: window {window_id!r} does not serve group {asset.group!r}")
        work[(asset.id, window_id)] += job.minutes
        reboots[(asset.id, window_id)] |= job.reboot
        changes[window_id] += 1
        exposure += _expected_loss(job.risk_per_day, job.loss_cap,
                                   (window.start - instance.start).total_seconds() / 86_400)
        breaches += job.due is not None and window_end > job.due

    disruption = 0.0
    down: dict[tuple[str, str], int] = defaultdict(int)
    for (asset_id, window_id), minutes in work.items():
        asset = assets[asset_id]
        total = minutes + (asset.reboot_minutes if reboots[(asset_id, window_id)] else 0.0)
        if total > windows[window_id].minutes + _TOLERANCE:
            problems.append(
                f"asset {asset_id!r} needs {total:g} min in window {window_id!r} of {windows[window_id].minutes:g} min"
            )
        if reboots[(asset_id, window_id)]:
            disruption += asset.reboot_minutes / 60 * asset.downtime_cost_per_hour
            if asset.cluster is not None:
                down[(asset.cluster, window_id)] += 1
    for window_id, count in changes.items():
        cap = windows[window_id].max_changes
        if cap is not None and count > cap:
            problems.append(f"window {window_id!r} has {count} changes, capacity {cap}")
    for (cluster_id, window_id), count in down.items():
        if count > clusters[cluster_id].max_down:
            problems.append(
                f"cluster {cluster_id!r} has {count} members down in window {window_id!r}, "
                f"at most {clusters[cluster_id].max_down}"
            )
    if budget is not None and disruption > budget * (1 + _TOLERANCE) + _TOLERANCE:
        problems.append(f"disruption cost {disruption:.2f} exceeds the budget {budget:.2f}")
    if reported is not None:
        for name, mine, theirs in (
            ("exposure", exposure, reported.exposure),
            ("disruption_cost", disruption, reported.disruption_cost),
            ("sla_breaches", float(breaches), float(reported.sla_breaches)),
        ):
            if abs(mine - theirs) > _TOLERANCE * max(1.0, abs(mine)):
                problems.append(f"reported {name} {theirs:g} but the plan gives {mine:g}")
    return problems


def _expected_loss(rate: float, cap: float | None, days: float) -> float:
    """Written out again here, not imported: a day-by-day sum of what is left to lose."""
    if days <= 0:
        return 0.0
    if cap is None:
        return rate * days
    if cap <= 0 or rate <= 0:
        return 0.0
    daily = min(rate / cap, 1.0)
    whole = int(days)
    survive = (1.0 - daily) ** whole
    lost = cap * (1.0 - survive)
    return lost + cap * survive * (1.0 - (1.0 - daily) ** (days - whole))

