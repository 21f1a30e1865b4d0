"""Risk pages: the register, a scenario (inputs, curves, tornado, controls), the portfolio, settings,
and import/export of scenario files. Every write goes through `accord.risks.services`."""

from __future__ import annotations

import math
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accord.core.errors import ValidationFailed
from accord.core.web import capability_required, is_partial, paginate, viewer
from accord.jobs.services import start_job
from accord.org import selectors as org_selectors
from accord.risks import scenario_files, selectors, services
from accord.risks.charts import lec_chart, tornado_chart
from accord.risks.fair import DISTRIBUTION_KEYS
from accord.risks.forms import (
    ControlForm,
    ImportForm,
    ScenarioForm,
    SettingsForm,
    put_problems,
)
from accord.risks.models import RiskScenario, ScenarioStatus, SimulationRun, Treatment

READ, WRITE = "risk.read", "risk.write"


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdecimal() and len(value) < 18 else None


def _range_bars(runs: list[SimulationRun | None], scale: list[float]) -> dict[int, dict[str, float]]:
    """Where each run's 90% range (p5..p95) and mean sit, in percent, on one log scale spanning
    `scale` (every scenario's figures, so a bar keeps its place whatever the filters)."""
    values = [v for v in scale if v > 0]
    if not values:
        return {}
    low, high = math.log10(min(values)) - 0.05, math.log10(max(values)) + 0.05

    def at(value: float) -> float:
        return 0.0 if value <= 0 else max(0.0, min(100.0, (math.log10(value) - low) / (high - low) * 100))

    return {r.pk: {"left": at(r.p5), "width": max(at(r.p95) - at(r.p5), 0.8), "mean": at(r.mean)}
            for r in runs if r is not None}


# Register ------------------------------------------------------------------------------------------

@capability_required(READ)
def register(request: HttpRequest) -> HttpResponse:
    g = request.GET
    filters = selectors.ScenarioFilter(q=g.get("q", "").strip(), status=g.get("status", ""),
                                       treatment=g.get("treatment", ""),
                                       business_service=_int(g.get("business_service")))
    user = viewer(request)
    page, query = paginate(request, selectors.register(user, filters))
    everyone = selectors.register(user).values_list("latest_run__p5", "latest_run__mean", "latest_run__p95")
    bars = _range_bars([s.latest_run for s in page], [v for row in everyone for v in row if v is not None])
    rows = [(s, bars.get(s.latest_run_id or 0)) for s in page]
    settings = selectors.risk_settings(user)
    services_list = RiskScenario.objects.exclude(business_service=None).values_list(
        "business_service_id", "business_service__name").distinct().order_by("business_service__name")
    context = {"page": page, "rows": rows, "query": query, "filters": g, "currency": settings.currency,
               "statuses": ScenarioStatus.choices, "treatments": Treatment.choices, "services": services_list,
               "total": RiskScenario.objects.count(), "figures": selectors.portfolio_figures(user)}
    return render(request, "risks/_register_rows.html" if is_partial(request) else "risks/register.html", context)


# Scenario ------------------------------------------------------------------------------------------

def _lec_series(entry: dict[str, Any]) -> list[tuple[str, list[list[float]], str]]:
    series = [("this scenario (proposed controls not applied)", entry.get("lec") or [], "solid")]
    if entry.get("with_controls"):
        series.append(("with the proposed controls", entry["with_controls"].get("lec") or [], "dashed"))
    return series


@capability_required(READ)
def scenario_detail(request: HttpRequest, slug: str) -> HttpResponse:
    user = viewer(request)
    scenario = selectors.scenario_by_slug(user, slug)
    run = scenario.latest_run
    context: dict[str, Any] = {"scenario": scenario, "run": run, "controls": selectors.control_views(scenario),
                               "currency": run.currency if run else selectors.risk_settings(user).currency,
                               "history": selectors.runs_of(user, scenario)[:6]}
    if run is not None:
        entry = run.result["scenarios"][0]
        context.update(
            entry=entry, with_controls=entry.get("with_controls"), appetite=run.result.get("appetite") or [],
            warnings=run.result.get("warnings") or [],
            lec=lec_chart(_lec_series(entry), run.spec.get("appetite") or [], run.currency),
            tornado=tornado_chart(run.result["tornado"], run.currency) if run.result.get("tornado") else None,
            # runs stored before the closed-form tornado (fair 2.0) carry a simulated one
            tornado_simulated_years=(run.result.get("tornado") or {}).get("years"),
        )
    return render(request, "risks/scenario.html", context)


def _scenario_form(request: HttpRequest, scenario: RiskScenario | None) -> ScenarioForm:
    user = viewer(request)
    return ScenarioForm(
        request.POST or None,
        initial=ScenarioForm.initial_for(scenario) if scenario else None,
        people=org_selectors.people_visible_to(user),
        services=org_selectors.services_visible_to(user),
        assets=org_selectors.assets_visible_to(user),
        editing=scenario is not None,
    )


@capability_required(WRITE)
def scenario_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    user = viewer(request)
    scenario = selectors.scenario_by_slug(user, slug) if slug else None
    form = _scenario_form(request, scenario)
    if request.method == "POST" and form.is_valid():
        try:
            fields = form.service_fields()
            if scenario is None:
                saved = services.create_scenario(actor=user, **fields)
            else:
                saved = services.update_scenario(actor=user, scenario=scenario, **fields)
        except ValidationFailed as exc:
            put_problems(form, exc)
        else:
            messages.success(request, f"Scenario {saved.name} saved and simulated.")
            return redirect("risks:scenario", saved.slug)
    return render(request, "risks/scenario_edit.html", {"form": form, "scenario": scenario,
                                                        "input_fields": DISTRIBUTION_KEYS},
                  status=422 if form.errors else 200)


