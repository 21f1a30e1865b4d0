"""Why a job is late or deferred, in words a change manager can act on.

One set of rules for the emergency proposals, the SLA forecast and the deferred list: the first
rule that applies is the reason.
"""

from __future__ import annotations

from datetime import datetime

from accord.engine.patching.model import Instance, Job, Window


def _serving(instance: Instance, job: Job) -> list[Window]:
    asset = instance.asset_by_id[job.asset]
    return [w for w in instance.windows if asset.group in w.groups]


def _work(instance: Instance, job: Job) -> float:
    asset = instance.asset_by_id[job.asset]
    return job.minutes + (asset.reboot_minutes if job.reboot else 0.0)


def money(instance: Instance, amount: float) -> str:
    return f"{instance.currency} {amount:,.0f}".strip()


NO_WINDOW = "no maintenance window serves this asset (give it a business service or a tag a window serves)"


def _no_fitting_window(instance: Instance, job: Job, windows: list[Window], when: str) -> str | None:
    """Why none of `windows` (those that serve the job's asset) can take it, or None if one can."""
    usable = [w for w in windows if instance.is_usable(w)]
    if not usable:
        return f"every window {when} falls in a freeze"
    work = _work(instance, job)
    if all(work > w.minutes for w in usable):
        return f"the change ({work:g} min with reboot) is longer than every window {when}"
    return None


def why_late(instance: Instance, job: Job, due: datetime, planned: Window | None) -> str:
    """Why `job` is not done by `due` (a finding's or the job's due moment) under its plan."""
    if due <= instance.start:
        return "already overdue when the plan starts"
    serving = _serving(instance, job)
    if not serving:
        return NO_WINDOW
    before = [w for w in serving if instance.start <= w.start and w.end <= due]
    if not before:
        return "no window of this asset ends before the due date"
    blocked = _no_fitting_window(instance, job, before, "before the due date")
    if blocked:
        return blocked
    if planned is not None:
        return "windows before the due date are full (capacity, cluster limit or disruption budget): planned later"
    return "deferred past the horizon: windows are full (capacity, cluster limit or disruption budget)"


def why_deferred(instance: Instance, job: Job, *, price: float | None, no_downtime: bool = False) -> str:
    """Why the plan leaves `job` past the horizon. `price` is the point's price of downtime (None
    when the point has none); `no_downtime` when the point forbids reboots."""
    serving = _serving(instance, job)
    if not serving:
        return NO_WINDOW
    blocked = _no_fitting_window(instance, job, serving, "of this asset in the horizon")
    if blocked:
        return blocked
    asset = instance.asset_by_id[job.asset]
    if job.reboot:
        cluster = instance.cluster_by_id.get(asset.cluster) if asset.cluster else None
        if cluster is not None and cluster.max_down < 1:
            return f"its cluster {cluster.id} allows no member down"
        if no_downtime:
            return "this point allows no downtime and the fix needs a reboot"
        first = min((w for w in serving if instance.is_usable(w) and _work(instance, job) <= w.minutes),
                    key=lambda w: w.start)
        removed = instance.exposure(job, None) - instance.exposure(job, first)
        if price is not None and price * asset.reboot_cost > removed:
            rate = "" if price == 1.0 else f" (this point asks {price:g} of expected loss per unit of downtime)"
            return (f"not worth its downtime at this point: the reboot costs {money(instance, asset.reboot_cost)}, "
                    f"the expected loss it removes by the horizon is {money(instance, removed)}{rate}")
    return "the windows are full (change capacity, cluster limit, window length or disruption budget)"
