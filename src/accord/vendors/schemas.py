"""Request and response bodies of the vendors API. Dates are days in the organisation's calendar; every
review figure carries the day it is computed for (`as_of`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

from accord.core.api_common import DbId, InputSchema, PageQuery, Text

Slug = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[-a-zA-Z0-9_]+$")]
Choice = Annotated[str, Field(max_length=20)]


class VendorQuery(PageQuery):
    q: Text = Field(default="", max_length=100)
    tier: Choice = ""
    status: Choice = ""
    review: Choice = Field(default="", description="overdue, due_soon, on_time or exited")


class VendorRowOut(Schema):
    slug: str
    name: str
    tier: str
    matrix_tier: str = Field(description="The tier the matrix gives (data sensitivity x criticality).")
    tier_override_reason: str
    status: str
    owner: str
    cadence_months: int
    last_assessed_on: dt.date | None
    next_review_due: dt.date
    days_left: int = Field(description="Days until the next review is due; negative: overdue.")
    review_state: str
    as_of: dt.date


class VendorPageOut(Schema):
    count: int
    page: int
    page_size: int
    as_of: dt.date
    items: list[VendorRowOut]


class FindingOut(Schema):
    id: int
    assessment_id: int
    text: str
    owner_id: int
    owner: str
    due_on: dt.date
    status: str
    close_note: str


class AssessmentOut(Schema):
    id: int
    questionnaire_version: str
    answers: dict[str, str]
    score: Decimal = Field(description="0-100: the weighted share of the best answers.")
    assessed_on: dt.date
    tier_at_assessment: str
    notes: str
    assessed_by: str
    findings: list[FindingOut]


class LinkOut(Schema):
    slug: str
    name: str


class ProjectLinkOut(LinkOut):
    vendor_reviews: list[dict[str, Any]] = Field(description="The project's vendor-tier reviews: id, state, "
                                                             "requested_at.")


class VendorOut(VendorRowOut):
    service_provided: str
    data_accessed: str
    data_sensitivity: str
    criticality: str
    business_services: list[str]
    owner_id: int
    contract_start: dt.date | None
    contract_end: dt.date | None
    previous_review_on: dt.date | None
    assessments: list[AssessmentOut]
    risk_scenarios: list[LinkOut]
    projects: list[ProjectLinkOut]
    suggested_projects: list[LinkOut] = Field(description="Projects naming the vendor among their third parties, "
                                                          "not linked yet.")


class VendorIn(InputSchema):
    name: Text = Field(min_length=1, max_length=150)
    slug: Slug | None = None
    service_provided: Text = Field(min_length=1)
    data_accessed: Text = ""
    data_sensitivity: Choice = "internal"
    criticality: Choice = "medium"
    business_service_ids: list[DbId] = []
    owner_id: DbId
    contract_start: dt.date | None = None
    contract_end: dt.date | None = None
    status: Choice = "active"
    previous_review_on: dt.date | None = None


class VendorPatch(InputSchema):
    name: Text | None = Field(default=None, min_length=1, max_length=150)
    service_provided: Text | None = Field(default=None, min_length=1)
    data_accessed: Text | None = None
    data_sensitivity: Choice | None = None
    criticality: Choice | None = None
    business_service_ids: list[DbId] | None = None
    owner_id: DbId | None = None
    contract_start: dt.date | None = None
    contract_end: dt.date | None = None
    status: Choice | None = None
    previous_review_on: dt.date | None = None


class TierIn(InputSchema):
    tier: Choice = Field(description="critical, high, medium or low; empty: back to the matrix's tier.")
    reason: Text = Field(min_length=1)


class NewFindingIn(InputSchema):
    text: Text = Field(min_length=1)
    owner_id: DbId
    due_on: dt.date


class AssessmentIn(InputSchema):
    answers: dict[Text, Text] = Field(description="Question id -> answer key, for every question of the "
                                                  "current questionnaire (GET /vendors/questionnaire).")
    assessed_on: dt.date | None = None
    notes: Text = ""
    findings: list[NewFindingIn] = []


class FindingIn(NewFindingIn):
    assessment_id: DbId


class CloseFindingIn(InputSchema):
    status: Choice = Field(description="resolved or accepted (accepted needs a note).")
    note: Text = ""


class ImportReportOut(Schema):
    filename: str
    sha256: str
    rows: int
    created: int
    updated: int
    unchanged: int
    names_created: list[str]


class TiersOut(Schema):
    criticalities: list[str]
    matrix: list[dict[str, Any]] = Field(description="One row per data sensitivity: the tier per criticality.")
    cadence: list[dict[str, Any]] = Field(description="Months between assessments per tier.")
    reminder_lead_days: int


class OnTimeOut(Schema):
    as_of: dt.date
    critical: int = Field(description="Critical-tier vendors not exited.")
    on_time: int
    percent: float | None = Field(description="on_time / critical x 100; null when there is no critical vendor.")
    overdue: list[str]
