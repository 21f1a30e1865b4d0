"""Request and response bodies of the portfolio API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

from accord.core.api_common import DbId, InputSchema, PageQuery, Text, kept_when_absent
from accord.portfolio.models import MAX_MONEY, MAX_UNITS

Money = Annotated[float, Field(ge=0, le=MAX_MONEY, allow_inf_nan=False)]
Units = Annotated[float, Field(ge=0, le=MAX_UNITS, allow_inf_nan=False)]
Slug = Annotated[Text, Field(min_length=1, max_length=80)]
TeamName = Annotated[Text, Field(min_length=1, max_length=120)]
CsfId = Annotated[Text, Field(max_length=12)]


class InitiativeOut(Schema):
    id: int
    slug: str
    title: str
    description: str
    sponsor: str
    one_off_cost: float
    annual_cost: float
    duration_months: int
    status: str
    mandatory: bool
    requires: list[str]
    excludes: list[str]
    capacity: dict[str, float]
    csf_subcategories: list[str]
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_requires(obj: Any) -> list[str]:
        return sorted(r.slug for r in obj.requires.all())

    @staticmethod
    def resolve_excludes(obj: Any) -> list[str]:
        return sorted(x.slug for x in obj.excludes.all())

    @staticmethod
    def resolve_capacity(obj: Any) -> dict[str, float]:
        return {c.team.name: c.units for c in obj.capacity.all()}


class InitiativeIn(InputSchema):
    slug: Slug
    title: Annotated[Text, Field(min_length=1, max_length=200)]
    description: Text = ""
    sponsor: Text = "joint"
    one_off_cost: Money = 0.0
    annual_cost: Money = 0.0
    duration_months: int = Field(default=6, ge=0, le=120)
    status: Text = "proposed"
    mandatory: bool = False
    requires: list[Slug] = Field(default=[], max_length=500)
    excludes: list[Slug] = Field(default=[], max_length=500)
    capacity: dict[TeamName, Units] = Field(default={}, max_length=200)
    csf_subcategories: list[CsfId] = Field(default=[], max_length=200)


class InitiativePatch(InputSchema):
    title: Annotated[Text, Field(min_length=1, max_length=200)] | None = None
    description: Text = kept_when_absent()
    sponsor: Text | None = None
    one_off_cost: Money | None = None
    annual_cost: Money | None = None
    duration_months: int | None = Field(default=None, ge=0, le=120)
    status: Text | None = None
    mandatory: bool | None = None
    requires: list[Slug] | None = Field(default=None, max_length=500)
    excludes: list[Slug] | None = Field(default=None, max_length=500)
    capacity: dict[TeamName, Units] | None = Field(default=None, max_length=200)
    csf_subcategories: list[CsfId] = kept_when_absent(max_length=200)


class InitiativeQuery(PageQuery):
    q: Text = Field(default="", max_length=200)
    status: Text = Field(default="", max_length=20)
    sponsor: Text = Field(default="", max_length=20)


class EffectOut(Schema):
    id: int
    initiative_id: int
    scenario: str = Field(alias="scenario.slug")
    scenario_name: str = Field(alias="scenario.name")
    factor: str
    effectiveness: Any


class EffectIn(InputSchema):
    scenario: Slug
    factor: Annotated[Text, Field(max_length=40)]
    effectiveness: dict[Annotated[Text, Field(max_length=40)], Any]


class EffectPatch(InputSchema):
    factor: Annotated[Text, Field(max_length=40)] | None = None
    effectiveness: dict[Annotated[Text, Field(max_length=40)], Any] | None = None


class EstimateOut(Schema):
    id: int
    initiative: str = Field(alias="initiative.slug")
    delta_ale: float
    delta_ale_low: float
    delta_ale_high: float
    delta_ale_se: float
    per_scenario: dict[str, Any]
    horizon_years: int
    discount_rate: float
    annualised_cost: float
    rosi_low: float | None
    rosi: float | None
    rosi_high: float | None
    npv_low: float
    npv: float
    npv_high: float
    payback_years_low: float | None
    payback_years: float | None
    payback_years_high: float | None
    seed: int
    years: int
    model: str
    engine_version: str
    input_hash: str
    created_at: dt.datetime


class EstimateRequest(InputSchema):
    initiatives: list[Slug] | None = Field(default=None, max_length=1000, description="slugs; all candidates if absent")
    budget_scenario_id: DbId | None = None
    years: int | None = Field(default=None, ge=1_000, le=1_000_000)
    force: bool = False


class BudgetScenarioOut(Schema):
    id: int
    name: str
    fiscal_year: int
    budget: float
    dual_approval_above: float
    horizon_years: int
    discount_rate: float
    capacity: dict[str, float]

    @staticmethod
    def resolve_capacity(obj: Any) -> dict[str, float]:
        return {c.team.name: c.units for c in obj.capacity.all()}


class BudgetScenarioIn(InputSchema):
    name: Annotated[Text, Field(min_length=1, max_length=120)]
    fiscal_year: int | None = Field(default=None, ge=2000, le=2100, description="default: next year")
    budget: Money
    dual_approval_above: Money | None = Field(default=None, description="default 250,000")
    horizon_years: int = Field(default=3, ge=1, le=30)
    discount_rate: float = Field(default=0.08, ge=0, le=1, allow_inf_nan=False)
    capacity: dict[TeamName, Units] = Field(default={}, max_length=200)


class BudgetScenarioPatch(InputSchema):
    name: Annotated[Text, Field(min_length=1, max_length=120)] | None = None
    fiscal_year: int | None = Field(default=None, ge=2000, le=2100)
    budget: Money | None = None
    dual_approval_above: Money | None = None
    horizon_years: int | None = Field(default=None, ge=1, le=30)
    discount_rate: float | None = Field(default=None, ge=0, le=1, allow_inf_nan=False)
    capacity: dict[TeamName, Units] | None = Field(default=None, max_length=200)


class OptimiseQuery(InputSchema):
    budget: Money | None = Field(default=None, description="total over the horizon; the scenario's own if absent")


class FrontierQuery(InputSchema):
    points: int = Field(default=21, ge=2, le=101)


class ContributionOut(Schema):
    initiative: str
    title: str
    delta_ale_alone: float
    delta_ale_in_set: float


class YearCostOut(Schema):
    year: int
    one_off: float
    running: float
    total: float


class AnswerOut(Schema):
    budget_scenario_id: int
    budget: float
    selected: list[str]
    cost: float
    total_ale: float
    residual_ale: float
    risk_reduction: float
    gap: float | None
    contributions: list[ContributionOut]
    cost_by_year: list[YearCostOut]
    notes: list[str]


class FrontierPointOut(Schema):
    budget: float
    spend: float
    residual_ale: float
    risk_reduction: float
    gap: float | None
    marginal_return: float | None
    selected: list[str]


class FrontierOut(Schema):
    points: list[FrontierPointOut]
    break_even: int
    gordon_loeb_ceiling: float
    horizon_years: int
    total_ale: float


class SelectionOut(Schema):
    id: int
    budget_scenario_id: int
    initiatives: list[str]
    budget: float
    cost: float
    total_ale: float
    residual_ale: float
    risk_reduction: float
    gap: float | None
    frontier: dict[str, Any]
    instance_hash: str = Field(description="The input hash: SHA-256 of the instance solved.")
    engine_version: str
    seed: int | None
    notes: list[str]
    status: str = Field(description="solved, awaiting (approval), approved, superseded or rejected")
    signoff_id: int | None = Field(description="the approval asked for: /api/v1/governance/signoffs/{id}")
    decision_id: int | None = Field(description="the decision on the log that funded it")
    created_at: dt.datetime

    @staticmethod
    def resolve_initiatives(obj: Any) -> list[str]:
        return sorted(i.slug for i in obj.initiatives.all())


class SelectionIn(InputSchema):
    budget_scenario_id: DbId
    budget: Money | None = None


class ApproveIn(InputSchema):
    note: Annotated[Text, Field(max_length=2000)] = ""


class ImportReportOut(Schema):
    filename: str
    sha256: str
    rows: int
    created: int
    updated: int
    slugs: list[str]
