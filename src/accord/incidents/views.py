"""The incident room's pages: the home (open incidents, running clocks, response times, exercises),
an incident (facts, regulatory clocks counting down, timeline, actions), the update form, the
executive briefing (page, plain text, PDF), the post-incident review and the settings."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accord.core.errors import Problem, ValidationFailed
from accord.core.permissions import can
from accord.core.web import capability_required, is_partial, show_problems, viewer
from accord.incidents import briefing as briefings
from accord.incidents import regulatory, selectors, services
from accord.incidents.forms import (
    ActionFormSet,
    DecisionForm,
    IncidentForm,
    JudgementFormSet,
    LessonForm,
    NoteForm,
    PhaseForm,
    RegulatorForm,
    ReviewForm,
    SettingsForm,
    UpdateForm,
)
from accord.incidents.models import ActionStatus, Phase

READ, WRITE = "incident.read", "incident.write"


def _refused(request: HttpRequest, exc: ValidationFailed) -> None:
    for problem in exc.problems:
        messages.error(request, str(problem))


def _errors(form: Any) -> str:
    return "; ".join(f"{field}: {' '.join(str(e) for e in errors)}" for field, errors in form.errors.items())


# Home ----------------------------------------------------------------------------------------------

@capability_required(READ)
def home(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    now = timezone.now()
    return render(request, "incidents/home.html", {
        "open_rows": selectors.incident_rows(user, is_open=True, exercise=False, now=now),
        "exercise_rows": selectors.incident_rows(user, is_open=True, exercise=True, now=now),
        "closed_rows": selectors.incident_rows(user, is_open=False, now=now, limit=50),
        "clocks": selectors.running_clocks(user, now=now),
        "times": selectors.response_times(user),
        "scenarios": selectors.scenarios(user),
        "can_write": can(user, WRITE),
    })


# One incident ----------------------------------------------------------------------------------------

def _report_choices(incident: Any) -> list[tuple[str, str]]:
    now = timezone.now()
    return [(f"{regime}:{key}", f"{regime.upper()}: {label}")
            for regime in regulatory.applicable_regimes(incident, selectors.enabled_regimes())
            for key, label in regulatory.report_choices(regime, at=now)]


def _detail_context(request: HttpRequest, incident: Any) -> dict[str, Any]:
    user = viewer(request)
    now = timezone.now()
    clocks = selectors.regulatory_clocks(user, incident)
    updates = list(selectors.updates_of(user, incident))
    return {
        "incident": incident, "now": now, "status": selectors.update_status(incident, latest=updates[0] if updates else None,
                                                                           now=now),
        "clocks": [{"clock": c, "left": c.left_text(now), "state": c.state(now)} for c in clocks],
        "not_started": selectors.clocks_not_started(user, incident),
        "updates": updates, "latest": updates[0] if updates else None,
        "timeline": selectors.timeline_of(user, incident),
        "actions": selectors.actions_of(user, incident), "review": selectors.review_of(user, incident),
        "can_write": can(user, WRITE), "phase_form": PhaseForm(initial={"phase": _next_phase(incident.phase)}),
        "note_form": NoteForm(), "regulator_form": RegulatorForm(reports=_report_choices(incident)),
        "decision_form": DecisionForm(), "phases": Phase.choices,
    }


def _next_phase(phase: str) -> str:
    order = list(Phase.values)
    return order[min(order.index(phase) + 1, len(order) - 1)]


@capability_required(READ)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = selectors.incident_by_id(viewer(request), pk)
    return render(request, "incidents/detail.html", _detail_context(request, incident))


@capability_required(WRITE)
def open_incident(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    mine = selectors.commander_for(user)
    form = IncidentForm(request.POST or None, opening=True,
                        initial={"detected_at": timezone.localtime().replace(second=0, microsecond=0),
                                 "commander": mine, "severity": 2})
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.open_incident(actor=user, **form.service_fields())
        except ValidationFailed as exc:
            show_problems(form, exc)
        else:
            messages.success(request, f"{incident.reference} opened.")
            return redirect("incidents:detail", incident.pk)
    return render(request, "incidents/edit.html", {"form": form, "incident": None},
                  status=422 if form.errors else 200)


@capability_required(WRITE)
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = viewer(request)
    incident = selectors.incident_by_id(user, pk)
    copy = type(incident).objects.get(pk=incident.pk)
    form = IncidentForm(request.POST or None, instance=copy)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_incident(actor=user, incident=incident, **form.service_fields())
        except ValidationFailed as exc:
            show_problems(form, exc)
        else:
            messages.success(request, f"{incident.reference} saved.")
            return redirect("incidents:detail", incident.pk)
    return render(request, "incidents/edit.html", {"form": form, "incident": incident},
                  status=422 if form.errors else 200)


def _on_incident(request: HttpRequest, pk: int, action: Callable[[Any, Any], str], *, anchor: str = "") -> HttpResponse:
    user = viewer(request)
    incident = selectors.incident_by_id(user, pk)
    try:
        messages.success(request, action(user, incident))
    except ValidationFailed as exc:
        _refused(request, exc)
    return redirect(f"/incidents/{incident.pk}/{anchor}")


@require_POST
@capability_required(WRITE)
def phase(request: HttpRequest, pk: int) -> HttpResponse:
    form = PhaseForm(request.POST)

    def act(user: Any, incident: Any) -> str:
        if not form.is_valid():
            raise ValidationFailed.field("phase", _errors(form))
        services.change_phase(actor=user, incident=incident, **form.cleaned_data)
        return f"{incident.reference} is now in {Phase(form.cleaned_data['phase']).label.lower()}."

    return _on_incident(request, pk, act)


@require_POST
@capability_required(WRITE)
def note(request: HttpRequest, pk: int) -> HttpResponse:
    """A note on the timeline; with htmx, answers the timeline alone (and the form, emptied)."""
    user = viewer(request)
    incident = selectors.incident_by_id(user, pk)
    form = NoteForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            services.add_note(actor=user, incident=incident, **form.cleaned_data)
            form = NoteForm()
        except ValidationFailed as exc:
            error = str(exc)
    else:
        error = _errors(form)
    if is_partial(request):
        return render(request, "incidents/_timeline_with_note.html", {
            "incident": incident, "timeline": selectors.timeline_of(user, incident), "note_form": form,
            "note_error": error, "can_write": True}, status=422 if error else 200)
    if error:
        messages.error(request, error)
    return redirect(f"/incidents/{incident.pk}/#timeline")


@require_POST
@capability_required(WRITE)
def regulator(request: HttpRequest, pk: int) -> HttpResponse:
    incident = selectors.incident_by_id(viewer(request), pk)
    form = RegulatorForm(request.POST, reports=_report_choices(incident))

    def act(user: Any, incident: Any) -> str:
        if not form.is_valid():
            raise ValidationFailed.field("report", _errors(form))
        data = dict(form.cleaned_data)
        regime, _, deadline = data.pop("report").partition(":")
        event = services.mark_regulator_notified(actor=user, incident=incident, regime=regime, deadline=deadline,
                                                 **data)
        return f"{event.text}."

    return _on_incident(request, pk, act, anchor="#clocks")


@require_POST
@capability_required(WRITE)
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    form = DecisionForm(request.POST)

    def act(user: Any, incident: Any) -> str:
        if not form.is_valid():
            raise ValidationFailed.field("question", _errors(form))
        services.record_incident_decision(actor=user, incident=incident, **form.cleaned_data)
        return "Decision recorded on the decision log."

    return _on_incident(request, pk, act, anchor="#timeline")


@require_POST
@capability_required(WRITE)
def close_action(request: HttpRequest, pk: int) -> HttpResponse:
    user = viewer(request)
    action = selectors.action_by_id(user, pk)
    status = request.POST.get("status", ActionStatus.DONE)
    try:
        services.close_action(actor=user, action=action, status=status, note=request.POST.get("note", ""))
        messages.success(request, f"Action {status}: {action.text}")
    except ValidationFailed as exc:
        _refused(request, exc)
    return redirect(request.POST.get("next") or f"/incidents/{action.incident_id}/#actions")


# The executive update ----------------------------------------------------------------------------

ROW_PROBLEM = re.compile(r"^(?P<set>\w+)\[(?P<row>\d+)\]\.(?P<field>\w+)$")


def _place_row_problems(exc: ValidationFailed, formsets: dict[str, Any]) -> list[Problem]:
    """Put "judgements[1].likelihood" beside that row's field; return the problems left for the form."""
    rest = []
    for problem in exc.problems:
        match = ROW_PROBLEM.match(problem.field)
        formset = formsets.get(match["set"]) if match else None
        if match is None or formset is None:
            rest.append(problem)
            continue
        filled = [f for f in formset.forms if f.cleaned_data]
        row = int(match["row"])
        if row < len(filled) and match["field"] in filled[row].fields:
            filled[row].add_error(match["field"], problem.message)
        else:
            rest.append(problem)
    return rest


