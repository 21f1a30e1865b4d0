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

from accord.core import audit, money
from accord.core.crud import create_row, update_row, validate
from accord.core.errors import Problem, ValidationFailed
from accord.core.permissions import Actor, require
from accord.engine.patching import ENGINE_VERSION
from accord.engine.patching.emergency import propose_emergencies
from accord.engine.patching.model import Instance
from accord.engine.patching.plan import plan_instance
from accord.engine.patching.planner import SolveOptions
from accord.engine.patching.report import report_to_json
from accord.governance import services as governance
from accord.governance.models import SignOff, SignOffStatus
from accord.notifications.models import Event
from accord.notifications.services import notify
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
    PlanStatus,
    SignRole,
)
from accord.patching.planning import assignment_of, build_inputs, instance_of, planning_start

WRITE, SIGN = "patch.write", "patch.sign"
SIGNOFF_KIND, EMERGENCY_KIND, ASSUMPTIONS_KIND = "patch_plan", "emergency_change", "exposure_assumptions"
MAX_HORIZON_DAYS = 366
MAX_FRONTIER_POINTS = 20
MAX_TIME_LIMIT = 600.0


# Windows, freezes --------------------------------------------------------------------------------

def create_window(*, actor: Actor, **fields: Any) -> MaintenanceWindow:
    return create_row(actor=actor, model=MaintenanceWindow, capability=WRITE, fields=fields)


def update_window(*, actor: Actor, window: MaintenanceWindow, **changes: Any) -> MaintenanceWindow:
    return update_row(actor=actor, instance=window, capability=WRITE, changes=changes)


def _delete(actor: Actor, instance: Any) -> None:
    require(actor, WRITE)
    snapshot = audit.snapshot(instance)
    audit.record(actor, f"{instance._meta.model_name}.deleted", instance, before=snapshot)
    instance.delete()


@transaction.atomic
def delete_window(*, actor: Actor, window: MaintenanceWindow) -> None:
    _delete(actor, window)


def create_freeze(*, actor: Actor, **fields: Any) -> Freeze:
    return create_row(actor=actor, model=Freeze, capability=WRITE, fields=fields)


def update_freeze(*, actor: Actor, freeze: Freeze, **changes: Any) -> Freeze:
    return update_row(actor=actor, instance=freeze, capability=WRITE, changes=changes)


@transaction.atomic
def delete_freeze(*, actor: Actor, freeze: Freeze) -> None:
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
def create_cluster(*, actor: Actor, name: str, max_down: int = 1, members: Iterable[Asset] = ()) -> Cluster:
    require(actor, WRITE)
    cluster = Cluster(name=(name or "").strip(), max_down=max_down)
    validate(cluster)
    chosen = _check_members(cluster, members)
    cluster.save()
    cluster.members.set(chosen)
    audit.record(actor, "cluster.created", cluster, after=_cluster_snapshot(cluster))
    return cluster


@transaction.atomic
def update_cluster(*, actor: Actor, cluster: Cluster, name: str | None = None, max_down: int | None = None,
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
    audit.record_change(actor, "cluster.updated", cluster, before, after)
    return cluster


@transaction.atomic
def delete_cluster(*, actor: Actor, cluster: Cluster) -> None:
    require(actor, WRITE)
    audit.record(actor, "cluster.deleted", cluster, before=_cluster_snapshot(cluster))
    cluster.delete()


# Plans -------------------------------------------------------------------------------------------

def check_plan_options(*, horizon_days: Any, disruption_budget: Any, time_limit: Any, frontier_points: Any) -> None:
    """Refuse bad options with every field named (before a job is queued for them, too)."""
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


def generate_plan(*, actor: Actor, horizon_days: int = 90, disruption_budget: float | None = None,
                  time_limit: float = 10.0, frontier_points: int = 5, start: datetime | None = None) -> PatchPlan:
    """Plan the open findings into the maintenance windows and store the result as a proposed plan
    showing the recommended point (the budgeted plan when a budget is given).

    `time_limit` bounds the whole run in seconds of wall time, frontier included. Reading and
    solving run outside the write transaction (a solve may take the whole time limit, and a write
    lock held that long would stall every other writer); the plan, its items, its emergency
    proposals and the audit rows are written in one transaction afterwards.
    """
    require(actor, WRITE)
    check_plan_options(horizon_days=horizon_days, disruption_budget=disruption_budget, time_limit=time_limit,
                       frontier_points=frontier_points)
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
            created_by_id=actor.pk, created_at=timezone.now(), currency=inputs.instance.currency,
            assumptions=inputs.assumptions if inputs.assumptions.pk else None,
        )
        _write_schedule(actor, plan, inputs.instance)
        _ask_for_signatures(actor, plan)
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


