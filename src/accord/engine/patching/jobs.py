"""From findings to jobs: findings on one asset fixed by the same action are one job."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from accord.engine.patching.model import DECISIONS, Job


@dataclass(frozen=True)
class Finding:
    id: str
    asset: str
    action: str  # what fixes it, e.g. "kb5034441" or "openssl>=3.0.13"; same action = same work
    minutes: float
    reboot: bool
    risk_per_day: float
    due: datetime | None = None
    kev: bool = False
    decision: str | None = None
    loss_cap: float | None = None


@dataclass(frozen=True)
class GroupedJob:
    job: Job
    findings: tuple[str, ...]  # the finding ids this job closes


def _most_urgent(decisions: Iterable[str | None]) -> str | None:
    known = [d for d in decisions if d is not None]
    return max(known, key=DECISIONS.index) if known else None


def group_findings(findings: Iterable[Finding]) -> list[GroupedJob]:
    """One job per (asset, action), in order of first appearance.

    The action runs once, so its minutes are the largest of its findings' (not the sum); it needs a
    reboot if any finding's fix does; closing it removes the risk of all its findings (sum); it is
    due when its earliest finding is due; it is KEV if any finding is, and takes the most urgent
    SSVC decision. Its loss cap is the sum of its findings' caps (none if any finding has none).
    """
    buckets: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        buckets.setdefault((finding.asset, finding.action), []).append(finding)
    grouped: list[GroupedJob] = []
    for (asset, action), members in buckets.items():
        dues = [f.due for f in members if f.due is not None]
        job = Job(
            id=f"{asset}/{action}",
            asset=asset,
            minutes=max(f.minutes for f in members),
            reboot=any(f.reboot for f in members),
            risk_per_day=sum(f.risk_per_day for f in members),
            due=min(dues) if dues else None,
            kev=any(f.kev for f in members),
            decision=_most_urgent(f.decision for f in members),
            loss_cap=None if any(f.loss_cap is None for f in members) else sum(f.loss_cap or 0.0 for f in members),
        )
        grouped.append(GroupedJob(job, tuple(f.id for f in members)))
    return grouped
