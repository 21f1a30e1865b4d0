"""Reviews pages: the home page (queues with their clocks, escalations, metrics), the roadmap
(projects: list, detail, edit, CSV import and export, the pipeline gate), a review (timeline, the next
steps as buttons, conditions) and the SLA policy with the working calendar.

The steps of a review post with htmx and swap the review's panel; without htmx they redirect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accord.core.clock import today
from accord.core.errors import NotAllowed, NotFound, ValidationFailed
from accord.core.permissions import Actor, can
from accord.core.web import capability_required, edit_record_page, is_partial, paginate, show_problems, viewer
from accord.governance.selectors import is_leader, may_answer
from accord.reviews import selectors, services
from accord.reviews.clocks import zone_name
from accord.reviews.forms import (
    AnswerForm,
    CalendarForm,
    CloseConditionForm,
    ConditionForm,
    DecideForm,
    GateForm,
    NoteForm,
    ProjectForm,
    ProjectImportForm,
    QuestionForm,
    RequestForm,
    SlaPolicyForm,
    TierForm,
    TriageForm,
)
from accord.reviews.models import (
    WEEKDAY_NAMES,
    DataClassification,
    Exposure,
    ItProject,
    ProjectStatus,
    Review,
    ReviewState,
    Tier,
)
from accord.reviews.tiers import RULES, suggested_tier, tier_table

READ = "review.read"


def _refused(request: HttpRequest, exc: ValidationFailed) -> None:
    for problem in exc.problems:
        messages.error(request, str(problem))


# Home -------------------------------------------------------------------------------------------------

@capability_required(READ)
def home(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    metrics = selectors.metrics(user)
    return render(request, "reviews/home.html", {
        "queue": selectors.queue(user), "mine": selectors.queue_for(user),
        "owned": selectors.reviews_of_owner(user) if can(user, "review.request") else [],
        "escalations": selectors.escalations(user), "metrics": metrics,
        "longest": max([t.median_hours or 0 for t in metrics.tiers] + [t.sla_hours for t in metrics.tiers]),
        "zone": zone_name(),
    })


# Projects -----------------------------------------------------------------------------------------------

def _filters(request: HttpRequest) -> selectors.ProjectFilter:
    g = request.GET
    return selectors.ProjectFilter(q=g.get("q", "").strip()[:100], status=g.get("status", ""),
                                   classification=g.get("classification", ""), mine=g.get("mine") == "yes")


@capability_required(READ)
def projects(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    page, query = paginate(request, selectors.projects_visible_to(user, _filters(request)))
    for project in page:
        project.suggestion = suggested_tier(project.data_classification, project.exposure, project.third_parties)
    context = {"page": page, "query": query, "filters": request.GET, "statuses": ProjectStatus.choices,
               "classifications": DataClassification.choices, "can_add": can(user, "review.request")}
    return render(request, "reviews/_project_rows.html" if is_partial(request) else "reviews/projects.html", context)


@capability_required(READ)
def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    user = viewer(request)
    project = selectors.project_by_key(user, slug)
    reviews = selectors.rows_of(selectors.reviews_visible_to(user, project=project))
    open_review = next((r for r in reviews if r.review.is_open), None)
    return render(request, "reviews/project.html", {
        "project": project, "suggestion": suggested_tier(project.data_classification, project.exposure,
                                                         project.third_parties),
        "reviews": reviews, "open_review": open_review, "approved": selectors.last_approved_review(project),
        "can_edit": selectors.may_edit_project(user, project),
        "can_request": selectors.may_edit_project(user, project) and open_review is None
        and project.status != ProjectStatus.CANCELLED,
        "can_gate": can(user, "review.request") or can(user, "review.write"),
        "runs": selectors.gate_runs_of(user, project)[:10], "gate_form": GateForm(),
    })


@capability_required("review.request")
def project_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    user = viewer(request)
    instance = selectors.project_by_key(user, slug) if slug else None
    if instance is not None and not selectors.may_edit_project(user, instance):
        raise NotAllowed("review.request (as the owner or sponsor of the project)")

    def save(_form: Any, data: dict[str, Any]) -> ItProject:
        if instance is None:
            return services.create_project(actor=user, **data)
        return services.update_project(actor=user, project=instance, **data)

    return edit_record_page(request, form_class=ProjectForm, instance=instance, kind="IT project",
                            template="reviews/edit.html", save=save,
                            next_url=lambda saved: reverse("reviews:project", args=[saved.slug]))


@capability_required("review.request")
def project_import(request: HttpRequest) -> HttpResponse:
    form = ProjectImportForm(request.POST or None, request.FILES or None)
    report, problems = None, None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = services.import_projects_csv(actor=viewer(request), file=upload, filename=upload.name)
        except ValidationFailed as exc:
            problems = exc
    return render(request, "reviews/import.html", {
        "form": form, "report": report, "problems": problems, "columns": services.CSV_COLUMNS,
        "example": services.example_csv(), "statuses": ProjectStatus.values,
        "classifications": DataClassification.values, "exposures": Exposure.values,
    }, status=422 if problems else 200)


@capability_required(READ)
def project_export(request: HttpRequest) -> HttpResponse:
    text = services.export_projects_csv(actor=viewer(request), filters=_filters(request))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="it-projects.csv"'
    return response


@capability_required("review.request")
def request_review(request: HttpRequest, slug: str) -> HttpResponse:
    user = viewer(request)
    project = selectors.project_by_key(user, slug)
    suggestion = suggested_tier(project.data_classification, project.exposure, project.third_parties)
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.request_review(actor=user, project=project, scope=form.cleaned_data["scope"],
                                             tier=form.cleaned_data["tier"] or None,
                                             tier_reason=form.cleaned_data["tier_reason"])
        except ValidationFailed as exc:
            show_problems(form, exc)
        else:
            messages.success(request, f"Review #{review.pk} requested: {review.get_tier_display().lower()}, "
                                      f"due within {review.sla_hours:g} business hours.")
            return redirect("reviews:review", review.pk)
    days, _ = selectors.sla_days_in_force()
    return render(request, "reviews/request.html", {
        "project": project, "suggestion": suggestion, "form": form, "rules": RULES,
        "sla": [(t, days[t.value]) for t in Tier],
    }, status=422 if form.errors else 200)


@require_POST
@capability_required(READ)
def gate(request: HttpRequest, slug: str) -> HttpResponse:
    user = viewer(request)
    project = selectors.project_by_key(user, slug)
    form = GateForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "choose a SARIF file")
        return redirect("reviews:project", project.slug)
    upload = form.cleaned_data["file"]
    try:
        run = services.run_gate(actor=user, project=project, file=upload, filename=upload.name)
    except ValidationFailed as exc:
        _refused(request, exc)
    else:
        text = f"Gate run #{run.pk}: {run.result}."
        (messages.success if run.result == "pass" else messages.error)(request, text)
    return redirect(f"{reverse('reviews:project', args=[project.slug])}#gate")


# A review ---------------------------------------------------------------------------------------------------

def _panel(request: HttpRequest, review: Review, forms: dict[str, Any] | None = None) -> dict[str, Any]:
    user = viewer(request)
    review = selectors.review_by_id(user, review.pk)
    row = selectors.rows_of([review])[0]
    state = review.state
    writer = can(user, "review.write")
    requester = can(user, "review.request") and (review.requested_by_id == user.pk
                                                 or selectors.is_project_owner(user, review.project))
    conditions = list(selectors.conditions_of(user, review))
    for condition in conditions:
        condition.closable = (  # type: ignore[attr-defined]
            condition.status == "open" and (writer or condition.owner.user_id == user.pk))
        condition.waivable = writer  # type: ignore[attr-defined]
    shown = {
        "triage": writer and state == ReviewState.REQUESTED,
        "start": writer and state == ReviewState.TRIAGED,
        "ask": writer and state in (ReviewState.TRIAGED, ReviewState.IN_REVIEW),
        "answer": requester and state == ReviewState.WAITING,
        "decide": writer and state in (ReviewState.TRIAGED, ReviewState.IN_REVIEW)
        and review.requested_by_id != user.pk,
        "tier": writer and review.is_open,
        "condition": writer and state in (ReviewState.TRIAGED, ReviewState.IN_REVIEW, ReviewState.CONDITIONS),
    }
    blank = {"triage": TriageForm(reviewers=selectors.reviewers()), "start": NoteForm(), "ask": QuestionForm(),
             "answer": AnswerForm(), "decide": DecideForm(), "tier": TierForm(), "condition": ConditionForm()}
    blank.update(forms or {})
    return {"review": review, "row": row, "clock": row.clock, "timeline": selectors.timeline_of(user, review),
            "conditions": conditions, "shown": shown, "forms": blank, "close_form": CloseConditionForm(),
            "gate_runs": review.gate_runs.order_by("-at")[:5], "zone": zone_name(), "today": today()}


@capability_required(READ)
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.review_by_id(viewer(request), pk)
    return render(request, "reviews/review.html", _panel(request, review))


def _done(request: HttpRequest, review: Review, forms: dict[str, Any] | None = None) -> HttpResponse:
    """htmx swaps the review's panel (answered 200 even on a refusal: htmx swaps only success, and the
    panel shows what was refused beside its field); without htmx, back to the review's page."""
    if is_partial(request):
        context = {**_panel(request, review, forms), "refused": bool(forms)}
        return render(request, "reviews/_review_panel.html", context)
    return redirect("reviews:review", review.pk)


