from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from accord.core.api_common import DbId, InputSchema, Moment, Text, kept_when_absent


class WindowOut(Schema):
    id: int
    name: str
    business_service_id: int | None
    asset_tag: str
    start: dt.datetime
    duration_minutes: int
    max_changes: int | None
    rrule: str


class WindowIn(InputSchema):
    name: Text = Field(max_length=120)
    business_service_id: DbId | None = None
    asset_tag: Text = Field(default="", max_length=60)
    start: Moment
    duration_minutes: int = Field(ge=1, le=1440)
    max_changes: int | None = Field(default=None, ge=0, le=1_000_000)
    rrule: Text = Field(default="", max_length=300)


class WindowPatch(InputSchema):
    name: Text | None = Field(default=None, max_length=120)
    business_service_id: DbId | None = None
    asset_tag: Text = kept_when_absent(max_length=60)
    start: Moment | None = None
    duration_minutes: int | None = Field(default=None, ge=1, le=1440)
    max_changes: int | None = Field(default=None, ge=0, le=1_000_000)
    rrule: Text = kept_when_absent(max_length=300)


class FreezeOut(Schema):
    id: int
    start: dt.datetime
    end: dt.datetime
    reason: str


class FreezeIn(InputSchema):
    start: Moment
    end: Moment
    reason: Text = Field(max_length=300)


class FreezePatch(InputSchema):
    start: Moment | None = None
    end: Moment | None = None
    reason: Text | None = Field(default=None, max_length=300)


class ClusterOut(Schema):
    id: int
    name: str
    max_down: int
    members: list[int]

    @staticmethod
    def resolve_members(obj: Any) -> list[int]:
        return sorted(a.pk for a in obj.members.all())


class ClusterIn(InputSchema):
    name: Text = Field(max_length=120)
    max_down: int = Field(default=1, ge=0, le=1_000_000)
    members: list[DbId] = Field(default_factory=list, max_length=10_000)


class ClusterPatch(InputSchema):
    name: Text | None = Field(default=None, max_length=120)
    max_down: int | None = Field(default=None, ge=0, le=1_000_000)
    members: list[DbId] | None = Field(default=None, max_length=10_000)


class GenerateIn(InputSchema):
    horizon_days: int = Field(default=90, ge=1, le=366)
    disruption_budget: float | None = Field(default=None, ge=0, le=1e15)
    time_limit: float = Field(default=10.0, ge=0.5, le=600, description="seconds for the whole plan and its frontier")
    frontier_points: int = Field(default=5, ge=1, le=20, description="priced points; the recommended one always")


class SignatureOut(Schema):
    role: str
    user: str
    signed_at: dt.datetime
    chosen_point: int | None
    voided_at: dt.datetime | None
    void_reason: str

    @staticmethod
    def resolve_user(obj: Any) -> str:
        return obj.user.username


class PointOut(Schema):
    point: int
    kind: str = Field(description="price, greedy_downtime (never worse than greedy) or budget")
    label: str
    price: float | None = Field(description="expected loss one unit of downtime must buy at this point "
                                            "(kind price; null there: no downtime allowed)")
    budget: float | None
    exposure: float = Field(description="expected loss over the horizon, in the plan's currency")
    disruption_cost: float = Field(description="downtime cost, in the plan's currency")
    total_cost: float | None = Field(description="downtime + expected loss")
    sla_breaches: int
    gap: float | None = Field(description="relative distance to the proven bound of the point's objective")
    buys: float | None = Field(description="expected loss avoided per unit of extra downtime from the previous point")
    chosen: bool
    recommended: bool


class FiguresOut(Schema):
    exposure: float
    disruption_cost: float
    sla_breaches: int


class PlanSummaryOut(Schema):
    id: int
    status: str
    starts_at: dt.datetime
    horizon_days: int
    currency: str = Field(description="of every amount in the plan; empty in plans made before exposure was money")
    disruption_budget: float | None
    chosen_point: int | None
    engine_version: str
    inputs_hash: str
    created_by: str
    created_at: dt.datetime

    @staticmethod
    def resolve_created_by(obj: Any) -> str:
        user = obj["created_by"] if isinstance(obj, dict) else obj.created_by
        return user if isinstance(user, str) else user.username


class PlanItemOut(Schema):
    job_id: str
    hostname: str
    service: str = Field(alias="service_name")
    action: str
    window: str | None
    window_start: dt.datetime | None
    window_end: dt.datetime | None
    minutes: float
    reboot: bool
    risk_per_day: float = Field(description="expected loss per day the job's findings add, in the plan's currency")
    due: dt.datetime | None
    findings: list[int]
    id: int

    @staticmethod
    def resolve_window(obj: Any) -> str | None:
        return obj.window_key or None

    @staticmethod
    def resolve_findings(obj: Any) -> list[int]:
        return [f["id"] for f in obj.findings]


