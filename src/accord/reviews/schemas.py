"""Request and response bodies of the reviews API. Every time is in business hours or days of the
organisation's working calendar unless the field says otherwise."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field

from accord.core.api_common import DbId, InputSchema, PageQuery, Text

Slug = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[-a-zA-Z0-9_]+$")]
ProjectKey = Annotated[str, Field(min_length=1, max_length=80, description="A project's id or slug.")]
Choice = Annotated[str, Field(max_length=20)]
Days = Annotated[Decimal, Field(ge=Decimal("0.25"), le=Decimal(250), decimal_places=2, max_digits=6)]


def _name(person: Any) -> str | None:
    return person.name if person is not None else None


class ProjectOut(Schema):
    id: int
    slug: str
    name: str
    description: str
    sponsor_id: int | None
    sponsor: str | None
    owner_id: int
    owner: str
    business_service_id: int | None
    business_service: str | None
    go_live: dt.date | None
    data_classification: str
    exposure: str
    third_parties: bool
    third_party_names: str
    status: str
    gate_fail_on: str
    gate_fail_on_new: bool
    suggested_tier: str = Field(description="What the tier table gives for the project.")
    suggested_rule: str

    @staticmethod
    def resolve_sponsor(obj: Any) -> str | None:
        return _name(obj.sponsor)

    @staticmethod
    def resolve_owner(obj: Any) -> str:
        return obj.owner.name

    @staticmethod
    def resolve_business_service(obj: Any) -> str | None:
        return obj.business_service.name if obj.business_service else None

    @staticmethod
    def resolve_suggested_tier(obj: Any) -> str:
        from accord.reviews.tiers import suggested_tier

        return suggested_tier(obj.data_classification, obj.exposure, obj.third_parties).tier

    @staticmethod
    def resolve_suggested_rule(obj: Any) -> str:
        from accord.reviews.tiers import suggested_tier

        return suggested_tier(obj.data_classification, obj.exposure, obj.third_parties).rule


class ProjectIn(InputSchema):
    name: Text = Field(max_length=150)
    slug: Slug | None = None
    description: Text = ""
    sponsor_id: DbId | None = None
    owner_id: DbId
    business_service_id: DbId | None = None
    go_live: dt.date | None = None
    data_classification: Choice = "internal"
    exposure: Choice = "none"
    third_parties: bool = False
    third_party_names: Text = Field(default="", max_length=300)
    status: Choice = "planned"
    gate_fail_on: Choice = "high"
    gate_fail_on_new: bool = True


class ProjectPatch(InputSchema):
    name: Text | None = Field(default=None, max_length=150)
    description: Text | None = None
    sponsor_id: DbId | None = None
    owner_id: DbId | None = None
    business_service_id: DbId | None = None
    go_live: dt.date | None = None
    data_classification: Choice | None = None
    exposure: Choice | None = None
    third_parties: bool | None = None
    third_party_names: Text | None = Field(default=None, max_length=300)
    status: Choice | None = None
    gate_fail_on: Choice | None = None
    gate_fail_on_new: bool | None = None


class ProjectQuery(PageQuery):
    q: Text = Field(default="", max_length=100)
    status: Choice = ""
    classification: Choice = ""
    mine: bool = False


class ImportReportOut(Schema):
    filename: str
    sha256: str
    rows: int
    created: int
    updated: int
    unchanged: int
    names_created: list[str]


class ClockOut(Schema):
    sla_hours: float = Field(description="The review's SLA, business hours.")
    due: dt.datetime | None = Field(description="When it is due (None while it waits on the requester).")
    remaining_hours: float = Field(description="Business hours left (negative: over its SLA).")
    elapsed_hours: float = Field(description="Business hours on the clock (time waiting on the requester left out).")
    breached: bool
    paused: bool
    stopped: bool = Field(description="Decided: the clock stopped at the decision.")
    state: str = Field(description="breached, paused, met, due_soon or running.")


class TransitionOut(Schema):
    from_state: str
    to_state: str
    actor: str
    at: dt.datetime
    note: str

    @staticmethod
    def resolve_actor(obj: Any) -> str:
        return obj.actor.username


class ConditionOut(Schema):
    id: int
    review_id: int
    text: str
    owner_id: int
    owner: str
    due_on: dt.date
    status: str
    closed_by: str | None
    closed_at: dt.datetime | None
    close_note: str

    @staticmethod
    def resolve_owner(obj: Any) -> str:
        return obj.owner.name

    @staticmethod
    def resolve_closed_by(obj: Any) -> str | None:
        return obj.closed_by.username if obj.closed_by_id else None


class ReviewOut(Schema):
    id: int
    project: str = Field(description="The project's slug.")
    project_name: str
    state: str
    tier: str
    suggested_tier: str
    tier_reason: str
    sla_days: Decimal = Field(description="Business days.")
    sla_hours: float = Field(description="Business hours.")
    scope: str
    requested_by: str
    requested_at: dt.datetime
    reviewer: str | None
    decided_at: dt.datetime | None
    decided_by: str | None
    decision_note: str
    clock: ClockOut
    action: str = ""


class ReviewDetailOut(ReviewOut):
    timeline: list[TransitionOut]
    conditions: list[ConditionOut]


class ReviewQuery(PageQuery):
    state: Choice = ""
    project: Text = Field(default="", max_length=80)
    open: bool = False


class RequestIn(InputSchema):
    project: ProjectKey
    scope: Text = ""
    tier: Choice | None = Field(default=None, description="Leave out for the tier table's; another needs tier_reason.")
    tier_reason: Text = ""


class TriageIn(InputSchema):
    tier: Choice | None = None
    tier_reason: Text = ""
    reviewer: Text | None = Field(default=None, max_length=150, description="Username of the reviewer.")
    note: Text = ""


class NoteIn(InputSchema):
    note: Text = ""


class QuestionIn(InputSchema):
    question: Text


class AnswerIn(InputSchema):
    answer: Text


class TierIn(InputSchema):
    tier: Choice
    reason: Text


class ConditionIn(InputSchema):
    text: Text
    owner_id: DbId = Field(description="A person of the directory.")
    due_on: dt.date


class DecideIn(InputSchema):
    outcome: Literal["approved", "conditions", "rejected"]
    note: Text = ""
    conditions: list[ConditionIn] = []


class CloseConditionIn(InputSchema):
    status: Literal["met", "waived"]
    note: Text


class GateOut(Schema):
    id: int
    result: str = Field(description="pass or fail")
    reasons: list[str] = Field(description="Why it fails (empty when it passes).")
    notes: list[str] = []
    project: str
    review_id: int | None = Field(description="The approved review the gate ran against.")
    baseline_id: int | None = Field(description="The passing run new results are measured against.")
    filename: str
    sha256: str
    results: int
    counts: dict[str, int] = Field(description="Unsuppressed results by severity.")
    at: dt.datetime

    @staticmethod
    def resolve_project(obj: Any) -> str:
        return obj.project.slug

    @staticmethod
    def resolve_notes(obj: Any) -> list[str]:
        return list(getattr(obj, "notes", []))


class TierFiguresOut(Schema):
    tier: str
    label: str
    sla_days: Decimal
    sla_hours: float
    decided: int
    met: int
    open: int
    open_breached: int
    attainment: float | None = Field(description="Percent decided within the SLA, of the decided and the open "
                                                 "already past due.")
    median_hours: float | None = Field(description="Median time to decision, business hours.")


class MetricsOut(Schema):
    since: dt.date | None
    reviews: int
    decided: int
    attainment: float | None = Field(description="Percent, all tiers.")
    median_hours: float | None = Field(description="Time to decision, business hours (waiting on the requester "
                                                   "left out).")
    p90_hours: float | None
    open: int
    queue_median_hours: float | None = Field(description="Age of the open reviews, business hours on the clock.")
    queue_oldest_hours: float | None
    reworked: int
    rework_rate: float | None = Field(description="Percent of the reviews.")
    tiers: list[TierFiguresOut]


class MetricsQuery(InputSchema):
    since: dt.date | None = None


class EscalationOut(Schema):
    kind: str = Field(description="overdue or rejected")
    review_id: int
    project: str
    project_name: str
    reason: str
    since: dt.datetime | None
    url: str


class TierRuleOut(Schema):
    text: str
    tier: str


class TierTableRowOut(Schema):
    classification: str
    label: str
    without_third_parties: list[str] = Field(description="Tier per exposure: none, partner, public.")
    with_third_parties: list[str]


class CalendarOut(Schema):
    zone: str
    country: str
    subdivision: str
    day_start: dt.time
    day_end: dt.time
    workdays: list[int] = Field(description="0 = Monday ... 6 = Sunday.")
    hours_per_day: float


class CalendarPatch(InputSchema):
    country: Text | None = Field(default=None, max_length=2)
    subdivision: Text | None = Field(default=None, max_length=10)
    day_start: dt.time | None = None
    day_end: dt.time | None = None
    workdays: list[Annotated[int, Field(ge=0, le=6)]] | None = None


class PolicyOut(Schema):
    id: int
    status: str
    days: dict[str, Decimal]
    reason: str
    proposed_by: str
    proposed_role: str
    proposed_at: dt.datetime
    confirmed_by: str | None
    confirmed_at: dt.datetime | None
    signoff_id: int | None

    @staticmethod
    def resolve_days(obj: Any) -> dict[str, Decimal]:
        return obj.days()

    @staticmethod
    def resolve_proposed_by(obj: Any) -> str:
        return obj.proposed_by.username

    @staticmethod
    def resolve_confirmed_by(obj: Any) -> str | None:
        return obj.confirmed_by.username if obj.confirmed_by_id else None


class SlaOut(Schema):
    days: dict[str, Decimal] = Field(description="Business days per tier in force.")
    hours: dict[str, float] = Field(description="The same in business hours.")
    hours_per_day: float
    active: PolicyOut | None
    pending: PolicyOut | None
    rules: list[TierRuleOut]
    table: list[TierTableRowOut]
    calendar: CalendarOut


class SlaProposalIn(InputSchema):
    triage_days: Days
    light_days: Days
    full_days: Days
    vendor_days: Days
    emergency_days: Days
    reason: Text = ""
