"""Audit trail API: browse with filters, and verify the hash chain."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from accord.core.api_auth import Capability, acting_user
from accord.core.api_common import REFUSALS, InputSchema, Moment, Page, PageQuery, Text, paginate
from accord.core.selectors import AuditFilter, audit_events_visible_to, verify_audit_chain

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    seq: int
    at: dt.datetime
    actor_name: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    before: Any = None
    after: Any = None
    hash: str
    prev_hash: str


class AuditQuery(PageQuery):
    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    since: Moment | None = None
    until: Moment | None = None


class ChainOut(Schema):
    ok: bool
    rows_checked: int
    first_broken_seq: int | None
    reason: str
    anchor: str = Field(description="the anchor checked too (ROW:HASH), empty when none was given")


class VerifyQuery(InputSchema):
    anchor: Text = Field(default="", max_length=200,
                         description="ROW:HASH written down earlier (e.g. from a board pack): also fail when "
                                     "that row or any before it was removed or changed")


@router.get("/events", response={200: Page[AuditEventOut], **REFUSALS}, auth=Capability("audit.read"))
def list_events(request: HttpRequest, query: Query[AuditQuery]) -> dict[str, Any]:
    filters = AuditFilter(actor=query.actor, action=query.action, object_type=query.object_type,
                          object_id=query.object_id, since=query.since, until=query.until)
    events = audit_events_visible_to(acting_user(request), filters)
    return paginate(events, page=query.page, page_size=query.page_size)


@router.get("/verify", response={200: ChainOut, **REFUSALS}, auth=Capability("audit.read"))
def verify(request: HttpRequest, query: Query[VerifyQuery]) -> Any:
    return verify_audit_chain(acting_user(request), anchor=query.anchor)
