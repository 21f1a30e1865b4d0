"""Audit trail API: browse with filters, and verify the hash chain."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from accord.core.api_auth import Capability, acting_user
from accord.core.api_common import REFUSALS, Moment, Page, PageQuery, paginate
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


@router.get("/events", response={200: Page[AuditEventOut], **REFUSALS}, auth=Capability("audit.read"))
def list_events(request: HttpRequest, query: Query[AuditQuery]) -> dict[str, Any]:
    filters = AuditFilter(actor=query.actor, action=query.action, object_type=query.object_type,
                          object_id=query.object_id, since=query.since, until=query.until)
    events = audit_events_visible_to(acting_user(request), filters)
    return paginate(events, page=query.page, page_size=query.page_size)


@router.get("/verify", response={200: ChainOut, **REFUSALS}, auth=Capability("audit.read"))
def verify(request: HttpRequest) -> Any:
    return verify_audit_chain(acting_user(request))
