"""The vendor register: each third party that provides a service, the data it reaches and the business
services that depend on it; its tier (from data sensitivity by criticality, `accord.vendors.tiers`,
overridable with a reason); its assessments against the versioned questionnaire, with their score and
findings; and its links to risk scenarios and to IT projects (whose vendor reviews it then shows).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from accord.core.models import OwnedAction, TimestampedModel


class DataSensitivity(models.TextChoices):
    """The most sensitive data the vendor stores, processes or can reach."""

    NONE = "none", "None (no company data)"
    INTERNAL = "internal", "Internal"
    CONFIDENTIAL = "confidential", "Confidential (customer or employee data)"
    RESTRICTED = "restricted", "Restricted (payment, health, secrets, special categories)"


class Criticality(models.TextChoices):
    """What losing the vendor's service would do to the business."""

    LOW = "low", "Low (easy to replace, nothing stops)"
    MEDIUM = "medium", "Medium (a workaround exists)"
    HIGH = "high", "High (a business service degrades)"
    CRITICAL = "critical", "Critical (a business service stops)"


class VendorTier(models.TextChoices):
    CRITICAL = "critical", "Critical"
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class VendorStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ONBOARDING = "onboarding", "Onboarding"
    EXITED = "exited", "Exited (contract ended)"


class Vendor(TimestampedModel):
    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(max_length=80, unique=True, help_text="Short id used by the API and the CLI.")
    service_provided = models.TextField(help_text="What the vendor does for the company.")
    data_accessed = models.TextField(blank=True, help_text="Which data it stores, processes or can reach.")
    data_sensitivity = models.CharField(max_length=12, choices=DataSensitivity.choices,
                                        default=DataSensitivity.INTERNAL)
    criticality = models.CharField(max_length=8, choices=Criticality.choices, default=Criticality.MEDIUM)
    business_services = models.ManyToManyField("org.BusinessService", blank=True, related_name="+",
                                               help_text="The business services that depend on it.")
    owner = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+",
                              help_text="Who manages the relationship and is reminded of reviews.")
    contract_start = models.DateField(null=True, blank=True)
    contract_end = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=VendorStatus.choices, default=VendorStatus.ACTIVE)
    previous_review_on = models.DateField(
        null=True, blank=True, help_text="The last review done before Accord kept them (e.g. from an imported list); "
                                         "the cadence runs from it until the first assessment here.")
    # The tier in force: the matrix's, or the override's when one is set (set by the services only).
    tier = models.CharField(max_length=8, choices=VendorTier.choices, editable=False)
    tier_override = models.CharField(max_length=8, choices=VendorTier.choices, blank=True, editable=False)
    tier_override_reason = models.TextField(blank=True, editable=False)
    # The due day the last reminder was sent for: one reminder per due day.
    reminded_for = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["tier", "status"], name="vendor_tier_status")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.contract_start and self.contract_end and self.contract_end < self.contract_start:
            raise ValidationError({"contract_end": "the contract ends before it starts"})


class Assessment(models.Model):
    """One assessment of a vendor against a version of the questionnaire: the answers as given and the
    score they gave (0-100) when it was recorded."""

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="assessments")
    questionnaire_version = models.CharField(max_length=20)
    answers = models.JSONField(help_text="Question id -> answer key.")
    score = models.DecimalField(max_digits=5, decimal_places=1,
                                validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))])
    assessed_on = models.DateField(help_text="The day the assessment was done; the review cadence runs from it.")
    tier_at_assessment = models.CharField(max_length=8, choices=VendorTier.choices)
    notes = models.TextField(blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"assessment #{self.pk} of {self.vendor} ({self.score}/100)"


class FindingStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"
    ACCEPTED = "accepted", "Accepted as is"


class VendorFinding(OwnedAction):
    """Something an assessment found that the vendor (or we) must fix, with an owner and a due day."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="findings")
    status = models.CharField(max_length=8, choices=FindingStatus.choices, default=FindingStatus.OPEN)


class VendorRiskLink(models.Model):
    """A risk scenario the vendor takes part in (a breach at the vendor, its outage)."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="risk_links")
    scenario = models.ForeignKey("risks.RiskScenario", on_delete=models.CASCADE, related_name="+")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["vendor", "scenario"], name="vendor_risk_once")]

    def __str__(self) -> str:
        return f"{self.vendor} in risk {self.scenario_id}"


class VendorProjectLink(models.Model):
    """An IT project of the CIO's roadmap that the vendor builds, runs or receives data of."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="project_links")
    project = models.ForeignKey("reviews.ItProject", on_delete=models.CASCADE, related_name="+")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["vendor", "project"], name="vendor_project_once")]

    def __str__(self) -> str:
        return f"{self.vendor} in project {self.project_id}"
