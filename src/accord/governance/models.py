"""Sign-offs and decisions: the one way CIO, CISO and committee approve and decide.

A **sign-off** asks for approval of one thing (a patch plan, a policy change, a selection of
initiatives...) as it stands: it keeps a hash of the inputs it was asked on, the roles that must
approve (each *slot* is one approval by a holder of one of its roles) and whether they must be
different people. Approvals are append-only rows. A later change of the inputs voids the sign-off,
visibly, with the reason. The app that owns the subject applies the effect of a granted sign-off
in its own service, in the same transaction.

A **decision** is an append-only record: the question, the options with their figures, the
outcome, the rationale, who decided and when. A reversal is a new decision that points to the old.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models

from accord.core.models import AppendOnlyQuerySet


class SignOffStatus(models.TextChoices):
    OPEN = "open", "Open: awaiting approval"
    GRANTED = "granted", "Granted"
    REJECTED = "rejected", "Rejected"
    VOIDED = "voided", "Voided: the inputs changed"
    EXPIRED = "expired", "Expired"
    WITHDRAWN = "withdrawn", "Withdrawn"


CLOSED_STATUSES = (SignOffStatus.REJECTED, SignOffStatus.VOIDED, SignOffStatus.EXPIRED, SignOffStatus.WITHDRAWN)


class SignOff(models.Model):
    kind = models.CharField(max_length=40, db_index=True, help_text="What is approved: patch_plan, sla_policy, ...")
    subject_type = models.CharField(max_length=80, help_text="app_label.model of the thing approved")
    subject_id = models.CharField(max_length=64)
    subject_label = models.CharField(max_length=300)
    subject_url = models.CharField(max_length=300, blank=True)
    summary = models.TextField(blank=True, help_text="What is asked, in words.")
    figures = models.JSONField(default=dict, blank=True, help_text="The figures it is asked on.")
    inputs_hash = models.CharField(max_length=64, help_text="SHA-256 of the inputs it is asked on.")
    slots = models.JSONField(help_text='Roles that must approve, one approval per slot: [["cio"], ["ciso"]].')
    distinct_people = models.BooleanField(default=True)
    status = models.CharField(max_length=10, choices=SignOffStatus.choices, default=SignOffStatus.OPEN)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    expires_on = models.DateField(null=True, blank=True, help_text="A granted sign-off lapses after this day.")
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(max_length=300, blank=True)
    reminded_on = models.DateField(null=True, blank=True, help_text="When its expiry was last announced.")

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="signoff_subject"),
            models.Index(fields=["status", "kind"], name="signoff_status_kind"),
        ]

    def __str__(self) -> str:
        return f"sign-off #{self.pk}: {self.subject_label} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == SignOffStatus.OPEN

    @property
    def kind_label(self) -> str:
        from accord.governance.kinds import label

        return label(self.kind)


class Approval(models.Model):
    """One person's answer in one slot of a sign-off. Never changed or deleted."""

    signoff = models.ForeignKey(SignOff, on_delete=models.PROTECT, related_name="approvals")
    slot = models.PositiveSmallIntegerField()
    role = models.CharField(max_length=20)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved = models.BooleanField(help_text="False: rejected.")
    comment = models.TextField(blank=True)
    at = models.DateTimeField()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        verb = "approved" if self.approved else "rejected"
        return f"{self.user} {verb} as {self.role.upper()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("approvals are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("approvals are append-only")


class Decision(models.Model):
    """A decision on the log. Never changed or deleted: a reversal is a new decision."""

    question = models.CharField(max_length=300)
    options = models.JSONField(default=list, blank=True, help_text="[{label, figures}] considered.")
    outcome = models.TextField(help_text="What was decided.")
    rationale = models.TextField(blank=True)
    figures = models.JSONField(default=dict, blank=True, help_text="The figures the decision was taken on.")
    subject_type = models.CharField(max_length=80, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    subject_label = models.CharField(max_length=300, blank=True)
    subject_url = models.CharField(max_length=300, blank=True)
    signoff = models.ForeignKey(SignOff, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions")
    reverses = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    decided_on = models.DateField(help_text="In the organisation's calendar.")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="decision_subject")]

    def __str__(self) -> str:
        return self.question

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("decisions are append-only: record a new decision that reverses this one")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("decisions are append-only")
