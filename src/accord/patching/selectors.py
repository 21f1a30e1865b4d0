"""Permission-scoped reads of the patch planner, and what the plan pages show: the trade-off points,
the calendar, the difference from the greedy plan and the SLA forecast."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, QuerySet

from accord.core.errors import NotFound
from accord.core.permissions import HasCapabilities, require
from accord.engine.patching.model import Instance
from accord.patching.models import (
    Cluster,
    EmergencyChange,
    Freeze,
    MaintenanceWindow,
    PatchPlan,
    PlanItem,
    PlanSignature,
    PlanStatus,
)
from accord.patching.planning import due_moment
from accord.patching.services import instance_of

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


def current_plan(viewer: HasCapabilities) -> PatchPlan | None:
    """The agreed plan in force, else the open proposal."""
    require(viewer, READ)
    for status in (PlanStatus.AGREED, PlanStatus.PROPOSED):
        plan = PatchPlan.objects.filter(status=status).order_by("-created_at", "-id").first()
        if plan is not None:
            return plan_by_id(viewer, plan.pk)
    return None


def signatures_of(viewer: HasCapabilities, plan: PatchPlan) -> QuerySet[PlanSignature]:
    require(viewer, READ)
    return plan.signatures.select_related("user").order_by("signed_at", "id")


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
    index: int | None  # None: the plan solved under the plan's own budget
    label: str
    budget: float | None
    exposure: float
    disruption_cost: float
    sla_breaches: int
    chosen: bool


def tradeoff_points(plan: PatchPlan) -> tuple[dict[str, Any], list[TradeoffPoint]]:
    """The greedy baseline's figures, and every point that can be chosen (the plan, then the frontier)."""
    result = plan.result
    points = [TradeoffPoint(None, "optimised plan" + ("" if result.get("budget") is None
                                                      else f" (budget {result['budget']:,.0f})"),
                            result.get("budget"), result["exposure"], result["disruption_cost"],
                            result["sla_breaches"], plan.chosen_point is None)]
    for index, point in enumerate(result.get("frontier") or []):
        points.append(TradeoffPoint(index, f"frontier point {index + 1}", point["budget"], point["exposure"],
                                    point["disruption_cost"], point["sla_breaches"], plan.chosen_point == index))
    return result["greedy"], points


def chosen_figures(plan: PatchPlan) -> dict[str, Any]:
    result = plan.result
    source = result if plan.chosen_point is None else result["frontier"][plan.chosen_point]
    return {k: source[k] for k in ("exposure", "disruption_cost", "sla_breaches")}


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
    window = instance.window_by_id.get(window_key) if window_key else None
    days = instance.horizon_days if window is None else instance.days_until(window.start)
    return item.risk_per_day * days


# SLA forecast ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ForecastRow:
    finding_id: int
    title: str
    hostname: str
    service: str
    due: datetime
    planned: str  # window name and start, or "deferred"
    planned_end: datetime | None
    reason: str
    kev: bool
    decision: str


def _why_late(instance: Instance, item: PlanItem, due: datetime) -> str:
    """Why the job is not done by `due`: the first rule that explains it."""
    if due <= instance.start:
        return "already overdue when the plan starts"
    asset = instance.asset_by_id.get(item.hostname)
    if asset is None:
        return "the asset is no longer in the plan's inputs"
    serving = [w for w in instance.windows if asset.group in w.groups]
    if not serving:
        return "no maintenance window serves this asset (add one for its service or a tag it carries)"
    before = [w for w in serving if instance.start <= w.start and w.end <= due]
    if not before:
        return "no window of this asset ends before the due date"
    usable = [w for w in before if instance.is_usable(w)]
    if not usable:
        return "every window before the due date falls in a freeze"
    work = item.minutes + (asset.reboot_minutes if item.reboot else 0.0)
    if all(work > w.minutes for w in usable):
        return f"the change ({work:g} min with reboot) is longer than every window before the due date"
    if item.window_key:
        return "windows before the due date are full (capacity, cluster limit or disruption budget): planned later"
    return "deferred past the horizon: windows are full (capacity, cluster limit or disruption budget)"


def sla_forecast(viewer: HasCapabilities, plan: PatchPlan) -> list[ForecastRow]:
    """Findings that will breach their SLA under the plan's chosen point, and why.

    A finding breaches when its job's window ends after the finding's due date, or when the job is
    deferred and the due date falls inside the horizon (a later due date is the next plan's concern).
    """
    instance = instance_of(plan)
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
                                    item.window_end, _why_late(instance, item, due), bool(finding.get("kev")),
                                    finding.get("decision") or ""))
    rows.sort(key=lambda r: (r.due, r.hostname, r.finding_id))
    return rows


def _due(day: str) -> datetime:
    moment = due_moment(date.fromisoformat(day))
    assert moment is not None  # noqa: S101 - a date always has a moment
    return moment
