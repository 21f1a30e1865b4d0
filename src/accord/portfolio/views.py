"""Portfolio pages: the budget slider and frontier, initiatives (list, detail, edit, effects), budget
scenarios, CSV import/export, estimates, selections and their approval. Thin: services do the work."""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from accord.core.errors import NotFound, ValidationFailed
from accord.core.permissions import Actor
from accord.core.web import (
    capability_required,
    edit_record_page,
    form_page,
    is_partial,
    paginate,
    show_problems,
    viewer,
)
from accord.engine.portfolio.finance import initiative_finance
from accord.jobs import selectors as jobs_selectors
from accord.jobs.services import start_job
from accord.portfolio import csv_io, planning, selectors, services
from accord.portfolio.charts import frontier_chart
from accord.portfolio.forms import ApproveForm, BudgetScenarioForm, EffectForm, ImportForm, InitiativeForm
from accord.portfolio.models import BudgetScenario, InitiativeStatus, Sponsor
from accord.risks import selectors as risk_selectors

READ, WRITE, DECIDE = "portfolio.read", "portfolio.write", "portfolio.decide"
SLIDER_STEPS = 200


def _float(value: str | None) -> float | None:
    try:
        number = float(value) if value not in (None, "") else None
    except ValueError:
        return None
    return number if number is not None and math.isfinite(number) else None


def _currency(actor: Actor) -> str:
    return risk_selectors.risk_settings(actor).currency


def _chosen_budget_scenario(request: HttpRequest, budgets: list[BudgetScenario]) -> BudgetScenario | None:
    wanted = request.GET.get("scenario") or request.POST.get("scenario")
    for found in budgets:
        if str(found.pk) == wanted:
            return found
    return budgets[0] if budgets else None


@dataclass(frozen=True)
class RosiRow:
    slug: str
    title: str
    pk: int
    delta: tuple[float, float, float]
    annualised_cost: float
    rosi: tuple[float | None, float | None, float | None]
    npv: float
    payback: float | None
    bar: dict[str, float] | None


def _rosi_rows(plan: planning.Plan) -> tuple[list[RosiRow], float | None]:
    """Each estimated candidate's ROSI at the low end, estimate and high end of its ΔALE range, for this
    budget scenario's horizon and discount rate, with a bar on a shared scale (and where zero sits)."""
    scenario = plan.budget_scenario
    rows = []
    by_slug = {it.id: it for it in plan.instance.initiatives}
    for slug, estimate in sorted(plan.estimates.items(), key=lambda kv: -(kv[1].delta_ale or 0)):
        it = by_slug.get(slug)
        if it is None:
            continue
        money = initiative_finance(delta_ale=estimate.delta_ale,
                                   delta_ale_90=(estimate.delta_ale_low, estimate.delta_ale_high),
                                   one_off=it.cost, annual=it.annual_cost, years=scenario.horizon_years,
                                   rate=scenario.discount_rate)
        rows.append(RosiRow(slug=slug, title=plan.titles[slug], pk=estimate.initiative_id,
                            delta=(estimate.delta_ale_low, estimate.delta_ale, estimate.delta_ale_high),
                            annualised_cost=money.annualised_cost,
                            rosi=(money.rosi.at_low, money.rosi.at_estimate, money.rosi.at_high),
                            npv=money.npv.at_estimate or 0.0, payback=money.payback_years.at_estimate, bar=None))
    values = [v for r in rows for v in r.rosi if v is not None]
    if not values:
        return rows, None
    low, high = min(min(values), 0.0), max(max(values), 0.0)
    span = (high - low) or 1.0

    def at(value: float) -> float:
        return round((value - low) / span * 100, 2)

    with_bars = []
    for r in rows:
        bar = None
        if r.rosi[0] is not None and r.rosi[2] is not None and r.rosi[1] is not None:
            left, right = at(min(r.rosi[0], r.rosi[2])), at(max(r.rosi[0], r.rosi[2]))
            bar = {"left": left, "width": max(right - left, 0.8), "mid": at(r.rosi[1])}
        with_bars.append(RosiRow(**{**r.__dict__, "bar": bar}))
    return with_bars, at(0.0)


def _slider(plan: planning.Plan, frontier: dict[str, Any], budget: float) -> dict[str, float]:
    low = planning.forced_cost(plan)
    top = max([p["spend"] for p in frontier["points"]] + [plan.budget_scenario.budget, budget, low + 1.0])
    top = top * 1.1
    step = max(round((top - low) / SLIDER_STEPS, -3) or 1000.0, 1.0)
    return {"min": math.floor(low / step) * step, "max": math.ceil(top / step) * step, "step": step}