def _write_schedule(actor: Actor, plan: PatchPlan, instance: Instance) -> None:
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
    undecided = list(plan.emergencies.filter(status=EmergencyStatus.PROPOSED).select_related("signoff"))
    for old in undecided:
        if old.signoff is not None:
            governance.void(actor=actor, signoff=old.signoff, reason="the plan's schedule changed")
    plan.emergencies.filter(pk__in=[e.pk for e in undecided]).delete()
    decided = set(plan.emergencies.values_list("job_id", flat=True))
    created = EmergencyChange.objects.bulk_create([
        EmergencyChange(plan=plan, job_id=change.job, hostname=change.asset, service_name=service_of(plan, change.job),
                        action=plan.jobs[change.job]["action"][:300], due=change.due, change_by=change.change_by,
                        work_minutes=change.work_minutes, downtime_cost=change.downtime_cost,
                        exposure_avoided=change.exposure_avoided, reason=change.reason[:300])
        for change in propose_emergencies(instance, assignment) if change.job not in decided
    ])
    for emergency in created:
        _ask_for_decision(actor, emergency)
    if created:
        _announce_emergencies(plan, len(created))


def _set_status(actor: Actor, plan: PatchPlan, status: str, reason: str) -> None:
    before = {"status": plan.status}
    plan.status, plan.status_reason = status, reason[:300]
    plan.save(update_fields=["status", "status_reason"])
    audit.record(actor, f"patchplan.{status}", plan, before=before, after={"status": status, "reason": reason})


def _signed_inputs(plan: PatchPlan) -> dict[str, Any]:
    """What the CIO and the CISO sign: the plan's inputs and the point whose schedule it shows."""
    return {"plan": plan.pk, "inputs_hash": plan.inputs_hash, "chosen_point": plan.chosen_point}


def _signature_summary(plan: PatchPlan) -> tuple[str, dict[str, Any]]:
    point = plan.result["frontier"][plan.chosen_point or 0]
    figures = {k: point[k] for k in ("exposure", "disruption_cost", "sla_breaches")}
    cash = {k: money.full(figures[k], plan.currency) for k in ("exposure", "disruption_cost")}
    summary = (f"Patch plan #{plan.pk}, point {(plan.chosen_point or 0) + 1} ({point['label']}): expected loss "
               f"{cash['exposure']} and downtime {cash['disruption_cost']} over {plan.horizon_days} days, "
               f"{figures['sla_breaches']} SLA breaches.")
    return summary, {**figures, "currency": plan.currency, "chosen_point": plan.chosen_point}


def _ask_for_signatures(actor: Actor, plan: PatchPlan) -> None:
    """A sign-off by the CIO and the CISO, two different people, on the plan as it now stands."""
    if any(s.inputs_hash == governance.inputs_digest(_signed_inputs(plan))
           for s in governance.standing_for(plan, SIGNOFF_KIND)):
        return
    summary, figures = _signature_summary(plan)
    governance.request_signoff(actor=actor, kind=SIGNOFF_KIND, subject=plan, inputs=_signed_inputs(plan),
                               slots=[[SignRole.CIO], [SignRole.CISO]], summary=summary, figures=figures,
                               url=f"/patching/plans/{plan.pk}/")


