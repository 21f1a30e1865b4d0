"""The posture pages: the profile (radar, gaps per function and category, initiatives), an assessment's
scores, assessments side by side, the catalogue with OSCAL import, and the benchmarks."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from accord.core import clock
from accord.core.errors import NotFound, ValidationFailed
from accord.core.permissions import Actor, can
from accord.core.web import capability_required, form_page, viewer
from accord.posture import selectors, services
from accord.posture.forms import AssessmentEditForm, AssessmentForm, CatalogueImportForm, FileForm, ScoreForm
from accord.posture.frameworks import CSF_KEY
from accord.posture.rollup import MEAN, MODES

READ, WRITE = selectors.READ, selectors.WRITE


def _choices(request: HttpRequest, framework_key: str) -> tuple[Any, str]:
    """The benchmark and the roll-up mode the page was asked for (defaults: imported else synthetic; mean)."""
    who = viewer(request)
    key = request.GET.get("benchmark", "")
    bench = selectors.benchmark_by_key(who, key) if key else selectors.default_benchmark(who, framework_key)
    mode = request.GET.get("mode", MEAN)
    return bench, mode if mode in MODES else MEAN


@capability_required(READ)
def home(request: HttpRequest) -> HttpResponse:
    who = viewer(request)
    wanted = request.GET.get("assessment", "")
    assessment = (selectors.assessment_by_id(who, int(wanted)) if wanted.isdecimal()
                  else selectors.latest_assessment(who))
    context: dict[str, Any] = {"tab": "profile", "can_write": can(who, WRITE), "modes": MODES,
                               "assessments": selectors.assessments(who)[:50]}
    if assessment is not None:
        bench, mode = _choices(request, assessment.framework_key)
        profile = selectors.profile(who, assessment, benchmark=bench, mode=mode)
        # Each function with its categories, each category with the initiatives that advance it.
        sections = [(f, [(c, profile.initiatives.get(c.id, [])) for c in profile.rolled.categories
                         if c.function_id == f.id]) for f in profile.rolled.functions]
        context.update(profile=profile, radar=mark_safe(profile.radar()),  # noqa: S308 - built from escaped text
                       benchmarks=selectors.benchmarks(who, framework_key=assessment.framework_key),
                       sections=sections)
    return render(request, "posture/home.html", context)


@capability_required(READ)
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    who = viewer(request)
    assessment = selectors.assessment_by_id(who, pk)
    framework = selectors.framework_named(assessment.framework_key)
    if framework is None:
        raise NotFound("framework", assessment.framework_key)
    scores = selectors.scores_of(who, assessment)
    functions = [(f, [(c, [(s, scores.get(s.id)) for s in c.subcategories]) for c in f.categories])
                 for f in framework.functions]
    scored = sum(1 for s in scores.values() if s.current is not None)
    return render(request, "posture/assessment.html", {
        "tab": "profile", "assessment": assessment, "framework": framework, "functions": functions,
        "scored": scored, "total": len(framework.subcategory_ids()), "can_write": can(who, WRITE)})


def _frameworks_and_assessments(who: Actor) -> dict[str, Any]:
    return {"frameworks": selectors.frameworks(who), "assessments": list(selectors.assessments(who)[:100])}


@capability_required(WRITE)
def assessment_new(request: HttpRequest) -> HttpResponse:
    who = viewer(request)
    initial = {"assessed_on": clock.today(), "framework_key": CSF_KEY}
    latest = selectors.latest_assessment(who)
    if latest is not None:
        initial["copy_from"] = latest.pk
    form = AssessmentForm(request.POST or None, initial=initial, **_frameworks_and_assessments(who))

    def save(data: dict[str, Any]) -> Any:
        source = selectors.assessment_by_id(who, data.pop("copy_from")) if data.get("copy_from") else None
        data.pop("copy_from", None)
        return services.create_assessment(actor=who, copy_from=source, **data)

    def done(created: Any) -> HttpResponse:
        messages.success(request, f"Assessment {created} created.")
        return redirect("posture:assessment", pk=created.pk)

    return form_page(request, form=form, save=save, template="posture/form.html", success=done,
                     context={"tab": "profile", "heading": "New assessment",
                              "lead": "An assessment scores every subcategory 0 to 4, current and target. Starting "
                                      "from the last one copies its scores, evidence and owners, to revise."})


@capability_required(WRITE)
def assessment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    who = viewer(request)
    assessment = selectors.assessment_by_id(who, pk)
    initial = {"title": assessment.title, "assessed_on": assessment.assessed_on, "tier": assessment.tier,
               "notes": assessment.notes}
    form = AssessmentEditForm(request.POST or None, initial=initial)

    def done(saved: Any) -> HttpResponse:
        messages.success(request, f"Assessment {saved} saved.")
        return redirect("posture:assessment", pk=saved.pk)

    return form_page(request, form=form, template="posture/form.html", success=done,
                     save=lambda data: services.update_assessment(actor=who, assessment=assessment, changes=data),
                     context={"tab": "profile", "heading": f"Edit {assessment}", "lead": "",
                              "cancel": reverse("posture:assessment", args=[pk])})


def _people(who: Actor) -> list[Any]:
    if not can(who, "user.read"):
        return [who]
    from accord.accounts import selectors as accounts

    return list(accounts.users_visible_to(who).filter(is_active=True))


@capability_required(WRITE)
def score_edit(request: HttpRequest, pk: int, subcategory: str) -> HttpResponse:
    who = viewer(request)
    assessment = selectors.assessment_by_id(who, pk)
    framework = selectors.framework_named(assessment.framework_key)
    found = next((s for s in framework.subcategories() if s.id == subcategory), None) if framework else None
    if found is None:
        raise NotFound("subcategory", subcategory)
    score = selectors.scores_of(who, assessment).get(subcategory)
    initial = ({"current": score.current, "target": score.target, "evidence": score.evidence,
                "owner": score.owner_id, "scored_on": score.scored_on} if score else {})
    people = _people(who)
    form = ScoreForm(request.POST or None, initial=initial, people=people)

    def save(data: dict[str, Any]) -> Any:
        owner_id = data.pop("owner")
        owner = next((p for p in people if p.pk == owner_id), None)
        return services.set_score(actor=who, assessment=assessment, subcategory=subcategory, owner=owner, **data)

    def done(saved: Any) -> HttpResponse:
        messages.success(request, f"{saved.subcategory} scored: current {saved.current}, target {saved.target}.")
        return redirect(reverse("posture:assessment", args=[pk]) + f"#{found.category_id}")

    return form_page(request, form=form, save=save, template="posture/form.html", success=done,
                     context={"tab": "profile", "heading": f"{found.id}", "lead": found.title,
                              "cancel": reverse("posture:assessment", args=[pk])})


@capability_required(READ)
def assessment_oscal(request: HttpRequest, pk: int) -> HttpResponse:
    who = viewer(request)
    assessment = selectors.assessment_by_id(who, pk)
    document = selectors.oscal_assessment_results(who, assessment)
    response = HttpResponse(json.dumps(document, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="assessment-{pk}-oscal-ar.json"'
    return response


@capability_required(READ)
def compare(request: HttpRequest) -> HttpResponse:
    who = viewer(request)
    framework_key = request.GET.get("framework", CSF_KEY)
    chosen = list(selectors.assessments(who, framework_key=framework_key)[:8])
    mode = request.GET.get("mode", MEAN)
    mode = mode if mode in MODES else MEAN
    result = selectors.comparison(who, chosen, mode=mode)
    return render(request, "posture/compare.html", {"tab": "compare", "result": result, "modes": MODES,
                                                    "frameworks": selectors.frameworks(who),
                                                    "framework_key": framework_key})


@capability_required(READ)
def catalogue(request: HttpRequest) -> HttpResponse:
    who = viewer(request)
    framework = selectors.framework_by_key(who, request.GET.get("framework", CSF_KEY))
    return render(request, "posture/catalogue.html", {
        "tab": "catalogue", "framework": framework, "document": framework.as_document(), "frameworks": selectors.frameworks(who),
        "imported": selectors.imported_frameworks(who), "can_write": can(who, WRITE)})


@capability_required(READ)
def benchmarks(request: HttpRequest) -> HttpResponse:
    who = viewer(request)
    return render(request, "posture/benchmarks.html", {"tab": "benchmarks", "benchmarks": selectors.benchmarks(who),
                                                       "can_write": can(who, WRITE)})


def _import_page(request: HttpRequest, *, form: Any, load: Callable[[dict[str, Any]], Any], heading: str,
                 lead: str, tab: str, success: Callable[[Any], str]) -> HttpResponse:
    """The upload cycle the three imports share: the file is refused whole with every problem listed."""
    problems = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = load(form.cleaned_data)
        except ValidationFailed as exc:
            problems = exc
        else:
            messages.success(request, f"{saved} imported.")
            return redirect(success(saved))
    return render(request, "posture/import.html", {"form": form, "problems": problems, "heading": heading,
                                                   "lead": lead, "tab": tab}, status=422 if problems else 200)


@require_http_methods(["GET", "POST"])
@capability_required(WRITE)
def catalogue_import(request: HttpRequest) -> HttpResponse:
    who = viewer(request)
    return _import_page(
        request, form=CatalogueImportForm(request.POST or None, request.FILES or None), tab="catalogue",
        heading="Import an OSCAL catalogue",
        lead="Another framework, or a newer CSF release, as an OSCAL catalogue in JSON. It is checked against NIST's "
             "OSCAL catalogue schema first; each top-level group becomes a function, each control in it a category, "
             "and the controls under those the subcategories you score.",
        load=lambda d: services.import_oscal_catalogue(actor=who, file=d["file"], filename=d["file"].name, key=d["key"]),
        success=lambda row: reverse("posture:catalogue") + f"?framework={row.key}")


@require_http_methods(["GET", "POST"])
@capability_required(WRITE)
def benchmark_import(request: HttpRequest) -> HttpResponse:
    who = viewer(request)
    return _import_page(
        request, form=FileForm(request.POST or None, request.FILES or None), tab="benchmarks",
        heading="Import a benchmark profile",
        lead="Mean scores of peers per category or function, for an industry and a size, in Accord's benchmark "
             "format (JSON; see docs/posture.md). A file with the key of an earlier one replaces its figures.",
        load=lambda d: services.import_benchmark(actor=who, file=d["file"], filename=d["file"].name),
        success=lambda _row: reverse("posture:benchmarks"))


@require_http_methods(["GET", "POST"])
@capability_required(WRITE)
def results_import(request: HttpRequest) -> HttpResponse:
    who = viewer(request)
    return _import_page(
        request, form=FileForm(request.POST or None, request.FILES or None), tab="profile",
        heading="Import OSCAL assessment results",
        lead="An assessment exported by Accord (here or in another Accord) as OSCAL assessment results. It is "
             "checked against NIST's schema and every subcategory against the framework.",
        load=lambda d: services.import_assessment_results(actor=who, file=d["file"], filename=d["file"].name),
        success=lambda row: reverse("posture:assessment", args=[row.pk]))
