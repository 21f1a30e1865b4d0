"""Vendor pages: the register (with the tier matrix, the cadence and the critical vendors on time), a
vendor (facts, tier, review due, assessments, findings, risk scenarios, IT projects and their vendor
reviews), its edit and assessment forms, an assessment's answers, and the CSV import.

Forms on the vendor page post to small views that redirect back with a message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accord.core import clock
from accord.core.errors import ValidationFailed
from accord.core.permissions import Actor, can
from accord.core.web import capability_required, edit_record_page, form_page, is_partial, paginate, viewer
from accord.org import selectors as org_selectors
from accord.reviews import selectors as review_selectors
from accord.risks import selectors as risk_selectors
from accord.vendors import importer, questionnaire, selectors, services
from accord.vendors.forms import (
    AssessmentForm,
    ChoiceOfRows,
    CloseFindingForm,
    FindingForm,
    ImportForm,
    TierForm,
    VendorForm,
)
from accord.vendors.models import Criticality, DataSensitivity, Vendor, VendorStatus, VendorTier
from accord.vendors.tiers import CRITICALITIES, REMINDER_LEAD_DAYS, cadence_rows, matrix_rows

READ, WRITE = "vendor.read", "vendor.write"
REVIEW_STATES = [("overdue", "overdue"), ("due_soon", f"due within {REMINDER_LEAD_DAYS} days"),
                 ("on_time", "on time"), ("exited", "exited")]


def _matrix_context() -> dict[str, Any]:
    return {"matrix": matrix_rows(), "criticalities": [Criticality(c).label.split(" (")[0] for c in CRITICALITIES],
            "cadence": cadence_rows(), "lead_days": REMINDER_LEAD_DAYS}


@capability_required(READ)
def home(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    g = request.GET
    filters = selectors.VendorFilter(q=g.get("q", "").strip()[:100], tier=g.get("tier", ""),
                                     status=g.get("status", ""), review=g.get("review", ""))
    as_of = clock.today()
    page, query = paginate(request, selectors.register_rows(user, filters, as_of=as_of))
    context = {"page": page, "query": query, "filters": g, "as_of": as_of, "tiers": VendorTier.choices,
               "statuses": VendorStatus.choices, "review_states": REVIEW_STATES,
               "on_time": selectors.on_time(user, as_of), "can_write": can(user, WRITE), **_matrix_context()}
    return render(request, "vendors/_rows.html" if is_partial(request) else "vendors/home.html", context)


def _people(user: Actor) -> Any:
    return org_selectors.people_visible_to(user)


@capability_required(READ)
def vendor_detail(request: HttpRequest, slug: str) -> HttpResponse:
    user = viewer(request)
    vendor = selectors.vendor_by_slug(user, slug)
    detail = selectors.vendor_detail(user, vendor)
    linked_risks = {link.scenario_id for link in detail.risk_links}
    linked_projects = {p.project.pk for p in detail.projects}
    context: dict[str, Any] = {"vendor": vendor, "detail": detail, "row": detail.row, "can_write": can(user, WRITE),
                               "questionnaire": questionnaire.current(), **_matrix_context()}
    if context["can_write"]:
        context.update({
            "tier_form": TierForm(initial={"tier": vendor.tier_override}),
            "finding_form": FindingForm(people=_people(user)) if detail.assessments else None,
            "close_form": CloseFindingForm(),
            "risk_form": ChoiceOfRows(rows=[(s.slug, f"{s.name} ({s.slug})") for s in risk_selectors.register(user)
                                            if s.pk not in linked_risks], label="Risk scenario")
            if can(user, "risk.read") else None,
            "project_form": ChoiceOfRows(rows=[(p.slug, p.name) for p in review_selectors.projects_visible_to(user)
                                               if p.pk not in linked_projects], label="IT project")
            if can(user, "review.read") else None,
        })
    return render(request, "vendors/vendor.html", context)


@capability_required(WRITE)
def vendor_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    user = viewer(request)
    instance = selectors.vendor_by_slug(user, slug) if slug else None

    def form_class(*args: Any, **kwargs: Any) -> VendorForm:
        return VendorForm(*args, people=_people(user), services=org_selectors.services_visible_to(user), **kwargs)

    def save(_form: Any, data: dict[str, Any]) -> Vendor:
        fields = dict(data)
        linked = list(fields.pop("business_services", []))
        if instance is None:
            return services.create_vendor(actor=user, business_services=linked, **fields)
        return services.update_vendor(actor=user, vendor=instance, business_services=linked, **fields)

    return edit_record_page(request, form_class=form_class, instance=instance, kind="vendor",  # type: ignore[arg-type]
                            template="vendors/edit.html", save=save,
                            next_url=lambda saved: reverse("vendors:vendor", args=[saved.slug]),
                            context=_matrix_context())


def _back(slug: str) -> HttpResponse:
    return redirect(reverse("vendors:vendor", args=[slug]))


def _post_step(request: HttpRequest, slug: str, form: Any, act: Callable[[Any], str]) -> HttpResponse:
    """Run one write from a form on the vendor page; say what happened or what was wrong, then go back."""
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{field}: {' '.join(errors)}")
        return _back(slug)
    try:
        messages.success(request, act(form.cleaned_data))
    except ValidationFailed as exc:
        for problem in exc.problems:
            messages.error(request, str(problem))
    return _back(slug)


@require_POST
@capability_required(WRITE)
def vendor_tier(request: HttpRequest, slug: str) -> HttpResponse:
    user = viewer(request)
    vendor = selectors.vendor_by_slug(user, slug)

    def act(data: dict[str, Any]) -> str:
        saved = services.override_tier(actor=user, vendor=vendor, tier=data["tier"], reason=data["reason"])
        return f"Tier of {saved} is now {saved.get_tier_display().lower()}" + (
            " (overridden)" if saved.tier_override else " (the matrix's)") + "."

    return _post_step(request, slug, TierForm(request.POST), act)


@capability_required(WRITE)
def vendor_assess(request: HttpRequest, slug: str) -> HttpResponse:
    user = viewer(request)
    vendor = selectors.vendor_by_slug(user, slug)
    form_def = questionnaire.current()
    form = AssessmentForm(request.POST or None, questionnaire=form_def, people=_people(user),
                          initial={"assessed_on": clock.today()})

    def save(data: dict[str, Any]) -> Any:
        findings = [services.NewFinding(text=data["finding"], owner=data["finding_owner"],
                                        due_on=data["finding_due_on"])] if data.get("finding") else []
        return services.record_assessment(actor=user, vendor=vendor, answers=form.answers(),
                                          assessed_on=data["assessed_on"], notes=data["notes"], findings=findings)

    def done(assessment: Any) -> HttpResponse:
        messages.success(request, f"Assessment recorded: {assessment.score}/100.")
        return redirect(reverse("vendors:assessment", args=[assessment.pk]))

    return form_page(request, form=form, save=save, template="vendors/assess.html",
                     context={"vendor": vendor, "questionnaire": form_def}, success=done)


@capability_required(READ)
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = viewer(request)
    assessment = selectors.assessment_by_id(user, pk)
    form_def = questionnaire.current()
    answered = []
    for question in form_def.questions if assessment.questionnaire_version == form_def.version else ():
        answer = question.answer(assessment.answers.get(question.id, ""))
        answered.append({"question": question, "answer": answer})
    return render(request, "vendors/assessment.html", {
        "assessment": assessment, "vendor": assessment.vendor, "answered": answered,
        "findings": list(assessment.findings.select_related("owner")), "questionnaire": form_def})


@require_POST
@capability_required(WRITE)
def finding_add(request: HttpRequest, slug: str) -> HttpResponse:
    user = viewer(request)
    vendor = selectors.vendor_by_slug(user, slug)
    latest = selectors.assessments_of(user, vendor).first()

    def act(data: dict[str, Any]) -> str:
        if latest is None:
            raise ValidationFailed.field("assessment", "assess the vendor first: a finding belongs to an assessment")
        finding = services.add_finding(actor=user, assessment=latest, text=data["text"], owner=data["owner"],
                                       due_on=data["due_on"])
        return f"Finding added for {finding.owner}, due {finding.due_on.isoformat()}."

    return _post_step(request, slug, FindingForm(request.POST, people=_people(user)), act)


@require_POST
@capability_required(WRITE)
def finding_close(request: HttpRequest, pk: int) -> HttpResponse:
    user = viewer(request)
    finding = selectors.finding_by_id(user, pk)

    def act(data: dict[str, Any]) -> str:
        closed = services.close_finding(actor=user, finding=finding, status=data["status"], note=data["note"])
        return f"Finding {closed.get_status_display().lower()}."

    return _post_step(request, finding.assessment.vendor.slug, CloseFindingForm(request.POST), act)


@require_POST
@capability_required(WRITE)
def link(request: HttpRequest, slug: str, kind: str, action: str) -> HttpResponse:
    """Link or unlink a risk scenario (`kind` "risk") or an IT project ("project")."""
    if kind not in ("risk", "project") or action not in ("link", "unlink"):
        raise Http404(f"no such link: {kind}/{action}")
    user = viewer(request)
    vendor = selectors.vendor_by_slug(user, slug)
    key = request.POST.get("choice", "")

    def act(_data: dict[str, Any]) -> str:
        target: Any
        if kind == "risk":
            target = risk_selectors.scenario_by_slug(user, key)
            (services.link_scenario if action == "link" else services.unlink_scenario)(
                actor=user, vendor=vendor, scenario=target)
        else:
            target = review_selectors.project_by_key(user, key)
            (services.link_project if action == "link" else services.unlink_project)(
                actor=user, vendor=vendor, project=target)
        return f"{vendor} {'linked to' if action == 'link' else 'unlinked from'} {target.name}."

    return _post_step(request, slug, ChoiceOfRows(request.POST, rows=[(key, key)]), act)


@capability_required(WRITE)
def vendor_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    report, problems = None, None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = importer.import_vendors_csv(actor=viewer(request), file=upload, filename=upload.name)
        except ValidationFailed as exc:
            problems = exc
    return render(request, "vendors/import.html", {
        "form": form, "report": report, "problems": problems, "example": importer.example_csv(),
        "columns": importer.COLUMNS, "sensitivities": DataSensitivity.values, "criticality_values": Criticality.values,
        "statuses": VendorStatus.values}, status=422 if problems else 200)
