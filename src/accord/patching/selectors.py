"""Permission-scoped reads of the patch planner, and what the plan pages show: the trade-off points,
the calendar, the difference from the greedy plan and the SLA forecast."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from accord.core import clock
from accord.core.errors import NotFound, ValidationFailed
from accord.core.permissions import HasCapabilities, require
from accord.engine.patching.explain import why_deferred, why_late
from accord.engine.patching.model import Instance, Job
from accord.governance.selectors import history_for, latest_for, open_slot_indexes
from accord.patching.exposure import assumptions_in_force
from accord.patching.models import (
    EMERGENCY_GROUPS,
    AssumptionStatus,
    Cluster,
    EmergencyChange,
    ExposureAssumptions,
    Freeze,
    MaintenanceWindow,
    PatchPlan,
    PlanItem,
    PlanStatus,
)
from accord.patching.planning import due_moment, instance_of

READ = "patch.read"


def windows_visible_to(viewer: HasCapabilities) -> QuerySet[MaintenanceWindow]:
    require(viewer, READ)
    return MaintenanceWindow.objects.select_related("business_service").order_by("name")


def window_by_id(viewer: HasCapabilities, window_id: int) -> MaintenanceWindow:
    window = windows_visible_to(viewer).filter(pk=window_id).first()
    if window is None:
        raise NotFound("maintenance window", window_id)
    return window


def freezes_visible_to(viewer: HasCapabilities) -> QuerySet[Freeze]:
    require(viewer, READ)
    return Freeze.objects.order_by("start")


def freeze_by_id(viewer: HasCapabilities, freeze_id: int) -> Freeze:
    freeze = freezes_visible_to(viewer).filter(pk=freeze_id).first()
    if freeze is None:
        raise NotFound("freeze", freeze_id)
    return freeze


def clusters_visible_to(viewer: HasCapabilities) -> QuerySet[Cluster]:
    require(viewer, READ)
    return Cluster.objects.annotate(member_count=Count("members")).prefetch_related("members").order_by("name")


def cluster_by_id(viewer: HasCapabilities, cluster_id: int) -> Cluster:
    cluster = clusters_visible_to(viewer).filter(pk=cluster_id).first()
    if cluster is None:
        raise NotFound("cluster", cluster_id)
    return cluster


def plans_visible_to(viewer: HasCapabilities, *, status: str = "") -> QuerySet[PatchPlan]:
    require(viewer, READ)
    qs = PatchPlan.objects.select_related("created_by").defer("instance", "jobs", "result", "windows")
    return qs.filter(status=status) if status else qs


def plan_by_id(viewer: HasCapabilities, plan_id: int) -> PatchPlan:
    require(viewer, READ)
    plan = PatchPlan.objects.select_related("created_by").filter(pk=plan_id).first()
    if plan is None:
        raise NotFound("patch plan", plan_id)
    return plan


def current_plan(viewer: HasCapabilities, *, summary_only: bool = False) -> PatchPlan | None:
    """The agreed plan in force, else the open proposal. `summary_only` leaves its large stored instance,
    jobs and solver report unread until used (what the desk needs)."""
    for status in (PlanStatus.AGREED, PlanStatus.PROPOSED):
        plan = plans_visible_to(viewer, status=status).order_by("-created_at", "-id").first()
        if plan is not None:
            return plan if summary_only else plan_by_id(viewer, plan.pk)
    return None


@dataclass(frozen=True)
class Signature:
    """A CIO's or CISO's signature on a plan, from its sign-offs (voided ones included)."""

    role: str
    user: Any
    signed_at: datetime
    chosen_point: int | None
    voided_at: datetime | None
    void_reason: str
    signoff_id: int

    def get_role_display(self) -> str:
        return self.role.upper()


def signatures_of(viewer: HasCapabilities, plan: PatchPlan) -> list[Signature]:
    """Every signature given on the plan, in order, each with whether its sign-off still stands."""
    require(viewer, READ)
    signatures = []
    for signoff in history_for(plan, "patch_plan"):
        voided = signoff.status in ("voided", "withdrawn", "expired")
        for approval in signoff.approvals.all():
            if approval.approved:
                signatures.append(Signature(approval.role, approval.user, approval.at,
                                            signoff.figures.get("chosen_point"),
                                            signoff.closed_at if voided else None,
                                            signoff.close_reason if voided else "", signoff.pk))
    return signatures


def open_signature_roles(plan: PatchPlan) -> list[str]:
    """The roles whose signature the plan's standing sign-off still needs."""
    signoff = latest_for(plan, "patch_plan")
    if signoff is None or not signoff.is_open:
        return []
    return sorted({role for k in open_slot_indexes(signoff) for role in signoff.slots[k]})