def _chart_svg(plan: planning.Plan, frontier: dict[str, Any], currency: str) -> Any:
    key = f"accord:portfolio:chart:{plan.hash}:{plan.budget_scenario.budget}:{currency}"
    svg = cache.get(key)
    if svg is None:
        svg = frontier_chart(frontier, currency=currency, budget=plan.budget_scenario.budget).svg
        cache.set(key, svg, timeout=24 * 3600)
    return svg


def _best_context(plan: planning.Plan, budget: float, currency: str) -> dict[str, Any]:
    try:
        best = planning.answer(plan, budget)
    except ValidationFailed as exc:
        return {"best": None, "best_problem": exc, "budget": budget, "currency": currency, "plan": plan}
    return {"best": best, "budget": budget, "currency": currency, "plan": plan,
            "share": (best.selection.risk_reduction / plan.total_ale) if plan.total_ale else 0.0}


@capability_required(READ)
def portfolio(request: HttpRequest) -> HttpResponse:
    actor = viewer(request)
    budgets = list(selectors.budget_scenarios(actor))
    chosen = _chosen_budget_scenario(request, budgets)
    context: dict[str, Any] = {"budgets": budgets, "chosen": chosen, "currency": _currency(actor),
                               "initiative_count": selectors.initiatives(actor).count()}
    if chosen is None:
        return render(request, "portfolio/portfolio.html", context)
    try:
        plan = planning.build_plan(actor, chosen)
    except ValidationFailed as exc:
        return render(request, "portfolio/portfolio.html", {**context, "plan_problem": exc})
    frontier, job = _frontier_or_job(actor, chosen, plan)
    budget = _float(request.GET.get("budget"))
    budget = chosen.budget if budget is None else budget
    rosi_rows, zero = _rosi_rows(plan)
    context.update(_best_context(plan, budget, context["currency"]))
    context.update(
        frontier=frontier, frontier_job=job and jobs_selectors.progress_of(job), slider=_slider(plan, frontier or {"points": []}, budget),
        rosi_rows=rosi_rows, rosi_zero=zero, unestimated=len(plan.instance.initiatives) - len(plan.estimates),
        selections=selectors.selections(actor, chosen)[:5],
    )
    if frontier is not None:
        context.update(chart=_chart_svg(plan, frontier, context["currency"]),
                       break_even=frontier["points"][frontier["break_even"]])
    return render(request, "portfolio/portfolio.html", context)


def _frontier_or_job(actor: Actor, chosen: BudgetScenario, plan: planning.Plan) -> tuple[dict[str, Any] | None, Any]:
    """The frontier: computed here for a small instance, else by a job the page follows (one job per
    instance and person, however often they reload meanwhile)."""
    frontier = planning.cached_frontier(plan)
    if frontier is not None or len(plan.instance.initiatives) <= planning.INLINE_FRONTIER_INITIATIVES:
        return frontier or planning.frontier_document(plan), None
    lock = f"accord:portfolio:frontier-job:{plan.hash}:{actor.pk}"
    job = None
    if cache.get(lock):
        with contextlib.suppress(NotFound):
            job = jobs_selectors.job_by_id(actor, cache.get(lock))
    if job is None or job.status == "failed":
        job = start_job(actor=actor, kind="portfolio.frontier", title=f"Frontier of {chosen.name}",
                        args={"budget_scenario": chosen.pk})
        cache.set(lock, job.pk, timeout=24 * 3600)
    return planning.cached_frontier(plan), job  # (computed already when jobs run at once)


@capability_required(READ)
def best(request: HttpRequest) -> HttpResponse:
    """The slider's answer: the best set for the budget asked (an htmx partial, or a full page)."""
    actor = viewer(request)
    if not is_partial(request):
        return portfolio(request)
    budgets = list(selectors.budget_scenarios(actor))
    chosen = _chosen_budget_scenario(request, budgets)
    if chosen is None:
        return HttpResponse('<p class="muted">Create a budget scenario first.</p>')
    try:
        plan = planning.build_plan(actor, chosen)
    except ValidationFailed as exc:
        return HttpResponse(format_html('<p class="errors">{}</p>', str(exc)))
    budget = _float(request.GET.get("budget"))
    return render(request, "portfolio/_best.html",
                  _best_context(plan, chosen.budget if budget is None else budget, _currency(actor)))


