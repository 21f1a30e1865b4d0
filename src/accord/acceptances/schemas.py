"""Request and response bodies of the risk acceptances API."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field

from accord.core.api_common import DbId, InputSchema, PageQuery, Text

SubjectKindValue = Literal["scenario", "finding", "cve", "fix"]
StateValue = Literal["active", "requested", "stale", "expiring", "ended", "all"]
RoleValue = Literal["ciso", "cio"]


class AcceptanceQuery(PageQuery):
    state: StateValue = Field(default="active", description="active (granted), requested, stale, expiring (within "
                                                             "30 days), ended, all")
    kind: SubjectKindValue | None = None
    finding: DbId | None = Field(default=None, description="acceptances covering this finding")
    scenario: Text = Field(default="", max_length=80, description="a risk scenario's id")


class AcceptanceIn(InputSchema):
    subject_kind: SubjectKindValue
    scenario: Text = Field(default="", max_length=80, description="the risk scenario's id (subject_kind scenario)")
    finding: DbId | None = Field(default=None, description="the finding's number (subject_kind finding)")
    cve: Text = Field(default="", max_length=40, description="CVE id: all its open findings (subject_kind cve)")
    fix: Text = Field(default="", max_length=40, description="fix key: the open findings it closes (subject_kind fix)")
    expires_on: dt.date = Field(description="the last day it is in force (at most 366 days ahead)")
    justification: Text = Field(max_length=4000)
    compensating_controls: Text = Field(default="", max_length=4000)


class AnswerIn(InputSchema):
    role: RoleValue | None = Field(default=None, description="the role you answer as, when you hold both")
    comment: Text = Field(default="", max_length=2000)


class RejectIn(InputSchema):
    role: RoleValue | None = None
    comment: Text = Field(max_length=2000, description="why not")


class EndIn(InputSchema):
    reason: Text = Field(default="", max_length=4000, description="required to revoke a granted acceptance")


class RenewIn(InputSchema):
    expires_on: dt.date
    justification: Text = Field(default="", max_length=4000, description="empty: the one it renews")
    compensating_controls: Text | None = Field(default=None, max_length=4000)


class ThresholdIn(InputSchema):
    dual_approval_threshold: float = Field(gt=0, le=1e15, description="residual annual expected loss, in the "
                                                                       "organisation's currency")


class ThresholdOut(Schema):
    dual_approval_threshold: float = Field(alias="amount")
    currency: str
    updated_by: str | None
    updated_at: dt.datetime | None


class FiguresOut(Schema):
    currency: str
    annual_loss: float | None = Field(description="residual annual expected loss, in `currency`")
    loss_source: str
    as_of: str
    loss_per_day: float | None = Field(description="findings: the patch planner's expected loss per day")
    epss: float | None
    decision: str
    kev: bool
    findings: int
    finding_ids: list[int]


class ApprovalOut(Schema):
    role: str
    user: str
    approved: bool
    at: dt.datetime
    comment: str


class AcceptanceOut(Schema):
    id: int
    subject_kind: str
    subject_label: str
    scenario: str | None
    finding_id: int | None
    cve: str
    fix_key: str
    finding_ids: list[int]
    status: str
    stale: bool
    stale_since: dt.date | None
    stale_reasons: list[str]
    expires_on: dt.date
    days_left: int
    justification: str
    compensating_controls: str
    frozen: FiguresOut = Field(description="the figures it was asked and granted on")
    dual_approval: bool
    threshold: float
    currency: str
    approvers: str
    requested_by: str
    requested_at: dt.datetime
    granted_at: dt.datetime | None
    ended_at: dt.datetime | None
    end_reason: str
    signoff_id: int | None
    renews_id: int | None
    migrated: bool
    url: str


class AcceptanceDetailOut(AcceptanceOut):
    current: FiguresOut | None = Field(default=None, description="the subject's figures today")
    approvals: list[ApprovalOut] = []
