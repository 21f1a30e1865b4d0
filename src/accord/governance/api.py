"""Governance API: sign-offs (what is open, granted, voided, expired; what waits for me) and the
decision log. Answering a sign-off happens on its subject's own operation (e.g. signing a plan),
which applies the effect."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from accord.core.api_auth import Capability, acting_user
from accord.core.api_common import REFUSALS, DbId, Page, PageQuery, paginate
from accord.governance import selectors
from accord.governance.schemas import DecisionOut, SignOffOut, SignOffQuery

router = Router(tags=["governance"])
SIGNED_IN, DECISIONS = Capability(), Capability(selectors.DECISIONS_READ)


@router.get("/signoffs", response={200: Page[SignOffOut], **REFUSALS}, auth=SIGNED_IN)
def list_signoffs(request: HttpRequest, query: Query[SignOffQuery]) -> Any:
    actor = acting_user(request)
    if query.waiting:
        waiting = selectors.waiting_for(actor)
        start = (query.page - 1) * query.page_size
        return {"count": len(waiting), "page": query.page, "page_size": query.page_size,
                "items": waiting[start:start + query.page_size]}
    rows = selectors.signoffs_visible_to(actor, status=query.status, kind=query.kind).prefetch_related(
        "approvals__user")
    return paginate(rows, page=query.page, page_size=query.page_size)


@router.get("/signoffs/{signoff_id}", response={200: SignOffOut, **REFUSALS}, auth=SIGNED_IN)
def get_signoff(request: HttpRequest, signoff_id: DbId) -> Any:
    return selectors.signoff_by_id(acting_user(request), signoff_id)


@router.get("/decisions", response={200: Page[DecisionOut], **REFUSALS}, auth=DECISIONS)
def list_decisions(request: HttpRequest, query: Query[PageQuery]) -> Any:
    return paginate(selectors.decisions_visible_to(acting_user(request)), page=query.page,
                    page_size=query.page_size)


@router.get("/decisions/{decision_id}", response={200: DecisionOut, **REFUSALS}, auth=DECISIONS)
def get_decision(request: HttpRequest, decision_id: DbId) -> Any:
    return selectors.decision_by_id(acting_user(request), decision_id)