@require_POST
@capability_required(WRITE)
def scenario_simulate(request: HttpRequest, slug: str) -> HttpResponse:
    user = viewer(request)
    scenario = selectors.scenario_by_slug(user, slug)
    latest = scenario.latest_run_id
    run = services.simulate_scenario(actor=user, scenario=scenario)
    messages.success(request, "Simulated again." if run.pk != latest else
                     "Nothing changed since the latest run, whose numbers stand (same inputs and seed).")
    return redirect("risks:scenario", slug)


# Controls ------------------------------------------------------------------------------------------

@capability_required(WRITE)
def control_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    user = viewer(request)
    scenario = selectors.scenario_by_slug(user, slug)
    control = selectors.control_by_id(user, scenario, pk) if pk else None
    form = ControlForm(request.POST or None, initial=ControlForm.initial_for(control) if control else None)
    if request.method == "POST" and form.is_valid():
        try:
            if control is None:
                services.add_control(actor=user, scenario=scenario, **form.cleaned_data)
            else:
                services.update_control(actor=user, control=control, **form.cleaned_data)
        except ValidationFailed as exc:
            put_problems(form, exc)
        else:
            messages.success(request, f"Control {form.cleaned_data['name']} saved; the scenario was simulated again.")
            return redirect("risks:scenario", slug)
    return render(request, "risks/control_edit.html", {"form": form, "scenario": scenario, "control": control},
                  status=422 if form.errors else 200)


@require_POST
@capability_required(WRITE)
def control_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    user = viewer(request)
    control = selectors.control_by_id(user, selectors.scenario_by_slug(user, slug), pk)
    services.remove_control(actor=user, control=control)
    messages.success(request, f"Control {control.name} removed; the scenario was simulated again.")
    return redirect("risks:scenario", slug)


# Portfolio -----------------------------------------------------------------------------------------

@capability_required(READ)
def portfolio(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    figures = selectors.portfolio_figures(user)
    run = figures.run
    # Each scenario's figures come from its own latest run, as on the register; the portfolio run
    # gives the total with correlation (its spread), labelled as such beside the plain sum.
    context: dict[str, Any] = {"run": run, "figures": figures, "top": figures.scenarios[:10],
                               "open_scenarios": len(services.portfolio_scenarios()),
                               "currency": selectors.risk_settings(user).currency}
    if run is not None:
        context.update(
            stats=run.result["portfolio"], currency=run.currency, appetite=run.result.get("appetite") or [],
            warnings=run.result.get("warnings"), rank_correlation=_rank_correlation(run.result.get("correlation")),
            lec=lec_chart([("portfolio (all open scenarios)", run.result["portfolio"]["lec"], "solid")],
                          run.spec.get("appetite") or [], run.currency),
        )
    return render(request, "risks/portfolio.html", context)


def _rank_correlation(check: dict[str, Any] | None) -> list[tuple[str, str, float, float | None]]:
    """(scenario, scenario, stated, shown by the annual losses) for each correlated pair."""
    if not check:
        return []
    ids, stated, realised = check["ids"], check["stated"], check["realised"]
    return [(ids[i], ids[j], stated[i][j], realised[i][j])
            for i in range(len(ids)) for j in range(i + 1, len(ids))]


@require_POST
@capability_required(WRITE)
def simulate_all(request: HttpRequest) -> HttpResponse:
    job = start_job(actor=viewer(request), kind="risks.simulate_all", title="Simulate every open risk scenario",
                    args={"force": False})
    return redirect("jobs:detail", job.pk)


@require_POST
@capability_required(WRITE)
def portfolio_simulate(request: HttpRequest) -> HttpResponse:
    try:
        services.simulate_portfolio(actor=viewer(request))
    except ValidationFailed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Portfolio simulated.")
    return redirect("risks:portfolio")


# Settings, import and export -----------------------------------------------------------------------

@capability_required(WRITE)
def settings_edit(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    current = selectors.risk_settings(user)
    form = SettingsForm(request.POST or None, initial=SettingsForm.initial_for(current))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["appetite"] = data.get("appetite") or []
        try:
            services.update_settings(actor=user, **data)
        except ValidationFailed as exc:
            put_problems(form, exc)
        else:
            messages.success(request, "Settings saved; every scenario and the portfolio were simulated again.")
            return redirect("risks:register")
    return render(request, "risks/settings.html", {"form": form}, status=422 if form.errors else 200)


@capability_required(WRITE)
def import_file(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    report, problems = None, None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = scenario_files.import_scenario_file(actor=viewer(request), file=upload, filename=upload.name)
        except ValidationFailed as exc:
            problems = exc
    return render(request, "risks/import.html", {"form": form, "report": report, "problems": problems},
                  status=422 if problems else 200)


@capability_required(READ)
def export_file(request: HttpRequest) -> HttpResponse:
    fmt = "json" if request.GET.get("format") == "json" else "yaml"
    text = scenario_files.dump_document(scenario_files.export_document(viewer(request)), fmt)
    response = HttpResponse(text, content_type="application/json" if fmt == "json" else "application/yaml")
    response["Content-Disposition"] = f'attachment; filename="risk-scenarios.{fmt}"'
    return response
