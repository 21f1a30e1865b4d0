"""Risk acceptances pages under the steering room: the list (with the threshold and the staleness
rule), one acceptance (frozen figures beside today's, approvals, what can be done next) and the
request form. Actions post and come back to the acceptance's page with what happened."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accord.acceptances import selectors, services
from accord.acceptances.forms import AnswerForm, ReasonForm, RenewForm, RequestForm, ThresholdForm
from accord.acceptances.models import AcceptanceStatus, SubjectKind
from accord.core import clock, money
from accord.core.errors import ValidationFailed
from accord.core.permissions import Actor, can
from accord.core.web import capability_required, form_page, paginate, viewer
from accord.governance.selectors import is_leader, may_answer

STATE_LABELS = {"active": "in force", "requested": "awaiting approval", "stale": "stale", "expiring": "expiring "
                "within 30 days", "ended": "ended", "all": "all"}


def _plain(amount: float) -> int | float:
    """An amount for an input field: 100000, not 100000.0."""
    return int(amount) if float(amount).is_integer() else amount


def _refused(request: HttpRequest, exc: ValidationFailed) -> None:
    for problem in exc.problems:
        messages.error(request, str(problem))


@capability_required(selectors.READ)
def acceptance_list(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    g = request.GET
    state = g.get("state", "active") if g.get("state", "active") in selectors.LIST_STATES else "active"
    finding = g.get("finding", "")
    filters = selectors.AcceptanceFilter(
        state="all" if finding.isdecimal() and "state" not in g else state,
        kind=g.get("kind", "") if g.get("kind", "") in SubjectKind.values else "",
        finding=int(finding) if finding.isdecimal() else None, scenario=g.get("scenario", "")[:80])
    page, query = paginate(request, selectors.acceptances_visible_to(user, filters), per_page=50)
    limit = selectors.threshold()
    return render(request, "acceptances/list.html", {
        "page": page, "query": query, "filters": filters, "states": STATE_LABELS, "kinds": SubjectKind.choices,
        "counts": selectors.counts(user), "threshold": limit, "rules": selectors.rules_in_words(),
        "today": clock.today(), "soon": clock.today() + timedelta(days=selectors.EXPIRING_DAYS),
        "can_request": can(user, services.CAPABILITY),
        "threshold_form": ThresholdForm(initial={"dual_approval_threshold": _plain(limit.amount)})
        if can(user, services.CAPABILITY) and is_leader(user) else None,
    })


@capability_required(selectors.READ)
def acceptance_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = viewer(request)
    row = selectors.acceptance_by_id(user, pk)
    current = selectors.current_figures(user, row)
    frozen = selectors.frozen_figures(row)
    today_shown = current.display() if current is not None else {}
    figure_rows = [(label, value, today_shown.get(label, money.NO_VALUE)) for label, value in frozen.display().items()]
    return render(request, "acceptances/detail.html", {
        "a": row, "doc": selectors.document(row, current=current), "frozen": frozen, "figure_rows": figure_rows,
        "current": current, "rules": selectors.rules_in_words(), "today": clock.today(),
        "soon": clock.today() + timedelta(days=selectors.EXPIRING_DAYS),
        "actions": _actions(user, row), "answer_form": AnswerForm(), "reason_form": ReasonForm(),
        "renew_form": RenewForm(), "renewals": list(row.renewals.order_by("-requested_at")),
    })


def _actions(user: Actor, row: Any) -> set[str]:
    if not can(user, services.CAPABILITY):
        return set()
    mine_or_leader = row.requested_by_id == user.pk or is_leader(user)
    actions: set[str] = set()
    if row.status == AcceptanceStatus.REQUESTED:
        if row.requested_by_id != user.pk and may_answer(user, row.signoff):
            actions |= {"approve", "reject"}
        if mine_or_leader:
            actions.add("withdraw")
    if row.status == AcceptanceStatus.GRANTED and mine_or_leader:
        actions.add("revoke")
    if row.status in (AcceptanceStatus.GRANTED, AcceptanceStatus.EXPIRED):
        actions.add("renew")
    return actions


@capability_required(services.CAPABILITY)
def new_acceptance(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    g = request.GET
    kind = next((k for k in ("scenario", "finding", "cve", "fix") if g.get(k)), "scenario")
    initial = {"subject_kind": kind, **{k: g.get(k) for k in ("scenario", "finding", "cve", "fix") if g.get(k)}}
    form = RequestForm(request.POST or None, initial=initial, choices=selectors.subject_choices(user))

    def save(data: dict[str, Any]) -> Any:
        return services.request_acceptance(
            actor=user, subject_kind=data["subject_kind"], expires_on=data["expires_on"],
            justification=data["justification"], compensating_controls=data["compensating_controls"],
            scenario=data["scenario"] or "", finding=data["finding"], cve=data["cve"] or "", fix=data["fix"] or "")

    def done(row: Any) -> HttpResponse:
        messages.success(request, f"Acceptance #{row.pk} asked: {selectors.approvers_in_words(row)} approve it.")
        return redirect("acceptances:detail", pk=row.pk)

    return form_page(request, form=form, save=save, template="acceptances/new.html", success=done,
                     context={"threshold": selectors.threshold(), "rules": selectors.rules_in_words()})


ACTIONS = {
    "approve": (AnswerForm, lambda user, row, d: services.approve_acceptance(
        actor=user, acceptance=row, role=d["role"] or None, comment=d["comment"]), "Approved."),
    "reject": (AnswerForm, lambda user, row, d: services.reject_acceptance(
        actor=user, acceptance=row, role=d["role"] or None, comment=d["comment"]), "Rejected."),
    "withdraw": (ReasonForm, lambda user, row, d: services.withdraw_acceptance(
        actor=user, acceptance=row, reason=d["reason"]), "Withdrawn."),
    "revoke": (ReasonForm, lambda user, row, d: services.revoke_acceptance(
        actor=user, acceptance=row, reason=d["reason"]), "Revoked: what it covered counts again from today."),
    "renew": (RenewForm, lambda user, row, d: services.renew_acceptance(
        actor=user, acceptance=row, expires_on=d["expires_on"], justification=d["justification"]),
        "Renewal asked: the acceptance stays in force until the renewal is granted."),
}


@require_POST
@capability_required(services.CAPABILITY)
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404(action)
    user = viewer(request)
    row = selectors.acceptance_by_id(user, pk)
    form_class, call, said = ACTIONS[action]
    form = form_class(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{field}: {' '.join(str(e) for e in errors)}")
        return redirect("acceptances:detail", pk=pk)
    try:
        result = call(user, row, form.cleaned_data)
    except ValidationFailed as exc:
        _refused(request, exc)
        return redirect("acceptances:detail", pk=pk)
    messages.success(request, said)
    return redirect("acceptances:detail", pk=result.pk)


@require_POST
@capability_required(services.CAPABILITY)
def change_threshold(request: HttpRequest) -> HttpResponse:
    form = ThresholdForm(request.POST)
    if form.is_valid():
        try:
            services.set_threshold(actor=viewer(request), amount=form.cleaned_data["dual_approval_threshold"])
        except ValidationFailed as exc:
            _refused(request, exc)
        else:
            messages.success(request, f"Both leaders now approve acceptances from {selectors.threshold()} of residual "
                                      "annual expected loss.")
    else:
        messages.error(request, "dual_approval_threshold: an amount above 0")
    return redirect("acceptances:list")