@capability_required(WRITE)
@require_POST
def estimate(request: HttpRequest) -> HttpResponse:
    actor = viewer(request)
    budgets = list(selectors.budget_scenarios(actor))
    chosen = _chosen_budget_scenario(request, budgets)
    try:
        done = services.estimate_effects(actor=actor, budget_scenario=chosen)
    except ValidationFailed as exc:
        messages.error(request, f"Estimate refused: {exc}")
    else:
        messages.success(request, f"{len(done)} initiative effect estimates are current.")
    return redirect(f"{_portfolio_url()}?scenario={chosen.pk}" if chosen else _portfolio_url())


def _portfolio_url() -> str:
    from django.urls import reverse

    return reverse("portfolio:home")


@capability_required(WRITE)
@require_POST
def save_selection(request: HttpRequest) -> HttpResponse:
    actor = viewer(request)
    chosen = _chosen_budget_scenario(request, list(selectors.budget_scenarios(actor)))
    if chosen is None:
        messages.error(request, "Create a budget scenario first.")
        return redirect("portfolio:home")
    try:
        saved = services.save_selection(actor=actor, budget_scenario=chosen, budget=_float(request.POST.get("budget")))
    except ValidationFailed as exc:
        messages.error(request, f"Not saved: {exc}")
        return redirect(f"{_portfolio_url()}?scenario={chosen.pk}")
    messages.success(request, "Selection saved. Review it and approve it to fund the initiatives.")
    return redirect("portfolio:selection", saved.pk)


# Initiatives ----------------------------------------------------------------------------------------

@capability_required(READ)
def initiatives(request: HttpRequest) -> HttpResponse:
    actor = viewer(request)
    g = request.GET
    filters = selectors.InitiativeFilter(q=g.get("q", ""), status=g.get("status", ""), sponsor=g.get("sponsor", ""))
    page, query = paginate(request, selectors.initiatives(actor, filters))
    views = {v.initiative.pk: v for v in selectors.latest_estimate_views(actor, list(page.object_list))}
    context = {"page": page, "query": query, "filters": g, "estimates": views, "statuses": InitiativeStatus.choices,
               "sponsors": Sponsor.choices, "currency": _currency(actor),
               "total": selectors.initiatives(actor).count()}
    return render(request, "portfolio/_initiative_rows.html" if is_partial(request) else "portfolio/initiatives.html",
                  context)


@capability_required(READ)
def initiative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = viewer(request)
    initiative = selectors.initiative_by_id(actor, pk)
    view = selectors.latest_estimate_views(actor, [initiative])[0]
    return render(request, "portfolio/initiative.html", {
        "initiative": initiative, "effects": selectors.effects_of(actor, initiative), "view": view,
        "history": selectors.estimates_of(actor, initiative)[:10], "currency": _currency(actor),
        "selections": initiative.selections.select_related("budget_scenario", "decision")[:10],
    })


@capability_required(WRITE)
def initiative_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = viewer(request)
    instance = selectors.initiative_by_id(actor, pk) if pk else None

    def save(form: Any, _data: dict[str, Any]) -> Any:
        arguments = form.service_arguments()
        if instance is None:
            return services.create_initiative(actor=actor, **arguments)
        return services.update_initiative(actor=actor, initiative=instance, **arguments)

    return edit_record_page(request, form_class=InitiativeForm, instance=instance, kind="initiative",
                            template="portfolio/edit.html", save=save,
                            next_url=lambda saved: reverse("portfolio:initiative", args=[saved.pk]))


@capability_required(WRITE)
@require_POST
def initiative_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = viewer(request)
    initiative = selectors.initiative_by_id(actor, pk)
    try:
        services.delete_initiative(actor=actor, initiative=initiative)
    except ValidationFailed as exc:
        messages.error(request, f"Not deleted: {exc}")
        return redirect("portfolio:initiative", pk)
    messages.success(request, f"Initiative {initiative} deleted.")
    return redirect("portfolio:initiatives")


def _scenario_choices(actor: Actor) -> list[tuple[str, str]]:
    return [(s.slug, f"{s.name} ({s.slug})") for s in risk_selectors.register(actor)]


