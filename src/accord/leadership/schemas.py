"""Request and response bodies of the leadership API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from accord.core.api_common import DbId, InputSchema, PageQuery, Text

# The time log -----------------------------------------------------------------------------------------


class TimeEntryIn(InputSchema):
    week: Text = Field(description="ISO week, e.g. 2026-W48 (or a date inside it)")
    activity: Text
    hours: Decimal = Field(description="0 to 168; the week's entries together at most 168")
    nature: Text = Field(description="strategic or tactical")
    handoff: Text = Field(default="keep", description="keep, delegable or outsourceable")
    note: Text = ""


class TimeEntryOut(Schema):
    id: int
    week: str
    week_start: date
    activity: str
    hours: Decimal
    nature: str
    handoff: str
    note: str


class TimeQuery(InputSchema):
    owner: Text = Field(default="", description="username of the log's owner (default: your own)")
    weeks: int = Field(default=8, ge=1, le=104)


class EntriesQuery(PageQuery):
    owner: Text = ""


class WeekOut(Schema):
    week: str
    week_start: date
    strategic_hours: Decimal
    tactical_hours: Decimal
    total_hours: Decimal
    strategic_share_percent: float | None


class CandidateOut(Schema):
    activity: str
    handoff: str
    hours: Decimal
    tactical_hours: Decimal
    strategic_share_if_handed_off_percent: float | None
    cumulative_strategic_share_percent: float | None


class TimeReportOut(Schema):
    owner: str
    as_of: date
    first_week: str
    last_week: str
    strategic_hours: Decimal
    total_hours: Decimal
    strategic_share_percent: float | None
    formula: str
    weeks: list[WeekOut]
    delegation_candidates: list[CandidateOut]


class ReaderIn(InputSchema):
    reader: Text = Field(description="username to share your time log with")


class LogOut(Schema):
    owner: str
    own: bool


# Skills ------------------------------------------------------------------------------------------------


class SkillOut(Schema):
    key: str
    kind: str
    name: str
    description: str


class CatalogueOut(Schema):
    levels: dict[int, str]
    skills: list[SkillOut]


class PlanIn(InputSchema):
    person: Text = Field(description="username")
    title: Text


class AssessmentIn(InputSchema):
    skill: Text
    target: int | None = None
    self_level: int | None = None
    mentor_level: int | None = None


class SkillLineOut(Schema):
    skill: str
    name: str
    kind: str
    target: int
    self_level: int | None
    mentor_level: int | None
    assessed: int | None
    gap: int | None


class GoalIn(InputSchema):
    title: Text
    due_on: date
    skill: Text = ""


class GoalStatusIn(InputSchema):
    status: Text = Field(description="open, done or dropped")


class GoalOut(Schema):
    id: int
    title: str
    skill: str
    due_on: date
    status: str
    completed_on: date | None
    overdue: bool


class MentorIn(InputSchema):
    mentor: Text = Field(default="", description="username of a colleague")
    external_name: Text = ""
    external_organisation: Text = ""
    focus: Text = ""
    started_on: date | None = None


class MentorshipOut(Schema):
    id: int
    mentor: str
    external: bool
    external_organisation: str
    focus: str
    started_on: date
    ended_on: date | None


class LearningIn(InputSchema):
    kind: Text = Field(description="course, conference, certification, mentoring or reading")
    title: Text
    hours: Decimal
    on: date
    skill: Text = ""


class LearningOut(Schema):
    id: int
    kind: str
    title: str
    skill: str
    hours: Decimal
    on: date


class GoalsOnTrackOut(Schema):
    counted: int
    on_track: int
    overdue: int
    percent: float | None
    as_of: date


class PlanSummaryOut(Schema):
    id: int
    person: str
    title: str


class PlanOut(PlanSummaryOut):
    skills: list[SkillLineOut]
    goals: list[GoalOut]
    goals_on_track: GoalsOnTrackOut
    mentors: list[MentorshipOut]
    learning: list[LearningOut]
    learning_hours_last_365_days: Decimal


class TeamGapOut(Schema):
    skill: str
    name: str
    kind: str
    total_gap: int
    people_short: int
    not_assessed: int
    people: list[dict[str, int | str]]


# The radar ------------------------------------------------------------------------------------------------


class RadarIn(InputSchema):
    name: Text
    quadrant: Text = Field(description="platforms, tools, techniques or roadmap")
    description: Text = ""
    prerequisites: list[Text] = Field(default_factory=list, description="security prerequisites")
    project: Text | None = Field(default=None, description="IT project id or slug (the CIO roadmap item)")
    review_id: DbId | None = None
    initiative: Text | None = Field(default=None, description="initiative slug")


class RadarPatch(InputSchema):
    name: Text | None = None
    quadrant: Text | None = None
    description: Text | None = None
    prerequisites: list[Text] | None = None
    project: Text | None = None
    review_id: DbId | None = None
    initiative: Text | None = None


class StanceIn(InputSchema):
    stance: Text = Field(description="adopt, trial, assess or hold")
    reason: Text = ""


class CommentIn(InputSchema):
    comment: Text = ""


class RadarOut(Schema):
    id: int
    name: str
    quadrant: str
    description: str
    prerequisites: list[str]
    stance: str | None
    stance_agreed_on: date | None
    proposed_stance: str | None
    proposal_reason: str
    signoff_id: int | None
    project: str | None
    review_id: int | None
    initiative: str | None


class RadarQuery(InputSchema):
    quadrant: Text = ""
    stance: Text = ""


__all__ = ["DbId"]
