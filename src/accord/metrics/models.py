"""The scorecard's own tables: monthly snapshots of every metric, the KRI thresholds the CIO and the
CISO agreed, and the partnership retrospectives.

The metrics themselves are not stored: each is computed from its owning app's selectors when the
page is read (`accord.metrics.registry`). A snapshot keeps what they were on the day it was taken,
so trends survive later changes of the data.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models

from accord.core.models import AppendOnlyQuerySet


class Snapshot(models.Model):
    """Every metric's value on one day, one per calendar month (a new one for the month replaces it)."""

    month = models.DateField(unique=True, help_text="The first day of the month it stands for.")
    as_of = models.DateField(help_text="The day the figures are of, in the organisation's calendar.")
    values = models.JSONField(default=dict, help_text='{metric key: {"value": number or null, "status": "red"|...}}')
    taken_at = models.DateTimeField()
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=12, default="command",
                              help_text="schedule (the daily tick), command (by hand) or demo (generated history)")

    class Meta:
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"snapshot of {self.month:%Y-%m} (as of {self.as_of})"

    def value_of(self, key: str) -> float | None:
        entry: dict[str, Any] = self.values.get(key) or {}
        value = entry.get("value")
        return None if value is None else float(value)


class ThresholdStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed: awaiting the other leader"
    ACTIVE = "active", "Agreed: in force"
    SUPERSEDED = "superseded", "Superseded by a later agreement"
    WITHDRAWN = "withdrawn", "Withdrawn or declined"
    VOIDED = "voided", "Voided: replaced by a changed proposal"


class ThresholdSet(models.Model):
    """Red and amber thresholds of every KRI, proposed by one leader and agreed by the other (a
    governance sign-off of kind `kri_thresholds` whose inputs are the thresholds)."""

    thresholds = models.JSONField(help_text='{kri key: {"direction": "higher_is_worse"|"lower_is_worse", '
                                            '"amber": number, "red": number}}')
    reason = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=ThresholdStatus.choices, default=ThresholdStatus.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_role = models.CharField(max_length=8)
    proposed_at = models.DateTimeField()
    agreed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    agreed_at = models.DateTimeField(null=True, blank=True)
    signoff = models.ForeignKey("governance.SignOff", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")

    class Meta:
        ordering = ["-proposed_at", "-id"]

    def __str__(self) -> str:
        return f"KRI thresholds #{self.pk} ({self.status})"


class Retrospective(models.Model):
    """A leader's structured retrospective of one quarter of the partnership. Its text is also on the
    decision log (`decision`, append-only); its actions are steering follow-ups of that decision."""

    quarter = models.CharField(max_length=6, db_index=True, help_text="2026Q4")
    worked = models.TextField(help_text="What worked.")
    strained = models.TextField(help_text="What strained.")
    actions = models.JSONField(default=list, blank=True, help_text='[{"title", "owner", "due_on", "follow_up"}]')
    decision = models.ForeignKey("governance.Decision", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_role = models.CharField(max_length=8)
    recorded_at = models.DateTimeField()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["quarter", "recorded_at", "id"]

    def __str__(self) -> str:
        return f"retrospective of {self.quarter} by the {self.recorded_role.upper()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("retrospectives are append-only: record a new one")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("retrospectives are append-only")