def current_signoff(plan: PatchPlan) -> SignOff | None:
    standing = governance.standing_for(plan, SIGNOFF_KIND)
    return standing[0] if standing else None


def _ask_for_decision(actor: Actor, emergency: EmergencyChange) -> None:
    """One decider, the CIO or the CISO; announced once per plan, not once per change."""
    signoff = governance.request_signoff(
        actor=actor, kind=EMERGENCY_KIND, subject=emergency,
        inputs={"job": emergency.job_id, "change_by": emergency.change_by, "downtime_cost": emergency.downtime_cost},
        slots=[[SignRole.CIO, SignRole.CISO]], url=f"/patching/plans/{emergency.plan_id}/#emergencies",
        summary=f"Emergency change on {emergency.hostname} by {emergency.change_by:%Y-%m-%d %H:%M}: "
                f"{emergency.action[:120]}", announce=False,
        figures={"downtime_cost": emergency.downtime_cost, "exposure_avoided": emergency.exposure_avoided})
    emergency.signoff = signoff
    emergency.save(update_fields=["signoff"])


def _announce_emergencies(plan: PatchPlan, count: int) -> None:
    from accord.accounts.selectors import holders_of

    notify(event=Event.EMERGENCY_PROPOSED, recipients=holders_of({SignRole.CIO, SignRole.CISO}),
           title=f"{count} emergency change{'s' if count != 1 else ''} proposed in patch plan #{plan.pk}",
           body="KEV or SSVC act jobs the plan cannot finish by their due date inside a window: each needs a "
                "decision before the plan can be signed.", url=f"/patching/plans/{plan.pk}/#emergencies",
           payload={"plan": plan.pk, "emergencies": count})


def _lock(plan: PatchPlan) -> PatchPlan:
    return PatchPlan.objects.select_for_update().get(pk=plan.pk)


def _refuse_unless_open(plan: PatchPlan, *allowed: str) -> None:
    if plan.status not in allowed:
        raise ValidationFailed.field("status", f"plan #{plan.pk} is {plan.status}; this needs a plan that is "
                                     f"{' or '.join(allowed)}")


@transaction.atomic
def choose_point(*, actor: Actor, plan: PatchPlan, point: int) -> PatchPlan:
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
    _write_schedule(actor, plan, instance_of(plan))
    audit.record(actor, "patchplan.point_chosen", plan, before=before, after={"chosen_point": point})
    reason = f"the plan changed after signing (point {point} chosen)"
    governance.void_changed(actor=actor, subject=plan, inputs=_signed_inputs(plan), reason=reason)
    if plan.status == PlanStatus.AGREED:
        _set_status(actor, plan, PlanStatus.PROPOSED, reason)
    _ask_for_signatures(actor, plan)
    return plan


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
def sign_plan(*, actor: Actor, plan: PatchPlan, role: str | None = None) -> SignOff:
    """Sign as the CIO or the CISO. Both signatures, by two different people, agree the plan; the
    plan agreed before it is superseded."""
    require(actor, SIGN)
    plan = _lock(plan)
    _refuse_unless_open(plan, PlanStatus.PROPOSED)
    if role is not None and role not in SignRole.values:
        raise ValidationFailed.field("role", f"must be one of {', '.join(SignRole.values)}")
    _refuse_while_emergencies_undecided(plan)
    _ask_for_signatures(actor, plan)  # a plan made before sign-offs were governance's gets one now
    standing = current_signoff(plan)
    if standing is None:  # (asked for just above, unless the plan's inputs failed validation)
        raise ValidationFailed.field("status", "this plan has no open sign-off")
    signoff = governance.approve(actor=actor, signoff=standing, role=role)
    if signoff.status == SignOffStatus.GRANTED:
        for earlier in PatchPlan.objects.filter(status=PlanStatus.AGREED).exclude(pk=plan.pk):
            _set_status(actor, earlier, PlanStatus.SUPERSEDED, f"plan #{plan.pk} was agreed after it")
        _set_status(actor, plan, PlanStatus.AGREED, "signed by the CIO and the CISO")
    return signoff


