"""Every write of the patch planner: windows, freezes, clusters, plans, signatures, emergency changes.

Plan lifecycle: `generate_plan` stores a *proposed* plan showing its recommended point (and
supersedes older proposals); `sign_plan` by the CIO and by the CISO (two different people) makes it
*agreed* (and supersedes the plan agreed before), once every emergency change it proposes is
decided. Any change to a plan (`choose_point`) voids its live signatures and sends an agreed plan
back to *proposed*; `void_plan` withdraws it. Every step leaves an audit row.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from accord.core import audit
from accord.core.crud import create_row, update_row, validate
from accord.core.dual_control import check_confirmer, proposing_role
from accord.core.errors import Problem, ValidationFailed
from accord.core.permissions import require
from accord.engine.patching import ENGINE_VERSION
from accord.engine.patching.emergency import propose_emergencies
from accord.engine.patching.model import Instance
from accord.engine.patching.plan import plan_instance
from accord.engine.patching.planner import SolveOptions
from accord.engine.patching.report import report_to_json
from accord.org.models import Asset
from accord.patching.exposure import assumptions_in_force
from accord.patching.models import (
    EMERGENCY_GROUPS,
    AssumptionStatus,
    Cluster,
    EmergencyChange,
    EmergencyStatus,
    ExposureAssumptions,
    Freeze,
    MaintenanceWindow,
    PatchPlan,
    PlanItem,
    PlanSignature,
    PlanStatus,
    SignRole,
)
from accord.patching.planning import assignment_of, build_inputs, instance_of, planning_start

WRITE, SIGN = "patch.write", "patch.sign"
MAX_HORIZON_DAYS = 366
MAX_FRONTIER_POINTS = 20
MAX_TIME_LIMIT = 600.0


# Windows, freezes --------------------------------------------------------------------------------

def create_window(*, actor: Any, **fields: Any) -> MaintenanceWindow:
    return create_row(actor=actor, model=MaintenanceWindow, capability=WRITE, fields=fields)


def update_window(*, actor: Any, window: MaintenanceWindow, **changes: Any) -> MaintenanceWindow:
    return update_row(actor=actor, instance=window, capability=WRITE, changes=changes)


def _delete(actor: Any, instance: Any) -> None:
    require(actor, WRITE)
    snapshot = audit.snapshot(instance)
    audit.record(actor, f"{instance._meta.model_name}.deleted", instance, before=snapshot)
    instance.delete()


@transaction.atomic
def delete_window(*, actor: Any, window: MaintenanceWindow) -> None:
    _delete(actor, window)


def create_freeze(*, actor: Any, **fields: Any) -> Freeze:
    return create_row(actor=actor, model=Freeze, capability=WRITE, fields=fields)


def update_freeze(*, actor: Any, freeze: Freeze, **changes: Any) -> Freeze:
    return update_row(actor=actor, instance=freeze, capability=WRITE, changes=changes)


@transaction.atomic
def delete_freeze(*, actor: Any, freeze: Freeze) -> None:
    _delete(actor, freeze)


# Clusters ----------------------------------------------------------------------------------------

def _cluster_snapshot(cluster: Cluster) -> dict[str, Any]:
    return {**audit.snapshot(cluster), "members": sorted(cluster.members.values_list("hostname", flat=True))}


def _check_members(cluster: Cluster, members: Iterable[Asset]) -> list[Asset]:
    """An asset belongs to at most one cluster (the engine gives each asset one cluster)."""
    chosen = list(dict.fromkeys(members))
    taken = (Cluster.members.through.objects.filter(asset__in=chosen).exclude(cluster_id=cluster.pk)
             .select_related("asset", "cluster"))
    problems = [Problem("members", f"{row.asset.hostname} is already in cluster {row.cluster.name}") for row in taken]
    if problems:
        raise ValidationFailed(problems)
    return chosen


@transaction.atomic
def create_cluster(*, actor: Any, name: str, max_down: int = 1, members: Iterable[Asset] = ()) -> Cluster:
    require(actor, WRITE)
    cluster = Cluster(name=(name or "").strip(), max_down=max_down)
    validate(cluster)
    chosen = _check_members(cluster, members)
    cluster.save()
    cluster.members.set(chosen)
    audit.record(actor, "cluster.created", cluster, after=_cluster_snapshot(cluster))
    return cluster


@transaction.atomic
def update_cluster(*, actor: Any, cluster: Cluster, name: str | None = None, max_down: int | None = None,
                   members: Iterable[Asset] | None = None) -> Cluster:
    require(actor, WRITE)
    before = _cluster_snapshot(cluster)
    if name is not None:
        cluster.name = name.strip()
    if max_down is not None:
        cluster.max_down = max_down
    validate(cluster)
    chosen = _check_members(cluster, members) if members is not None else None
    cluster.save()
    if chosen is not None:
        cluster.members.set(chosen)
    after = _cluster_snapshot(cluster)
    if after != before:
        audit.record(actor, "cluster.updated", cluster,
                     before={k: v for k, v in before.items() if after.get(k) != v},
                     after={k: v for k, v in after.items() if before.get(k) != v})
    return cluster


@transaction.atomic
def delete_cluster(*, actor: Any, cluster: Cluster) -> None:
    require(actor, WRITE)
    audit.record(actor, "cluster.deleted", cluster, before=_cluster_snapshot(cluster))
    cluster.delete()


# Plans -------------------------------------------------------------------------------------------

def _check_plan_options(horizon_days: Any, disruption_budget: Any, time_limit: Any, frontier_points: Any) -> None:
    problems = []
    if isinstance(horizon_days, bool) or not isinstance(horizon_days, int) or not 1 <= horizon_days <= MAX_HORIZON_DAYS:
        problems.append(Problem("horizon_days", f"must be a whole number of days from 1 to {MAX_HORIZON_DAYS}"))
    if disruption_budget is not None and (not isinstance(disruption_budget, int | float)
                                          or not math.isfinite(disruption_budget) or disruption_budget < 0):
        problems.append(Problem("disruption_budget", "must be a number >= 0 (or empty for no budget)"))
    if not isinstance(time_limit, int | float) or not 0.5 <= time_limit <= MAX_TIME_LIMIT:
        problems.append(Problem("time_limit", f"must be between 0.5 and {MAX_TIME_LIMIT:g} seconds"))
    if isinstance(frontier_points, bool) or not isinstance(frontier_points, int) or not 1 <= frontier_points <= MAX_FRONTIER_POINTS:
        problems.append(Problem("frontier_points", f"must be a whole number from 1 to {MAX_FRONTIER_POINTS}"))
    if problems:
        raise ValidationFailed(problems)


def generate_plan(*, actor: Any, horizon_days: int = 90, disruption_budget: float | None = None,
                  time_limit: float = 10.0, frontier_points: int = 5, start: datetime | None = None) -> PatchPlan:
    """Plan the open findings into the maintenance windows and store the result as a proposed plan
    showing the recommended point (the budgeted plan when a budget is given).

    `time_limit` bounds the whole run in seconds of wall time, frontier included. Reading and
    solving run outside the write transaction (a solve may take the whole time limit, and a write
    lock held that long would stall every other writer); the plan, its items, its emergency
    proposals and the audit rows are written in one transaction afterwards.
    """
    require(actor, WRITE)
    _check_plan_options(horizon_days, disruption_budget, time_limit, frontier_points)
    begin = start or planning_start()
    inputs = build_inputs(actor, start=begin, horizon_days=horizon_days, budget=disruption_budget)
    started = time.perf_counter()
    report = plan_instance(inputs.instance, budget=disruption_budget,
                           options=SolveOptions(time_limit=float(time_limit)), frontier_points=max(frontier_points, 1))
    elapsed = time.perf_counter() - started
    with transaction.atomic():
        plan = PatchPlan.objects.create(
            starts_at=begin, horizon_days=horizon_days, disruption_budget=disruption_budget,
            time_limit=float(time_limit), chosen_point=report.chosen, instance=inputs.instance_json,
            jobs=inputs.jobs, windows=inputs.windows,
            result=report_to_json(inputs.instance, report, with_assignments=True),
            engine_version=ENGINE_VERSION, inputs_hash=inputs.inputs_hash(), duration_seconds=round(elapsed, 3),
            created_by=actor, created_at=timezone.now(), currency=inputs.instance.currency,
            assumptions=inputs.assumptions if inputs.assumptions.pk else None,
        )
        _write_schedule(plan, inputs.instance)
        audit.record(actor, "patchplan.generated", plan, after={
            "horizon_days": horizon_days, "disruption_budget": disruption_budget, "jobs": len(inputs.jobs),
            "inputs_hash": plan.inputs_hash, "engine_version": ENGINE_VERSION, "currency": plan.currency,
            "exposure": plan.result["exposure"], "disruption_cost": plan.result["disruption_cost"],
            "sla_breaches": plan.result["sla_breaches"], "chosen_point": plan.chosen_point,
            "recommended": plan.result["recommended"], "seconds": plan.duration_seconds,
        })
        for older in PatchPlan.objects.filter(status=PlanStatus.PROPOSED).exclude(pk=plan.pk):
            _set_status(actor, older, PlanStatus.SUPERSEDED, f"plan #{plan.pk} was generated after it")
    return plan


def service_of(plan: PatchPlan, job_id: str) -> str:
    return str(plan.jobs.get(job_id, {}).get("service", ""))


def _write_schedule(plan: PatchPlan, instance: Instance) -> None:
    """(Re)write the chosen point's items and its still-undecided emergency proposals."""
    assignment = assignment_of(plan)
    windows = instance.window_by_id
    plan.items.all().delete()
    items = []
    for job in instance.jobs:
        info = plan.jobs[job.id]
        key = assignment.get(job.id)
        window = windows.get(key) if key else None
        items.append(PlanItem(
            plan=plan, job_id=job.id, asset_id=info["asset"], hostname=info["hostname"], service_name=info["service"],
            action=info["action"][:300], window_id=plan.windows[key]["window"] if key else None,
            window_key=key or "", window_start=window.start if window else None,
            window_end=window.end if window else None, minutes=job.minutes, reboot=job.reboot,
            risk_per_day=job.risk_per_day, due=job.due, kev=job.kev, decision=job.decision or "",
            findings=info["findings"],
        ))
    PlanItem.objects.bulk_create(items, batch_size=1000)
    plan.emergencies.filter(status=EmergencyStatus.PROPOSED).delete()
    decided = set(plan.emergencies.values_list("job_id", flat=True))
    EmergencyChange.objects.bulk_create([
        EmergencyChange(plan=plan, job_id=change.job, hostname=change.asset, service_name=service_of(plan, change.job),
                        action=plan.jobs[change.job]["action"][:300], due=change.due, change_by=change.change_by,
                        work_minutes=change.work_minutes, downtime_cost=change.downtime_cost,
                        exposure_avoided=change.exposure_avoided, reason=change.reason[:300])
        for change in propose_emergencies(instance, assignment) if change.job not in decided
    ])


