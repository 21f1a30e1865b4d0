"""Emergency changes: a KEV or SSVC `act` job that the plan cannot finish by its due date inside a
window is proposed as an out-of-window change, with its cost, for explicit approval."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from accord.engine.patching.explain import why_late
from accord.engine.patching.model import Instance, Job


@dataclass(frozen=True)
class EmergencyChange:
    job: str
    asset: str
    due: datetime
    change_by: datetime  # the due date, or the plan start when already overdue
    work_minutes: float  # job minutes plus the reboot, if it needs one
    downtime_cost: float  # reboot minutes x the asset's cost of downtime (same rule as in windows)
    exposure_avoided: float  # expected loss the plan would carry beyond change_by
    reason: str


def _needs_emergency(job: Job) -> bool:
    return job.kev or job.decision == "act"


def propose_emergencies(instance: Instance, assignment: Mapping[str, str | None]) -> list[EmergencyChange]:
    proposals: list[EmergencyChange] = []
    for job in instance.jobs:
        if not _needs_emergency(job) or job.due is None:
            continue
        window_id = assignment.get(job.id)
        window = None if window_id is None else instance.window_by_id[window_id]
        if not instance.breaches(job, window):
            continue
        asset = instance.asset_by_id[job.asset]
        change_by = max(job.due, instance.start)
        work = job.minutes + (asset.reboot_minutes if job.reboot else 0.0)
        planned_days = instance.horizon_days if window is None else instance.days_until(window.start)
        avoided = max(job.exposure_for(planned_days) - job.exposure_for(instance.days_until(change_by)), 0.0)
        proposals.append(
            EmergencyChange(
                job=job.id,
                asset=asset.id,
                due=job.due,
                change_by=change_by,
                work_minutes=work,
                downtime_cost=asset.reboot_cost if job.reboot else 0.0,
                exposure_avoided=avoided,
                reason=why_late(instance, job, job.due, window),
            )
        )
    proposals.sort(key=lambda p: (p.change_by, -p.exposure_avoided, p.job))
    return proposals


def latest_start(change: EmergencyChange) -> datetime:
    """When the change must begin at the latest to be done by `change_by`."""
    return change.change_by - timedelta(minutes=change.work_minutes)
