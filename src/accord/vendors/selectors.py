"""Permission-scoped reads of the vendor register, and the figures computed once for the pages, the API,
the CLI and the scorecard: each vendor's review state (`rows_of`) and the share of critical vendors
assessed on time (`on_time`).

Other apps read vendors only through these: the scorecard calls `on_time(viewer, today)`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Max, Prefetch, Q, QuerySet

from accord.core import clock
from accord.core.errors import NotFound
from accord.core.money import NO_VALUE
from accord.core.permissions import Actor, HasCapabilities, can, require
from accord.reviews import selectors as review_selectors
from accord.vendors.models import (
    Assessment,
    FindingStatus,
    Vendor,
    VendorFinding,
    VendorProjectLink,
    VendorRiskLink,
    VendorStatus,
    VendorTier,
)
from accord.vendors.tiers import CADENCE_MONTHS, REMINDER_LEAD_DAYS, TIER_ORDER, matrix_tier, next_review_due

READ = "vendor.read"


@dataclass(frozen=True)
class VendorFilter:
    q: str = ""
    tier: str = ""
    status: str = ""
    review: str = ""  # "overdue", "due_soon" or "on_time"


def vendors_visible_to(viewer: HasCapabilities, filters: VendorFilter | None = None) -> QuerySet[Vendor]:
    """Vendors with their last assessment day (`last_assessed_on`, None when never assessed here)."""
    require(viewer, READ)
    f = filters or VendorFilter()
    qs = (Vendor.objects.select_related("owner").prefetch_related("business_services")
          .annotate(last_assessed_on=Max("assessments__assessed_on")))
    if f.q:
        qs = qs.filter(Q(name__icontains=f.q) | Q(slug__icontains=f.q) | Q(service_provided__icontains=f.q))
    if f.tier:
        qs = qs.filter(tier=f.tier)
    if f.status:
        qs = qs.filter(status=f.status)
    return qs.order_by("name")


def vendor_by_slug(viewer: HasCapabilities, slug: str) -> Vendor:
    found = vendors_visible_to(viewer).filter(slug=slug).first()
    if found is None:
        raise NotFound("vendor", slug)
    return found


# Review state ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class VendorRow:
    """A vendor with its review figures as of `as_of`."""

    vendor: Vendor
    matrix_tier: str
    last_assessed_on: date | None  # here or, before the first assessment here, the previous review's day
    next_due: date
    as_of: date

    @property
    def cadence_months(self) -> int:
        return CADENCE_MONTHS[self.vendor.tier]

    @property
    def days_left(self) -> int:
        """Days until the next review is due (negative: overdue by that many days)."""
        return (self.next_due - self.as_of).days

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)

    @property
    def review_state(self) -> str:
        """"exited" (no reviews after the contract ended), "overdue" (the due day has passed), "due_soon"
        (due within the reminder lead) or "on_time"."""
        if self.vendor.status == VendorStatus.EXITED:
            return "exited"
        if self.days_left < 0:
            return "overdue"
        return "due_soon" if self.days_left <= REMINDER_LEAD_DAYS else "on_time"

    @property
    def overridden(self) -> bool:
        return bool(self.vendor.tier_override)


def _last_assessed(vendor: Vendor) -> date | None:
    here = getattr(vendor, "last_assessed_on", None)
    if here is None and "last_assessed_on" not in vendor.__dict__:
        here = vendor.assessments.aggregate(day=Max("assessed_on"))["day"]
    return here if here is not None else vendor.previous_review_on


def row_of(vendor: Vendor, *, as_of: date | None = None) -> VendorRow:
    last = _last_assessed(vendor)
    return VendorRow(vendor=vendor, matrix_tier=matrix_tier(vendor.data_sensitivity, vendor.criticality),
                     last_assessed_on=last, next_due=next_review_due(vendor.tier, last, clock.day_of(vendor.created_at)),
                     as_of=as_of or clock.today())


def rows_of(vendors: Iterable[Vendor], *, as_of: date | None = None, review: str = "") -> list[VendorRow]:
    """Rows in the order given; with `review`, only those in that review state."""
    day = as_of or clock.today()
    rows = [row_of(v, as_of=day) for v in vendors]
    return [r for r in rows if r.review_state == review] if review else rows


def register_rows(viewer: HasCapabilities, filters: VendorFilter | None = None, *,
                  as_of: date | None = None) -> list[VendorRow]:
    """The register as the page, the API and the CLI list it: most urgent tier first, then by due day."""
    f = filters or VendorFilter()
    rows = rows_of(vendors_visible_to(viewer, f), as_of=as_of, review=f.review)
    return sorted(rows, key=lambda r: (r.review_state == "exited", TIER_ORDER[r.vendor.tier], r.next_due,
                                       r.vendor.name))


def row_document(row: VendorRow) -> dict[str, Any]:
    """A row's figures as the API and the CLI's --json print them."""
    v = row.vendor
    return {"slug": v.slug, "name": v.name, "tier": v.tier, "matrix_tier": row.matrix_tier,
            "tier_override_reason": v.tier_override_reason, "status": v.status,
            "owner": v.owner.name, "cadence_months": row.cadence_months,
            "last_assessed_on": row.last_assessed_on, "next_review_due": row.next_due,
            "days_left": row.days_left, "review_state": row.review_state, "as_of": row.as_of}


@dataclass(frozen=True)
class OnTime:
    """Critical vendors assessed on time: active or onboarding vendors of the critical tier whose next
    review is not past its due day, as of a day."""

    as_of: date
    critical: int
    on_time: int
    overdue: tuple[VendorRow, ...]

    @property
    def percent(self) -> float | None:
        return 100.0 * self.on_time / self.critical if self.critical else None

    @property
    def display(self) -> str:
        return NO_VALUE if self.percent is None else f"{self.percent:.1f}%"


def on_time(viewer: HasCapabilities, as_of: date | None = None) -> OnTime:
    day = as_of or clock.today()
    live = vendors_visible_to(viewer, VendorFilter(tier=VendorTier.CRITICAL)).exclude(status=VendorStatus.EXITED)
    rows = rows_of(live, as_of=day)
    overdue = tuple(r for r in rows if r.review_state == "overdue")
    return OnTime(as_of=day, critical=len(rows), on_time=len(rows) - len(overdue), overdue=overdue)


def due_for_reminder(as_of: date) -> list[VendorRow]:
    """Vendors (not exited) due within the reminder lead or overdue whose owner has not been reminded for
    this due day yet. For the daily tick, which runs as the system."""
    live = (Vendor.objects.exclude(status=VendorStatus.EXITED).select_related("owner__user")
            .annotate(last_assessed_on=Max("assessments__assessed_on")))
    return [r for r in rows_of(live, as_of=as_of)
            if r.review_state in ("overdue", "due_soon") and r.vendor.reminded_for != r.next_due]


# Assessments and findings -------------------------------------------------------------------------------

def assessments_of(viewer: HasCapabilities, vendor: Vendor) -> QuerySet[Assessment]:
    require(viewer, READ)
    return vendor.assessments.select_related("assessed_by").prefetch_related(
        Prefetch("findings", queryset=VendorFinding.objects.select_related("owner")))


def assessment_by_id(viewer: HasCapabilities, assessment_id: int) -> Assessment:
    require(viewer, READ)
    found = Assessment.objects.select_related("vendor", "assessed_by").filter(pk=assessment_id).first()
    if found is None:
        raise NotFound("assessment", assessment_id)
    return found


def findings_of(viewer: HasCapabilities, vendor: Vendor, *, open_only: bool = False) -> QuerySet[VendorFinding]:
    require(viewer, READ)
    qs = VendorFinding.objects.filter(assessment__vendor=vendor).select_related("owner", "assessment")
    return qs.filter(status=FindingStatus.OPEN) if open_only else qs


def finding_by_id(viewer: HasCapabilities, finding_id: int) -> VendorFinding:
    require(viewer, READ)
    found = VendorFinding.objects.select_related("assessment__vendor", "owner").filter(pk=finding_id).first()
    if found is None:
        raise NotFound("vendor finding", finding_id)
    return found


# Links -----------------------------------------------------------------------------------------------------

def risk_links_of(viewer: HasCapabilities, vendor: Vendor) -> QuerySet[VendorRiskLink]:
    """The vendor's risk scenarios; empty for a viewer who may not read risks."""
    require(viewer, READ)
    if not can(viewer, "risk.read"):
        return VendorRiskLink.objects.none()
    return vendor.risk_links.select_related("scenario")