def _set_status(actor: Any, plan: PatchPlan, status: str, reason: str) -> None:
    before = {"status": plan.status}
    plan.status, plan.status_reason = status, reason[:300]
    plan.save(update_fields=["status", "status_reason"])
    audit.record(actor, f"patchplan.{status}", plan, before=before, after={"status": status, "reason": reason})


def _void_signatures(actor: Any, plan: PatchPlan, reason: str) -> int:
    live = list(plan.signatures.filter(voided_at__isnull=True).select_related("user"))
    now = timezone.now()
    for signature in live:
        signature.voided_at, signature.void_reason = now, reason[:300]
        signature.save(update_fields=["voided_at", "void_reason"])
        audit.record(actor, "plansignature.voided", signature,
                     before={"role": signature.role, "user": signature.user.username}, after={"reason": reason})
    return len(live)


def _lock(plan: PatchPlan) -> PatchPlan:
    return PatchPlan.objects.select_for_update().get(pk=plan.pk)


def _refuse_unless_open(plan: PatchPlan, *allowed: str) -> None:
    if plan.status not in allowed:
        raise ValidationFailed.field("status", f"plan #{plan.pk} is {plan.status}; this needs a plan that is "
                                     f"{' or '.join(allowed)}")


@transaction.atomic
def choose_point(*, actor: Any, plan: PatchPlan, point: int) -> PatchPlan:
    """Make frontier point `point` the plan's schedule. This changes the plan: live signatures are
    voided and an agreed plan is proposed again."""
    require(actor, WRITE)
    plan = _lock(plan)
    _refuse_unless_open(plan, PlanStatus.PROPOSED, PlanStatus.AGREED)
    points = len(plan.result.get("frontier") or [])
    if isinstance(point, bool) or not isinstance(point, int) or not 0 <= point < points:
        raise ValidationFailed.field("point", f"must be a frontier point from 0 to {points - 1}")
    if point == plan.chosen_point:
        return plan
    before = {"chosen_point": plan.chosen_point}
    plan.chosen_point = point
    plan.save(update_fields=["chosen_point"])
    _write_schedule(plan, instance_of(plan))
    audit.record(actor, "patchplan.point_chosen", plan, before=before, after={"chosen_point": point})
    reason = f"the plan changed after signing (point {point} chosen)"
    _void_signatures(actor, plan, reason)
    if plan.status == PlanStatus.AGREED:
        _set_status(actor, plan, PlanStatus.PROPOSED, reason)
    return plan


