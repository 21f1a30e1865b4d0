"""Portfolio API: initiatives and their effects, estimates, budget scenarios, optimise, frontier,
selections and their approval, CSV import and export. Thin: every operation calls a service or selector."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Query, Router, Status, UploadedFile

from accord.core.api_auth import Capability, acting_user
from accord.core.api_common import REFUSALS, DbId, Page, changes_of, file_download, paginate
from accord.core.rate_limits import count_expensive, expensive_read
from accord.portfolio import csv_io, planning, selectors, services
from accord.portfolio.schemas import (
    AnswerOut,
    ApproveIn,
    BudgetScenarioIn,
    BudgetScenarioOut,
    BudgetScenarioPatch,
    EffectIn,
    EffectOut,
    EffectPatch,
    EstimateOut,
    EstimateRequest,
    FrontierOut,
    FrontierQuery,
    ImportReportOut,
    InitiativeIn,
    InitiativeOut,
    InitiativePatch,
    InitiativeQuery,
    OptimiseQuery,
    SelectionIn,
    SelectionOut,
)

router = Router(tags=["portfolio"])
READ, WRITE, DECIDE = Capability("portfolio.read"), Capability("portfolio.write"), Capability("portfolio.decide")


# Initiatives -----------------------------------------------------------------------------------

@router.get("/initiatives", response={200: Page[InitiativeOut], **REFUSALS}, auth=READ)
def list_initiatives(request: HttpRequest, query: Query[InitiativeQuery]) -> Any:
    filters = selectors.InitiativeFilter(q=query.q, status=query.status, sponsor=query.sponsor)
    return paginate(selectors.initiatives(acting_user(request), filters), page=query.page, page_size=query.page_size)


# Declared before /initiatives/{id} so that 'export' and 'import' are not taken for ids.
@router.get("/initiatives/export", response=REFUSALS, auth=READ,
            openapi_extra=file_download("text/csv", description="The initiatives as CSV"))
def export_initiatives(request: HttpRequest) -> Any:
    """All initiatives as CSV (the import's columns); formula-like cells are escaped."""
    response = HttpResponse(csv_io.export_initiatives_csv(acting_user(request)), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="initiatives.csv"'
    return response


@router.post("/initiatives/import", response={200: ImportReportOut, **REFUSALS}, auth=WRITE)
def import_initiatives(request: HttpRequest, file: File[UploadedFile]) -> Any:
    return csv_io.import_initiatives_csv(actor=acting_user(request), file=file, filename=file.name or "upload.csv")


@router.get("/initiatives/{initiative_id}", response={200: InitiativeOut, **REFUSALS}, auth=READ)
def get_initiative(request: HttpRequest, initiative_id: DbId) -> Any:
    return selectors.initiative_by_id(acting_user(request), initiative_id)


@router.post("/initiatives", response={201: InitiativeOut, **REFUSALS}, auth=WRITE)
def create_initiative(request: HttpRequest, payload: InitiativeIn) -> Any:
    actor = acting_user(request)
    created = services.create_initiative(actor=actor, **payload.dict())
    return Status(201, selectors.initiative_by_id(actor, created.pk))


@router.patch("/initiatives/{initiative_id}", response={200: InitiativeOut, **REFUSALS}, auth=WRITE)
def update_initiative(request: HttpRequest, initiative_id: DbId, payload: InitiativePatch) -> Any:
    actor = acting_user(request)
    initiative = selectors.initiative_by_id(actor, initiative_id)
    services.update_initiative(actor=actor, initiative=initiative, **changes_of(payload))
    return selectors.initiative_by_id(actor, initiative_id)


@router.delete("/initiatives/{initiative_id}", response={204: None, **REFUSALS}, auth=WRITE)
def delete_initiative(request: HttpRequest, initiative_id: DbId) -> Any:
    actor = acting_user(request)
    services.delete_initiative(actor=actor, initiative=selectors.initiative_by_id(actor, initiative_id))
    return Status(204, None)


# Effects ---------------------------------------------------------------------------------------

@router.get("/initiatives/{initiative_id}/effects", response={200: list[EffectOut], **REFUSALS}, auth=READ)
def list_effects(request: HttpRequest, initiative_id: DbId) -> Any:
    actor = acting_user(request)
    return selectors.effects_of(actor, selectors.initiative_by_id(actor, initiative_id))


@router.post("/initiatives/{initiative_id}/effects", response={201: EffectOut, **REFUSALS}, auth=WRITE)
def add_effect(request: HttpRequest, initiative_id: DbId, payload: EffectIn) -> Any:
    actor = acting_user(request)
    initiative = selectors.initiative_by_id(actor, initiative_id)
    scenario = services.scenario_for_effect(actor, payload.scenario)
    effect = services.add_effect(actor=actor, initiative=initiative, scenario=scenario, factor=payload.factor,
                                 effectiveness=payload.effectiveness)
    return Status(201, effect)


@router.patch("/initiatives/{initiative_id}/effects/{effect_id}", response={200: EffectOut, **REFUSALS},
              auth=WRITE)
def update_effect(request: HttpRequest, initiative_id: DbId, effect_id: DbId, payload: EffectPatch) -> Any:
    actor = acting_user(request)
    effect = selectors.effect_by_id(actor, selectors.initiative_by_id(actor, initiative_id), effect_id)
    return services.update_effect(actor=actor, effect=effect, **changes_of(payload))


@router.delete("/initiatives/{initiative_id}/effects/{effect_id}", response={204: None, **REFUSALS}, auth=WRITE)
def remove_effect(request: HttpRequest, initiative_id: DbId, effect_id: DbId) -> Any:
    actor = acting_user(request)
    effect = selectors.effect_by_id(actor, selectors.initiative_by_id(actor, initiative_id), effect_id)
    services.remove_effect(actor=actor, effect=effect)
    return Status(204, None)


# Estimates -------------------------------------------------------------------------------------

@router.get("/initiatives/{initiative_id}/estimates", response={200: list[EstimateOut], **REFUSALS}, auth=READ)
def list_estimates(request: HttpRequest, initiative_id: DbId) -> Any:
    actor = acting_user(request)
    return selectors.estimates_of(actor, selectors.initiative_by_id(actor, initiative_id))[:50]


@router.get("/estimates/{estimate_id}", response={200: EstimateOut, **REFUSALS}, auth=READ)
def get_estimate(request: HttpRequest, estimate_id: DbId) -> Any:
    return selectors.estimate_by_id(acting_user(request), estimate_id)


@router.post("/estimates", response={200: list[EstimateOut], **REFUSALS}, auth=WRITE)
def estimate(request: HttpRequest, payload: EstimateRequest) -> Any:
    """Simulate ΔALE, ROSI, NPV and payback of the named initiatives (all candidates if none named)."""
    actor = acting_user(request)
    count_expensive(actor)
    chosen = None if payload.initiatives is None else [
        selectors.initiative_by_slug(actor, slug) for slug in payload.initiatives]
    budget = (selectors.budget_scenario_by_id(actor, payload.budget_scenario_id)
              if payload.budget_scenario_id else None)
    return services.estimate_effects(actor=actor, initiatives=chosen, budget_scenario=budget, years=payload.years,
                                     force=payload.force)


# Budget scenarios, optimise, frontier ----------------------------------------------------------

@router.get("/budget-scenarios", response={200: list[BudgetScenarioOut], **REFUSALS}, auth=READ)
def list_budget_scenarios(request: HttpRequest) -> Any:
    return selectors.budget_scenarios(acting_user(request))


@router.get("/budget-scenarios/{scenario_id}", response={200: BudgetScenarioOut, **REFUSALS}, auth=READ)
def get_budget_scenario(request: HttpRequest, scenario_id: DbId) -> Any:
    return selectors.budget_scenario_by_id(acting_user(request), scenario_id)


@router.post("/budget-scenarios", response={201: BudgetScenarioOut, **REFUSALS}, auth=WRITE)
def create_budget_scenario(request: HttpRequest, payload: BudgetScenarioIn) -> Any:
    actor = acting_user(request)
    created = services.create_budget_scenario(actor=actor, **payload.dict(exclude_none=True))
    return Status(201, selectors.budget_scenario_by_id(actor, created.pk))


@router.patch("/budget-scenarios/{scenario_id}", response={200: BudgetScenarioOut, **REFUSALS}, auth=WRITE)
def update_budget_scenario(request: HttpRequest, scenario_id: DbId, payload: BudgetScenarioPatch) -> Any:
    actor = acting_user(request)
    found = selectors.budget_scenario_by_id(actor, scenario_id)
    services.update_budget_scenario(actor=actor, budget_scenario=found, **changes_of(payload))
    return selectors.budget_scenario_by_id(actor, scenario_id)


@router.get("/budget-scenarios/{scenario_id}/optimise", response={200: AnswerOut, **REFUSALS}, auth=READ)
def optimise(request: HttpRequest, scenario_id: DbId, query: Query[OptimiseQuery]) -> Any:
    """The best set of initiatives for a budget (nothing is saved; POST /selections keeps one)."""
    actor = acting_user(request)
    found = selectors.budget_scenario_by_id(actor, scenario_id)
    budget = found.budget if query.budget is None else query.budget
    return expensive_read(request, actor, lambda: planning.answer(planning.build_plan(actor, found), budget).as_dict())


@router.get("/budget-scenarios/{scenario_id}/frontier", response={200: FrontierOut, **REFUSALS}, auth=READ)
def frontier(request: HttpRequest, scenario_id: DbId, query: Query[FrontierQuery]) -> Any:
    actor = acting_user(request)
    found = selectors.budget_scenario_by_id(actor, scenario_id)
    return expensive_read(request, actor, lambda: planning.frontier_document(planning.build_plan(actor, found),
                                                                             query.points))


# Selections and decisions ----------------------------------------------------------------------

@router.get("/selections", response={200: list[SelectionOut], **REFUSALS}, auth=READ)
def list_selections(request: HttpRequest) -> Any:
    return selectors.selections(acting_user(request))[:200]


@router.get("/selections/{selection_id}", response={200: SelectionOut, **REFUSALS}, auth=READ)
def get_selection(request: HttpRequest, selection_id: DbId) -> Any:
    return selectors.selection_by_id(acting_user(request), selection_id)


@router.post("/selections", response={201: SelectionOut, **REFUSALS}, auth=WRITE)
def save_selection(request: HttpRequest, payload: SelectionIn) -> Any:
    actor = acting_user(request)
    found = selectors.budget_scenario_by_id(actor, payload.budget_scenario_id)
    saved = services.save_selection(actor=actor, budget_scenario=found, budget=payload.budget)
    return Status(201, selectors.selection_by_id(actor, saved.pk))


@router.post("/selections/{selection_id}/approve", response={200: SelectionOut, **REFUSALS}, auth=DECIDE)
def approve_selection(request: HttpRequest, selection_id: DbId, payload: ApproveIn) -> Any:
    """Approve funding the selection (one of the CIO and the CISO, both above the scenario's amount):
    when the sign-off is granted, proposed initiatives become approved and the decision is logged."""
    actor = acting_user(request)
    selection = services.approve_selection(actor=actor, selection=selectors.selection_by_id(actor, selection_id),
                                           note=payload.note)
    return selectors.selection_by_id(actor, selection.pk)
