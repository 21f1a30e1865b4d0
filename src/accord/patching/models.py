"""Maintenance windows, freezes, clusters, and the patch plans the CIO and the CISO sign.

A plan stores what the engine was given (the instance, its hash and the engine version) and what it
returned (greedy and optimised figures, bound, gap, frontier points with their assignments), so every
figure on its page can be re-run. `PlanItem` rows are the chosen point's schedule, one per job, for
the calendar, the exports and the SLA forecast.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from accord.core.models import TimestampedModel
from accord.engine.patching.recurrence import expand_rrule
from accord.org.models import Asset, BusinessService

MAX_WINDOW_MINUTES = 1440


class MaintenanceWindow(TimestampedModel):
    """When changes may run on a business service's assets and/or the assets carrying a tag.

    With both a service and a tag set, the window serves the assets of that service that carry the
    tag (e.g. ERP assets tagged `db`). A recurring window repeats by its RFC 5545 RRULE from `start`.
    """

    name = models.CharField(max_length=120, unique=True)
    business_service = models.ForeignKey(
        BusinessService, null=True, blank=True, on_delete=models.PROTECT, related_name="maintenance_windows"
    )
    asset_tag = models.CharField(max_length=60, blank=True, help_text="Serve the assets carrying this tag.")
    start = models.DateTimeField(help_text="The first (or only) occurrence.")
    duration_minutes = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_WINDOW_MINUTES)],
        help_text="At most a day (1440 minutes).",
    )
    max_changes = models.PositiveIntegerField(
        null=True, blank=True, help_text="Change capacity: most jobs in one occurrence (empty: no limit)."
    )
    rrule = models.CharField(
        max_length=300, blank=True, help_text="RFC 5545 recurrence rule, e.g. FREQ=WEEKLY;BYDAY=TH;COUNT=13."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        problems: dict[str, str] = {}
        self.asset_tag = self.asset_tag.strip().lower()
        self.rrule = self.rrule.strip()
        if self.business_service_id is None and not self.asset_tag:
            problems["business_service"] = "name a business service or an asset tag (or both)"
        if self.rrule and self.start is not None:
            try:
                expand_rrule(self.rrule, self.start, self.start, self.start + timedelta(days=400))
            except ValueError as exc:
                problems["rrule"] = f"not a recurrence rule: {exc}"
        if problems:
            raise ValidationError(problems)

    @property
    def target(self) -> str:
        parts = []
        if self.business_service_id:
            parts.append(str(self.business_service))
        if self.asset_tag:
            parts.append(f"#{self.asset_tag}")
        return " ".join(parts) or "nothing"


class Freeze(TimestampedModel):
    """A period in which nothing is scheduled except approved emergency changes."""

    start = models.DateTimeField()
    end = models.DateTimeField()
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["start"]

    def clean(self) -> None:
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValidationError({"end": "must be after the start"})

    def __str__(self) -> str:
        return f"{self.reason} ({self.start:%Y-%m-%d} to {self.end:%Y-%m-%d})"


class Cluster(TimestampedModel):
    """Redundant assets of which at most `max_down` may be rebooted in the same window."""

    name = models.CharField(max_length=120, unique=True)
    max_down = models.PositiveIntegerField(default=1)
    members = models.ManyToManyField(Asset, related_name="patch_clusters", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PlanStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    AGREED = "agreed", "Agreed (signed by CIO and CISO)"
    SUPERSEDED = "superseded", "Superseded"
    VOID = "void", "Void"


class PatchPlan(models.Model):
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.PROPOSED)
    starts_at = models.DateTimeField()
    horizon_days = models.PositiveIntegerField()
    disruption_budget = models.FloatField(null=True, blank=True)
    time_limit = models.FloatField()
    # None: the plan solved under `disruption_budget`; otherwise an index into result["frontier"].
    chosen_point = models.IntegerField(null=True, blank=True)
    instance = models.JSONField(help_text="The engine instance, as `accord patch plan --instance` reads it.")
    jobs = models.JSONField(help_text="Per job: asset, service, action and the findings it closes.")
    windows = models.JSONField(default=dict, help_text="Per window occurrence: window id, name, start, end.")
    result = models.JSONField(help_text="The engine's report: plan, greedy, bound, gap, frontier, emergencies.")
    engine_version = models.CharField(max_length=40)
    inputs_hash = models.CharField(max_length=64)
    duration_seconds = models.FloatField(default=0.0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    status_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"patch plan #{self.pk} ({self.status})"

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(days=self.horizon_days)


class SignRole(models.TextChoices):
    CIO = "cio", "CIO"
    CISO = "ciso", "CISO"


class PlanSignature(models.Model):
    """A signature; voided (kept, with the reason) when the plan changes after it was given."""

    plan = models.ForeignKey(PatchPlan, on_delete=models.CASCADE, related_name="signatures")
    role = models.CharField(max_length=4, choices=SignRole.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()
    # What was signed: the chosen point at signing time.
    chosen_point = models.IntegerField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "role"], condition=Q(voided_at__isnull=True),
                                    name="one_live_signature_per_role"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} signature of plan #{self.plan_id} by {self.user}"


class PlanItem(models.Model):
    """One job of the chosen point's schedule: into which window occurrence, or deferred."""

    plan = models.ForeignKey(PatchPlan, on_delete=models.CASCADE, related_name="items")
    job_id = models.CharField(max_length=400)
    asset = models.ForeignKey(Asset, null=True, on_delete=models.SET_NULL, related_name="+")
    hostname = models.CharField(max_length=253)
    service_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=300)
    window = models.ForeignKey(MaintenanceWindow, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    window_key = models.CharField(max_length=80, blank=True, help_text="Engine window id; empty when deferred.")
    window_start = models.DateTimeField(null=True, blank=True)
    window_end = models.DateTimeField(null=True, blank=True)
    minutes = models.FloatField()
    reboot = models.BooleanField()
    risk_per_day = models.FloatField()
    due = models.DateTimeField(null=True, blank=True)
    kev = models.BooleanField(default=False)
    decision = models.CharField(max_length=8, blank=True)
    findings = models.JSONField(help_text="[{id, title, cves, due_date}] of the findings this job closes.")

    class Meta:
        ordering = ["window_start", "hostname", "job_id"]
        indexes = [models.Index(fields=["plan", "window_start"], name="planitem_plan_window")]

    def __str__(self) -> str:
        return f"{self.hostname}: {self.action}"

    @property
    def deferred(self) -> bool:
        return not self.window_key


class EmergencyStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class EmergencyChange(models.Model):
    """An out-of-window change the engine proposes for a KEV or `act` job it cannot fit by its due date."""

    plan = models.ForeignKey(PatchPlan, on_delete=models.CASCADE, related_name="emergencies")
    job_id = models.CharField(max_length=400)
    hostname = models.CharField(max_length=253)
    action = models.CharField(max_length=300)
    due = models.DateTimeField()
    change_by = models.DateTimeField()
    work_minutes = models.FloatField()
    downtime_cost = models.FloatField()
    exposure_avoided = models.FloatField()
    reason = models.CharField(max_length=300)
    status = models.CharField(max_length=10, choices=EmergencyStatus.choices, default=EmergencyStatus.PROPOSED)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    justification = models.TextField(blank=True)

    class Meta:
        ordering = ["change_by", "id"]

    def __str__(self) -> str:
        return f"emergency change {self.hostname}: {self.action}"
