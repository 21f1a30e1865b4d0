"""Security reviews of the CIO's projects: the roadmap (IT projects), their reviews with an
append-only list of transitions (from which the SLA clock's pauses and the metrics are computed),
the conditions of an approval, the pipeline gate's runs, the review SLA policy (changed by the CISO
and the CIO together, through a governance sign-off) and the working calendar the clocks count in.
"""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from typing import Any, NoReturn

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from accord.core.models import AppendOnlyQuerySet, OwnedAction, TimestampedModel


class DataClassification(models.TextChoices):
    PUBLIC = "public", "Public"
    INTERNAL = "internal", "Internal"
    CONFIDENTIAL = "confidential", "Confidential"
    RESTRICTED = "restricted", "Restricted"


class Exposure(models.TextChoices):
    NONE = "none", "None (internal network only)"
    PARTNER = "partner", "Partners (named third parties reach it)"
    PUBLIC = "public", "Public internet"


class ProjectStatus(models.TextChoices):
    IDEA = "idea", "Idea"
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    LIVE = "live", "Live"
    CANCELLED = "cancelled", "Cancelled"


class GateSeverity(models.TextChoices):
    """The lowest severity of an unaccepted result that fails the pipeline gate."""

    CRITICAL = "critical", "Critical"
    HIGH = "high", "High or critical"
    MEDIUM = "medium", "Medium or above"
    LOW = "low", "Low or above"


class ItProject(TimestampedModel):
    """One project of the CIO's roadmap."""

    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(max_length=80, unique=True, help_text="Short id used by the API, the CLI and the gate.")
    description = models.TextField(blank=True)
    sponsor = models.ForeignKey("org.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                help_text="The executive who pays for it.")
    owner = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+",
                              help_text="The project owner: asks for reviews and answers them.")
    business_service = models.ForeignKey("org.BusinessService", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+")
    go_live = models.DateField(null=True, blank=True, help_text="Planned go-live day.")
    data_classification = models.CharField(max_length=12, choices=DataClassification.choices,
                                           default=DataClassification.INTERNAL)
    exposure = models.CharField(max_length=8, choices=Exposure.choices, default=Exposure.NONE,
                                help_text="Who can reach it from outside.")
    third_parties = models.BooleanField(default=False, help_text="Third parties build, run or receive data of it.")
    third_party_names = models.CharField(max_length=300, blank=True, help_text="Which ones, separated by ';'.")
    status = models.CharField(max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED)
    gate_fail_on = models.CharField(max_length=8, choices=GateSeverity.choices, default=GateSeverity.HIGH,
                                    help_text="Pipeline gate: an unaccepted result at or above this fails it.")
    gate_fail_on_new = models.BooleanField(
        default=True, help_text="Pipeline gate: a result not seen since the last approved review fails it.")

    class Meta:
        ordering = ["name"]
        verbose_name = "IT project"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.third_party_names = "; ".join(n.strip() for n in self.third_party_names.split(";") if n.strip())
        if self.third_party_names and not self.third_parties:
            raise ValidationError({"third_parties": "names of third parties are given: say yes"})


class Tier(models.TextChoices):
    TRIAGE = "triage", "Triage only"
    LIGHT = "light", "Light review"
    FULL = "full", "Full review (threat model)"
    VENDOR = "vendor", "Vendor review"
    EMERGENCY = "emergency", "Emergency review"


class ReviewState(models.TextChoices):
    REQUESTED = "requested", "Requested"
    TRIAGED = "triaged", "Triaged"
    IN_REVIEW = "in_review", "In review"
    WAITING = "waiting", "Waiting on the requester"
    APPROVED = "approved", "Approved"
    CONDITIONS = "conditions", "Approved with conditions"
    REJECTED = "rejected", "Rejected"


OPEN_STATES = (ReviewState.REQUESTED, ReviewState.TRIAGED, ReviewState.IN_REVIEW, ReviewState.WAITING)
DECIDED_STATES = (ReviewState.APPROVED, ReviewState.CONDITIONS, ReviewState.REJECTED)
APPROVED_STATES = (ReviewState.APPROVED, ReviewState.CONDITIONS)


class Review(models.Model):
    """A request for a security review of a project, and where it stands. The SLA (business hours)
    is fixed when the tier is set, from the policy in force then; its clock runs from `requested_at`
    in the working calendar and stops while the review waits on the requester."""

    project = models.ForeignKey(ItProject, on_delete=models.PROTECT, related_name="reviews")
    state = models.CharField(max_length=10, choices=ReviewState.choices, default=ReviewState.REQUESTED)
    tier = models.CharField(max_length=10, choices=Tier.choices)
    suggested_tier = models.CharField(max_length=10, choices=Tier.choices,
                                      help_text="What the tier table gives for the project.")
    tier_reason = models.TextField(blank=True, help_text="Why the tier differs from the table's.")
    sla_hours = models.FloatField(help_text="Business hours to a decision, fixed when the tier was set.")
    sla_days = models.DecimalField(max_digits=6, decimal_places=2, help_text="The same SLA in business days.")
    scope = models.TextField(blank=True, help_text="What the requester asks to be reviewed.")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(db_index=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decision_note = models.TextField(blank=True)
    overdue_announced_at = models.DateTimeField(null=True, blank=True,
                                                help_text="When people were told it is past its SLA (once).")

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["state", "requested_at"], name="review_state")]

    def __str__(self) -> str:
        return f"review #{self.pk} of {self.project}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_approved(self) -> bool:
        return self.state in APPROVED_STATES


