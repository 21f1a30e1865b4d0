"""Risk acceptances API: list and one acceptance (with the subject's figures today beside the frozen
ones), ask, approve, reject, withdraw or revoke, renew, and the dual-approval threshold."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from accord.acceptances import selectors, services
from accord.acceptances.schemas import (
    AcceptanceDetailOut,
    AcceptanceIn,
    AcceptanceOut,
    AcceptanceQuery,
    AnswerIn,
    EndIn,
    RejectIn,
    RenewIn,
    ThresholdIn,
    ThresholdOut,
)
from accord.core.api_auth import Capability, acting_user
from accord.core.api_common import REFUSALS, DbId, Page
from accord.core.permissions import Actor

router = Router(tags=["acceptances"])
READ, ACCEPT = Capability(selectors.READ), Capability(services.CAPABILITY)


def _detail(viewer: Actor, acceptance_id: int) -> dict[str, Any]:
    row = selectors.acceptance_by_id(viewer, acceptance_id)
    return selectors.document(row, current=selectors.current_figures(viewer, row))


@router.get("/", response={200: Page[AcceptanceOut], **REFUSALS}, auth=READ)
def list_acceptances(request: HttpRequest, query: Query[AcceptanceQuery]) -> Any:
    rows = selectors.acceptances_visible_to(acting_user(request), selectors.AcceptanceFilter(
        state=query.state, kind=query.kind or "", finding=query.finding, scenario=query.scenario))
    start = (query.page - 1) * query.page_size
    return {"count": rows.count(), "page": query.page, "page_size": query.page_size,
            "items": [selectors.document(r) for r in rows[start:start + query.page_size]]}


@router.get("/settings", response={200: ThresholdOut, **REFUSALS}, auth=READ)
def get_threshold(request: HttpRequest) -> Any:
    return selectors.threshold()


@router.patch("/settings", response={200: ThresholdOut, **REFUSALS}, auth=ACCEPT)
def set_threshold(request: HttpRequest, payload: ThresholdIn) -> Any:
    services.set_threshold(actor=acting_user(request), amount=payload.dual_approval_threshold)
    return selectors.threshold()


@router.get("/{acceptance_id}", response={200: AcceptanceDetailOut, **REFUSALS}, auth=READ)
def get_acceptance(request: HttpRequest, acceptance_id: DbId) -> Any:
    return _detail(acting_user(request), acceptance_id)


@router.post("/", response={201: AcceptanceDetailOut, **REFUSALS}, auth=ACCEPT)
def request_acceptance(request: HttpRequest, payload: AcceptanceIn) -> Any:
    actor = acting_user(request)
    row = services.request_acceptance(actor=actor, **payload.dict())
    return Status(201, _detail(actor, row.pk))


def _act(request: HttpRequest, acceptance_id: int, action: Any, **kwargs: Any) -> Any:
    actor = acting_user(request)
    row = selectors.acceptance_by_id(actor, acceptance_id)
    result = action(actor=actor, acceptance=row, **kwargs)
    return _detail(actor, result.pk)


@router.post("/{acceptance_id}/approve", response={200: AcceptanceDetailOut, **REFUSALS}, auth=ACCEPT)
def approve(request: HttpRequest, acceptance_id: DbId, payload: AnswerIn) -> Any:
    return _act(request, acceptance_id, services.approve_acceptance, role=payload.role, comment=payload.comment)


@router.post("/{acceptance_id}/reject", response={200: AcceptanceDetailOut, **REFUSALS}, auth=ACCEPT)
def reject(request: HttpRequest, acceptance_id: DbId, payload: RejectIn) -> Any:
    return _act(request, acceptance_id, services.reject_acceptance, role=payload.role, comment=payload.comment)


@router.post("/{acceptance_id}/withdraw", response={200: AcceptanceDetailOut, **REFUSALS}, auth=ACCEPT)
def withdraw(request: HttpRequest, acceptance_id: DbId, payload: EndIn) -> Any:
    return _act(request, acceptance_id, services.withdraw_acceptance, reason=payload.reason)


@router.post("/{acceptance_id}/revoke", response={200: AcceptanceDetailOut, **REFUSALS}, auth=ACCEPT)
def revoke(request: HttpRequest, acceptance_id: DbId, payload: EndIn) -> Any:
    return _act(request, acceptance_id, services.revoke_acceptance, reason=payload.reason)


@router.post("/{acceptance_id}/renew", response={201: AcceptanceDetailOut, **REFUSALS}, auth=ACCEPT)
def renew(request: HttpRequest, acceptance_id: DbId, payload: RenewIn) -> Any:
    return Status(201, _act(request, acceptance_id, services.renew_acceptance, **payload.dict()))