def items_of(viewer: HasCapabilities, plan: PatchPlan) -> QuerySet[PlanItem]:
    require(viewer, READ)
    return plan.items.order_by("window_start", "hostname", "job_id")


def emergencies_of(viewer: HasCapabilities, plan: PatchPlan) -> QuerySet[EmergencyChange]:
    require(viewer, READ)
    return plan.emergencies.select_related("decided_by").order_by("change_by", "id")


def emergency_by_id(viewer: HasCapabilities, emergency_id: int) -> EmergencyChange:
    require(viewer, READ)
    emergency = EmergencyChange.objects.select_related("plan", "decided_by").filter(pk=emergency_id).first()
    if emergency is None:
        raise NotFound("emergency change", emergency_id)
    return emergency


# Trade-off ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TradeoffPoint:
    index: int
    kind: str  # price, greedy_downtime, budget
    label: str
    price: float | None
    budget: float | None
    exposure: float  # expected loss over the horizon (money; an index in plans made before engine 2.0)
    disruption_cost: float
    sla_breaches: int
    total_cost: float | None  # downtime + expected loss
    gap: float | None
    chosen: bool
    recommended: bool
    buys: float | None = None  # expected loss avoided per unit of extra downtime, from the previous point

    @property
    def never_worse_than_greedy(self) -> bool:
        return self.kind == "greedy_downtime"


def tradeoff_points(plan: PatchPlan) -> tuple[dict[str, Any], list[TradeoffPoint]]:
    """The greedy baseline's figures, and every point that can be chosen, by downtime cost."""
    result = plan.result
    points: list[TradeoffPoint] = []
    previous: dict[str, Any] | None = None
    for index, point in enumerate(result.get("frontier") or []):
        buys = None
        if previous is not None and point["disruption_cost"] > previous["disruption_cost"]:
            buys = (previous["exposure"] - point["exposure"]) / (point["disruption_cost"] - previous["disruption_cost"])
        points.append(TradeoffPoint(
            index, point["kind"], point["label"], point.get("price"), point.get("budget"), point["exposure"],
            point["disruption_cost"], point["sla_breaches"], point.get("total_cost"), point.get("gap"),
            plan.chosen_point == index, result.get("recommended") == index, buys))
        previous = point
    return result["greedy"], points


def chosen_figures(plan: PatchPlan) -> dict[str, Any]:
    source = plan.result["frontier"][plan.chosen_point or 0]
    return {k: source[k] for k in ("exposure", "disruption_cost", "sla_breaches")}


def money_plan(plan: PatchPlan) -> bool:
    """False for plans made before exposure was money (their figures are a risk-weight index)."""
    return bool(plan.currency)


# Calendar ----------------------------------------------------------------------------------------

@dataclass
class CalendarRow:
    key: str
    window_id: int
    name: str
    start: datetime
    end: datetime
    capacity: int | None
    frozen: bool
    items: list[PlanItem] = field(default_factory=list)
    downtime_cost: float = 0.0
    ics_name: str = ""

    @property
    def changes(self) -> int:
        return len(self.items)

    @property
    def reboots(self) -> int:
        return len({i.hostname for i in self.items if i.reboot})