@capability_required(WRITE)
def write_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = viewer(request)
    incident = selectors.incident_by_id(user, pk)
    latest = selectors.latest_update(user, incident)
    settings = selectors.incident_settings(user)
    now = timezone.now()
    initial: dict[str, Any] = {"next_update_at": timezone.localtime(
        selectors.default_next_update(incident, settings, now)).replace(second=0, microsecond=0)}
    if latest is not None:  # start from the last update: most of it still holds
        initial.update(
            bottom_line=latest.bottom_line, facts="\n".join(f.text for f in latest.facts.all()),
            unknowns="\n".join(latest.unknowns), decisions_needed="\n".join(latest.decisions_needed),
            records_low=latest.records_low, records_high=latest.records_high,
            downtime_hours_low=latest.downtime_hours_low, downtime_hours_high=latest.downtime_hours_high,
            other_cost_low=latest.other_cost_low, other_cost_high=latest.other_cost_high,
            cost_note=latest.cost_note)
    judgements_initial = [{"statement": j.statement, "likelihood": j.likelihood, "confidence": j.confidence,
                           "basis": j.basis} for j in latest.judgements.all()] if latest else []
    form = UpdateForm(request.POST or None, initial=initial)
    judgements = JudgementFormSet(request.POST or None, prefix="j", initial=judgements_initial)
    actions = ActionFormSet(request.POST or None, prefix="a")
    valid = form.is_valid() & judgements.is_valid() & actions.is_valid()  # (every form checked, all errors shown)
    if request.method == "POST" and valid:
        try:
            update = services.write_update(
                actor=user, incident=incident, **form.service_fields(),
                judgements=[j.cleaned_data for j in judgements.forms if j.cleaned_data],
                actions=[a.cleaned_data for a in actions.forms if a.cleaned_data])
        except ValidationFailed as exc:
            rest = _place_row_problems(exc, {"judgements": judgements, "actions": actions})
            if rest:
                show_problems(form, ValidationFailed(rest))
        else:
            messages.success(request, f"Update #{update.number} written; the briefing follows it.")
            return redirect("incidents:detail", incident.pk)
    per_hour, by_service = selectors.affected_cost_per_hour(incident)
    failed = request.method == "POST"
    return render(request, "incidents/update.html", {
        "incident": incident, "form": form, "judgements": judgements, "actions": actions, "latest": latest,
        "per_hour": per_hour, "by_service": by_service,
        "currency": selectors.organisation_currency(), "cadence": settings.cadence(incident.severity),
    }, status=422 if failed else 200)