def _signing_role(actor: Any, role: str | None) -> str:
    held = set(getattr(actor, "role_names", ())) & set(SignRole.values)
    if not held:
        raise ValidationFailed.field("role", "only the CIO or the CISO signs a patch plan")
    if role is None:
        if len(held) > 1:
            raise ValidationFailed.field("role", "you hold both the CIO and the CISO roles: say which one you sign as")
        return held.pop()
    if role not in SignRole.values:
        raise ValidationFailed.field("role", f"must be one of {', '.join(SignRole.values)}")
    if role not in held:
        raise ValidationFailed.field("role", f"you do not hold the {role.upper()} role")
    return role


def _refuse_while_emergencies_undecided(plan: PatchPlan) -> None:
    undecided = plan.emergencies.filter(status=EmergencyStatus.PROPOSED)
    count = undecided.count()
    if count:
        hosts = sorted(set(undecided.values_list("hostname", flat=True)))
        shown = ", ".join(hosts[:5]) + (f" and {len(hosts) - 5} more" if len(hosts) > 5 else "")
        raise ValidationFailed.field(
            "emergencies", f"{count} emergency change{'s' if count != 1 else ''} of plan #{plan.pk} "
            f"{'are' if count != 1 else 'is'} undecided (on {shown}): approve or reject them first, one by one "
            f"or by group, under \"Emergency changes\" on the plan's page (/patching/plans/{plan.pk}/#emergencies)")