def calendar(viewer: HasCapabilities, plan: PatchPlan, *, only_used: bool = False) -> list[CalendarRow]:
    """Every window occurrence in the horizon, in time order, with the changes planned into it."""
    instance = instance_of(plan)
    engine_windows = instance.window_by_id
    rows: dict[str, CalendarRow] = {}
    for key, info in plan.windows.items():
        start, end = datetime.fromisoformat(info["start"]), datetime.fromisoformat(info["end"])
        window = engine_windows.get(key)
        frozen = any(start < f.end and f.start < end for f in instance.freezes)
        rows[key] = CalendarRow(key, info["window"], info["name"], start, end,
                                window.max_changes if window else None, frozen)
    for item in items_of(viewer, plan).exclude(window_key=""):
        if item.window_key in rows:
            rows[item.window_key].items.append(item)
    for row in rows.values():
        rebooted = {i.hostname for i in row.items if i.reboot}
        row.downtime_cost = sum(instance.asset_by_id[h].reboot_cost for h in rebooted if h in instance.asset_by_id)
    ordered = sorted(rows.values(), key=lambda r: (r.start, r.name))
    return [r for r in ordered if r.items] if only_used else ordered


@dataclass(frozen=True)
class UpcomingWindow:
    name: str
    start: datetime
    changes: int
    reboots: int


def next_window_of(viewer: HasCapabilities, plan: PatchPlan) -> UpcomingWindow | None:
    """The plan's next window occurrence with changes in it, from now on (what operations prepare for);
    read from the stored plan without rebuilding the solver's instance, unlike `calendar`."""
    now = timezone.now()
    used = set(items_of(viewer, plan).exclude(window_key="").values_list("window_key", flat=True).distinct())
    ahead = sorted((datetime.fromisoformat(info["start"]), key) for key, info in plan.windows.items()
                   if key in used and datetime.fromisoformat(info["end"]) > now)
    if not ahead:
        return None
    start, key = ahead[0]
    items = items_of(viewer, plan).filter(window_key=key)
    return UpcomingWindow(plan.windows[key]["name"], timezone.localtime(start, clock.zone()), items.count(),
                          items.filter(reboot=True).values("hostname").distinct().count())


# Difference from the greedy plan -----------------------------------------------------------------

@dataclass(frozen=True)
class Move:
    item: PlanItem
    greedy_window: str | None
    greedy_start: datetime | None
    direction: str  # earlier, later, scheduled (greedy deferred it), deferred (greedy scheduled it)
    exposure_delta: float  # chosen minus greedy: negative means the chosen plan removes risk sooner


@dataclass(frozen=True)
class GreedyDiff:
    moves: list[Move]
    exposure_delta: float
    disruption_delta: float
    breaches_delta: int
    same: int

    def count(self, direction: str) -> int:
        return sum(1 for m in self.moves if m.direction == direction)


def greedy_difference(viewer: HasCapabilities, plan: PatchPlan) -> GreedyDiff:
    instance = instance_of(plan)
    greedy = assignment_of_greedy(plan)
    figures = chosen_figures(plan)
    baseline = plan.result["greedy"]
    moves: list[Move] = []
    same = 0
    for item in items_of(viewer, plan):
        mine, theirs = item.window_key or None, greedy.get(item.job_id)
        if mine == theirs:
            same += 1
            continue
        their_window = instance.window_by_id.get(theirs) if theirs else None
        their_start = their_window.start if their_window else None
        if mine is None:
            direction = "deferred"
        elif their_start is None:
            direction = "scheduled"
        else:
            direction = "earlier" if item.window_start and item.window_start < their_start else "later"
        delta = _exposure(instance, item, mine) - _exposure(instance, item, theirs)
        moves.append(Move(item, theirs, their_start, direction, delta))
    moves.sort(key=lambda m: m.exposure_delta)
    return GreedyDiff(moves, figures["exposure"] - baseline["exposure"],
                      figures["disruption_cost"] - baseline["disruption_cost"],
                      figures["sla_breaches"] - baseline["sla_breaches"], same)


def assignment_of_greedy(plan: PatchPlan) -> dict[str, str | None]:
    return {job: None if w == "deferred" else w for job, w in plan.result["greedy"].get("plan", {}).items()}


def _exposure(instance: Instance, item: PlanItem, window_key: str | None) -> float:
    job = next((j for j in instance.jobs if j.id == item.job_id), None)
    if job is None:
        return 0.0
    return instance.exposure(job, instance.window_by_id.get(window_key) if window_key else None)


# SLA forecast ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ForecastRow:
    finding_id: int
    title: str
    hostname: str
    service: str
    due: datetime  # the end of the due day
    planned: str  # window name and start, or "deferred"
    planned_end: datetime | None
    reason: str
    kev: bool
    decision: str

    @property
    def due_date(self) -> date:
        """The finding's due date, as the findings list shows it."""
        return clock.day_ending_at(self.due)