@transaction.atomic
def void_plan(*, actor: Actor, plan: PatchPlan, reason: str) -> PatchPlan:
    require(actor, WRITE)
    plan = _lock(plan)
    _refuse_unless_open(plan, PlanStatus.PROPOSED, PlanStatus.AGREED)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.field("reason", "say why the plan is withdrawn")
    for signoff in governance.standing_for(plan):
        governance.void(actor=actor, signoff=signoff, reason=f"plan withdrawn: {reason}")
    _set_status(actor, plan, PlanStatus.VOID, reason)
    return plan


# Emergency changes -------------------------------------------------------------------------------

def _decide(actor: Actor, emergency: EmergencyChange, approve: bool, justification: str, group: str = "") -> None:
    if emergency.signoff is None:  # proposed before decisions were governance's
        _ask_for_decision(actor, emergency)
    assert emergency.signoff is not None  # noqa: S101 - just asked for
    comment = justification or (f"approved with the group {group}" if group else "approved")
    if approve:
        governance.approve(actor=actor, signoff=emergency.signoff, comment=comment)
    else:
        governance.reject(actor=actor, signoff=emergency.signoff, comment=comment)
    emergency.status = EmergencyStatus.APPROVED if approve else EmergencyStatus.REJECTED
    emergency.decided_by_id, emergency.decided_at, emergency.justification = actor.pk, timezone.now(), justification
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
def decide_emergency(*, actor: Actor, emergency: EmergencyChange, approve: bool, justification: str = "") -> EmergencyChange:
    """Approve or reject an out-of-window change: an explicit decision by the CIO or the CISO."""
    require(actor, SIGN)
    emergency = EmergencyChange.objects.select_for_update(of=("self",)).select_related("plan", "signoff").get(pk=emergency.pk)
    if emergency.status != EmergencyStatus.PROPOSED:
        raise ValidationFailed.field("status", f"already {emergency.status} by {emergency.decided_by}")
    justification = _check_decision(emergency.plan, approve, justification)
    _decide(actor, emergency, approve, justification)
    return emergency


@transaction.atomic
def decide_emergency_group(*, actor: Actor, plan: PatchPlan, by: str, key: str, approve: bool,
                           justification: str = "") -> int:
    """Approve or reject, with one reason, every undecided emergency change of `plan` that shares an
    action, a business service or an asset (`by`); one audit row per change, all in one transaction.
    Returns how many were decided."""
    require(actor, SIGN)
    if by not in EMERGENCY_GROUPS:
        raise ValidationFailed.field("by", f"must be one of {', '.join(EMERGENCY_GROUPS)}")
    plan = _lock(plan)
    justification = _check_decision(plan, approve, justification)
    group = list(plan.emergencies.select_for_update(of=("self",)).select_related("signoff").filter(
        status=EmergencyStatus.PROPOSED, **{EMERGENCY_GROUPS[by]: key}))
    if not group:
        raise ValidationFailed.field("key", f"no undecided emergency change of plan #{plan.pk} has {by} {key!r}")
    for emergency in group:
        _decide(actor, emergency, approve, justification, group=f"{by}: {key}")
    return len(group)


def approve_emergency(*, actor: Actor, emergency: EmergencyChange, justification: str = "") -> EmergencyChange:
    return decide_emergency(actor=actor, emergency=emergency, approve=True, justification=justification)


def reject_emergency(*, actor: Actor, emergency: EmergencyChange, justification: str) -> EmergencyChange:
    return decide_emergency(actor=actor, emergency=emergency, approve=False, justification=justification)


def window_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    """Form and API input as model fields (empty strings for optional numbers mean none)."""
    fields = dict(data)
    if fields.get("max_changes") == "":
        fields["max_changes"] = None
    return fields


# Exposure assumptions: proposed by the CISO or the CIO, in force when the other one confirms -----

