from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from accord.core.api_common import DbId, InputSchema, Moment, PageQuery, Text
from accord.incidents.models import ActionStatus, Confidence, Likelihood, Phase, likelihood_with_range

SHORT = 200
LONG = 4000


# Incidents -------------------------------------------------------------------------------------

class ServiceRef(Schema):
    id: int
    name: str


class IncidentOut(Schema):
    id: int
    reference: str
    title: str
    summary: str
    severity: int
    phase: Phase
    exercise: bool
    scenario: str
    services: list[ServiceRef]
    assets: list[str]
    commander_id: int | None
    commander: str | None
    began_at: dt.datetime | None
    detected_at: dt.datetime
    reported_at: dt.datetime
    aware_at: dt.datetime | None
    contained_at: dt.datetime | None
    resolved_at: dt.datetime | None
    personal_data: bool
    nis2_entity: bool
    material: bool
    materiality_determined_at: dt.datetime | None
    dora_major: bool
    dora_classified_at: dt.datetime | None
    created_at: dt.datetime

    # (a document already made, e.g. with its clocks, is a dict and passes through)
    @staticmethod
    def resolve_services(obj: Any) -> list[dict[str, Any]]:
        if isinstance(obj, dict):
            return list(obj["services"])
        return [{"id": s.pk, "name": s.name} for s in obj.services.all()]

    @staticmethod
    def resolve_assets(obj: Any) -> list[str]:
        return list(obj["assets"]) if isinstance(obj, dict) else [a.hostname for a in obj.assets.all()]

    @staticmethod
    def resolve_commander(obj: Any) -> str | None:
        if isinstance(obj, dict):
            return obj["commander"]
        return str(obj.commander) if obj.commander else None


class ClockOut(Schema):
    regime: str
    regime_name: str
    key: str
    label: str
    due: dt.datetime
    starts_from: str
    counted_from: str
    basis: str
    note: str
    met_at: dt.datetime | None
    state: str = Field(description="running, overdue, met, or late (met after the due moment)")
    left: str
    seconds_left: int


class IncidentDetailOut(IncidentOut):
    next_update_due: dt.datetime | None
    update_overdue: bool
    updates: int
    clocks: list[ClockOut]
    clocks_not_started: list[str]


class IncidentQuery(PageQuery):
    open: bool | None = Field(default=None, description="true: open only; false: closed only")
    exercise: bool | None = Field(default=None, description="true: exercises only; false: real incidents only")


class IncidentIn(InputSchema):
    title: Text = Field(max_length=SHORT)
    severity: int = Field(ge=1, le=4, description="1 highest .. 4")
    detected_at: Moment
    reported_at: Moment | None = Field(default=None, description="default: now")
    summary: Text = Field(default="", max_length=LONG)
    phase: Phase = Phase.DETECT
    service_ids: list[DbId] = Field(default=[], max_length=200)
    asset_ids: list[DbId] = Field(default=[], max_length=1000)
    commander_id: DbId | None = None
    began_at: Moment | None = None
    aware_at: Moment | None = None
    personal_data: bool = False
    nis2_entity: bool = False
    material: bool = False
    materiality_determined_at: Moment | None = None
    dora_major: bool = False
    dora_classified_at: Moment | None = None
    exercise: bool = False


class IncidentPatch(InputSchema):
    title: Text | None = Field(default=None, max_length=SHORT)
    severity: int | None = Field(default=None, ge=1, le=4)
    summary: Text | None = Field(default=None, max_length=LONG)
    service_ids: list[DbId] | None = Field(default=None, max_length=200)
    asset_ids: list[DbId] | None = Field(default=None, max_length=1000)
    commander_id: DbId | None = None
    began_at: Moment | None = None
    detected_at: Moment | None = None
    reported_at: Moment | None = None
    aware_at: Moment | None = None
    contained_at: Moment | None = None
    resolved_at: Moment | None = None
    personal_data: bool | None = None
    nis2_entity: bool | None = None
    material: bool | None = None
    materiality_determined_at: Moment | None = None
    dora_major: bool | None = None
    dora_classified_at: Moment | None = None


class PhaseIn(InputSchema):
    phase: Phase
    at: Moment | None = None
    note: Text = Field(default="", max_length=1000)


class NoteIn(InputSchema):
    text: Text = Field(max_length=LONG)
    at: Moment | None = None


class EventOut(Schema):
    id: int
    kind: str
    at: dt.datetime
    recorded_at: dt.datetime
    author: str | None
    text: str
    data: dict[str, Any]
    update_number: int | None

    @staticmethod
    def resolve_author(obj: Any) -> str | None:
        return obj.author.username if obj.author else None

    @staticmethod
    def resolve_update_number(obj: Any) -> int | None:
        return obj.update.number if obj.update_id else None