def sla_forecast(viewer: HasCapabilities, plan: PatchPlan) -> list[ForecastRow]:
    """Findings that will breach their SLA under the plan's chosen point, and why.

    A finding breaches when its job's window ends after the finding's due date, or when the job is
    deferred and the due date falls inside the horizon (a later due date is the next plan's concern).
    """
    instance = instance_of(plan)
    jobs = {j.id: j for j in instance.jobs}
    names = {key: info["name"] for key, info in plan.windows.items()}
    rows: list[ForecastRow] = []
    for item in items_of(viewer, plan):
        for finding in item.findings:
            if not finding.get("due_date"):
                continue
            due = _due(finding["due_date"])
            late = item.window_end > due if item.window_end is not None else due < instance.end
            if not late:
                continue
            planned = (f"{names.get(item.window_key, item.window_key)} {item.window_start:%Y-%m-%d %H:%M}"
                       if item.window_start else "deferred")
            rows.append(ForecastRow(finding["id"], finding["title"], item.hostname, item.service_name, due, planned,
                                    item.window_end, _why_late(instance, jobs.get(item.job_id), item, due),
                                    bool(finding.get("kev")),
                                    finding.get("decision") or ""))
    rows.sort(key=lambda r: (r.due, r.hostname, r.finding_id))
    return rows


def _why_late(instance: Instance, job: Job | None, item: PlanItem, due: datetime) -> str:
    if job is None or job.asset not in instance.asset_by_id:
        return "the asset is no longer in the plan's inputs"
    planned = instance.window_by_id.get(item.window_key) if item.window_key else None
    return why_late(instance, job, due, planned)


def _due(day: str) -> datetime:
    moment = due_moment(date.fromisoformat(day))
    assert moment is not None  # noqa: S101 - a date always has a moment
    return moment


# Deferred jobs -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class DeferredJob:
    item: PlanItem
    expected_loss: float  # over the whole horizon, since the plan leaves it open
    reason: str
    high_risk: bool  # KEV, SSVC act, or among the tenth of jobs with the most expected loss per day


