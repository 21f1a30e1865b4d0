"""Patch planner pages: the plan (trade-off chart, calendar, difference from greedy, SLA forecast,
sign-off, emergency changes), the plan list, and windows, freezes and clusters."""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accord.core.errors import ValidationFailed
from accord.core.permissions import Actor, can, require
from accord.core.web import capability_required, edit_record_page, show_problems, viewer
from accord.governance.selectors import is_leader, may_answer
from accord.jobs.services import start_job
from accord.org.models import COMPROMISE_HOURS_BY_TIER
from accord.patching import exports, selectors, services
from accord.patching.charts import tradeoff_chart
from accord.patching.forms import (
    AssumptionsForm,
    ClusterForm,
    DecisionForm,
    FreezeForm,
    GenerateForm,
    GroupDecisionForm,
    VoidForm,
    WindowForm,
)
from accord.patching.models import PlanStatus, SignRole

SHOWN = 25  # rows of each long list on the plan page; the API and the CLI give them all


def _refused(request: HttpRequest, exc: ValidationFailed) -> None:
    for problem in exc.problems:
        messages.error(request, str(problem))


# Plans -------------------------------------------------------------------------------------------

@capability_required("patch.read")
def overview(request: HttpRequest) -> HttpResponse:
    plan = selectors.current_plan(viewer(request))
    if plan is not None:
        return redirect("patching:plan", plan.pk)
    return render(request, "patching/empty.html", {
        "form": GenerateForm(), "windows": selectors.windows_visible_to(viewer(request)).count(),
    })


@capability_required("patch.read")
def plans(request: HttpRequest) -> HttpResponse:
    return render(request, "patching/plans.html", {"plans": selectors.plans_visible_to(viewer(request))[:200],
                                                   "form": GenerateForm()})


@require_POST
@capability_required("patch.write")
def generate(request: HttpRequest) -> HttpResponse:
    form = GenerateForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{field}: {' '.join(str(e) for e in errors)}")
        return redirect("patching:plans")
    try:
        services.check_plan_options(**form.cleaned_data)
    except ValidationFailed as exc:
        _refused(request, exc)
        return redirect("patching:plans")
    # Solving takes up to the time limit: a job, whose page shows its progress and links to the plan.
    job = start_job(actor=viewer(request), kind="patching.generate", title="Generate a patch plan",
                    args=dict(form.cleaned_data))
    return redirect("jobs:detail", job.pk)


@capability_required("patch.read")
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = viewer(request)
    plan = selectors.plan_by_id(user, pk)
    greedy, points = selectors.tradeoff_points(plan)
    signatures = selectors.signatures_of(user, plan)
    live = {s.role: s for s in signatures if s.voided_at is None}
    held = set(getattr(user, "role_names", ())) & set(selectors.open_signature_roles(plan))
    calendar = selectors.calendar(user, plan)
    for row in calendar:
        row.ics_name = exports.ics_name(plan, row.key)
    grouping = request.GET.get("group", "action")
    if grouping not in ("action", "service", "asset"):
        grouping = "action"
    emergencies = list(selectors.emergencies_of(user, plan))
    forecast = selectors.sla_forecast(user, plan)
    deferred = selectors.deferred_jobs(user, plan)
    return render(request, "patching/plan.html", {
        "plan": plan, "greedy": greedy, "points": points, "chart": tradeoff_chart(greedy, points, plan.currency),
        "figures": selectors.chosen_figures(plan), "result": plan.result, "money_plan": selectors.money_plan(plan),
        "greedy_total": greedy["disruption_cost"] + greedy["exposure"],
        "chosen": next(p for p in points if p.chosen), "recommended": next((p for p in points if p.recommended), None),
        "signatures": signatures, "live": live,
        "can_sign": can(user, "patch.sign") and plan.status == PlanStatus.PROPOSED and bool(held),
        "sign_roles": [r for r in SignRole if r.value in held],
        "can_write": can(user, "patch.write") and plan.status in (PlanStatus.PROPOSED, PlanStatus.AGREED),
        "calendar": calendar, "used_windows": sum(1 for row in calendar if row.items), "deferred": deferred,
        "high_risk_deferred": sum(1 for d in deferred if d.high_risk),
        "diff": selectors.greedy_difference(user, plan), "forecast": forecast,
        "forecast_reasons": Counter(r.reason for r in forecast).most_common(),
        "emergencies": emergencies, "undecided": sum(1 for e in emergencies if e.status == "proposed"),
        "groups": selectors.emergency_groups(user, plan, grouping), "grouping": grouping,
        "shown": SHOWN, "shown_slice": f":{SHOWN}",
        "can_decide": can(user, "patch.sign") and plan.status in (PlanStatus.PROPOSED, PlanStatus.AGREED),
        "agreed": plan.status == PlanStatus.AGREED, "void_form": VoidForm(),
    })