# Executive updates -----------------------------------------------------------------------------

class IntervalIn(InputSchema):
    """A 90% interval: the low and the high end."""

    low: float = Field(ge=0, le=1e13)
    high: float = Field(ge=0, le=1e13)


class IntervalOut(Schema):
    low: float
    high: float


class JudgementIn(InputSchema):
    statement: Text = Field(min_length=1, max_length=2000)
    likelihood: Likelihood = Field(description="ICD 203 estimative term")
    confidence: Confidence
    basis: Text = Field(min_length=1, max_length=2000)


class JudgementOut(Schema):
    statement: str
    likelihood: str
    likelihood_text: str = Field(description="the term with its probability range, e.g. 'likely (55\u201380%)'")
    low_percent: int
    high_percent: int
    confidence: str
    basis: str

    @staticmethod
    def resolve_likelihood_text(obj: Any) -> str:
        return likelihood_with_range(obj.likelihood)

    @staticmethod
    def resolve_low_percent(obj: Any) -> int:
        return obj.likelihood_range[0]

    @staticmethod
    def resolve_high_percent(obj: Any) -> int:
        return obj.likelihood_range[1]


class NewActionIn(InputSchema):
    text: Text = Field(min_length=1, max_length=500)
    owner_id: DbId | None = None
    due: Moment | None = None


class UpdateIn(InputSchema):
    bottom_line: Text = Field(min_length=1, max_length=2000)
    facts: list[Text] = Field(default=[], max_length=40)
    judgements: list[JudgementIn] = Field(default=[], max_length=40)
    unknowns: list[Text] = Field(default=[], max_length=40)
    decisions_needed: list[Text] = Field(default=[], max_length=40)
    records: IntervalIn | None = None
    downtime_hours: IntervalIn | None = None
    other_cost: IntervalIn | None = Field(default=None, description="in the organisation's currency")
    cost_note: Text = Field(default="", max_length=300)
    actions: list[NewActionIn] = Field(default=[], max_length=40)
    next_update_at: Moment | None = Field(default=None, description="default: the severity's interval from now")


def _pair(low: Any, high: Any) -> dict[str, float] | None:
    return None if low is None or high is None else {"low": float(low), "high": float(high)}


class UpdateOut(Schema):
    id: int
    incident_id: int
    number: int
    bottom_line: str
    facts: list[str]
    judgements: list[JudgementOut]
    unknowns: list[str]
    decisions_needed: list[str]
    records: IntervalOut | None
    downtime_hours: IntervalOut | None
    other_cost: IntervalOut | None
    cost_note: str
    currency: str
    cost_per_hour: float
    downtime_cost: IntervalOut | None = Field(description="cost per hour times downtime hours")
    total_cost: IntervalOut | None
    severity: int
    phase: str
    next_update_at: dt.datetime | None
    author: str
    created_at: dt.datetime

    @staticmethod
    def resolve_facts(obj: Any) -> list[str]:
        return [f.text for f in obj.facts.all()]

    @staticmethod
    def resolve_judgements(obj: Any) -> list[Any]:
        return list(obj.judgements.all())

    @staticmethod
    def resolve_records(obj: Any) -> dict[str, float] | None:
        return _pair(obj.records_low, obj.records_high)

    @staticmethod
    def resolve_downtime_hours(obj: Any) -> dict[str, float] | None:
        return _pair(obj.downtime_hours_low, obj.downtime_hours_high)

    @staticmethod
    def resolve_other_cost(obj: Any) -> dict[str, float] | None:
        return _pair(obj.other_cost_low, obj.other_cost_high)

    @staticmethod
    def resolve_downtime_cost(obj: Any) -> dict[str, float] | None:
        value = obj.downtime_cost()
        return None if value is None else {"low": value[0], "high": value[1]}

    @staticmethod
    def resolve_total_cost(obj: Any) -> dict[str, float] | None:
        value = obj.total_cost()
        return None if value is None else {"low": value[0], "high": value[1]}

    @staticmethod
    def resolve_author(obj: Any) -> str:
        return obj.author.username


# Regulators, decisions, actions, review --------------------------------------------------------

class RegulatorIn(InputSchema):
    regime: Text = Field(max_length=20, description="gdpr, nis2, sec or dora")
    deadline: Text = Field(max_length=60, description="the report's key in the regime, e.g. early_warning")
    at: Moment | None = None
    authority: Text = Field(default="", max_length=200)
    reference: Text = Field(default="", max_length=200)
    note: Text = Field(default="", max_length=LONG)