@transaction.atomic
def sign_plan(*, actor: Any, plan: PatchPlan, role: str | None = None) -> PlanSignature:
    """Sign as the CIO or the CISO. Both signatures, by two different people, agree the plan."""
    require(actor, SIGN)
    plan = _lock(plan)
    _refuse_unless_open(plan, PlanStatus.PROPOSED)
    role = _signing_role(actor, role)
    _refuse_while_emergencies_undecided(plan)
    live = {s.role: s for s in plan.signatures.filter(voided_at__isnull=True).select_related("user")}
    if role in live:
        raise ValidationFailed.field("role", f"already signed as {role.upper()} by {live[role].user}")
    if any(s.user_id == actor.pk for s in live.values()):
        raise ValidationFailed.field("user", "the CIO and the CISO signatures must come from two different people")
    signature = PlanSignature.objects.create(plan=plan, role=role, user=actor, signed_at=timezone.now(),
                                             chosen_point=plan.chosen_point)
    audit.record(actor, "plansignature.signed", signature,
                 after={"plan": plan.pk, "role": role, "chosen_point": plan.chosen_point,
                        "inputs_hash": plan.inputs_hash})
    if len(live) + 1 == len(SignRole.values):
        for earlier in PatchPlan.objects.filter(status=PlanStatus.AGREED).exclude(pk=plan.pk):
            _set_status(actor, earlier, PlanStatus.SUPERSEDED, f"plan #{plan.pk} was agreed after it")
        _set_status(actor, plan, PlanStatus.AGREED, "signed by the CIO and the CISO")
    return signature


