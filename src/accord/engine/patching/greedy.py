"""The baseline a change manager would build by hand: deadline first, then the most risk removed
per minute of downtime, each job into the earliest window where it still fits."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping

from accord.engine.patching.candidates import Candidates, build_candidates
from accord.engine.patching.model import Instance, Job, Plan, Window, evaluate


def _priority(instance: Instance, job: Job) -> tuple[float, float, str]:
    due = math.inf if job.due is None else instance.days_until(job.due)
    asset = instance.asset_by_id[job.asset]
    downtime = asset.reboot_minutes if job.reboot else 0.0
    risk_per_downtime_minute = math.inf if downtime == 0 else job.risk_per_day / downtime
    return (due, -risk_per_downtime_minute, job.id)


class Load:
    """What is already booked: minutes per (asset, window), reboots, changes, cluster downs, cost."""

    def __init__(self, instance: Instance, budget: float | None) -> None:
        self.instance = instance
        self.budget = budget
        self.minutes: dict[tuple[str, str], float] = defaultdict(float)
        self.rebooted: set[tuple[str, str]] = set()
        self.changes: dict[str, int] = defaultdict(int)
        self.down: dict[tuple[str, str], int] = defaultdict(int)
        self.disruption = 0.0

    def fits(self, job: Job, window: Window) -> bool:
        asset = self.instance.asset_by_id[job.asset]
        key = (asset.id, window.id)
        if window.max_changes is not None and self.changes[window.id] >= window.max_changes:
            return False
        new_reboot = job.reboot and key not in self.rebooted
        work = self.minutes[key] + job.minutes + (asset.reboot_minutes if new_reboot else 0.0)
        if work > window.minutes:
            return False
        if not new_reboot:
            return True
        if asset.cluster is not None:
            cluster = self.instance.cluster_by_id[asset.cluster]
            if self.down[(cluster.id, window.id)] >= cluster.max_down:
                return False
        return self.budget is None or self.disruption + asset.reboot_cost <= self.budget

    def book(self, job: Job, window: Window) -> None:
        asset = self.instance.asset_by_id[job.asset]
        key = (asset.id, window.id)
        self.changes[window.id] += 1
        if job.reboot and key not in self.rebooted:
            self.rebooted.add(key)
            self.minutes[key] += asset.reboot_minutes
            self.disruption += asset.reboot_cost
            if asset.cluster is not None:
                self.down[(asset.cluster, window.id)] += 1
        self.minutes[key] += job.minutes


def greedy_assignment(
    instance: Instance, budget: float | None, candidates: Candidates | None = None
) -> dict[str, str | None]:
    candidates = candidates or build_candidates(instance, budget)
    load = Load(instance, budget)
    assignment: dict[str, str | None] = {}
    for job in sorted(instance.jobs, key=lambda j: _priority(instance, j)):
        assignment[job.id] = None
        for window in candidates.windows[job.id]:
            if load.fits(job, window):
                load.book(job, window)
                assignment[job.id] = window.id
                break
    return assignment


def plan_greedy(instance: Instance, budget: float | None) -> Plan:
    """The greedy plan; `budget` caps its disruption cost (None: no cap)."""
    assignment = greedy_assignment(instance, budget)
    return Plan(assignment=assignment, outcome=evaluate(instance, assignment), method="greedy")


def restrict(assignment: Mapping[str, str | None], job_ids: set[str]) -> dict[str, str | None]:
    return {job_id: window for job_id, window in assignment.items() if job_id in job_ids}
