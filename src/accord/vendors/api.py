"""Vendors API: the register with each vendor's review figures, one vendor whole, its tier (matrix or
override), assessments against the questionnaire, findings, links to risk scenarios and IT projects, the
CSV import, the tier matrix and cadence, and the share of critical vendors assessed on time."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Query, Router, Status, UploadedFile

from accord.core import clock
from accord.core.api_auth import Capability, acting_user
from accord.core.api_common import REFUSALS, DbId, Text
from accord.core.errors import NotFound
from accord.core.permissions import Actor
from accord.org import selectors as org_selectors
from accord.reviews import selectors as review_selectors
from accord.risks import selectors as risk_selectors
from accord.vendors import importer, questionnaire, selectors, services
from accord.vendors.models import Vendor
from accord.vendors.schemas import (
    AssessmentIn,
    AssessmentOut,
    CloseFindingIn,
    FindingIn,
    FindingOut,
    ImportReportOut,
    OnTimeOut,
    TierIn,
    TiersOut,
    VendorIn,
    VendorOut,
    VendorPageOut,
    VendorPatch,
    VendorQuery,
)
from accord.vendors.tiers import CRITICALITIES, REMINDER_LEAD_DAYS, cadence_rows, matrix_rows

router = Router(tags=["vendors"])
READ, WRITE = Capability("vendor.read"), Capability("vendor.write")


def _whole(viewer: Actor, vendor: Vendor) -> dict[str, Any]:
    vendor = selectors.vendor_by_slug(viewer, vendor.slug)
    return selectors.detail_document(selectors.vendor_detail(viewer, vendor))


def _fields(actor: Actor, payload: dict[str, Any]) -> dict[str, Any]:
    """Ids of people and services become rows the viewer may see (an unknown id answers 404)."""
    fields = dict(payload)
    if "owner_id" in fields:
        fields["owner"] = org_selectors.person_by_id(actor, fields.pop("owner_id"))
    if "business_service_ids" in fields:
        ids = fields.pop("business_service_ids")
        fields["business_services"] = None if ids is None else [org_selectors.service_by_id(actor, i) for i in ids]
    if fields.get("slug") is None:
        fields.pop("slug", None)
    return fields


@router.get("/", response={200: VendorPageOut, **REFUSALS}, auth=READ)
def list_vendors(request: HttpRequest, query: Query[VendorQuery]) -> Any:
    """The register, most urgent tier first then by due day; each row's figures are as of `as_of`."""
    filters = selectors.VendorFilter(q=query.q, tier=query.tier, status=query.status, review=query.review)
    as_of = clock.today()
    rows = selectors.register_rows(acting_user(request), filters, as_of=as_of)
    start = (query.page - 1) * query.page_size
    return {"count": len(rows), "page": query.page, "page_size": query.page_size, "as_of": as_of,
            "items": [selectors.row_document(r) for r in rows[start:start + query.page_size]]}


@router.post("/", response={201: VendorOut, **REFUSALS}, auth=WRITE)
def create_vendor(request: HttpRequest, payload: VendorIn) -> Any:
    actor = acting_user(request)
    fields = _fields(actor, payload.dict())
    vendor = services.create_vendor(actor=actor, business_services=fields.pop("business_services") or (), **fields)
    return Status(201, _whole(actor, vendor))


@router.post("/import", response={200: ImportReportOut, **REFUSALS}, auth=WRITE)
def import_vendors(request: HttpRequest, file: File[UploadedFile]) -> Any:
    """A CSV of vendors (see docs/vendors.md): all rows or none; each problem names its line and column."""
    return importer.import_vendors_csv(actor=acting_user(request), file=file, filename=file.name or "vendors.csv")


@router.get("/tiers", response={200: TiersOut, **REFUSALS}, auth=READ)
def tiers(request: HttpRequest) -> Any:
    """The tier matrix (data sensitivity x criticality) and the review cadence per tier."""
    return {"criticalities": list(CRITICALITIES), "matrix": matrix_rows(), "cadence": cadence_rows(),
            "reminder_lead_days": REMINDER_LEAD_DAYS}


@router.get("/questionnaire", response={200: dict[str, Any], **REFUSALS}, auth=READ)
def get_questionnaire(request: HttpRequest) -> Any:
    """The questionnaire in force: its version, and each question's weight and answers (score 0-1, null: n/a)."""
    return questionnaire.current().as_dict()


@router.get("/on-time", response={200: OnTimeOut, **REFUSALS}, auth=READ)
def on_time(request: HttpRequest) -> Any:
    """Critical vendors assessed on time (the scorecard's metric), as of today."""
    figures = selectors.on_time(acting_user(request))
    return {"as_of": figures.as_of, "critical": figures.critical, "on_time": figures.on_time,
            "percent": figures.percent, "overdue": [r.vendor.slug for r in figures.overdue]}