def deferred_jobs(viewer: HasCapabilities, plan: PatchPlan) -> list[DeferredJob]:
    """The jobs the chosen point leaves past the horizon, riskiest first, each with its reason."""
    instance = instance_of(plan)
    jobs = {j.id: j for j in instance.jobs}
    point = plan.result["frontier"][plan.chosen_point or 0]
    price = point.get("price") if point["kind"] == "price" else None
    no_downtime = point["kind"] == "price" and point.get("price") is None
    rates = sorted((j.risk_per_day for j in instance.jobs), reverse=True)
    top_tenth = rates[max(len(rates) // 10 - 1, 0)] if rates else 0.0
    rows: list[DeferredJob] = []
    for item in items_of(viewer, plan).filter(window_key=""):
        job = jobs.get(item.job_id)
        if job is None:
            continue
        reason = why_deferred(instance, job, price=price, no_downtime=no_downtime)
        high = job.kev or job.decision == "act" or (job.risk_per_day >= top_tenth > 0)
        rows.append(DeferredJob(item, instance.exposure(job, None), reason, high))
    rows.sort(key=lambda r: (not r.high_risk, -r.expected_loss))
    return rows


def job_item(viewer: HasCapabilities, plan: PatchPlan, item_id: int) -> PlanItem:
    item = items_of(viewer, plan).filter(pk=item_id).first()
    if item is None:
        raise NotFound("job of plan", item_id)
    return item


def job_horizon_loss(plan: PatchPlan, item: PlanItem) -> float:
    """The job's expected loss if left open for the whole plan (capped by its share of the asset)."""
    instance = instance_of(plan)
    job = next((j for j in instance.jobs if j.id == item.job_id), None)
    return 0.0 if job is None else instance.exposure(job, None)


def job_derivation(plan: PatchPlan, item: PlanItem) -> dict[str, Any] | None:
    """How the job's expected loss per day was reached (None in plans made before exposure was money)."""
    derivation = plan.jobs.get(item.job_id, {}).get("derivation")
    return dict(derivation) if derivation else None


@dataclass(frozen=True)
class EmergencyGroup:
    by: str  # action, service or asset
    key: str
    changes: list[EmergencyChange]

    @property
    def undecided(self) -> int:
        return sum(1 for c in self.changes if c.status == "proposed")

    @property
    def downtime_cost(self) -> float:
        return sum(c.downtime_cost for c in self.changes if c.status == "proposed")

    @property
    def exposure_avoided(self) -> float:
        return sum(c.exposure_avoided for c in self.changes if c.status == "proposed")

    @property
    def assets(self) -> int:
        return len({c.hostname for c in self.changes})


def emergency_groups(viewer: HasCapabilities, plan: PatchPlan, by: str) -> list[EmergencyGroup]:
    """The plan's emergency changes grouped by action, business service or asset; groups with
    undecided changes first, the most expected loss avoided first."""
    if by not in EMERGENCY_GROUPS:
        raise ValidationFailed.field("by", f"must be one of {', '.join(EMERGENCY_GROUPS)}")
    groups: dict[str, list[EmergencyChange]] = {}
    for change in emergencies_of(viewer, plan):
        groups.setdefault(getattr(change, EMERGENCY_GROUPS[by]) or "", []).append(change)
    result = [EmergencyGroup(by, key, changes) for key, changes in groups.items()]
    result.sort(key=lambda g: (g.undecided == 0, -g.exposure_avoided, g.key))
    return result


# Exposure assumptions ----------------------------------------------------------------------------

@dataclass(frozen=True)
class AssumptionsState:
    in_force: ExposureAssumptions  # unsaved when no set was ever confirmed (the defaults)
    pending: ExposureAssumptions | None
    history: list[ExposureAssumptions]


def assumptions_state(viewer: HasCapabilities) -> AssumptionsState:
    require(viewer, READ)
    history = list(ExposureAssumptions.objects.select_related("proposed_by", "confirmed_by")[:50])
    pending = next((row for row in history if row.status == AssumptionStatus.PROPOSED), None)
    return AssumptionsState(assumptions_in_force(), pending, history)


def assumptions_by_id(viewer: HasCapabilities, row_id: int) -> ExposureAssumptions:
    require(viewer, READ)
    row = ExposureAssumptions.objects.filter(pk=row_id).first()
    if row is None:
        raise NotFound("exposure assumptions", row_id)
    return row


# The money of some findings (read by the risk acceptances) ----------------------------------------

@dataclass(frozen=True)
class FindingsLoss:
    """What the patch planner prices open findings at, in the organisation's currency."""

    loss_per_day: float  # expected loss per day the findings add (`accord.patching.exposure`)
    loss_cap: float  # their share of their assets' loss if exploited: what a year of exposure cannot exceed
    priced: int  # how many of the findings named are open and priced


def findings_loss(viewer: HasCapabilities, finding_ids: list[int]) -> FindingsLoss:
    """The expected loss per day of the named findings as the planner prices them: each one with the
    other open findings on its asset (they share the asset's loss if exploited), so the figure is the
    one the plan's job derivations show. Findings no longer open add nothing."""
    from accord.org import selectors as org_selectors
    from accord.patching.exposure import price_findings
    from accord.risks import selectors as risk_selectors
    from accord.vulns import selectors as vuln_selectors

    require(viewer, READ)
    wanted = {str(pk) for pk in finding_ids}
    planning_rows = vuln_selectors.open_findings_for_planning(viewer)
    asset_ids = set(planning_rows.filter(pk__in=finding_ids).values_list("asset_id", flat=True))
    if not asset_ids:
        return FindingsLoss(0.0, 0.0, 0)
    rows = list(planning_rows.filter(asset_id__in=asset_ids))
    assets = {a.pk: a for a in org_selectors.assets_visible_to(viewer).filter(pk__in=asset_ids)
              .select_related("business_service")}
    priced = price_findings(rows, assets, risk_selectors.scenario_shares_by_asset(viewer), assumptions_in_force())
    mine = [f for p in priced.values() for f in p.exposure.findings if f.finding in wanted]
    return FindingsLoss(sum(f.loss_per_day for f in mine), sum(f.loss_cap for f in mine), len(mine))
