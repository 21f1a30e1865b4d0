"""The steering committee's tables: members, meetings, agenda items, the committee's link to the
decision log, follow-up actions, and the rendered steering packs.

The decisions themselves live on governance's append-only log (`governance.Decision`); an
`ItemDecision` row says which agenda item and meeting a logged decision answered, and is append-only
as well. A follow-up action hangs off a logged decision, so actions can follow any decision on the
log (the partnership review's retrospective too), not only the committee's.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models

from accord.core.models import AppendOnlyQuerySet, TimestampedModel


class Seat(models.TextChoices):
    CIO = "cio", "CIO"
    CISO = "ciso", "CISO"
    BUSINESS_UNIT = "business_unit", "Business-unit representative"


class Member(TimestampedModel):
    """A seat on the committee held by a user; a business-unit representative names the business
    service (accord.org) they speak for. A member who leaves is made inactive, never deleted, so the
    attendance of past meetings still reads."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    seat = models.CharField(max_length=20, choices=Seat.choices)
    business_service = models.ForeignKey("org.BusinessService", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+", help_text="The business unit a representative speaks for.")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["seat", "id"]
        constraints = [models.UniqueConstraint(fields=["user"], condition=models.Q(active=True),
                                               name="steering_one_active_seat_per_user")]

    def __str__(self) -> str:
        where = f" ({self.business_service})" if self.business_service_id else ""
        return f"{self.user} · {self.get_seat_display()}{where}"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"


class Meeting(TimestampedModel):
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    minutes = models.TextField(blank=True)
    agenda_built_at = models.DateTimeField(null=True, blank=True)
    agenda_announced_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-starts_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%Y-%m-%d})"


class Source(models.TextChoices):
    """Where an agenda item comes from: one builder per source in accord.steering.agenda."""

    ACCEPTANCES = "acceptances", "Risk acceptances"
    REVIEWS = "reviews", "Security reviews"
    SLA = "sla", "Remediation SLA breaches"
    PATCH_PLANS = "patch_plans", "Patch plans awaiting signatures"
    EMERGENCIES = "emergencies", "Emergency changes"
    BUDGET = "budget", "Budget selections"
    RISKS = "risks", "Scenarios above appetite"
    INCIDENTS = "incidents", "Incidents needing an executive decision"
    MANUAL = "manual", "Added by hand"


class ItemStatus(models.TextChoices):
    OPEN = "open", "Open"
    DECIDED = "decided", "Decided"
    RESOLVED = "resolved", "Resolved outside the committee"


class AgendaItem(TimestampedModel):
    """One matter for the committee, with the figures it was built with (label, figure with its
    unit) and the day they were read (`as_of`). `source_key` identifies the matter in its source
    (e.g. "patch_plans:signoff:12"), so a rebuild updates the item instead of adding a twin."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="items")
    source = models.CharField(max_length=20, choices=Source.choices)
    source_key = models.CharField(max_length=120)
    title = models.CharField(max_length=300)
    reason = models.TextField(blank=True, help_text="Why it needs a joint decision, in words.")
    url = models.CharField(max_length=300, blank=True, help_text="The record in its own area.")
    figures = models.JSONField(default=list, blank=True, help_text="[[label, figure with its unit], ...]")
    as_of = models.DateField(help_text="The day the figures were read, in the organisation's calendar.")
    raised_on = models.DateField(help_text="The day the matter came to the committee.")
    status = models.CharField(max_length=10, choices=ItemStatus.choices, default=ItemStatus.OPEN)
    resolved_on = models.DateField(null=True, blank=True, help_text="Decided or gone from its source on this day.")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", help_text="Who added it by hand (manual items only).")

    class Meta:
        ordering = ["source", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "source_key"], name="steering_item_once_per_meeting")]

    def __str__(self) -> str:
        return self.title

    @property
    def figure_pairs(self) -> list[tuple[str, str]]:
        return [(str(label), str(value)) for label, value in self.figures]


class ItemDecision(models.Model):
    """Which agenda item (and so which meeting) a decision on the log answered. Append-only."""

    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="decisions")
    decision = models.OneToOneField("governance.Decision", on_delete=models.PROTECT, related_name="+")
    referred_to_board = models.BooleanField(default=False, help_text="The committee asks the board to decide.")
    taken_on = models.DateField(help_text="The day the committee took it: the meeting's day when a first decision "
                                          "is written up after the meeting, else the day it was recorded.")
    recorded_at = models.DateTimeField()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"decision #{self.decision_id} on item #{self.item_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("committee decisions are append-only: record a reversal")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("committee decisions are append-only")


class FollowUpStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"


class FollowUp(TimestampedModel):
    """An action a decision calls for: an owner, a due date, tracked until someone closes it."""

    decision = models.ForeignKey("governance.Decision", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    closing_note = models.TextField(blank=True)
    overdue_notified_on = models.DateField(null=True, blank=True, help_text="When its owner was told it is overdue.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title


class CommitteeSettings(models.Model):
    """One row: when remediation SLA breaches reach the agenda (see docs/steering.md)."""

    breach_threshold = models.PositiveIntegerField(
        default=10, help_text="A business service comes to the agenda with at least this many open findings past due.")
    kev_breach_threshold = models.PositiveIntegerField(
        default=1, help_text="... or with at least this many open KEV findings past due.")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return "steering committee settings"

    @classmethod
    def current(cls) -> CommitteeSettings:
        found, _ = cls.objects.get_or_create(pk=1)
        return found


class SteeringPack(models.Model):
    """A steering pack rendered by a job: the PDF as it was printed, and the figures it printed (the
    same document the API answers), so a later reader can see what the committee was given."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="packs")
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    document = models.JSONField(help_text="The agenda and figures the PDF was rendered from.")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"steering pack #{self.pk} for {self.meeting}"
