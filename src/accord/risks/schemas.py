from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

from accord.core.api_common import DbId, InputSchema, PageQuery, Text, kept_when_absent
from accord.risks.models import MAX_MONEY, MAX_YEARS

Slug = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[-a-zA-Z0-9_]+$")]
Treatment = Annotated[str, Field(max_length=10)]
Status = Annotated[str, Field(max_length=10)]


class RunSummaryOut(Schema):
    id: int
    created_at: dt.datetime
    created_by: str | None = Field(default=None, alias="created_by.username")
    seed: int
    years: int
    model: str
    currency: str
    engine_version: str
    input_hash: str
    mean: float
    p5: float
    p95: float


class RunOut(RunSummaryOut):
    kind: str
    scenario: str | None = Field(default=None, alias="scenario.slug")
    result: dict[str, Any]
    spec: dict[str, Any]


class ScenarioFiguresOut(Schema):
    """A scenario's figures, from its own latest run (the same on every page)."""

    id: str
    name: str
    run_id: int
    input_hash: str
    mean: float
    p5: float
    p95: float


class PortfolioOut(RunOut):
    """The latest portfolio run (the total simulated together, with the settings' correlation) and,
    beside it, the open scenarios' own figures and their plain sum."""

    plain_sum: float = Field(description="Sum of the open scenarios' mean annual losses (their own runs).")
    scenarios: list[ScenarioFiguresOut]
    current: bool = Field(description="The run was made from the scenarios' latest runs.")
    out_of_date: list[str] = Field(description="Scenarios that changed since the run (names).")


class ScenarioOut(Schema):
    id: int
    slug: str
    name: str
    description: str
    inputs: dict[str, Any]
    it_owner_id: int | None
    security_owner_id: int | None
    business_service_id: int | None
    asset_ids: list[int]
    treatment: str
    status: str
    latest_run: RunSummaryOut | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_asset_ids(obj: Any) -> list[int]:
        return [asset.pk for asset in obj.assets.all()]


class ScenarioIn(InputSchema):
    slug: Slug
    name: Text = Field(max_length=200)
    description: Text = ""
    inputs: dict[str, Any]
    it_owner_id: DbId | None = None
    security_owner_id: DbId | None = None
    business_service_id: DbId | None = None
    assets: list[DbId] = Field(default=[], max_length=1000)
    treatment: Treatment = "mitigate"
    status: Status = "draft"


class ScenarioPatch(InputSchema):
    name: Text | None = Field(default=None, max_length=200)
    description: Text = kept_when_absent()
    inputs: dict[str, Any] | None = None
    it_owner_id: DbId | None = None
    security_owner_id: DbId | None = None
    business_service_id: DbId | None = None
    assets: list[DbId] | None = Field(default=None, max_length=1000)
    treatment: Treatment | None = None
    status: Status | None = None


class ScenarioQuery(PageQuery):
    q: Text = Field(default="", max_length=200)
    status: Status = ""
    treatment: Treatment = ""
    business_service: DbId | None = None
    owner: DbId | None = None


class ControlOut(Schema):
    id: int
    name: str
    factor: str
    effectiveness: Any
    annual_cost: float
    in_place: bool
    delta_mean: float | None = None
    delta_mean_ci90: list[float | None] | None = None
    rosi: float | None = None


class ControlIn(InputSchema):
    name: Text = Field(min_length=1, max_length=200)
    factor: str = Field(max_length=40)
    effectiveness: Any
    annual_cost: float = Field(default=0.0, ge=0, le=MAX_MONEY)
    in_place: bool = False


class ControlPatch(InputSchema):
    name: Text | None = Field(default=None, min_length=1, max_length=200)
    factor: str | None = Field(default=None, max_length=40)
    effectiveness: Any = None
    annual_cost: float | None = Field(default=None, ge=0, le=MAX_MONEY)
    in_place: bool | None = None


class SimulateQuery(InputSchema):
    force: bool = False


class LecOut(Schema):
    currency: str
    run_id: int
    seed: int
    years: int
    engine_version: str
    input_hash: str
    series: dict[str, list[list[float]]]
    appetite: list[list[float]]


class TornadoBarOut(Schema):
    input: str
    low_value: float
    high_value: float
    mean_at_low: float
    mean_at_high: float
    swing: float


class TornadoOut(Schema):
    run_id: int
    method: str = Field(description="'closed form' (exact); 'simulated' for runs of engines before fair 2.0")
    base_mean: float
    bars: list[TornadoBarOut]


class SettingsOut(Schema):
    currency: str
    appetite: list[Any]
    default_years: int
    seed: int
    model: str
    correlation: dict[str, Any] | None


class SettingsPatch(InputSchema):
    currency: Text | None = Field(default=None, min_length=1, max_length=8)
    appetite: list[list[float]] | None = Field(default=None, max_length=50)
    default_years: int | None = Field(default=None, ge=1_000, le=MAX_YEARS)
    seed: int | None = Field(default=None, ge=0, le=2**63 - 1)
    model: str | None = Field(default=None, max_length=8)
    correlation: dict[str, Any] | None = None


class ImportReportOut(Schema):
    filename: str
    sha256: str
    scenarios: int
    created: int
    updated: int
    unchanged: int
    runs: int
    settings_changed: bool
    ids: list[str]


class ExportQuery(InputSchema):
    ids: list[Slug] = Field(default=[], max_length=1000)
    format: str = Field(default="json", pattern="^(json|yaml)$")