def project_links_of(viewer: HasCapabilities, vendor: Vendor) -> QuerySet[VendorProjectLink]:
    """The vendor's IT projects; empty for a viewer who may not read reviews."""
    require(viewer, READ)
    if not can(viewer, "review.read"):
        return VendorProjectLink.objects.none()
    return vendor.project_links.select_related("project")


@dataclass(frozen=True)
class ProjectReviews:
    """A linked IT project and its vendor-tier security reviews (from the reviews app)."""

    project: Any
    reviews: list[Any]


def vendor_reviews_of(viewer: Actor, vendor: Vendor) -> list[ProjectReviews]:
    """Each linked project with its reviews of the vendor tier, newest first."""
    links = list(project_links_of(viewer, vendor))
    return [ProjectReviews(link.project, [r for r in review_selectors.reviews_visible_to(viewer, project=link.project)
                                          if r.tier == review_selectors.Tier.VENDOR]) for link in links]


def suggested_projects(viewer: Actor, vendor: Vendor) -> list[Any]:
    """Projects that name the vendor among their third parties and are not linked yet."""
    require(viewer, READ)
    if not can(viewer, "review.read"):
        return []
    linked = set(vendor.project_links.values_list("project_id", flat=True))
    name = vendor.name.strip().lower()
    candidates = review_selectors.projects_visible_to(viewer, review_selectors.ProjectFilter(q=vendor.name))
    return [p for p in candidates if p.pk not in linked
            and name in [n.strip().lower() for n in p.third_party_names.split(";")]]