@transaction.atomic
def void_plan(*, actor: Any, plan: PatchPlan, reason: str) -> PatchPlan:
    require(actor, WRITE)
    plan = _lock(plan)
    _refuse_unless_open(plan, PlanStatus.PROPOSED, PlanStatus.AGREED)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.field("reason", "say why the plan is withdrawn")
    _void_signatures(actor, plan, f"plan withdrawn: {reason}")
    _set_status(actor, plan, PlanStatus.VOID, reason)
    return plan


# Emergency changes -------------------------------------------------------------------------------

def _decide(actor: Any, emergency: EmergencyChange, approve: bool, justification: str, group: str = "") -> None:
    emergency.status = EmergencyStatus.APPROVED if approve else EmergencyStatus.REJECTED
    emergency.decided_by, emergency.decided_at, emergency.justification = actor, timezone.now(), justification
    emergency.save(update_fields=["status", "decided_by", "decided_at", "justification"])
    audit.record(actor, f"emergencychange.{emergency.status}", emergency, before={"status": "proposed"},
                 after={"status": emergency.status, "justification": justification, "plan": emergency.plan_id,
                        "downtime_cost": emergency.downtime_cost, **({"group": group} if group else {})})


def _check_decision(plan: PatchPlan, approve: bool, justification: str) -> str:
    if plan.status not in (PlanStatus.PROPOSED, PlanStatus.AGREED):
        raise ValidationFailed.field("plan", f"plan #{plan.pk} is {plan.status}")
    justification = (justification or "").strip()
    if not approve and not justification:
        raise ValidationFailed.field("justification", "say why the emergency change is rejected")
    if len(justification) > 2000 or "\x00" in justification:
        raise ValidationFailed.field("justification", "at most 2000 characters, no NUL characters")
    return justification


@transaction.atomic
def decide_emergency(*, actor: Any, emergency: EmergencyChange, approve: bool, justification: str = "") -> EmergencyChange:
    """Approve or reject an out-of-window change: an explicit decision by the CIO or the CISO."""
    require(actor, SIGN)
    emergency = EmergencyChange.objects.select_for_update().select_related("plan").get(pk=emergency.pk)
    if emergency.status != EmergencyStatus.PROPOSED:
        raise ValidationFailed.field("status", f"already {emergency.status} by {emergency.decided_by}")
    justification = _check_decision(emergency.plan, approve, justification)
    _decide(actor, emergency, approve, justification)
    return emergency


@transaction.atomic
def decide_emergency_group(*, actor: Any, plan: PatchPlan, by: str, key: str, approve: bool,
                           justification: str = "") -> int:
    """Approve or reject, with one reason, every undecided emergency change of `plan` that shares an
    action, a business service or an asset (`by`); one audit row per change, all in one transaction.
    Returns how many were decided."""
    require(actor, SIGN)
    if by not in EMERGENCY_GROUPS:
        raise ValidationFailed.field("by", f"must be one of {', '.join(EMERGENCY_GROUPS)}")
    plan = _lock(plan)
    justification = _check_decision(plan, approve, justification)
    group = list(plan.emergencies.select_for_update().filter(status=EmergencyStatus.PROPOSED,
                                                             **{EMERGENCY_GROUPS[by]: key}))
    if not group:
        raise ValidationFailed.field("key", f"no undecided emergency change of plan #{plan.pk} has {by} {key!r}")
    for emergency in group:
        _decide(actor, emergency, approve, justification, group=f"{by}: {key}")
    return len(group)