@transaction.atomic
def propose_assumptions(*, actor: Actor, reason: str = "", **factors: Any) -> ExposureAssumptions:
    """Propose a new set of exposure assumptions (every factor not given keeps its value in force).
    The proposal is the proposer's approval; the other leader confirms. A pending proposal is replaced."""
    require(actor, SIGN)
    role = governance.leader_role(actor, SIGN)
    unknown = sorted(set(factors) - set(ExposureAssumptions.FACTORS))
    if unknown:
        raise ValidationFailed.field(unknown[0], "unknown assumption")
    current = assumptions_in_force()
    row = ExposureAssumptions(**{**current.factors(), **factors}, reason=(reason or "").strip(), proposed_by_id=actor.pk,
                              proposed_role=role, proposed_at=timezone.now())
    validate(row)
    if len(row.reason) > 2000 or "\x00" in row.reason:
        raise ValidationFailed.field("reason", "at most 2000 characters, no NUL characters")
    for pending in ExposureAssumptions.objects.select_for_update().filter(status=AssumptionStatus.PROPOSED):
        _close_proposal(actor, pending, AssumptionStatus.WITHDRAWN, "replaced by a newer proposal")
    row.save()
    audit.record(actor, "exposure_assumptions.proposed", row, after=audit.snapshot(row))
    row.signoff = governance.propose_as_leader(
        actor=actor, capability=SIGN, kind=ASSUMPTIONS_KIND, subject=row, inputs=row.factors(),
        url="/patching/assumptions/", figures=row.factors(),
        summary=f"Exposure assumptions #{row.pk} proposed by the {role.upper()}: {row.reason or 'no reason given'}")
    row.save(update_fields=["signoff"])
    return row


def _close_proposal(actor: Actor, row: ExposureAssumptions, status: str, reason: str) -> None:
    if row.signoff is not None and row.signoff.is_open:
        governance.withdraw(actor=actor, signoff=row.signoff, reason=reason)
    row.status = status
    row.save(update_fields=["status"])
    audit.record(actor, f"exposure_assumptions.{status}", row, before={"status": "proposed"},
                 after={"status": status, "reason": reason})


@transaction.atomic
def confirm_assumptions(*, actor: Actor, proposal: ExposureAssumptions) -> ExposureAssumptions:
    """The other leader confirms: the proposal is in force for the next plan generated."""
    require(actor, SIGN)
    row = ExposureAssumptions.objects.select_for_update(of=("self",)).select_related("signoff").get(pk=proposal.pk)
    if row.status != AssumptionStatus.PROPOSED or row.signoff is None:
        raise ValidationFailed.field("status", f"this proposal is {row.status}, not awaiting confirmation")
    signoff = governance.approve(actor=actor, signoff=row.signoff)
    if signoff.status != SignOffStatus.GRANTED:
        return row
    for active in ExposureAssumptions.objects.select_for_update().filter(status=AssumptionStatus.ACTIVE):
        active.status = AssumptionStatus.SUPERSEDED
        active.save(update_fields=["status"])
    row.status, row.confirmed_by_id, row.confirmed_at = AssumptionStatus.ACTIVE, actor.pk, timezone.now()
    row.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    audit.record(actor, "exposure_assumptions.confirmed", row, before={"status": "proposed"},
                 after={"status": "active", **row.factors()})
    return row


@transaction.atomic
def withdraw_assumptions(*, actor: Actor, proposal: ExposureAssumptions) -> ExposureAssumptions:
    """Withdraw (or, for the other leader, decline) a pending proposal."""
    require(actor, SIGN)
    governance.leader_role(actor, SIGN)
    row = ExposureAssumptions.objects.select_for_update(of=("self",)).select_related("signoff").get(pk=proposal.pk)
    if row.status != AssumptionStatus.PROPOSED:
        raise ValidationFailed.field("status", f"this proposal is {row.status}, not awaiting confirmation")
    _close_proposal(actor, row, AssumptionStatus.WITHDRAWN, "withdrawn")
    return row
