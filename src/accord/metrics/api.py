"""Scorecard API: the KPIs and KRIs (each with its formula, status, as-of day and trend), one metric,
the monthly snapshots (list, take one now), the KRI thresholds (state, propose, agree, withdraw) and
the partnership review of a quarter with its retrospectives."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from accord.core.api_auth import Capability, acting_user
from accord.core.api_common import REFUSALS, DbId, Page, PageQuery, paginate
from accord.metrics import registry, selectors, services
from accord.metrics.schemas import (
    MetricOut,
    PartnershipOut,
    RetrospectiveIn,
    RetrospectiveOut,
    ScorecardOut,
    SnapshotOut,
    ThresholdSetOut,
    ThresholdsIn,
    ThresholdStateOut,
)

router = Router(tags=["metrics"])
READ, WRITE = Capability("scorecard.read"), Capability("scorecard.write")


@router.get("/scorecard", response={200: ScorecardOut, **REFUSALS}, auth=READ)
def scorecard(request: HttpRequest) -> Any:
    """Every metric the caller may see, computed now, with its monthly trend (oldest first)."""
    return selectors.scorecard_document(selectors.scorecard(acting_user(request)))


@router.get("/metrics/{key}", response={200: MetricOut, **REFUSALS}, auth=READ)
def metric(request: HttpRequest, key: str) -> Any:
    """One metric now, with its formula, thresholds, the records behind it and its trend."""
    return selectors.metric_document(selectors.metric_by_key(acting_user(request), key))


@router.get("/snapshots", response={200: Page[SnapshotOut], **REFUSALS}, auth=READ)
def snapshots(request: HttpRequest, query: Query[PageQuery]) -> Any:
    """The monthly snapshots, newest first."""
    return paginate(selectors.snapshots_visible_to(acting_user(request)), page=query.page, page_size=query.page_size)


@router.post("/snapshots", response={201: SnapshotOut, **REFUSALS}, auth=WRITE)
def take_snapshot(request: HttpRequest) -> Any:
    """Take this month's snapshot now, replacing the month's earlier one (the audit trail keeps it)."""
    return Status(201, services.take_snapshot(actor=acting_user(request)))


def _threshold_state(request: HttpRequest) -> dict[str, Any]:
    state = selectors.threshold_state(acting_user(request))
    in_force = [{"key": d.key, "label": d.label, **state.effective[d.key].as_dict(),
                 "in_words": state.effective[d.key].in_words(d.unit), "agreed": state.agreed(d.key)}
                for d in registry.kris()]
    return {"in_force": in_force, "active": state.active, "pending": state.pending}


@router.get("/thresholds", response={200: ThresholdStateOut, **REFUSALS}, auth=READ)
def thresholds(request: HttpRequest) -> Any:
    """Each KRI's thresholds in force (agreed, or the defaults), the agreement and a pending proposal."""
    return _threshold_state(request)


@router.post("/thresholds/proposals", response={201: ThresholdSetOut, **REFUSALS}, auth=WRITE)
def propose_thresholds(request: HttpRequest, payload: ThresholdsIn) -> Any:
    """The CISO or the CIO proposes thresholds; in force when the other one agrees."""
    given = {key: value.dict() for key, value in payload.thresholds.items()}
    return Status(201, services.propose_thresholds(actor=acting_user(request), thresholds=given,
                                                   reason=payload.reason))


@router.post("/thresholds/proposals/{set_id}/agree", response={200: ThresholdSetOut, **REFUSALS}, auth=WRITE)
def agree_thresholds(request: HttpRequest, set_id: DbId) -> Any:
    actor = acting_user(request)
    return services.agree_thresholds(actor=actor, threshold_set=selectors.threshold_set_by_id(actor, set_id))


@router.post("/thresholds/proposals/{set_id}/withdraw", response={200: ThresholdSetOut, **REFUSALS}, auth=WRITE)
def withdraw_thresholds(request: HttpRequest, set_id: DbId) -> Any:
    actor = acting_user(request)
    return services.withdraw_thresholds(actor=actor, threshold_set=selectors.threshold_set_by_id(actor, set_id))


@router.get("/partnership/{quarter}", response={200: PartnershipOut, **REFUSALS}, auth=READ)
def partnership(request: HttpRequest, quarter: str) -> Any:
    """The partnership review of a quarter (e.g. 2026Q4): its figures, conflicts, cadence slips,
    retrospectives, and the trend over the last four quarters."""
    return selectors.partnership_document(acting_user(request), quarter)


@router.post("/partnership/{quarter}/retrospectives", response={201: RetrospectiveOut, **REFUSALS}, auth=WRITE)
def record_retrospective(request: HttpRequest, quarter: str, payload: RetrospectiveIn) -> Any:
    """The CIO's or the CISO's retrospective, recorded on the decision log; each action becomes a
    follow-up of that decision with its owner (a username) and due day."""
    actions = [{"title": a.title, "owner": selectors.action_owner(a.owner), "due_on": a.due_on}
               for a in payload.actions]
    row = services.record_retrospective(actor=acting_user(request), quarter=quarter, worked=payload.worked,
                                        strained=payload.strained, actions=actions)
    return Status(201, selectors.retrospective_document(row))
