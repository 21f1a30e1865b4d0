"""Risk acceptances and exceptions: a leader-approved decision to live with a risk until a date.

The subject is a risk scenario, one finding, or a group of findings (the open findings of one CVE,
or the open findings one fix closes). An acceptance keeps the figures it was asked and granted on
(`frozen`), so that the daily review can tell when they changed materially (it is then *stale*) and
when it lapsed (*expired*). Approval goes through the governance sign-off (`signoff`); the effect of
a grant (the scenario's treatment, the findings' `accepted_until`) is applied through the owning
apps' services. The rules are in docs/acceptances.md.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models

from accord.core.models import TimestampedModel

DEFAULT_THRESHOLD = 100_000.0  # annual expected loss, in the organisation's currency


class SubjectKind(models.TextChoices):
    SCENARIO = "scenario", "Risk scenario"
    FINDING = "finding", "One finding"
    CVE = "cve", "The open findings of a CVE"
    FIX = "fix", "The open findings a fix closes"


FINDING_KINDS = (SubjectKind.FINDING, SubjectKind.CVE, SubjectKind.FIX)


class AcceptanceStatus(models.TextChoices):
    REQUESTED = "requested", "Requested: awaiting approval"
    GRANTED = "granted", "Granted"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"
    REVOKED = "revoked", "Revoked"
    EXPIRED = "expired", "Expired"
    RENEWED = "renewed", "Renewed (replaced by a newer acceptance)"


IN_FORCE = (AcceptanceStatus.GRANTED,)
ENDED = (AcceptanceStatus.REJECTED, AcceptanceStatus.WITHDRAWN, AcceptanceStatus.REVOKED, AcceptanceStatus.EXPIRED,
         AcceptanceStatus.RENEWED)


class AcceptanceSettings(TimestampedModel):
    """The organisation's acceptance settings (one row): from which annual expected loss both the CIO
    and the CISO must approve. Changed by a leader (`services.set_threshold`), audited."""

    dual_approval_threshold = models.FloatField(
        default=DEFAULT_THRESHOLD,
        help_text="Annual expected loss (organisation currency) from which the CIO and the CISO both approve.")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        verbose_name_plural = "acceptance settings"

    def __str__(self) -> str:
        return "acceptance settings"

    @classmethod
    def current(cls) -> AcceptanceSettings:
        """The settings row, or the defaults when none was saved (not written here)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class RiskAcceptance(TimestampedModel):
    subject_kind = models.CharField(max_length=10, choices=SubjectKind.choices)
    scenario = models.ForeignKey("risks.RiskScenario", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    finding = models.ForeignKey("vulns.Finding", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                db_index=False)
    cve = models.CharField(max_length=24, blank=True)
    fix_key = models.CharField(max_length=16, blank=True)
    subject_label = models.CharField(max_length=300, help_text="The subject in words, as it was when asked.")
    finding_ids = models.JSONField(default=list, blank=True,
                                   help_text="The open findings covered, as they were when asked (finding subjects).")
    justification = models.TextField()
    compensating_controls = models.TextField(blank=True)
    expires_on = models.DateField(help_text="The last day it is in force.")
    status = models.CharField(max_length=10, choices=AcceptanceStatus.choices, default=AcceptanceStatus.REQUESTED)
    # The figures it was asked and granted on: {currency, annual_loss, loss_per_day, epss, decision, kev,
    # findings, as_of}. See `figures.py`.
    frozen = models.JSONField(default=dict)
    dual_approval = models.BooleanField(help_text="At or above the threshold: the CIO and the CISO both approve.")
    threshold = models.FloatField(help_text="The threshold in force when it was asked.")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    signoff = models.ForeignKey("governance.SignOff", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    granted_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    end_reason = models.CharField(max_length=300, blank=True)
    stale_since = models.DateField(null=True, blank=True, help_text="When its figures changed materially.")
    stale_reasons = models.JSONField(default=list, blank=True)
    reminded_days = models.JSONField(default=list, blank=True,
                                     help_text="Expiry reminders sent: 30 and/or 7 (days before expiry).")
    renews = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="renewals")
    treatment_before = models.CharField(max_length=10, blank=True,
                                        help_text="A scenario's treatment before the grant, restored at its end.")
    migrated = models.BooleanField(default=False, help_text="Created by migration from a bare treatment 'accept'.")

    class Meta:
        ordering = ["expires_on", "id"]
        indexes = [models.Index(fields=["status", "expires_on"], name="acceptance_status_expiry")]

    def __str__(self) -> str:
        return f"acceptance #{self.pk}: {self.subject_label}"

    @property
    def is_stale(self) -> bool:
        return self.stale_since is not None and self.status == AcceptanceStatus.GRANTED

    @property
    def covers_findings(self) -> bool:
        return self.subject_kind in FINDING_KINDS

    def days_left(self, today: date) -> int:
        return (self.expires_on - today).days

    def frozen_value(self, name: str) -> Any:
        return (self.frozen or {}).get(name)