STEPS: dict[str, tuple[str, Callable[..., Any], Callable[[Actor, Review, dict[str, Any]], Any], str]] = {
    "triage": ("review.write", lambda data=None: TriageForm(data, reviewers=selectors.reviewers()),
               lambda u, r, d: services.triage_review(actor=u, review=r, tier=d["tier"] or None,
                                                      tier_reason=d["tier_reason"], reviewer=d["reviewer"],
                                                      note=d["note"]), "Triaged."),
    "start": ("review.write", NoteForm, lambda u, r, d: services.start_review(actor=u, review=r, note=d["note"]),
              "Review started."),
    "ask": ("review.write", QuestionForm,
            lambda u, r, d: services.ask_requester(actor=u, review=r, question=d["question"]),
            "Asked: the review waits on the requester, its clock paused."),
    "answer": ("review.request", AnswerForm,
               lambda u, r, d: services.answer_requester(actor=u, review=r, answer=d["answer"]),
               "Answered: the clock runs again."),
    "tier": ("review.write", TierForm,
             lambda u, r, d: services.change_tier(actor=u, review=r, tier=d["tier"], reason=d["reason"]),
             "Tier changed; the SLA follows."),
    "decide": ("review.write", DecideForm, lambda u, r, d: services.decide_review(
        actor=u, review=r, outcome=d["outcome"], note=d["note"],
        conditions=[services.NewCondition(d["condition"], d["condition_owner"], d["condition_due_on"])]
        if d.get("condition") else []), "Decided."),
    "condition": ("review.write", ConditionForm, lambda u, r, d: services.add_condition(
        actor=u, review=r, text=d["text"], owner=d["owner"], due_on=d["due_on"]), "Condition added."),
}


