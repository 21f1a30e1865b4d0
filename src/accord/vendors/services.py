"""Every write of the vendor register: vendors (and their tier), assessments with their findings, the
links to risk scenarios and IT projects, the CSV import and the review reminders of the daily tick.
Each takes the acting user, runs in one transaction and leaves an audit row."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from accord.accounts import selectors as account_selectors
from accord.core import audit, clock
from accord.core.crud import validate
from accord.core.errors import Problem, ValidationFailed
from accord.core.permissions import Actor, Role, require
from accord.notifications.models import Event
from accord.notifications.services import notify
from accord.vendors import questionnaire, selectors
from accord.vendors.models import (
    Assessment,
    FindingStatus,
    Vendor,
    VendorFinding,
    VendorProjectLink,
    VendorRiskLink,
    VendorTier,
)
from accord.vendors.tiers import matrix_tier

WRITE = "vendor.write"
EDITABLE = frozenset({"name", "slug", "service_provided", "data_accessed", "data_sensitivity", "criticality",
                      "owner", "contract_start", "contract_end", "status", "previous_review_on"})
TEXT_FIELDS = ("name", "service_provided", "data_accessed")


def _text(field_name: str, value: str | None, *, what: str = "say why") -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationFailed.field(field_name, f"required: {what}")
    return text


def _snapshot(vendor: Vendor) -> dict[str, Any]:
    data = audit.snapshot(vendor)
    data["business_services"] = sorted(vendor.business_services.values_list("pk", flat=True)) if vendor.pk else []
    return data


def _apply(vendor: Vendor, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if name not in EDITABLE:
            raise ValidationFailed.field(name, "unknown or read-only field")
        setattr(vendor, name, value.strip() if isinstance(value, str) and name in TEXT_FIELDS else value)
    if not vendor.slug:
        vendor.slug = _unique_slug(vendor.name, exclude=vendor.pk)
    try:
        vendor.tier = vendor.tier_override or matrix_tier(vendor.data_sensitivity, vendor.criticality)
    except ValueError:  # an unknown choice: full_clean names the field
        vendor.tier = ""


def _unique_slug(name: str, exclude: int | None = None) -> str:
    base = slugify(name)[:70] or "vendor"
    slug, n = base, 1
    others = Vendor.objects.exclude(pk=exclude) if exclude is not None else Vendor.objects.all()
    while others.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _save(vendor: Vendor, business_services: Iterable[Any] | None) -> None:
    validate(vendor)
    try:
        with transaction.atomic():
            vendor.save()
    except IntegrityError as exc:
        raise ValidationFailed.field("name", f"conflicts with an existing vendor ({exc})") from None
    if business_services is not None:
        vendor.business_services.set(list(business_services))


@transaction.atomic
def create_vendor(*, actor: Actor, business_services: Iterable[Any] = (), **fields: Any) -> Vendor:
    """Register a vendor; its tier is the matrix's for its data sensitivity and criticality."""
    require(actor, WRITE)
    vendor = Vendor()
    _apply(vendor, fields)
    _save(vendor, business_services)
    audit.record(actor, "vendor.created", vendor, after=_snapshot(vendor))
    return vendor


@transaction.atomic
def update_vendor(*, actor: Actor, vendor: Vendor, business_services: Iterable[Any] | None = None,
                  **changes: Any) -> Vendor:
    """Change a vendor's facts; the tier follows the matrix unless it is overridden."""
    require(actor, WRITE)
    vendor = Vendor.objects.select_for_update().get(pk=vendor.pk)
    before = _snapshot(vendor)
    if "slug" in changes and changes["slug"] != vendor.slug:
        raise ValidationFailed.field("slug", "a vendor's id cannot change")
    _apply(vendor, changes)
    _save(vendor, business_services)
    audit.record_change(actor, "vendor.updated", vendor, before, _snapshot(vendor))
    return vendor