# The executive briefing ----------------------------------------------------------------------------

@capability_required(READ)
def briefing(request: HttpRequest, pk: int) -> HttpResponse:
    user = viewer(request)
    incident = selectors.incident_by_id(user, pk)
    b = selectors.briefing(user, incident)
    return render(request, "incidents/briefing.html", {
        "incident": incident, "b": b, "chart": briefings.cost_chart(b), "text": briefings.briefing_text(b),
        "deadline_rows": b.deadline_rows(), "marking": b.marking})


@capability_required(READ)
def briefing_text(request: HttpRequest, pk: int) -> HttpResponse:
    user = viewer(request)
    b = selectors.briefing(user, selectors.incident_by_id(user, pk))
    response = HttpResponse(briefings.briefing_text(b), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{_filename(b, "txt")}"'
    return response


def _filename(b: Any, ext: str) -> str:
    prefix = "EXERCISE-" if b.exercise else ""
    return f"{prefix}{b.incident.reference}-briefing-{b.update.number if b.update else 0}.{ext}"


@capability_required(READ)
def briefing_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The briefing as a PDF, made in the request (about a second; benchmarks/incidents.md)."""
    user = viewer(request)
    b = selectors.briefing(user, selectors.incident_by_id(user, pk))
    started = time.perf_counter()
    pdf = briefings.briefing_pdf(b)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(b, "pdf")}"'
    response["Server-Timing"] = f"pdf;dur={(time.perf_counter() - started) * 1000:.0f}"
    return response


# Post-incident review ------------------------------------------------------------------------------

@capability_required(READ)
def review(request: HttpRequest, pk: int) -> HttpResponse:
    user = viewer(request)
    incident = selectors.incident_by_id(user, pk)
    existing = selectors.review_of(user, incident)
    initial = {"held_on": timezone.localdate()}
    if existing is not None:
        initial = {f: getattr(existing, f) for f in ("held_on", "summary", "root_cause", "went_well", "to_improve")}
    form = ReviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and request.POST.get("form") == "review" and form.is_valid():
            try:
                services.save_review(actor=user, incident=incident, **form.cleaned_data)
            except ValidationFailed as exc:
                show_problems(form, exc)
            else:
                messages.success(request, "Post-incident review saved.")
                return redirect("incidents:review", incident.pk)
    lesson_form = LessonForm(request.POST if request.POST.get("form") == "lesson" else None)
    if request.method == "POST" and request.POST.get("form") == "lesson" and existing is not None \
            and lesson_form.is_valid():
            data = lesson_form.cleaned_data
            try:
                services.add_lesson(actor=user, review=existing, text=data["text"], actions=[
                    {"text": data.get("action") or "", "owner": data.get("owner"), "due": data.get("due")}])
            except ValidationFailed as exc:
                show_problems(lesson_form, exc)
            else:
                messages.success(request, "Lesson added.")
                return redirect("incidents:review", incident.pk)
    lessons = list(existing.lessons.prefetch_related("actions__owner")) if existing else []
    return render(request, "incidents/review.html", {
        "incident": incident, "review": existing, "form": form, "lesson_form": lesson_form, "lessons": lessons,
        "can_write": can(user, WRITE), "now": timezone.now(),
    }, status=422 if form.errors or lesson_form.errors else 200)


# Exercises and settings ----------------------------------------------------------------------------

@require_POST
@capability_required(WRITE)
def start_exercise(request: HttpRequest, key: str) -> HttpResponse:
    user = viewer(request)
    try:
        incident = services.start_exercise(actor=user, scenario=key, commander=selectors.commander_for(user))
    except ValidationFailed as exc:
        _refused(request, exc)
        return redirect("incidents:home")
    messages.success(request, f"Exercise {incident.reference} started: the first update is written; "
                              "practise the next one.")
    return redirect("incidents:detail", incident.pk)


@capability_required(READ)
def settings_page(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    current = selectors.incident_settings(user)
    form = SettingsForm(request.POST or None, instance=type(current).objects.get(pk=current.pk))
    if request.method == "POST":
        if not can(user, WRITE):
            messages.error(request, "Changing the settings needs the capability incident.write.")
        elif form.is_valid():
            try:
                services.update_settings(actor=user, **dict(form.cleaned_data))
            except ValidationFailed as exc:
                show_problems(form, exc)
            else:
                messages.success(request, "Incident settings saved.")
                return redirect("incidents:settings")
    return render(request, "incidents/settings.html", {"form": form, "can_write": can(user, WRITE)},
                  status=422 if form.errors else 200)