@require_POST
@capability_required(READ)
def review_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    user = viewer(request)
    review = selectors.review_by_id(user, pk)
    if step not in STEPS:
        raise NotFound("step", step)
    capability, form_class, act, said = STEPS[step]
    if not can(user, capability):
        raise NotAllowed(capability)
    form = form_class(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{field}: {' '.join(str(e) for e in errors)}")
        return _done(request, review, {step: form})
    try:
        act(user, review, form.cleaned_data)
    except ValidationFailed as exc:
        show_problems(form, exc)
        _refused(request, exc)
        return _done(request, review, {step: form})
    messages.success(request, said)
    return _done(request, review)


@require_POST
@capability_required(READ)
def condition_close(request: HttpRequest, pk: int) -> HttpResponse:
    user = viewer(request)
    condition = selectors.condition_by_id(user, pk)
    form = CloseConditionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "say whether it is met or waived, and how or why")
        return _done(request, condition.review)
    try:
        services.close_condition(actor=user, condition=condition, status=form.cleaned_data["status"],
                                 note=form.cleaned_data["note"])
    except ValidationFailed as exc:
        _refused(request, exc)
        return _done(request, condition.review)
    messages.success(request, f"Condition {form.cleaned_data['status']}.")
    return _done(request, condition.review)


# The SLA policy and the calendar --------------------------------------------------------------------------

def _int(value: str | None) -> int:
    return int(value) if value and value.isdecimal() and len(value) < 19 else 0


@capability_required(READ)
def sla(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    state = selectors.sla_policy_state(user)
    form = SlaPolicyForm(request.POST if request.POST.get("action") == "propose" else None,
                         initial={f"{t}_days": d for t, d in state.days.items()})
    row = state.settings
    calendar = CalendarForm(request.POST if request.POST.get("action") == "calendar" else None, initial={
        "country": row.country, "subdivision": row.subdivision, "day_start": row.day_start, "day_end": row.day_end,
        "workdays": row.weekdays()})
    if request.method == "POST":
        if not can(user, "sla.policy"):
            raise NotAllowed("sla.policy")
        action = request.POST.get("action", "")
        try:
            if action in ("confirm", "withdraw"):
                policy = selectors.sla_policy_by_id(user, _int(request.POST.get("policy")))
                if action == "confirm":
                    services.confirm_review_sla(actor=user, policy=policy)
                    messages.success(request, "The review SLA is in force for reviews requested from now on.")
                else:
                    services.withdraw_review_sla(actor=user, policy=policy)
                    messages.success(request, "The proposal was withdrawn.")
                return redirect("reviews:sla")
            if action == "propose" and form.is_valid():
                services.propose_review_sla(actor=user, **form.cleaned_data)
                messages.success(request, "Proposed. It comes into force when the other leader confirms it.")
                return redirect("reviews:sla")
            if action == "calendar" and calendar.is_valid():
                services.update_calendar(actor=user, **calendar.cleaned_data)
                messages.success(request, "Working calendar saved: open reviews' due moments follow it.")
                return redirect("reviews:sla")
        except ValidationFailed as exc:
            show_problems(form if action == "propose" else calendar, exc)
            _refused(request, exc)
    pending = state.pending
    return render(request, "reviews/sla.html", {
        "state": state, "form": form, "calendar": calendar, "zone": zone_name(),
        "can_propose": can(user, "sla.policy") and is_leader(user),
        "can_confirm": bool(pending and can(user, "sla.policy") and may_answer(user, pending.signoff)),
        "tiers": [(t, state.days[t.value], state.hours[t.value]) for t in Tier], "rules": RULES,
        "table": tier_table(), "exposures": Exposure.choices,
        "workday_names": [WEEKDAY_NAMES[d] for d in row.weekdays()],
    }, status=422 if form.errors or calendar.errors else 200)