class DecisionIn(InputSchema):
    question: Text = Field(min_length=1, max_length=300)
    outcome: Text = Field(min_length=1, max_length=2000)
    rationale: Text = Field(default="", max_length=2000)


class ActionOut(Schema):
    id: int
    incident_id: int
    text: str
    owner_id: int | None
    owner: str | None
    due: dt.datetime | None
    status: ActionStatus
    closed_at: dt.datetime | None
    closing_note: str
    update_number: int | None
    lesson_id: int | None

    @staticmethod
    def resolve_owner(obj: Any) -> str | None:
        return str(obj.owner) if obj.owner else None

    @staticmethod
    def resolve_update_number(obj: Any) -> int | None:
        return obj.update.number if obj.update_id else None


class CloseActionIn(InputSchema):
    status: ActionStatus = ActionStatus.DONE
    note: Text = Field(default="", max_length=500)


class ReviewIn(InputSchema):
    held_on: dt.date
    summary: Text = Field(min_length=1, max_length=LONG)
    root_cause: Text = Field(default="", max_length=LONG)
    went_well: Text = Field(default="", max_length=LONG)
    to_improve: Text = Field(default="", max_length=LONG)


class LessonIn(InputSchema):
    text: Text = Field(min_length=1, max_length=2000)
    actions: list[NewActionIn] = Field(default=[], max_length=40)


class LessonOut(Schema):
    id: int
    text: str
    actions: list[ActionOut]

    @staticmethod
    def resolve_actions(obj: Any) -> list[Any]:
        return list(obj.actions.all())


class ReviewOut(Schema):
    incident_id: int
    held_on: dt.date
    summary: str
    root_cause: str
    went_well: str
    to_improve: str
    author: str
    lessons: list[LessonOut]

    @staticmethod
    def resolve_author(obj: Any) -> str:
        return obj.author.username

    @staticmethod
    def resolve_lessons(obj: Any) -> list[Any]:
        return list(obj.lessons.all())


# Briefing, clocks, metrics, scenarios, settings -----------------------------------------------

class ImpactOut(Schema):
    label: str
    text: str
    low: float
    high: float
    how: str


class BriefingOut(Schema):
    incident_id: int
    reference: str
    exercise: bool
    marking: str
    title: str
    as_of: str
    update_number: int | None
    bottom_line: str
    facts: list[str]
    judgements: list[dict[str, str]]
    unknowns: list[str]
    cost: ImpactOut | None = Field(description="the business impact in money, a 90% range")
    cost_parts: list[ImpactOut]
    impact: list[ImpactOut]
    currency: str
    decisions: list[str]
    next_update_at: dt.datetime | None
    next_update_overdue: bool
    deadlines: list[ClockOut]
    deadlines_not_started: list[str]
    text: str = Field(description="the briefing as plain text, to paste into an email or a chat")


class RunningClockOut(ClockOut):
    incident_id: int
    reference: str
    title: str
    severity: int
    exercise: bool
    url: str


class ClocksQuery(InputSchema):
    include_exercises: bool = False


class MeasureOut(Schema):
    key: str
    label: str
    help: str
    count: int
    median_hours: float | None
    p90_hours: float | None


class ResponseTimesOut(Schema):
    incidents: int
    exercises_excluded: int
    measures: list[MeasureOut]


class ScenarioOut(Schema):
    key: str
    title: str
    summary: str
    severity: int
    phase: str
    flags: dict[str, bool]
    injects: list[str]


class ExerciseIn(InputSchema):
    scenario: Text = Field(max_length=60)
    commander_id: DbId | None = None


class SettingsOut(Schema):
    sev1_first_minutes: int
    sev1_every_minutes: int
    sev2_first_minutes: int
    sev2_every_minutes: int
    sev3_first_minutes: int
    sev3_every_minutes: int
    sev4_first_minutes: int
    sev4_every_minutes: int
    regimes: list[str]
    deadline_notice_hours: int


class SettingsPatch(InputSchema):
    sev1_first_minutes: int | None = Field(default=None, ge=0, le=100_000)
    sev1_every_minutes: int | None = Field(default=None, ge=0, le=100_000)
    sev2_first_minutes: int | None = Field(default=None, ge=0, le=100_000)
    sev2_every_minutes: int | None = Field(default=None, ge=0, le=100_000)
    sev3_first_minutes: int | None = Field(default=None, ge=0, le=100_000)
    sev3_every_minutes: int | None = Field(default=None, ge=0, le=100_000)
    sev4_first_minutes: int | None = Field(default=None, ge=0, le=100_000)
    sev4_every_minutes: int | None = Field(default=None, ge=0, le=100_000)
    regimes: list[Text] | None = Field(default=None, max_length=10)
    deadline_notice_hours: int | None = Field(default=None, ge=0, le=10_000)