@capability_required("patch.read")
def job_detail(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    user = viewer(request)
    plan = selectors.plan_by_id(user, pk)
    item = selectors.job_item(user, plan, item_id)
    return render(request, "patching/job.html", {
        "plan": plan, "item": item, "derivation": selectors.job_derivation(plan, item),
        "horizon_loss": selectors.job_horizon_loss(plan, item),
    })


def _on_plan(request: HttpRequest, pk: int, action: Callable[[Any, Any], str]) -> HttpResponse:
    user = viewer(request)
    plan = selectors.plan_by_id(user, pk)
    try:
        messages.success(request, action(user, plan))
    except ValidationFailed as exc:
        _refused(request, exc)
    return redirect("patching:plan", plan.pk)


@require_POST
@capability_required("patch.write")
def choose(request: HttpRequest, pk: int) -> HttpResponse:
    raw = request.POST.get("point", "")
    point = int(raw) if raw.isdecimal() else -1

    def act(user: Any, plan: Any) -> str:
        had = sum(1 for s in selectors.signatures_of(user, plan) if s.voided_at is None)
        services.choose_point(actor=user, plan=plan, point=point)
        label = plan.result["frontier"][point]["label"]
        return f"Now showing point {point + 1} ({label})." + (
            f" {had} signature(s) voided: the plan changed." if had else "")

    return _on_plan(request, pk, act)


@require_POST
@capability_required("patch.sign")
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    role = request.POST.get("role") or None

    def act(user: Any, plan: Any) -> str:
        signoff = services.sign_plan(actor=user, plan=plan, role=role)
        mine = [a for a in signoff.approvals.all() if a.user_id == user.pk]
        return f"Signed as {mine[-1].role.upper()}." if mine else "Signed."

    return _on_plan(request, pk, act)


@require_POST
@capability_required("patch.write")
def void(request: HttpRequest, pk: int) -> HttpResponse:
    form = VoidForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""

    def act(user: Any, plan: Any) -> str:
        services.void_plan(actor=user, plan=plan, reason=reason)
        return f"Plan #{plan.pk} withdrawn."

    return _on_plan(request, pk, act)


@require_POST
@capability_required("patch.sign")
def decide_emergency(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    user = viewer(request)
    emergency = selectors.emergency_by_id(user, pk)
    form = DecisionForm(request.POST)
    justification = form.cleaned_data["justification"] if form.is_valid() else ""
    try:
        services.decide_emergency(actor=user, emergency=emergency, approve=decision == "approve",
                                  justification=justification)
        messages.success(request, f"Emergency change on {emergency.hostname} {decision}d.")
    except ValidationFailed as exc:
        _refused(request, exc)
    return redirect("patching:plan", emergency.plan_id)


@require_POST
@capability_required("patch.sign")
def decide_emergency_group(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    user = viewer(request)
    plan = selectors.plan_by_id(user, pk)
    form = GroupDecisionForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {"by": "", "key": "", "justification": ""}
    try:
        count = services.decide_emergency_group(actor=user, plan=plan, by=data["by"], key=data["key"],
                                                approve=decision == "approve", justification=data["justification"])
        messages.success(request, f"{count} emergency change{'s' if count != 1 else ''} ({data['by']} "
                                  f"{data['key'] or 'none'}) {decision}d.")
    except ValidationFailed as exc:
        _refused(request, exc)
    return redirect(f"{reverse('patching:plan', args=[plan.pk])}?group={data['by'] or 'action'}#emergencies")


@capability_required("patch.read")
def tickets(request: HttpRequest, pk: int) -> HttpResponse:
    user = viewer(request)
    plan = selectors.plan_by_id(user, pk)
    try:
        text = exports.tickets_csv(user, plan)
    except ValidationFailed as exc:
        _refused(request, exc)
        return redirect("patching:plan", plan.pk)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}-tickets.csv"'
    return response


@capability_required("patch.read")
def ics(request: HttpRequest, pk: int, name: str = "") -> HttpResponse:
    """One window's .ics file, or (without a name) every window's in a zip."""
    user = viewer(request)
    plan = selectors.plan_by_id(user, pk)
    try:
        files = exports.plan_ics_files(user, plan)
    except ValidationFailed as exc:
        _refused(request, exc)
        return redirect("patching:plan", plan.pk)
    if name:
        found = next((f for f in files if f.name == name), None)
        if found is None:
            messages.error(request, f"no calendar file {name} in plan #{plan.pk}")
            return redirect("patching:plan", plan.pk)
        response = HttpResponse(found.text, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{found.name}"'
        return response
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for f in files:
            archive.writestr(f.name, f.text)
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}-calendar.zip"'
    return response


# Exposure assumptions ----------------------------------------------------------------------------

@capability_required("patch.read")
def assumptions(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    state = selectors.assumptions_state(user)
    form = AssumptionsForm(request.POST or None, initial={**state.in_force.factors(), "reason": ""})
    if request.method == "POST":
        require(user, "patch.sign")
        action = request.POST.get("action", "propose")
        try:
            if action in ("confirm", "withdraw"):
                row = selectors.assumptions_by_id(user, _int(request.POST.get("proposal")))
                if action == "confirm":
                    services.confirm_assumptions(actor=user, proposal=row)
                    messages.success(request, "In force: the next plan generated uses these assumptions.")
                else:
                    services.withdraw_assumptions(actor=user, proposal=row)
                    messages.success(request, "The proposal was withdrawn.")
                return redirect("patching:assumptions")
            if form.is_valid():
                services.propose_assumptions(actor=user, **form.cleaned_data)
                messages.success(request, "Proposed. It comes into force when the other leader confirms it.")
                return redirect("patching:assumptions")
        except ValidationFailed as exc:
            show_problems(form, exc)
    pending = state.pending
    return render(request, "patching/assumptions.html", {
        "state": state, "form": form, "can_propose": can(user, "patch.sign") and is_leader(user),
        "can_confirm": bool(pending and can(user, "patch.sign") and may_answer(user, pending.signoff)),
        "compromise_hours": COMPROMISE_HOURS_BY_TIER,
    }, status=422 if form.errors else 200)


def _int(raw: Any) -> int:
    return int(raw) if isinstance(raw, str) and raw.isdecimal() else 0


# Windows, freezes, clusters ----------------------------------------------------------------------

def _edit(request: HttpRequest, *, form_class: type[ModelForm], instance: Any, kind: str,
          save: Callable[[Any, Any, dict[str, Any]], Any], back: str) -> HttpResponse:
    actor = viewer(request)
    return edit_record_page(request, form_class=form_class, instance=instance, kind=kind,
                            template="patching/edit.html", save=lambda _form, data: save(actor, instance, data),
                            next_url=lambda _saved: reverse(back), context={"back": back})


@capability_required("patch.read")
def windows(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    return render(request, "patching/windows.html", {
        "windows": selectors.windows_visible_to(user), "freezes": selectors.freezes_visible_to(user),
        "clusters": selectors.clusters_visible_to(user),
    })


@capability_required("patch.write")
def window_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    instance = selectors.window_by_id(viewer(request), pk) if pk else None

    def save(actor: Actor, window: Any, data: dict[str, Any]) -> Any:
        if window is None:
            return services.create_window(actor=actor, **data)
        return services.update_window(actor=actor, window=window, **data)

    return _edit(request, form_class=WindowForm, instance=instance, kind="maintenance window", save=save,
                 back="patching:windows")


@capability_required("patch.write")
def freeze_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    instance = selectors.freeze_by_id(viewer(request), pk) if pk else None

    def save(actor: Actor, freeze: Any, data: dict[str, Any]) -> Any:
        if freeze is None:
            return services.create_freeze(actor=actor, **data)
        return services.update_freeze(actor=actor, freeze=freeze, **data)

    return _edit(request, form_class=FreezeForm, instance=instance, kind="freeze", save=save,
                 back="patching:windows")


@capability_required("patch.write")
def cluster_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    instance = selectors.cluster_by_id(viewer(request), pk) if pk else None

    def save(actor: Actor, cluster: Any, data: dict[str, Any]) -> Any:
        if cluster is None:
            return services.create_cluster(actor=actor, **data)
        return services.update_cluster(actor=actor, cluster=cluster, **data)

    return _edit(request, form_class=ClusterForm, instance=instance, kind="cluster", save=save,
                 back="patching:windows")


@require_POST
@capability_required("patch.write")
def delete(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    user = viewer(request)
    if kind == "window":
        window = selectors.window_by_id(user, pk)
        services.delete_window(actor=user, window=window)
        messages.success(request, f"Maintenance window {window} deleted.")
    elif kind == "freeze":
        freeze = selectors.freeze_by_id(user, pk)
        services.delete_freeze(actor=user, freeze=freeze)
        messages.success(request, f"Freeze {freeze} deleted.")
    elif kind == "cluster":
        cluster = selectors.cluster_by_id(user, pk)
        services.delete_cluster(actor=user, cluster=cluster)
        messages.success(request, f"Cluster {cluster} deleted.")
    return redirect("patching:windows")