@transaction.atomic
def override_tier(*, actor: Actor, vendor: Vendor, tier: str, reason: str) -> Vendor:
    """Set the vendor's tier by hand, saying why; an empty `tier` goes back to the matrix's (also with a
    reason). Both are audited with the matrix's tier beside them."""
    require(actor, WRITE)
    if tier and tier not in VendorTier.values:
        raise ValidationFailed.field("tier", f"{tier!r} is not one of {', '.join(VendorTier.values)} (or empty "
                                             "for the matrix's)")
    reason = _text("reason", reason, what="say why the tier differs from the matrix's" if tier
                   else "say why the matrix's tier applies again")
    vendor = Vendor.objects.select_for_update().get(pk=vendor.pk)
    before = _snapshot(vendor)
    matrix = matrix_tier(vendor.data_sensitivity, vendor.criticality)
    vendor.tier_override = tier
    vendor.tier_override_reason = reason if tier else ""
    vendor.tier = tier or matrix
    vendor.save(update_fields=["tier", "tier_override", "tier_override_reason", "updated_at"])
    audit.record(actor, "vendor.tier_overridden" if tier else "vendor.tier_override_cleared", vendor,
                 before={k: before[k] for k in ("tier", "tier_override", "tier_override_reason")},
                 after={"tier": vendor.tier, "tier_override": tier, "tier_override_reason": vendor.tier_override_reason,
                        "matrix_tier": matrix, "reason": reason})
    return vendor


# Assessments and findings -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class NewFinding:
    text: str
    owner: Any  # an org Person
    due_on: date


def _check_finding(item: NewFinding, position: str = "") -> None:
    where = f"findings.{position}." if position else ""
    _text(f"{where}text", item.text, what="what was found")
    if item.owner is None:
        raise ValidationFailed.field(f"{where}owner", "required: who sees that it is fixed")
    if not isinstance(item.due_on, date):
        raise ValidationFailed.field(f"{where}due_on", "required: a date (YYYY-MM-DD)")


def _create_finding(actor: Actor, assessment: Assessment, item: NewFinding) -> VendorFinding:
    finding = VendorFinding.objects.create(assessment=assessment, text=item.text.strip(), owner=item.owner,
                                           due_on=item.due_on, created_by_id=actor.pk, created_at=timezone.now())
    audit.record(actor, "vendor_finding.created", finding, after=audit.snapshot(finding))
    return finding


@transaction.atomic
def record_assessment(*, actor: Actor, vendor: Vendor, answers: dict[str, str], assessed_on: date | None = None,
                      notes: str = "", findings: Sequence[NewFinding] = ()) -> Assessment:
    """Score a complete set of answers to the current questionnaire (0-100) and record the assessment, with
    any findings; the vendor's next review is then due its tier's cadence after `assessed_on` (today by
    default, never in the future)."""
    require(actor, WRITE)
    form = questionnaire.current()
    score = questionnaire.score(form, {str(k): str(v) for k, v in (answers or {}).items()})
    day = assessed_on or clock.today()
    if day > clock.today():
        raise ValidationFailed.field("assessed_on", "an assessment cannot be recorded before it happens")
    for position, item in enumerate(findings, start=1):
        _check_finding(item, str(position))
    vendor = Vendor.objects.select_for_update().get(pk=vendor.pk)
    assessment = Assessment.objects.create(
        vendor=vendor, questionnaire_version=form.version, answers=dict(answers), score=score, assessed_on=day,
        tier_at_assessment=vendor.tier, notes=(notes or "").strip(), assessed_by_id=actor.pk, recorded_at=timezone.now())
    audit.record(actor, "vendor.assessed", assessment, after=audit.snapshot(assessment))
    for item in findings:
        _create_finding(actor, assessment, item)
    return assessment


@transaction.atomic
def add_finding(*, actor: Actor, assessment: Assessment, text: str, owner: Any, due_on: date) -> VendorFinding:
    require(actor, WRITE)
    item = NewFinding(text=text, owner=owner, due_on=due_on)
    _check_finding(item)
    return _create_finding(actor, assessment, item)


@transaction.atomic
def close_finding(*, actor: Actor, finding: VendorFinding, status: str, note: str = "") -> VendorFinding:
    """Mark a finding resolved, or accepted as it is (which needs a note saying why)."""
    require(actor, WRITE)
    if status not in (FindingStatus.RESOLVED, FindingStatus.ACCEPTED):
        raise ValidationFailed.field("status", "resolved or accepted")
    if status == FindingStatus.ACCEPTED:
        note = _text("note", note, what="say why the finding is accepted as it is")
    finding = VendorFinding.objects.select_for_update().get(pk=finding.pk)
    if finding.status != FindingStatus.OPEN:
        raise ValidationFailed.field("status", f"the finding is already {finding.get_status_display().lower()}")
    before = audit.snapshot(finding)
    finding.status, finding.close_note = status, (note or "").strip()
    finding.closed_by_id, finding.closed_at = actor.pk, timezone.now()
    finding.save()
    audit.record_change(actor, "vendor_finding.closed", finding, before, audit.snapshot(finding))
    return finding


