"""Patch planner API: windows, freezes, clusters (CRUD), plans (generate, read, choose a point, sign,
void), a job's derivation, exports of the agreed plan (iCalendar, CSV tickets), the SLA forecast,
emergency changes (one by one and by group) and the exposure assumptions."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from accord.core.api_auth import Capability, acting_user
from accord.core.api_common import REFUSALS, DbId, Text, changes_of, file_download
from accord.core.errors import NotFound, ValidationFailed
from accord.core.permissions import Actor
from accord.core.rate_limits import count_expensive
from accord.org import selectors as org_selectors
from accord.org.models import Asset
from accord.patching import exports, selectors, services
from accord.patching.models import PatchPlan
from accord.patching.schemas import (
    AssumptionsIn,
    AssumptionsOut,
    AssumptionsStateOut,
    ChooseIn,
    ClusterIn,
    ClusterOut,
    ClusterPatch,
    DecisionIn,
    EmergencyOut,
    ForecastOut,
    FreezeIn,
    FreezeOut,
    FreezePatch,
    GenerateIn,
    GroupDecisionIn,
    GroupDecisionOut,
    IcsFileOut,
    JobOut,
    PlanOut,
    PlanQuery,
    PlanSummaryOut,
    SignatureOut,
    SignIn,
    VoidIn,
    WindowIn,
    WindowOut,
    WindowPatch,
)

router = Router(tags=["patching"])
READ, WRITE, SIGN = Capability("patch.read"), Capability("patch.write"), Capability("patch.sign")
NO_CONTENT = {204: None, **REFUSALS}


# Windows ---------------------------------------------------------------------------------------

@router.get("/windows", response={200: list[WindowOut], **REFUSALS}, auth=READ)
def list_windows(request: HttpRequest) -> Any:
    return selectors.windows_visible_to(acting_user(request))


@router.post("/windows", response={201: WindowOut, **REFUSALS}, auth=WRITE)
def create_window(request: HttpRequest, payload: WindowIn) -> Any:
    return Status(201, services.create_window(actor=acting_user(request), **payload.dict()))


@router.get("/windows/{window_id}", response={200: WindowOut, **REFUSALS}, auth=READ)
def get_window(request: HttpRequest, window_id: DbId) -> Any:
    return selectors.window_by_id(acting_user(request), window_id)


@router.patch("/windows/{window_id}", response={200: WindowOut, **REFUSALS}, auth=WRITE)
def update_window(request: HttpRequest, window_id: DbId, payload: WindowPatch) -> Any:
    actor = acting_user(request)
    window = selectors.window_by_id(actor, window_id)
    return services.update_window(actor=actor, window=window, **changes_of(payload))


@router.delete("/windows/{window_id}", response=NO_CONTENT, auth=WRITE)
def delete_window(request: HttpRequest, window_id: DbId) -> Any:
    actor = acting_user(request)
    services.delete_window(actor=actor, window=selectors.window_by_id(actor, window_id))
    return Status(204, None)


# Freezes ---------------------------------------------------------------------------------------

@router.get("/freezes", response={200: list[FreezeOut], **REFUSALS}, auth=READ)
def list_freezes(request: HttpRequest) -> Any:
    return selectors.freezes_visible_to(acting_user(request))


@router.post("/freezes", response={201: FreezeOut, **REFUSALS}, auth=WRITE)
def create_freeze(request: HttpRequest, payload: FreezeIn) -> Any:
    return Status(201, services.create_freeze(actor=acting_user(request), **payload.dict()))


@router.get("/freezes/{freeze_id}", response={200: FreezeOut, **REFUSALS}, auth=READ)
def get_freeze(request: HttpRequest, freeze_id: DbId) -> Any:
    return selectors.freeze_by_id(acting_user(request), freeze_id)


@router.patch("/freezes/{freeze_id}", response={200: FreezeOut, **REFUSALS}, auth=WRITE)
def update_freeze(request: HttpRequest, freeze_id: DbId, payload: FreezePatch) -> Any:
    actor = acting_user(request)
    return services.update_freeze(actor=actor, freeze=selectors.freeze_by_id(actor, freeze_id), **changes_of(payload))


@router.delete("/freezes/{freeze_id}", response=NO_CONTENT, auth=WRITE)
def delete_freeze(request: HttpRequest, freeze_id: DbId) -> Any:
    actor = acting_user(request)
    services.delete_freeze(actor=actor, freeze=selectors.freeze_by_id(actor, freeze_id))
    return Status(204, None)


# Clusters --------------------------------------------------------------------------------------

def _members(actor: Actor, ids: list[int]) -> list[Asset]:
    found = {a.pk: a for a in org_selectors.assets_visible_to(actor).filter(pk__in=set(ids))}
    unknown = sorted(set(ids) - set(found))
    if unknown:
        raise ValidationFailed.field("members", f"unknown asset id(s): {', '.join(map(str, unknown[:20]))}")
    return [found[i] for i in ids]


@router.get("/clusters", response={200: list[ClusterOut], **REFUSALS}, auth=READ)
def list_clusters(request: HttpRequest) -> Any:
    return selectors.clusters_visible_to(acting_user(request))


@router.post("/clusters", response={201: ClusterOut, **REFUSALS}, auth=WRITE)
def create_cluster(request: HttpRequest, payload: ClusterIn) -> Any:
    actor = acting_user(request)
    return Status(201, services.create_cluster(actor=actor, name=payload.name, max_down=payload.max_down,
                                               members=_members(actor, payload.members)))


@router.get("/clusters/{cluster_id}", response={200: ClusterOut, **REFUSALS}, auth=READ)
def get_cluster(request: HttpRequest, cluster_id: DbId) -> Any:
    return selectors.cluster_by_id(acting_user(request), cluster_id)


@router.patch("/clusters/{cluster_id}", response={200: ClusterOut, **REFUSALS}, auth=WRITE)
def update_cluster(request: HttpRequest, cluster_id: DbId, payload: ClusterPatch) -> Any:
    actor = acting_user(request)
    cluster = selectors.cluster_by_id(actor, cluster_id)
    members = None if payload.members is None else _members(actor, payload.members)
    return services.update_cluster(actor=actor, cluster=cluster, name=payload.name, max_down=payload.max_down,
                                   members=members)


@router.delete("/clusters/{cluster_id}", response=NO_CONTENT, auth=WRITE)
def delete_cluster(request: HttpRequest, cluster_id: DbId) -> Any:
    actor = acting_user(request)
    services.delete_cluster(actor=actor, cluster=selectors.cluster_by_id(actor, cluster_id))
    return Status(204, None)


# Plans -----------------------------------------------------------------------------------------

def plan_document(actor: Actor, plan: PatchPlan) -> dict[str, Any]:
    """Everything the plan page shows, as one document (the API's and the CLI's `--json`)."""
    greedy, points = selectors.tradeoff_points(plan)
    result = plan.result
    return {
        **{f: getattr(plan, f) for f in ("id", "status", "status_reason", "starts_at", "horizon_days", "currency",
                                         "disruption_budget", "chosen_point", "time_limit", "duration_seconds",
                                         "engine_version", "inputs_hash", "created_at")},
        "created_by": plan.created_by,
        "figures": selectors.chosen_figures(plan),
        "greedy": {k: greedy[k] for k in ("exposure", "disruption_cost", "sla_breaches")},
        "bound": result.get("bound"), "gap": result.get("gap"),
        "solver_status": result.get("status", ""), "notes": result.get("notes", []),
        "breach_penalty": result.get("breach_penalty"), "recommended": result.get("recommended"),
        "recommended_reason": result.get("recommended_reason", ""),
        "points": [{"point": p.index, "kind": p.kind, "label": p.label, "price": p.price, "budget": p.budget,
                    "exposure": p.exposure, "disruption_cost": p.disruption_cost, "total_cost": p.total_cost,
                    "sla_breaches": p.sla_breaches, "gap": p.gap, "buys": p.buys, "chosen": p.chosen,
                    "recommended": p.recommended}
                   for p in points],
        "signatures": list(selectors.signatures_of(actor, plan)),
        "items": list(selectors.items_of(actor, plan)),
        "emergencies": list(selectors.emergencies_of(actor, plan)),
    }


@router.get("/plans", response={200: list[PlanSummaryOut], **REFUSALS}, auth=READ)
def list_plans(request: HttpRequest, query: Query[PlanQuery]) -> Any:
    return selectors.plans_visible_to(acting_user(request), status=query.status)[:200]


@router.post("/plans", response={201: PlanOut, **REFUSALS}, auth=WRITE)
def generate_plan(request: HttpRequest, payload: GenerateIn) -> Any:
    actor = acting_user(request)
    count_expensive(actor)
    plan = services.generate_plan(actor=actor, **payload.dict())
    return Status(201, plan_document(actor, selectors.plan_by_id(actor, plan.pk)))


@router.get("/plans/{plan_id}", response={200: PlanOut, **REFUSALS}, auth=READ)
def get_plan(request: HttpRequest, plan_id: DbId) -> Any:
    actor = acting_user(request)
    return plan_document(actor, selectors.plan_by_id(actor, plan_id))


@router.post("/plans/{plan_id}/choose", response={200: PlanOut, **REFUSALS}, auth=WRITE)
def choose_point(request: HttpRequest, plan_id: DbId, payload: ChooseIn) -> Any:
    actor = acting_user(request)
    plan = services.choose_point(actor=actor, plan=selectors.plan_by_id(actor, plan_id), point=payload.point)
    return plan_document(actor, selectors.plan_by_id(actor, plan.pk))


@router.post("/plans/{plan_id}/sign", response={201: SignatureOut, **REFUSALS}, auth=SIGN)
def sign_plan(request: HttpRequest, plan_id: DbId, payload: SignIn) -> Any:
    actor = acting_user(request)
    plan = selectors.plan_by_id(actor, plan_id)
    signoff = services.sign_plan(actor=actor, plan=plan, role=payload.role)
    mine = [s for s in selectors.signatures_of(actor, plan) if s.signoff_id == signoff.pk and s.user.pk == actor.pk]
    return Status(201, mine[-1])


@router.post("/plans/{plan_id}/void", response={200: PlanSummaryOut, **REFUSALS}, auth=WRITE)
def void_plan(request: HttpRequest, plan_id: DbId, payload: VoidIn) -> Any:
    actor = acting_user(request)
    return services.void_plan(actor=actor, plan=selectors.plan_by_id(actor, plan_id), reason=payload.reason)


@router.get("/plans/{plan_id}/forecast", response={200: list[ForecastOut], **REFUSALS}, auth=READ)
def sla_forecast(request: HttpRequest, plan_id: DbId) -> Any:
    actor = acting_user(request)
    return selectors.sla_forecast(actor, selectors.plan_by_id(actor, plan_id))


@router.get("/plans/{plan_id}/tickets.csv", response=REFUSALS, auth=READ,
            openapi_extra=file_download("text/csv", description="Change tickets as CSV"))
def export_tickets(request: HttpRequest, plan_id: DbId) -> Any:
    actor = acting_user(request)
    plan = selectors.plan_by_id(actor, plan_id)
    response = HttpResponse(exports.tickets_csv(actor, plan), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}-tickets.csv"'
    return response


@router.get("/plans/{plan_id}/ics", response={200: list[IcsFileOut], **REFUSALS}, auth=READ)
def list_ics(request: HttpRequest, plan_id: DbId) -> Any:
    actor = acting_user(request)
    plan = selectors.plan_by_id(actor, plan_id)
    return [{"name": f.name, "window": f.window, "start": f.start, "changes": f.changes,
             "url": f"/api/v1/patching/plans/{plan.pk}/ics/{f.name}"} for f in exports.plan_ics_files(actor, plan)]


@router.get("/plans/{plan_id}/ics/{name}", response=REFUSALS, auth=READ,
            openapi_extra=file_download("text/calendar", description="The calendar as iCalendar"))
def export_ics(request: HttpRequest, plan_id: DbId, name: Text) -> Any:
    actor = acting_user(request)
    plan = selectors.plan_by_id(actor, plan_id)
    found = next((f for f in exports.plan_ics_files(actor, plan) if f.name == name), None)
    if found is None:
        raise NotFound("calendar file", name)
    response = HttpResponse(found.text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{found.name}"'
    return response


# Emergency changes -----------------------------------------------------------------------------

@router.get("/plans/{plan_id}/emergencies", response={200: list[EmergencyOut], **REFUSALS}, auth=READ)
def list_emergencies(request: HttpRequest, plan_id: DbId) -> Any:
    actor = acting_user(request)
    return selectors.emergencies_of(actor, selectors.plan_by_id(actor, plan_id))


@router.post("/plans/{plan_id}/emergencies/decide", response={200: GroupDecisionOut, **REFUSALS}, auth=SIGN)
def decide_emergency_group(request: HttpRequest, plan_id: DbId, payload: GroupDecisionIn) -> Any:
    """Approve or reject, with one reason, every undecided emergency change sharing an action, a
    business service or an asset."""
    actor = acting_user(request)
    decided = services.decide_emergency_group(actor=actor, plan=selectors.plan_by_id(actor, plan_id), by=payload.by,
                                              key=payload.key, approve=payload.approve,
                                              justification=payload.justification)
    return {"decided": decided}


@router.get("/plans/{plan_id}/jobs/{job}", response={200: JobOut, **REFUSALS}, auth=READ)
def get_job(request: HttpRequest, plan_id: DbId, job: DbId) -> Any:
    """One job of the plan (by its item id) with the derivation of its expected loss per day."""
    actor = acting_user(request)
    plan = selectors.plan_by_id(actor, plan_id)
    item = selectors.job_item(actor, plan, job)
    item.currency = plan.currency  # type: ignore[attr-defined]  # read by JobOut beside the item's own fields
    item.derivation = selectors.job_derivation(plan, item)  # type: ignore[attr-defined]
    return item


# Exposure assumptions --------------------------------------------------------------------------

@router.get("/assumptions", response={200: AssumptionsStateOut, **REFUSALS}, auth=READ)
def get_assumptions(request: HttpRequest) -> Any:
    state = selectors.assumptions_state(acting_user(request))
    return {"in_force": state.in_force, "pending": state.pending}


@router.post("/assumptions", response={201: AssumptionsOut, **REFUSALS}, auth=SIGN)
def propose_assumptions(request: HttpRequest, payload: AssumptionsIn) -> Any:
    """Propose exposure assumptions (factors left out keep their value in force); the other leader confirms."""
    fields = payload.dict(exclude_unset=True)
    return Status(201, services.propose_assumptions(actor=acting_user(request), **fields))


@router.post("/assumptions/{proposal_id}/confirm", response={200: AssumptionsOut, **REFUSALS}, auth=SIGN)
def confirm_assumptions(request: HttpRequest, proposal_id: DbId) -> Any:
    actor = acting_user(request)
    return services.confirm_assumptions(actor=actor, proposal=selectors.assumptions_by_id(actor, proposal_id))


@router.post("/assumptions/{proposal_id}/withdraw", response={200: AssumptionsOut, **REFUSALS}, auth=SIGN)
def withdraw_assumptions(request: HttpRequest, proposal_id: DbId) -> Any:
    actor = acting_user(request)
    return services.withdraw_assumptions(actor=actor, proposal=selectors.assumptions_by_id(actor, proposal_id))


@router.post("/emergencies/{emergency_id}/approve", response={200: EmergencyOut, **REFUSALS}, auth=SIGN)
def approve_emergency(request: HttpRequest, emergency_id: DbId, payload: DecisionIn) -> Any:
    actor = acting_user(request)
    emergency = selectors.emergency_by_id(actor, emergency_id)
    return services.approve_emergency(actor=actor, emergency=emergency, justification=payload.justification)


@router.post("/emergencies/{emergency_id}/reject", response={200: EmergencyOut, **REFUSALS}, auth=SIGN)
def reject_emergency(request: HttpRequest, emergency_id: DbId, payload: DecisionIn) -> Any:
    actor = acting_user(request)
    emergency = selectors.emergency_by_id(actor, emergency_id)
    return services.reject_emergency(actor=actor, emergency=emergency, justification=payload.justification)
