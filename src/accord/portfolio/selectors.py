"""Permission-scoped reads of the portfolio, shared by the pages, the API and the command line."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from accord.core.errors import NotFound
from accord.core.permissions import HasCapabilities, require
from accord.portfolio.models import (
    BudgetScenario,
    EffectEstimate,
    Initiative,
    InitiativeEffect,
    Selection,
)
from accord.portfolio.planning import is_current, latest_estimates
from accord.risks import selectors as risk_selectors

READ = "portfolio.read"


@dataclass(frozen=True)
class InitiativeFilter:
    q: str = ""
    status: str = ""
    sponsor: str = ""


def initiatives(viewer: HasCapabilities, filters: InitiativeFilter | None = None) -> QuerySet[Initiative]:
    require(viewer, READ)
    f = filters or InitiativeFilter()
    qs = Initiative.objects.prefetch_related("requires", "excludes", "capacity__team", "effects__scenario")
    if f.q.strip():
        q = f.q.strip()
        qs = qs.filter(Q(title__icontains=q) | Q(slug__icontains=q) | Q(description__icontains=q))
    if f.status:
        qs = qs.filter(status=f.status)
    if f.sponsor:
        qs = qs.filter(sponsor=f.sponsor)
    return qs.order_by("title")


def initiative_by_id(viewer: HasCapabilities, initiative_id: int) -> Initiative:
    require(viewer, READ)
    found = (Initiative.objects.prefetch_related("requires", "excludes", "capacity__team", "effects__scenario")
             .filter(pk=initiative_id).first())
    if found is None:
        raise NotFound("initiative", initiative_id)
    return found


def initiative_by_slug(viewer: HasCapabilities, slug: str) -> Initiative:
    require(viewer, READ)
    found = Initiative.objects.filter(slug=slug).first()
    if found is None:
        raise NotFound("initiative", slug)
    return initiative_by_id(viewer, found.pk)


def effects_of(viewer: HasCapabilities, initiative: Initiative) -> QuerySet[InitiativeEffect]:
    require(viewer, READ)
    return InitiativeEffect.objects.filter(initiative=initiative).select_related("scenario__latest_run")


def effect_by_id(viewer: HasCapabilities, initiative: Initiative, effect_id: int) -> InitiativeEffect:
    require(viewer, READ)
    found = InitiativeEffect.objects.select_related("scenario", "initiative").filter(
        initiative=initiative, pk=effect_id).first()
    if found is None:
        raise NotFound("effect", effect_id)
    return found


def estimates_of(viewer: HasCapabilities, initiative: Initiative) -> QuerySet[EffectEstimate]:
    require(viewer, READ)
    return EffectEstimate.objects.filter(initiative=initiative).select_related("created_by")


def estimate_by_id(viewer: HasCapabilities, estimate_id: int) -> EffectEstimate:
    require(viewer, READ)
    found = EffectEstimate.objects.select_related("initiative").filter(pk=estimate_id).first()
    if found is None:
        raise NotFound("estimate", estimate_id)
    return found


@dataclass(frozen=True)
class EstimateView:
    initiative: Initiative
    estimate: EffectEstimate | None
    current: bool


def latest_estimate_views(viewer: HasCapabilities, rows: list[Initiative]) -> list[EstimateView]:
    """Each initiative with its latest estimate and whether that estimate still matches its inputs."""
    require(viewer, READ)
    latest = latest_estimates(rows)
    runs = risk_selectors.latest_runs(viewer)
    return [EstimateView(it, latest.get(it.pk), is_current(it, latest.get(it.pk), runs)) for it in rows]


def budget_scenarios(viewer: HasCapabilities) -> QuerySet[BudgetScenario]:
    require(viewer, READ)
    return BudgetScenario.objects.prefetch_related("capacity__team").order_by("name")


def budget_scenario_by_id(viewer: HasCapabilities, scenario_id: int) -> BudgetScenario:
    require(viewer, READ)
    found = BudgetScenario.objects.prefetch_related("capacity__team").filter(pk=scenario_id).first()
    if found is None:
        raise NotFound("budget scenario", scenario_id)
    return found


def selections(viewer: HasCapabilities, budget_scenario: BudgetScenario | None = None) -> QuerySet[Selection]:
    require(viewer, READ)
    qs = Selection.objects.select_related("budget_scenario", "decision", "created_by").prefetch_related("initiatives")
    if budget_scenario is not None:
        qs = qs.filter(budget_scenario=budget_scenario)
    return qs


def selection_by_id(viewer: HasCapabilities, selection_id: int) -> Selection:
    require(viewer, READ)
    found = selections(viewer).filter(pk=selection_id).first()
    if found is None:
        raise NotFound("selection", selection_id)
    return found