@router.post("/findings/{finding_id}/close", response={200: FindingOut, **REFUSALS}, auth=WRITE)
def close_finding(request: HttpRequest, finding_id: DbId, payload: CloseFindingIn) -> Any:
    actor = acting_user(request)
    finding = services.close_finding(actor=actor, finding=selectors.finding_by_id(actor, finding_id),
                                     status=payload.status, note=payload.note)
    return selectors.finding_document(selectors.finding_by_id(actor, finding.pk))


@router.get("/{slug}", response={200: VendorOut, **REFUSALS}, auth=READ)
def get_vendor(request: HttpRequest, slug: Text) -> Any:
    actor = acting_user(request)
    return _whole(actor, selectors.vendor_by_slug(actor, slug))


@router.patch("/{slug}", response={200: VendorOut, **REFUSALS}, auth=WRITE)
def update_vendor(request: HttpRequest, slug: Text, payload: VendorPatch) -> Any:
    actor = acting_user(request)
    vendor = selectors.vendor_by_slug(actor, slug)
    fields = _fields(actor, payload.dict(exclude_unset=True))
    services.update_vendor(actor=actor, vendor=vendor, business_services=fields.pop("business_services", None),
                           **fields)
    return _whole(actor, vendor)


@router.post("/{slug}/tier", response={200: VendorOut, **REFUSALS}, auth=WRITE)
def set_tier(request: HttpRequest, slug: Text, payload: TierIn) -> Any:
    """Override the matrix's tier with a reason; an empty tier goes back to the matrix's."""
    actor = acting_user(request)
    vendor = services.override_tier(actor=actor, vendor=selectors.vendor_by_slug(actor, slug), tier=payload.tier,
                                    reason=payload.reason)
    return _whole(actor, vendor)


@router.post("/{slug}/assessments", response={201: AssessmentOut, **REFUSALS}, auth=WRITE)
def assess(request: HttpRequest, slug: Text, payload: AssessmentIn) -> Any:
    """Record an assessment: every question answered; the score (0-100) is computed, not given."""
    actor = acting_user(request)
    vendor = selectors.vendor_by_slug(actor, slug)
    findings = [services.NewFinding(text=f.text, owner=org_selectors.person_by_id(actor, f.owner_id), due_on=f.due_on)
                for f in payload.findings]
    assessment = services.record_assessment(actor=actor, vendor=vendor, answers=payload.answers,
                                            assessed_on=payload.assessed_on, notes=payload.notes, findings=findings)
    return Status(201, selectors.assessment_document(selectors.assessment_by_id(actor, assessment.pk)))


@router.post("/{slug}/findings", response={201: FindingOut, **REFUSALS}, auth=WRITE)
def add_finding(request: HttpRequest, slug: Text, payload: FindingIn) -> Any:
    actor = acting_user(request)
    vendor = selectors.vendor_by_slug(actor, slug)
    assessment = selectors.assessment_by_id(actor, payload.assessment_id)
    if assessment.vendor_id != vendor.pk:
        raise NotFound("assessment of this vendor", payload.assessment_id)
    finding = services.add_finding(actor=actor, assessment=assessment, text=payload.text,
                                   owner=org_selectors.person_by_id(actor, payload.owner_id), due_on=payload.due_on)
    return Status(201, selectors.finding_document(selectors.finding_by_id(actor, finding.pk)))


@router.post("/{slug}/risks/{scenario}", response={200: VendorOut, **REFUSALS}, auth=WRITE)
def link_scenario(request: HttpRequest, slug: Text, scenario: Text) -> Any:
    actor = acting_user(request)
    vendor = selectors.vendor_by_slug(actor, slug)
    services.link_scenario(actor=actor, vendor=vendor, scenario=risk_selectors.scenario_by_slug(actor, scenario))
    return _whole(actor, vendor)


@router.delete("/{slug}/risks/{scenario}", response={200: VendorOut, **REFUSALS}, auth=WRITE)
def unlink_scenario(request: HttpRequest, slug: Text, scenario: Text) -> Any:
    actor = acting_user(request)
    vendor = selectors.vendor_by_slug(actor, slug)
    services.unlink_scenario(actor=actor, vendor=vendor, scenario=risk_selectors.scenario_by_slug(actor, scenario))
    return _whole(actor, vendor)


@router.post("/{slug}/projects/{project}", response={200: VendorOut, **REFUSALS}, auth=WRITE)
def link_project(request: HttpRequest, slug: Text, project: Text) -> Any:
    actor = acting_user(request)
    vendor = selectors.vendor_by_slug(actor, slug)
    services.link_project(actor=actor, vendor=vendor, project=review_selectors.project_by_key(actor, project))
    return _whole(actor, vendor)


@router.delete("/{slug}/projects/{project}", response={200: VendorOut, **REFUSALS}, auth=WRITE)
def unlink_project(request: HttpRequest, slug: Text, project: Text) -> Any:
    actor = acting_user(request)
    vendor = selectors.vendor_by_slug(actor, slug)
    services.unlink_project(actor=actor, vendor=vendor, project=review_selectors.project_by_key(actor, project))
    return _whole(actor, vendor)