# Links ---------------------------------------------------------------------------------------------------

def _link_identity(link: Any, kind: str) -> tuple[str, str, str]:
    return (f"vendors.{kind}", str(link.pk), str(link))


@transaction.atomic
def link_scenario(*, actor: Actor, vendor: Vendor, scenario: Any) -> VendorRiskLink:
    """Link the vendor to a risk scenario (one the actor read through the risk register's selectors)."""
    require(actor, WRITE)
    require(actor, "risk.read")
    if VendorRiskLink.objects.filter(vendor=vendor, scenario=scenario).exists():
        raise ValidationFailed.field("scenario", f"{vendor} is already linked to {scenario.slug!r}")
    link = VendorRiskLink.objects.create(vendor=vendor, scenario=scenario, linked_by_id=actor.pk, linked_at=timezone.now())
    audit.record(actor, "vendor.risk_linked", vendor, after={"scenario": scenario.slug})
    return link


@transaction.atomic
def unlink_scenario(*, actor: Actor, vendor: Vendor, scenario: Any) -> None:
    require(actor, WRITE)
    deleted, _ = VendorRiskLink.objects.filter(vendor=vendor, scenario=scenario).delete()
    if not deleted:
        raise ValidationFailed.field("scenario", f"{vendor} is not linked to {scenario.slug!r}")
    audit.record(actor, "vendor.risk_unlinked", vendor, before={"scenario": scenario.slug})


@transaction.atomic
def link_project(*, actor: Actor, vendor: Vendor, project: Any) -> VendorProjectLink:
    """Link the vendor to an IT project (read through the reviews app's selectors): the vendor's page then
    shows the project's vendor reviews."""
    require(actor, WRITE)
    require(actor, "review.read")
    if VendorProjectLink.objects.filter(vendor=vendor, project=project).exists():
        raise ValidationFailed.field("project", f"{vendor} is already linked to {project.slug!r}")
    link = VendorProjectLink.objects.create(vendor=vendor, project=project, linked_by_id=actor.pk, linked_at=timezone.now())
    audit.record(actor, "vendor.project_linked", vendor, after={"project": project.slug})
    return link


@transaction.atomic
def unlink_project(*, actor: Actor, vendor: Vendor, project: Any) -> None:
    require(actor, WRITE)
    deleted, _ = VendorProjectLink.objects.filter(vendor=vendor, project=project).delete()
    if not deleted:
        raise ValidationFailed.field("project", f"{vendor} is not linked to {project.slug!r}")
    audit.record(actor, "vendor.project_unlinked", vendor, before={"project": project.slug})


# Reminders (the daily tick) -----------------------------------------------------------------------------------

def _recipients(vendor: Vendor) -> list[Any]:
    """The owner's account; the CISO when the owner has none (someone must hear of it)."""
    user = getattr(vendor.owner, "user", None)
    if user is not None and user.is_active:
        return [user]
    return list(account_selectors.holders_of({Role.CISO}))


@transaction.atomic
def remind_reviews_due(*, actor: Actor, today: date | None = None) -> int:
    """Tell each vendor's owner once per due day that its review is due within the reminder lead (or
    overdue). Returns how many vendors were reminded."""
    day = today or clock.today()
    rows = selectors.due_for_reminder(day)
    for row in rows:
        vendor = row.vendor
        when = (f"overdue since {row.next_due.isoformat()}" if row.days_left < 0
                else f"due on {row.next_due.isoformat()} ({row.days_left} days)")
        notify(event=Event.VENDOR_REVIEW_DUE, recipients=_recipients(vendor),
               title=f"Vendor review of {vendor.name} {when}",
               body=(f"{vendor.name} is a {vendor.get_tier_display().lower()}-tier vendor, reassessed every "
                     f"{row.cadence_months} months; last assessed "
                     f"{row.last_assessed_on.isoformat() if row.last_assessed_on else 'never'}."),
               url=f"/vendors/{vendor.slug}/", payload={"vendor": vendor.slug, "due": row.next_due.isoformat()})
        Vendor.objects.filter(pk=vendor.pk).update(reminded_for=row.next_due)
        audit.record(actor, "vendor.review_reminded", vendor,
                     after={"due": row.next_due, "owner": vendor.owner.name})
    return len(rows)


def problems_at(exc: ValidationFailed, line: int) -> list[Problem]:
    return [Problem(field=p.field, line=line, column=p.field or None, message=p.message) for p in exc.problems]