class Transition(models.Model):
    """One step of a review's workflow. Never changed or deleted: the pauses of its clock and the
    metrics are computed from these rows."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="transitions")
    from_state = models.CharField(max_length=10, blank=True, help_text="Empty for the request itself.")
    to_state = models.CharField(max_length=10, choices=ReviewState.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    note = models.TextField(blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_state or 'new'} → {self.to_state}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("review transitions are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("review transitions are append-only")

    @property
    def from_label(self) -> str:
        return ReviewState(self.from_state).label if self.from_state else ""


class ConditionStatus(models.TextChoices):
    OPEN = "open", "Open"
    MET = "met", "Met"
    WAIVED = "waived", "Waived"


class Condition(OwnedAction):
    """Something the project must do for its approval to stand, with an owner and a due day."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="conditions")
    status = models.CharField(max_length=8, choices=ConditionStatus.choices, default=ConditionStatus.OPEN)


class GateResult(models.TextChoices):
    PASS = "pass", "Pass"
    FAIL = "fail", "Fail"


class GateRun(models.Model):
    """One call of the pipeline gate: the file, the answer with its reasons, and the fingerprints of
    the file's results (a passing run on an approved review is the baseline of "new")."""

    project = models.ForeignKey(ItProject, on_delete=models.PROTECT, related_name="gate_runs")
    review = models.ForeignKey(Review, null=True, blank=True, on_delete=models.PROTECT, related_name="gate_runs",
                               help_text="The project's last approved review when the gate ran.")
    result = models.CharField(max_length=4, choices=GateResult.choices)
    reasons = models.JSONField(default=list)
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    results = models.PositiveIntegerField(help_text="Results read from the file.")
    counts = models.JSONField(default=dict, help_text="Unsuppressed results by severity.")
    fingerprints = models.JSONField(default=list)
    baseline = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 help_text="The passing run whose results were not new.")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"gate run #{self.pk} of {self.project}: {self.result}"


class PolicyStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed: awaiting the other leader"
    ACTIVE = "active", "In force"
    SUPERSEDED = "superseded", "Superseded"
    WITHDRAWN = "withdrawn", "Withdrawn or declined"


# Business days per tier when no policy has been agreed (the defaults).
DEFAULT_SLA_DAYS: dict[str, Decimal] = {
    Tier.TRIAGE: Decimal(2), Tier.LIGHT: Decimal(5), Tier.FULL: Decimal(10), Tier.VENDOR: Decimal(15),
    Tier.EMERGENCY: Decimal(1),
}
_DAYS = [MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal(250))]


class ReviewSlaPolicy(models.Model):
    """Business days to a decision per tier. The CISO or the CIO proposes; the other one confirms
    (a governance sign-off of kind `review_sla`)."""

    triage_days = models.DecimalField(max_digits=6, decimal_places=2, validators=_DAYS)
    light_days = models.DecimalField(max_digits=6, decimal_places=2, validators=_DAYS)
    full_days = models.DecimalField(max_digits=6, decimal_places=2, validators=_DAYS)
    vendor_days = models.DecimalField(max_digits=6, decimal_places=2, validators=_DAYS)
    emergency_days = models.DecimalField(max_digits=6, decimal_places=2, validators=_DAYS)
    reason = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=PolicyStatus.choices, default=PolicyStatus.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_role = models.CharField(max_length=8)
    proposed_at = models.DateTimeField()
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    signoff = models.ForeignKey("governance.SignOff", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", help_text="The proposal's sign-off: the other leader confirms.")

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = "review SLA policy"
        verbose_name_plural = "review SLA policies"

    def __str__(self) -> str:
        days = ", ".join(f"{tier} {_plain(value)}" for tier, value in self.days().items())
        return f"{days} business days ({self.status})"

    def days(self) -> dict[str, Decimal]:
        return {tier: getattr(self, f"{tier}_days") for tier in Tier.values}


def _plain(value: Decimal) -> str:
    return f"{value.normalize():f}"


WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class ReviewSettings(models.Model):
    """The organisation's working calendar for review clocks (one row). The time zone is the
    organisation's (TIME_ZONE); public holidays come from the `holidays` package by country and
    subdivision (no country: weekends only)."""

    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2, e.g. DE; empty: no holidays.")
    subdivision = models.CharField(max_length=10, blank=True, help_text="e.g. BY for Bavaria (optional).")
    day_start = models.TimeField(default=time(9))
    day_end = models.TimeField(default=time(17))
    workdays = models.CharField(max_length=20, default="0,1,2,3,4",
                                help_text="Working weekdays, 0 = Monday ... 6 = Sunday, separated by commas.")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "review settings"
        verbose_name_plural = "review settings"

    def __str__(self) -> str:
        return f"working calendar {self.country or 'weekends only'}"

    def weekdays(self) -> list[int]:
        return sorted({int(d) for d in self.workdays.split(",") if d.strip().isdecimal()})

    def clean(self) -> None:
        problems: dict[str, str] = {}
        self.country = self.country.strip().upper()
        self.subdivision = self.subdivision.strip().upper()
        days = [d.strip() for d in self.workdays.split(",") if d.strip()]
        if not days or any(not d.isdecimal() or int(d) > 6 for d in days):
            problems["workdays"] = "weekday numbers 0 (Monday) to 6 (Sunday), separated by commas"
        else:
            self.workdays = ",".join(str(d) for d in sorted({int(d) for d in days}))
        if self.day_start is not None and self.day_end is not None and self.day_start >= self.day_end:
            problems["day_end"] = "the working day ends after it starts"
        if self.subdivision and not self.country:
            problems["subdivision"] = "name the country too"
        if problems:
            raise ValidationError(problems)
