"""Request and response bodies of the scorecard API. Every value carries its unit and as-of day;
amounts are in the organisation's currency (the metric's `unit`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field

from accord.core.api_common import InputSchema, Text

Key = Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[a-z0-9_]+$")]


class TrendPointOut(Schema):
    month: dt.date
    value: float | None


class MetricOut(Schema):
    key: str
    label: str
    kind: str = Field(description="kpi or kri")
    value: float | None = Field(description="null: no data yet")
    unit: str
    display: str
    detail: str
    formula: str
    status: str = Field(description="red, amber or green for a KRI; empty for a KPI or without data")
    thresholds: str
    thresholds_agreed: bool = Field(description="false: the default thresholds apply")
    as_of: dt.date
    source: str
    drill_url: str
    trend: list[TrendPointOut]


class ScorecardOut(Schema):
    as_of: dt.date
    metrics: list[MetricOut]


class SnapshotOut(Schema):
    id: int
    month: dt.date
    as_of: dt.date
    source: str
    taken_at: dt.datetime
    taken_by: str
    values: dict[str, Any]

    @staticmethod
    def resolve_taken_by(obj: Any) -> str:
        return str(obj.taken_by.username)


class ThresholdIn(InputSchema):
    direction: Literal["higher_is_worse", "lower_is_worse"] | None = None
    amber: float
    red: float


class ThresholdsIn(InputSchema):
    thresholds: dict[Key, ThresholdIn] = Field(description="KRI key -> its amber and red thresholds; the KRIs "
                                                           "left out keep those in force")
    reason: Text = Field(default="", max_length=2000)


class ThresholdSetOut(Schema):
    id: int
    thresholds: dict[str, Any]
    reason: str
    status: str
    proposed_by: str
    proposed_role: str
    proposed_at: dt.datetime
    agreed_by: str | None
    agreed_at: dt.datetime | None
    signoff_id: int | None

    @staticmethod
    def resolve_proposed_by(obj: Any) -> str:
        return str(obj.proposed_by.username)

    @staticmethod
    def resolve_agreed_by(obj: Any) -> str | None:
        return obj.agreed_by.username if obj.agreed_by_id else None


class ThresholdInForceOut(Schema):
    key: str
    label: str
    direction: str
    amber: float
    red: float
    in_words: str
    agreed: bool


class ThresholdStateOut(Schema):
    in_force: list[ThresholdInForceOut]
    active: ThresholdSetOut | None
    pending: ThresholdSetOut | None


class FigureOut(Schema):
    label: str
    figure: str


class ConflictOut(Schema):
    title: str
    source: str
    raised_on: dt.date
    resolved_on: dt.date | None
    days: int | None
    url: str


class SlipOut(Schema):
    incident_id: int
    reference: str
    title: str
    late_updates: int
    worst_minutes: float
    url: str


class ActionOut(Schema):
    title: str
    owner: str
    owner_name: str = ""
    due_on: dt.date
    follow_up: int | None = None


class RetrospectiveOut(Schema):
    id: int
    quarter: str
    worked: str
    strained: str
    actions: list[ActionOut]
    decision_id: int
    recorded_by: str
    recorded_role: str
    recorded_at: dt.datetime


class PartnershipOut(Schema):
    quarter: str
    start: dt.date
    end: dt.date
    as_of: dt.date = Field(description="the quarter's last day, or today while it runs")
    figures: list[FigureOut]
    conflicts: list[ConflictOut]
    slips: list[SlipOut]
    retrospectives: list[RetrospectiveOut]
    trend: list[dict[str, Any]] = Field(description="the last four quarters' figures, oldest first: "
                                                    "{quarter, figures: [{label, figure}]}")


class ActionIn(InputSchema):
    title: Text = Field(min_length=1, max_length=200)
    owner: Text = Field(min_length=1, max_length=150, description="the owner's username")
    due_on: dt.date


class RetrospectiveIn(InputSchema):
    worked: Text = Field(min_length=1, max_length=2000)
    strained: Text = Field(min_length=1, max_length=2000)
    actions: list[ActionIn] = Field(default_factory=list, max_length=10)