def approve_emergency(*, actor: Any, emergency: EmergencyChange, justification: str = "") -> EmergencyChange:
    return decide_emergency(actor=actor, emergency=emergency, approve=True, justification=justification)


def reject_emergency(*, actor: Any, emergency: EmergencyChange, justification: str) -> EmergencyChange:
    return decide_emergency(actor=actor, emergency=emergency, approve=False, justification=justification)


def window_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    """Form and API input as model fields (empty strings for optional numbers mean none)."""
    fields = dict(data)
    if fields.get("max_changes") == "":
        fields["max_changes"] = None
    return fields


# Exposure assumptions: proposed by the CISO or the CIO, in force when the other one confirms -----

def _pending_assumptions() -> list[ExposureAssumptions]:
    return list(ExposureAssumptions.objects.select_for_update().filter(status=AssumptionStatus.PROPOSED))


@transaction.atomic
def propose_assumptions(*, actor: Any, reason: str = "", **factors: Any) -> ExposureAssumptions:
    """Propose a new set of exposure assumptions (every factor not given keeps its value in force).
    The other leader confirms; a pending proposal is replaced."""
    require(actor, SIGN)
    role = proposing_role(actor, SIGN)
    unknown = sorted(set(factors) - set(ExposureAssumptions.FACTORS))
    if unknown:
        raise ValidationFailed.field(unknown[0], "unknown assumption")
    current = assumptions_in_force()
    row = ExposureAssumptions(**{**current.factors(), **factors}, reason=(reason or "").strip(), proposed_by=actor,
                              proposed_role=role, proposed_at=timezone.now())
    validate(row)
    if len(row.reason) > 2000 or "\x00" in row.reason:
        raise ValidationFailed.field("reason", "at most 2000 characters, no NUL characters")
    for pending in _pending_assumptions():
        pending.status = AssumptionStatus.WITHDRAWN
        pending.save(update_fields=["status"])
        audit.record(actor, "exposure_assumptions.withdrawn", pending, before={"status": "proposed"},
                     after={"status": "withdrawn", "replaced": True})
    row.save()
    audit.record(actor, "exposure_assumptions.proposed", row, after=audit.snapshot(row))
    return row


@transaction.atomic
def confirm_assumptions(*, actor: Any, proposal: ExposureAssumptions) -> ExposureAssumptions:
    """The other leader confirms: the proposal is in force for the next plan generated."""
    require(actor, SIGN)
    row = ExposureAssumptions.objects.select_for_update().get(pk=proposal.pk)
    if row.status != AssumptionStatus.PROPOSED:
        raise ValidationFailed.field("status", f"this proposal is {row.status}, not awaiting confirmation")
    check_confirmer(actor, proposed_by_id=row.proposed_by_id, proposed_role=row.proposed_role)
    for active in ExposureAssumptions.objects.select_for_update().filter(status=AssumptionStatus.ACTIVE):
        active.status = AssumptionStatus.SUPERSEDED
        active.save(update_fields=["status"])
    row.status, row.confirmed_by, row.confirmed_at = AssumptionStatus.ACTIVE, actor, timezone.now()
    row.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    audit.record(actor, "exposure_assumptions.confirmed", row, before={"status": "proposed"},
                 after={"status": "active", **row.factors()})
    return row


@transaction.atomic
def withdraw_assumptions(*, actor: Any, proposal: ExposureAssumptions) -> ExposureAssumptions:
    """Withdraw (or, for the other leader, decline) a pending proposal."""
    require(actor, SIGN)
    proposing_role(actor, SIGN)
    row = ExposureAssumptions.objects.select_for_update().get(pk=proposal.pk)
    if row.status != AssumptionStatus.PROPOSED:
        raise ValidationFailed.field("status", f"this proposal is {row.status}, not awaiting confirmation")
    row.status = AssumptionStatus.WITHDRAWN
    row.save(update_fields=["status"])
    audit.record(actor, "exposure_assumptions.withdrawn", row, before={"status": "proposed"},
                 after={"status": "withdrawn"})
    return row
