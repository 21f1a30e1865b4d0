"""Maintenance windows, freezes, clusters, and the patch plans the CIO and the CISO sign.

A plan stores what the engine was given (the instance, its hash and the engine version) and what it
returned (greedy and optimised figures, bound, gap, frontier points with their assignments), so every
figure on its page can be re-run. `PlanItem` rows are the chosen point's schedule, one per job, for
the calendar, the exports and the SLA forecast.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from accord.core import clock
from accord.core.models import TimestampedModel
from accord.engine.patching.recurrence import describe, expand_rrule
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

    @property
    def recurrence_in_words(self) -> str:
        """"every Saturday at 22:00, 13 times", in the organisation's time zone."""
        from django.utils import timezone

        from accord.core import clock

        return describe(self.rrule, timezone.localtime(self.start, clock.zone()))

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


class AssumptionStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed, awaiting confirmation"
    ACTIVE = "active", "In force"
    SUPERSEDED = "superseded", "Superseded"
    WITHDRAWN = "withdrawn", "Withdrawn"


def _probability(**kwargs: Any) -> models.FloatField:
    return models.FloatField(validators=[MinValueValidator(0.0), MaxValueValidator(1.0)], **kwargs)


class ExposureAssumptions(models.Model):
    """The factors that turn open findings into expected loss per day (docs/patch-planner.md,
    "Exposure in money"). The CISO or the CIO proposes a set; it is in force once the other confirms.
    Rows are never edited: each change is a new row, so every plan names the set it was made with."""

    reach_internet = _probability(default=0.5, help_text="Reach factor of an internet-exposed asset.")
    reach_internal = _probability(default=0.05, help_text="Reach factor of an internal asset.")
    reach_isolated = _probability(default=0.01, help_text="Reach factor of an isolated asset.")
    kev_floor = _probability(default=0.2, help_text="Least 30-day exploitation probability of a KEV finding.")
    prior_none = _probability(default=0.001, help_text="30-day probability without EPSS, SSVC exploitation none.")
    prior_public = _probability(default=0.02, help_text="30-day probability without EPSS, public proof of concept.")
    prior_active = _probability(default=0.2, help_text="30-day probability without EPSS, active exploitation.")
    non_production_factor = _probability(
        default=0.25, help_text="Loss of a staging, test or development asset relative to production.")
    unvalued_host_loss = models.FloatField(
        default=10_000.0, validators=[MinValueValidator(0.0), MaxValueValidator(1e15)],
        help_text="Loss if a host is compromised when no risk scenario or business service values it.")
    breach_penalty = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(0.0), MaxValueValidator(1e15)],
        help_text="What the optimiser counts per SLA breach (a priority, not a loss). Empty: the expected "
                  "loss of leaving the riskiest job open for the whole horizon.")
    reason = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=AssumptionStatus.choices, default=AssumptionStatus.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_role = models.CharField(max_length=8)
    proposed_at = models.DateTimeField()
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    signoff = models.ForeignKey("governance.SignOff", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", help_text="The CISO's and the CIO's approvals of this set.")

    FACTORS = ("reach_internet", "reach_internal", "reach_isolated", "kev_floor", "prior_none", "prior_public",
               "prior_active", "non_production_factor", "unvalued_host_loss", "breach_penalty")

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name_plural = "exposure assumptions"

    def __str__(self) -> str:
        return f"exposure assumptions #{self.pk} ({self.status})"

    def factors(self) -> dict[str, float | None]:
        return {name: getattr(self, name) for name in self.FACTORS}


class PatchPlan(models.Model):
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.PROPOSED)
    starts_at = models.DateTimeField()
    horizon_days = models.PositiveIntegerField()
    disruption_budget = models.FloatField(null=True, blank=True)
    time_limit = models.FloatField()
    # An index into result["frontier"]: the point whose schedule is the plan (None only in plans made
    # before engine 2.0, where it meant "the plan solved under the budget").
    chosen_point = models.IntegerField(null=True, blank=True)
    currency = models.CharField(max_length=8, blank=True, help_text="Of every amount in the plan; empty in plans "
                                "made before exposure was money (an index then).")
    assumptions = models.ForeignKey(ExposureAssumptions, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="plans", help_text="The assumptions in force (none: the defaults).")
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
    """The roles that sign a patch plan (one each, two different people)."""

    CIO = "cio", "CIO"
    CISO = "ciso", "CISO"


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

    @property
    def due_day(self) -> date | None:
        """The day the job is due, in the organisation's calendar (`due` is the end of that day)."""
        return None if self.due is None else clock.day_ending_at(self.due)


class EmergencyStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


# How emergency changes are grouped to be decided together: grouping -> EmergencyChange field.
EMERGENCY_GROUPS = {"action": "action", "service": "service_name", "asset": "hostname"}


class EmergencyChange(models.Model):
    """An out-of-window change the engine proposes for a KEV or `act` job it cannot fit by its due date."""

    plan = models.ForeignKey(PatchPlan, on_delete=models.CASCADE, related_name="emergencies")
    job_id = models.CharField(max_length=400)
    hostname = models.CharField(max_length=253)
    service_name = models.CharField(max_length=150, blank=True)
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
    signoff = models.ForeignKey("governance.SignOff", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", help_text="The decision asked of the CIO or the CISO.")

    class Meta:
        ordering = ["change_by", "id"]

    def __str__(self) -> str:
        return f"emergency change {self.hostname}: {self.action}"

    @property
    def due_day(self) -> date:
        """The day the job is due, in the organisation's calendar (`due` is the end of that day)."""
        return clock.day_ending_at(self.due)
