"""Which job may go into which window, and what each choice is worth: shared by greedy and MILP."""

from __future__ import annotations

from dataclasses import dataclass

from accord.engine.patching.model import Instance, Job, Window


@dataclass(frozen=True)
class Candidates:
    """For every job, the windows it may go into (in time order) and the objective of each choice.

    A window is a candidate for a job when it is usable (inside the horizon, outside freezes),
    serves the asset's group, and the job alone (plus its reboot) fits the window length. Reboot
    jobs of an asset whose cluster allows nobody down, or whose one reboot alone would exceed the
    disruption budget, get no candidates.
    """

    windows: dict[str, tuple[Window, ...]]  # job id -> candidate windows sorted by start
    deferred_cost: dict[str, float]  # job id -> objective when deferred (exposure + breach penalty)


def choice_cost(instance: Instance, job: Job, window: Window | None) -> float:
    return instance.exposure(job, window) + instance.penalty * instance.breaches(job, window)


def build_candidates(instance: Instance, budget: float | None) -> Candidates:
    usable = sorted((w for w in instance.windows if instance.is_usable(w)), key=lambda w: (w.start, w.id))
    by_group: dict[str, list[Window]] = {}
    for window in usable:
        for group in window.groups:
            by_group.setdefault(group, []).append(window)
    windows: dict[str, tuple[Window, ...]] = {}
    for job in instance.jobs:
        asset = instance.asset_by_id[job.asset]
        work = job.minutes + (asset.reboot_minutes if job.reboot else 0.0)
        can_reboot = True
        if job.reboot:
            cluster = instance.cluster_by_id.get(asset.cluster) if asset.cluster else None
            can_reboot = (cluster is None or cluster.max_down >= 1) and (
                budget is None or asset.reboot_cost <= budget
            )
        windows[job.id] = (
            tuple(w for w in by_group.get(asset.group, ()) if work <= w.minutes) if can_reboot else ()
        )
    deferred = {job.id: choice_cost(instance, job, None) for job in instance.jobs}
    return Candidates(windows=windows, deferred_cost=deferred)