class EmergencyOut(Schema):
    id: int
    plan_id: int
    job_id: str
    hostname: str
    service: str = Field(alias="service_name")
    action: str
    due: dt.datetime
    change_by: dt.datetime
    due_date: dt.date = Field(alias="due_day", description="the job's due date, as on the findings list")
    work_minutes: float
    downtime_cost: float
    exposure_avoided: float = Field(description="expected loss avoided by changing by `change_by`, in the plan's currency")
    reason: str
    status: str
    decided_by: str | None
    decided_at: dt.datetime | None
    justification: str

    @staticmethod
    def resolve_decided_by(obj: Any) -> str | None:
        return obj.decided_by.username if obj.decided_by else None


class PlanOut(PlanSummaryOut):
    status_reason: str
    time_limit: float
    duration_seconds: float
    figures: FiguresOut
    greedy: FiguresOut
    bound: float | None
    gap: float | None
    solver_status: str
    notes: list[str]
    breach_penalty: float | None = Field(description="what the optimiser counts per SLA breach (not a loss)")
    recommended: int | None
    recommended_reason: str
    points: list[PointOut]
    signatures: list[SignatureOut]
    items: list[PlanItemOut]
    emergencies: list[EmergencyOut]


class ChooseIn(InputSchema):
    point: int = Field(ge=0, le=1000, description="frontier point index")


class SignIn(InputSchema):
    role: str | None = Field(default=None, max_length=4, description="cio or ciso; needed only when you hold both")


class VoidIn(InputSchema):
    reason: Text = Field(max_length=300)


class DecisionIn(InputSchema):
    justification: Text = Field(default="", max_length=2000)


class ForecastOut(Schema):
    finding_id: int
    title: str
    hostname: str
    service: str
    due_date: dt.date = Field(description="the finding's due date, as on the findings list")
    due: dt.datetime = Field(description="the end of the due date, in the organisation's time zone")
    planned: str
    planned_end: dt.datetime | None
    reason: str
    kev: bool
    decision: str


class IcsFileOut(Schema):
    name: str
    window: str
    start: dt.datetime
    changes: int
    url: str


class PlanQuery(InputSchema):
    status: str = Field(default="", max_length=12)


class GroupDecisionIn(InputSchema):
    by: str = Field(pattern="^(action|service|asset)$", description="action, service or asset")
    key: Text = Field(max_length=300, description="the action text, service name or host name the group shares")
    approve: bool
    justification: Text = Field(default="", max_length=2000, description="required to reject")


class GroupDecisionOut(Schema):
    decided: int


class FindingDerivationOut(Schema):
    id: str
    p30: float
    p30_source: str
    hazard: float
    reach: float
    daily_probability: float
    loss_per_day: float


class DerivationOut(Schema):
    loss_if_exploited: float
    loss_source: str
    asset_daily_probability: float
    asset_loss_per_day: float
    asset_findings: int
    findings: list[FindingDerivationOut]
    loss_per_day: float


class JobOut(PlanItemOut):
    currency: str
    derivation: DerivationOut | None


class AssumptionsOut(Schema):
    id: int | None
    status: str
    reach_internet: float
    reach_internal: float
    reach_isolated: float
    kev_floor: float
    prior_none: float
    prior_public: float
    prior_active: float
    non_production_factor: float
    unvalued_host_loss: float
    breach_penalty: float | None
    reason: str
    proposed_by: str | None
    proposed_role: str
    proposed_at: dt.datetime | None
    confirmed_by: str | None
    confirmed_at: dt.datetime | None

    @staticmethod
    def resolve_id(obj: Any) -> int | None:
        return obj.pk

    @staticmethod
    def resolve_proposed_by(obj: Any) -> str | None:
        return obj.proposed_by.username if obj.proposed_by_id else None

    @staticmethod
    def resolve_confirmed_by(obj: Any) -> str | None:
        return obj.confirmed_by.username if obj.confirmed_by_id else None


class AssumptionsStateOut(Schema):
    in_force: AssumptionsOut
    pending: AssumptionsOut | None


class AssumptionsIn(InputSchema):
    reach_internet: float | None = Field(default=None, ge=0, le=1)
    reach_internal: float | None = Field(default=None, ge=0, le=1)
    reach_isolated: float | None = Field(default=None, ge=0, le=1)
    kev_floor: float | None = Field(default=None, ge=0, le=1)
    prior_none: float | None = Field(default=None, ge=0, le=1)
    prior_public: float | None = Field(default=None, ge=0, le=1)
    prior_active: float | None = Field(default=None, ge=0, le=1)
    non_production_factor: float | None = Field(default=None, ge=0, le=1)
    unvalued_host_loss: float | None = Field(default=None, ge=0, le=1e15)
    breach_penalty: float | None = Field(default=None, ge=0, le=1e15,
                                         description="per SLA breach; send null explicitly to use the default rule")
    reason: Text = Field(default="", max_length=2000)
