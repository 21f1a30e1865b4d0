"""Culture API schemas. Every rate is a percentage (0-100) with its counts beside it, and every read
says the day it is as of."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import Field

from accord.core.api_common import DbId, InputSchema, PageQuery, Text

ActivityKindIn = Literal["training", "threat_model", "code_review", "session", "exercise", "other"]
ChannelIn = Literal["in_person", "video", "phone", "email", "chat", "meeting"]
OwnerIn = Literal["ciso", "cio", "both"]
InfluenceIn = Literal["high", "medium", "low"]


class TeamCoverageOut(Schema):
    team_id: int
    team: str
    covered: bool
    champions: list[str]


class CoverageOut(Schema):
    as_of: dt.date
    unit: str = "%"
    percent: float | None = Field(description="programme teams with an active champion / programme teams x 100; "
                                              "null when no team is in the programme")
    covered: int
    total: int
    teams: list[TeamCoverageOut]


class ProgrammeTeamIn(InputSchema):
    team_id: DbId


class ChampionOut(Schema):
    id: int
    person_id: int
    person: str
    team_id: int
    team: str
    appointed_on: dt.date
    stepped_down_on: dt.date | None
    focus: str
    active: bool
    activity_count: int


class ChampionIn(InputSchema):
    person_id: DbId
    team_id: DbId | None = Field(default=None, description="default: the person's team")
    appointed_on: dt.date
    focus: Text = Field(default="", max_length=200)


class StepDownIn(InputSchema):
    on: dt.date


class ActivityIn(InputSchema):
    kind: ActivityKindIn
    title: Text = Field(max_length=200)
    on: dt.date
    hours: Decimal = Field(default=Decimal(0), ge=0, le=200, max_digits=5, decimal_places=1)


class ActivityOut(Schema):
    id: int
    kind: str
    title: str
    on: dt.date
    hours: Decimal


class PhishingOut(Schema):
    delivered: int
    opened: int
    clicked: int
    submitted_data: int
    reported: int
    click_rate: float | None = Field(description="% of delivered")
    report_rate: float | None = Field(description="% of delivered")
    submit_rate: float | None = Field(description="% of delivered")


class CampaignOut(Schema):
    id: int
    name: str
    audience: str
    audience_size: int
    starts_on: dt.date
    ends_on: dt.date | None
    training_completed: int | None
    completion_rate: float | None = Field(description="% of the audience who completed the training module")
    phishing: PhishingOut | None
    phishing_source: str
    phishing_format: str


class CampaignIn(InputSchema):
    name: Text = Field(max_length=150)
    audience: Text = Field(max_length=200)
    audience_size: int = Field(ge=0, le=10_000_000)
    starts_on: dt.date
    ends_on: dt.date | None = None
    training_completed: int | None = Field(default=None, ge=0, le=10_000_000)


class CampaignPatch(InputSchema):
    name: Text | None = Field(default=None, max_length=150)
    audience: Text | None = Field(default=None, max_length=200)
    audience_size: int | None = Field(default=None, ge=0, le=10_000_000)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    training_completed: int | None = Field(default=None, ge=0, le=10_000_000)


class PhishingImportOut(Schema):
    campaign_id: int
    layout: str
    recipients: int
    replaced: int
    phishing: PhishingOut | None


class StakeholderOut(Schema):
    id: int
    name: str
    role: str
    person_id: int | None
    priorities: str
    influence: str
    preferred_channel: str
    owner: str
    keeper: str | None = Field(description="username of the person who keeps the relationship, if delegated")
    cadence_days: int
    last_contact_on: dt.date | None
    next_contact_due: dt.date | None
    overdue: bool
    days_overdue: int | None = Field(description="days past the due day; null when not overdue or never contacted")
    as_of: dt.date
    notes: str | None = Field(description="null when the caller may not read the notes (stakeholder.notes or keeper)")


class StakeholderIn(InputSchema):
    name: Text = Field(max_length=150)
    role: Text = Field(max_length=150)
    person_id: DbId | None = None
    priorities: Text = ""
    influence: InfluenceIn = "medium"
    preferred_channel: ChannelIn = "in_person"
    owner: OwnerIn
    keeper: Text | None = Field(default=None, description="username")
    cadence_days: int = Field(ge=1, le=366)
    last_contact_on: dt.date | None = None
    notes: Text = ""


class StakeholderPatch(InputSchema):
    name: Text | None = Field(default=None, max_length=150)
    role: Text | None = Field(default=None, max_length=150)
    person_id: DbId | None = None
    priorities: Text | None = None
    influence: InfluenceIn | None = None
    preferred_channel: ChannelIn | None = None
    owner: OwnerIn | None = None
    keeper: Text | None = None
    cadence_days: int | None = Field(default=None, ge=1, le=366)
    notes: Text | None = None


class ContactIn(InputSchema):
    on: dt.date
    channel: ChannelIn
    summary: Text = ""


class ContactOut(Schema):
    id: int
    on: dt.date
    channel: str
    logged_by: str
    summary: str | None = Field(description="null when the caller may not read the notes")


class ChampionQuery(PageQuery):
    team: DbId | None = None
    active: bool | None = None


class StakeholderQuery(InputSchema):
    overdue: bool = False
    owner: Literal["", "ciso", "cio", "both"] = ""
