"""Request and response bodies of the steering API. Figures are (label, figure with its unit)
pairs, each list with the day it was read (`as_of`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field

from accord.core.api_common import DbId, InputSchema, Moment, PageQuery, Text

Username = Annotated[str, Field(min_length=1, max_length=150)]


class MemberOut(Schema):
    id: int
    username: str
    name: str
    seat: str
    seat_label: str
    business_service_id: int | None
    business_service: str | None
    active: bool

    @staticmethod
    def resolve_username(obj: Any) -> str:
        return obj.user.username

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.user)

    @staticmethod
    def resolve_seat_label(obj: Any) -> str:
        return obj.get_seat_display()

    @staticmethod
    def resolve_business_service(obj: Any) -> str | None:
        return obj.business_service.name if obj.business_service_id else None


class MemberIn(InputSchema):
    username: Username
    seat: Annotated[str, Field(max_length=20, description="cio, ciso or business_unit")]
    business_service_id: DbId | None = None


class MemberQuery(PageQuery):
    include_former: bool = False


class MeetingOut(Schema):
    id: int
    title: str
    starts_at: dt.datetime
    location: str
    status: str
    attendees: list[str]
    minutes: str
    agenda_built_at: dt.datetime | None
    agenda_announced_at: dt.datetime | None

    @staticmethod
    def resolve_attendees(obj: Any) -> list[str]:
        return sorted(u.username for u in obj.attendees.all())


class MeetingIn(InputSchema):
    title: Text = Field(min_length=1, max_length=200)
    starts_at: Moment
    location: Text = Field(default="", max_length=200)


class MeetingQuery(PageQuery):
    status: Literal["", "scheduled", "held"] = ""


class MinutesIn(InputSchema):
    minutes: Text = Field(min_length=1, max_length=50_000)
    attendees: list[Username] = Field(min_length=1, max_length=100, description="Usernames of members who attended.")


class FigureOut(Schema):
    label: str
    value: str


class ItemOut(Schema):
    id: int
    meeting_id: int
    source: str
    source_key: str
    title: str
    reason: str
    url: str
    status: str
    raised_on: dt.date
    resolved_on: dt.date | None
    as_of: dt.date
    figures: list[FigureOut]

    @staticmethod
    def resolve_figures(obj: Any) -> list[dict[str, str]]:
        return [{"label": label, "value": value} for label, value in obj.figure_pairs]


class FigureIn(InputSchema):
    label: Text = Field(min_length=1, max_length=120)
    value: Text = Field(min_length=1, max_length=200, description="The figure with its unit, e.g. 'EUR 120,000'.")


class ItemIn(InputSchema):
    title: Text = Field(min_length=1, max_length=300)
    reason: Text = Field(default="", max_length=5000)
    url: Text = Field(default="", max_length=300)
    figures: list[FigureIn] = Field(default_factory=list, max_length=20)
    raised_on: dt.date | None = None


class AgendaQuery(InputSchema):
    status: Literal["", "open", "decided", "resolved"] = ""


class BuildOut(Schema):
    added: int
    refreshed: int
    resolved: int
    reopened: int
    by_source: dict[str, int]
    items: list[ItemOut]


class AnnounceOut(Schema):
    recipients: int


class FollowUpOut(Schema):
    id: int
    decision_id: int
    title: str
    owner: str
    owner_name: str
    due_on: dt.date
    status: str
    overdue: bool
    closed_by: str | None
    closed_at: dt.datetime | None
    closing_note: str

    @staticmethod
    def resolve_owner(obj: Any) -> str:
        return obj.owner.username

    @staticmethod
    def resolve_owner_name(obj: Any) -> str:
        return str(obj.owner)

    @staticmethod
    def resolve_overdue(obj: Any) -> bool:
        from accord.steering.selectors import is_overdue

        return is_overdue(obj)

    @staticmethod
    def resolve_closed_by(obj: Any) -> str | None:
        return obj.closed_by.username if obj.closed_by_id else None


class FollowUpIn(InputSchema):
    title: Text = Field(min_length=1, max_length=300)
    owner: Username
    due_on: dt.date


class FollowUpQuery(PageQuery):
    status: Literal["", "open", "done"] = ""
    mine: bool = False
    overdue: bool = False


class CloseIn(InputSchema):
    note: Text = Field(default="", max_length=5000)


class DecideIn(InputSchema):
    question: Text = Field(min_length=1, max_length=300)
    options: list[Annotated[Text, Field(min_length=1, max_length=300)]] = Field(default_factory=list, max_length=10)
    outcome: Text = Field(min_length=1, max_length=2000)
    rationale: Text = Field(default="", max_length=2000)
    refer_to_board: bool = False
    reverses_id: DbId | None = None
    follow_ups: list[FollowUpIn] = Field(default_factory=list, max_length=20)


class OptionOut(Schema):
    label: str
    figures: dict[str, Any]


class CommitteeDecisionOut(Schema):
    id: int = Field(description="The decision's id on the decision log.")
    item_id: int
    meeting_id: int
    question: str
    options: list[OptionOut]
    outcome: str
    rationale: str
    figures: dict[str, Any]
    decided_by: str
    decided_at: dt.datetime
    decided_on: dt.date = Field(description="The day it was recorded on the log.")
    taken_on: dt.date = Field(description="The day the committee took it (the meeting's day when written up later).")
    reverses_id: int | None
    referred_to_board: bool
    follow_ups: list[FollowUpOut]


class DecisionQuery(PageQuery):
    meeting: DbId | None = None


class SettingsOut(Schema):
    breach_threshold: int
    kev_breach_threshold: int


class SettingsPatch(InputSchema):
    breach_threshold: int | None = Field(default=None, ge=1, le=1_000_000)
    kev_breach_threshold: int | None = Field(default=None, ge=1, le=1_000_000)


class PackItemOut(Schema):
    id: int
    source: str
    source_key: str
    title: str
    reason: str
    url: str
    status: str
    raised_on: dt.date
    as_of: dt.date
    figures: list[FigureOut]


class PackSectionOut(Schema):
    source: str
    label: str
    items: list[PackItemOut]


class PackFollowUpOut(Schema):
    id: int
    title: str
    owner: str
    due_on: dt.date
    overdue: bool
    decision_id: int


class QuarterOut(Schema):
    quarter: str
    url: str
    figures: list[FigureOut]


class PartnershipOut(Schema):
    quarters: list[QuarterOut]


class PackMeetingOut(Schema):
    id: int
    title: str
    starts_at: dt.datetime
    location: str
    status: str


class PackDocumentOut(Schema):
    meeting: PackMeetingOut
    as_of: dt.date
    item_count: int
    sections: list[PackSectionOut]
    follow_ups: list[PackFollowUpOut]
    partnership: PartnershipOut


class PackJobOut(Schema):
    job_id: int
    status: str
    url: str = Field(description="The job's page; its result links to the PDF.")


class PackOut(Schema):
    id: int
    meeting_id: int
    sha256: str
    created_at: dt.datetime
    created_by: str
    pdf_url: str

    @staticmethod
    def resolve_created_by(obj: Any) -> str:
        return obj.created_by.username

    @staticmethod
    def resolve_pdf_url(obj: Any) -> str:
        return f"/api/v1/steering/packs/{obj.pk}/pdf"