# One vendor, whole ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class VendorDetail:
    row: VendorRow
    assessments: list[Assessment]
    findings: list[VendorFinding]
    risk_links: list[VendorRiskLink]
    projects: list[ProjectReviews]
    suggested_projects: list[Any]


def vendor_detail(viewer: Actor, vendor: Vendor, *, as_of: date | None = None) -> VendorDetail:
    return VendorDetail(row=row_of(vendor, as_of=as_of), assessments=list(assessments_of(viewer, vendor)),
                        findings=list(findings_of(viewer, vendor)), risk_links=list(risk_links_of(viewer, vendor)),
                        projects=vendor_reviews_of(viewer, vendor),
                        suggested_projects=suggested_projects(viewer, vendor))


def finding_document(finding: VendorFinding) -> dict[str, Any]:
    return {"id": finding.pk, "assessment_id": finding.assessment_id, "text": finding.text,
            "owner_id": finding.owner_id, "owner": finding.owner.name, "due_on": finding.due_on,
            "status": finding.status, "close_note": finding.close_note}


def assessment_document(assessment: Assessment) -> dict[str, Any]:
    return {"id": assessment.pk, "questionnaire_version": assessment.questionnaire_version,
            "answers": assessment.answers, "score": assessment.score, "assessed_on": assessment.assessed_on,
            "tier_at_assessment": assessment.tier_at_assessment, "notes": assessment.notes,
            "assessed_by": str(assessment.assessed_by),
            "findings": [finding_document(f) for f in assessment.findings.all()]}


def detail_document(detail: VendorDetail) -> dict[str, Any]:
    """A vendor whole, as the API answers it and the CLI's `show --json` prints it."""
    v = detail.row.vendor
    return {
        **row_document(detail.row),
        "service_provided": v.service_provided, "data_accessed": v.data_accessed,
        "data_sensitivity": v.data_sensitivity, "criticality": v.criticality,
        "business_services": [s.name for s in v.business_services.all()], "owner_id": v.owner_id,
        "contract_start": v.contract_start, "contract_end": v.contract_end,
        "previous_review_on": v.previous_review_on,
        "assessments": [assessment_document(a) for a in detail.assessments],
        "risk_scenarios": [{"slug": link.scenario.slug, "name": link.scenario.name} for link in detail.risk_links],
        "projects": [{"slug": p.project.slug, "name": p.project.name,
                      "vendor_reviews": [{"id": r.pk, "state": r.state, "requested_at": r.requested_at.isoformat()}
                                         for r in p.reviews]} for p in detail.projects],
        "suggested_projects": [{"slug": p.slug, "name": p.name} for p in detail.suggested_projects],
    }
