"""The planner's vocabulary as frozen dataclasses, plus the rules every solver shares.

Modelling decisions (also in docs/patch-planner.md):

* Work on one asset in one window is the sum of its jobs' minutes plus ONE reboot if any of those
  jobs needs a reboot, and it must fit the window length. Different assets are worked on in
  parallel, so the length limit is per asset, not per window.
* A window's change capacity counts jobs (each job is one change ticket).
* Only reboots take an asset down: disruption cost is reboot_minutes / 60 x downtime_cost_per_hour
  for every (asset, window) with a reboot. Jobs without a reboot are live changes and cost nothing.
* Cluster limits count rebooted members: at most max_down members of a cluster rebooted per window.
* A window is usable when it starts inside the horizon [start, start + horizon_days) and does not
  overlap any freeze period.
* Exposure of a job is its expected loss from the instance start until its window starts (until
  the horizon end when deferred). risk_per_day is money: the expected loss per day the job's
  findings add (accord.engine.patching.exposure). Without a loss cap, exposure is risk_per_day x
  days. With one (the job's share of its asset's loss if compromised), an asset cannot be lost
  twice: exposure is cap x (1 - (1 - risk_per_day / cap)^days), which is risk_per_day on the first
  day and never more than the cap however long the job stays open. A job is on time when its window ENDS by its due date; a deferred
  job breaches when its due date falls before the horizon end.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property

DAY_SECONDS = 86_400.0
DECISIONS = ("track", "track*", "attend", "act")


def _utc(owner: object, name: str) -> None:
    """Store a timestamp field in UTC. Aware datetimes sharing one ZoneInfo compare and subtract
    by wall clock in Python, which is wrong across daylight saving; UTC has no such trap."""
    value = getattr(owner, name)
    if value is None:
        return
    if value.tzinfo is None:
        raise ValueError(f"{type(owner).__name__}.{name} must be timezone-aware")
    object.__setattr__(owner, name, value.astimezone(UTC))


@dataclass(frozen=True)
class Window:
    id: str
    start: datetime
    minutes: float
    groups: tuple[str, ...]
    max_changes: int | None = None  # None: no limit on the number of jobs

    def __post_init__(self) -> None:
        _utc(self, "start")

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.minutes)


@dataclass(frozen=True)
class Freeze:
    start: datetime
    end: datetime
    id: str | None = None

    def __post_init__(self) -> None:
        _utc(self, "start")
        _utc(self, "end")


@dataclass(frozen=True)
class Cluster:
    id: str
    max_down: int


@dataclass(frozen=True)
class Asset:
    id: str
    group: str
    reboot_minutes: float
    downtime_cost_per_hour: float
    cluster: str | None = None

    @property
    def reboot_cost(self) -> float:
        return self.reboot_minutes / 60.0 * self.downtime_cost_per_hour


@dataclass(frozen=True)
class Job:
    id: str
    asset: str
    minutes: float
    reboot: bool
    risk_per_day: float
    due: datetime | None = None
    kev: bool = False
    decision: str | None = None  # SSVC decision: track, track*, attend, act
    loss_cap: float | None = None  # most the job can lose however long it stays open (None: no cap)

    def __post_init__(self) -> None:
        _utc(self, "due")

    def exposure_for(self, days: float) -> float:
        """Expected loss while the job stays open `days` days (see the module docstring)."""
        if days <= 0:
            return 0.0
        if self.loss_cap is None:
            return self.risk_per_day * days
        if self.loss_cap <= 0 or self.risk_per_day <= 0:
            return 0.0
        daily = min(self.risk_per_day / self.loss_cap, 1.0)
        if daily >= 1.0:
            return self.loss_cap
        return self.loss_cap * -math.expm1(days * math.log1p(-daily))


@dataclass(frozen=True)
class Instance:
    start: datetime
    horizon_days: float
    windows: tuple[Window, ...]
    assets: tuple[Asset, ...]
    jobs: tuple[Job, ...]
    freezes: tuple[Freeze, ...] = ()
    clusters: tuple[Cluster, ...] = ()
    breach_penalty: float | None = None  # None: max risk_per_day x horizon_days
    disruption_budget: float | None = None  # None: no budget
    currency: str = ""  # of risk_per_day, downtime cost, penalty and budget ("" when not stated)

    def __post_init__(self) -> None:
        _utc(self, "start")

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=self.horizon_days)

    @cached_property
    def penalty(self) -> float:
        """Objective cost of one SLA breach. The default makes a breach cost as much as leaving
        the riskiest job open for the whole horizon, so the solver never trades a breach for a
        small exposure gain."""
        if self.breach_penalty is not None:
            return self.breach_penalty
        return max((j.risk_per_day for j in self.jobs), default=0.0) * self.horizon_days

    @cached_property
    def asset_by_id(self) -> dict[str, Asset]:
        return {a.id: a for a in self.assets}

    @cached_property
    def window_by_id(self) -> dict[str, Window]:
        return {w.id: w for w in self.windows}

    @cached_property
    def cluster_by_id(self) -> dict[str, Cluster]:
        return {c.id: c for c in self.clusters}

    def is_usable(self, window: Window) -> bool:
        if not (self.start <= window.start < self.end):
            return False
        return not any(window.start < f.end and f.start < window.end for f in self.freezes)

    def days_until(self, when: datetime) -> float:
        return (when - self.start).total_seconds() / DAY_SECONDS

    def breaches(self, job: Job, window: Window | None) -> bool:
        if job.due is None:
            return False
        if window is None:
            return job.due < self.end
        return window.end > job.due

    def exposure(self, job: Job, window: Window | None) -> float:
        days = self.horizon_days if window is None else self.days_until(window.start)
        return job.exposure_for(days)


@dataclass(frozen=True)
class Outcome:
    """The three figures CIO and CISO argue about, plus the objective the MILP minimises."""

    exposure: float
    disruption_cost: float
    sla_breaches: int
    objective: float


@dataclass(frozen=True)
class Plan:
    """job id -> window id, or None when deferred past the horizon."""

    assignment: Mapping[str, str | None]
    outcome: Outcome
    method: str  # "greedy" or "milp"
    bound: float | None = None  # proven lower bound on the objective, when the solver has one
    gap: float | None = None  # (objective - bound) / |objective|
    status: str = "ok"
    notes: tuple[str, ...] = field(default=())


def evaluate(instance: Instance, assignment: Mapping[str, str | None]) -> Outcome:
    """Score an assignment with the shared rules (feasibility is the checker's business)."""
    exposure = 0.0
    breaches = 0
    rebooted: set[tuple[str, str]] = set()
    for job in instance.jobs:
        window_id = assignment.get(job.id)
        window = None if window_id is None else instance.window_by_id[window_id]
        exposure += instance.exposure(job, window)
        breaches += instance.breaches(job, window)
        if window is not None and job.reboot:
            rebooted.add((job.asset, window.id))
    disruption = float(sum(instance.asset_by_id[a].reboot_cost for a, _ in rebooted))
    return Outcome(
        exposure=exposure,
        disruption_cost=disruption,
        sla_breaches=breaches,
        objective=exposure + instance.penalty * breaches,
    )