@capability_required(WRITE)
def effect_edit(request: HttpRequest, pk: int, effect_pk: int | None = None) -> HttpResponse:
    actor = viewer(request)
    initiative = selectors.initiative_by_id(actor, pk)
    effect = selectors.effect_by_id(actor, initiative, effect_pk) if effect_pk else None
    initial = None
    if effect is not None:
        import json

        initial = {"scenario": effect.scenario.slug, "factor": effect.factor,
                   "effectiveness": json.dumps(effect.effectiveness)}
    form = EffectForm(request.POST or None, initial=initial, scenarios=_scenario_choices(actor))
    if effect is not None:
        form.fields["scenario"].disabled = True

    def save(data: dict[str, Any]) -> Any:
        if effect is None:
            scenario = services.scenario_for_effect(actor, data["scenario"])
            return services.add_effect(actor=actor, initiative=initiative, scenario=scenario, factor=data["factor"],
                                       effectiveness=data["effectiveness"])
        return services.update_effect(actor=actor, effect=effect, factor=data["factor"],
                                      effectiveness=data["effectiveness"])

    def done(_saved: Any) -> HttpResponse:
        messages.success(request, "Effect saved. Run the estimate to see what it is worth.")
        return redirect("portfolio:initiative", pk)

    return form_page(request, form=form, save=save, template="portfolio/edit.html",
                     context={"kind": f"effect of {initiative}", "instance": effect}, success=done)


@capability_required(WRITE)
@require_POST
def effect_delete(request: HttpRequest, pk: int, effect_pk: int) -> HttpResponse:
    actor = viewer(request)
    effect = selectors.effect_by_id(actor, selectors.initiative_by_id(actor, pk), effect_pk)
    services.remove_effect(actor=actor, effect=effect)
    messages.success(request, "Effect removed.")
    return redirect("portfolio:initiative", pk)


@capability_required(WRITE)
def initiative_estimate(request: HttpRequest, pk: int) -> HttpResponse:
    actor = viewer(request)
    initiative = selectors.initiative_by_id(actor, pk)
    if request.method == "POST":
        try:
            services.estimate_effects(actor=actor, initiatives=[initiative])
        except ValidationFailed as exc:
            messages.error(request, f"Estimate refused: {exc}")
        else:
            messages.success(request, "Estimate is current.")
    return redirect("portfolio:initiative", pk)


@capability_required(WRITE)
def initiative_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    report, problems = None, None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = csv_io.import_initiatives_csv(actor=viewer(request), file=upload, filename=upload.name)
        except ValidationFailed as exc:
            problems = exc
    return render(request, "portfolio/import.html", {
        "form": form, "report": report, "problems": problems, "columns": csv_io.COLUMNS,
        "example": csv_io.example_csv(),
    }, status=422 if problems else 200)


@capability_required(READ)
def initiative_export(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(csv_io.export_initiatives_csv(viewer(request)), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="initiatives.csv"'
    return response


# Budget scenarios -----------------------------------------------------------------------------------

@capability_required(WRITE)
def budget_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = viewer(request)
    instance = selectors.budget_scenario_by_id(actor, pk) if pk else None

    def save(form: Any, _data: dict[str, Any]) -> Any:
        arguments = form.service_arguments()
        if instance is None:
            return services.create_budget_scenario(actor=actor, **arguments)
        return services.update_budget_scenario(actor=actor, budget_scenario=instance, **arguments)

    return edit_record_page(request, form_class=BudgetScenarioForm, instance=instance, kind="budget scenario",
                            template="portfolio/edit.html", save=save,
                            next_url=lambda saved: f"{_portfolio_url()}?scenario={saved.pk}")


# Selections -----------------------------------------------------------------------------------------

@capability_required(READ)
def selection_list(request: HttpRequest) -> HttpResponse:
    actor = viewer(request)
    page, query = paginate(request, selectors.selections(actor))
    return render(request, "portfolio/selections.html", {"page": page, "query": query, "currency": _currency(actor)})


@capability_required(READ)
def selection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = viewer(request)
    selection = selectors.selection_by_id(actor, pk)
    form = ApproveForm(request.POST or None)
    if request.method == "POST":
        try:
            if form.is_valid():
                done = services.approve_selection(actor=actor, selection=selection, note=form.cleaned_data["note"])
                messages.success(request, "Selection approved: its initiatives are funded and the decision recorded."
                                 if done.approved else "Your approval is recorded; it needs the other leader's too.")
                return redirect("portfolio:selection", pk)
        except ValidationFailed as exc:
            show_problems(form, exc)
    frontier = selection.frontier or None
    chart = None
    if frontier and frontier.get("points"):
        chart = frontier_chart(frontier, currency=_currency(actor), budget=selection.budget).svg
    by_slug = {i.slug: i for i in selection.initiatives.all()}
    signoff = selection.signoff
    return render(request, "portfolio/selection.html", {
        "selection": selection, "form": form, "chart": chart, "currency": _currency(actor),
        "chosen": [by_slug[s] for s in sorted(by_slug)], "signoff": signoff,
        "needs_both": selection.cost > selection.budget_scenario.dual_approval_above,
        "answered": bool(signoff and any(a.user_id == actor.pk for a in signoff.approvals.all())),
    }, status=422 if form.errors else 200)
