"""Word when it matters: each user's inbox, their choice of events and channels, the
organisation's webhook targets, and every outgoing email or webhook call with its attempts."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Event(models.TextChoices):
    APPROVAL_REQUESTED = "approval.requested", "An approval is requested from me"
    APPROVAL_GRANTED = "approval.granted", "Something I asked for or approved is granted"
    APPROVAL_VOIDED = "approval.voided", "An approval I gave or asked for is voided"
    APPROVAL_EXPIRING = "approval.expiring", "An approval expires soon or expired"
    EMERGENCY_PROPOSED = "emergency.proposed", "Emergency changes are proposed"
    KEV_PAST_DUE = "kev.past_due", "KEV findings past due (daily digest)"
    ROLE_GRANTED = "role.granted", "Someone was given a role I hold (CIO or CISO)"
    JOB_FINISHED = "job.finished", "A job I started finished"
    JOB_FAILED = "job.failed", "A job I started failed"
    INCIDENT_OPENED = "incident.opened", "A severity 1 or 2 incident is opened"
    INCIDENT_UPDATE = "incident.update", "An executive update on an incident is written"
    INCIDENT_UPDATE_OVERDUE = "incident.update_overdue", "An incident's executive update is overdue"
    INCIDENT_DEADLINE = "incident.deadline", "An incident's regulatory deadline is near or passed"
    REVIEW_REQUESTED = "review.requested", "A security review is requested (security team)"
    REVIEW_CHANGED = "review.changed", "A security review I asked for, own or run moved on"
    REVIEW_OVERDUE = "review.overdue", "A security review I asked for, own or run is past its SLA"
    ACCEPTANCE_STALE = "acceptance.stale", "A risk acceptance went stale, expires soon or expired"
    STEERING_AGENDA = "steering.agenda", "A steering meeting's agenda is ready"
    STEERING_ACTION = "steering.action", "A steering follow-up action of mine is due or overdue"
    KRI_RED = "kri.red", "A key risk indicator turned red"
    VENDOR_REVIEW_DUE = "vendor.review_due", "A vendor I own is due for its review (or overdue)"


class Channel(models.TextChoices):
    INBOX = "inbox", "In Accord"
    EMAIL = "email", "Email"


# Without a saved choice: every event in the inbox; email for what needs the person to act.
DEFAULT_CHANNELS: dict[str, frozenset[str]] = {
    event: frozenset({Channel.INBOX} | ({Channel.EMAIL} if event in {
        Event.APPROVAL_REQUESTED, Event.APPROVAL_EXPIRING, Event.EMERGENCY_PROPOSED, Event.KEV_PAST_DUE,
        Event.ROLE_GRANTED, Event.JOB_FAILED, Event.INCIDENT_OPENED, Event.INCIDENT_UPDATE_OVERDUE,
        Event.INCIDENT_DEADLINE, Event.ACCEPTANCE_STALE, Event.STEERING_ACTION,
        Event.KRI_RED} else set()))
    for event in Event.values
}


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(max_length=40, choices=Event.choices)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="notification_inbox")]

    def __str__(self) -> str:
        return self.title


class Preference(models.Model):
    """A user's choice for one event and channel (absent: the default above)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=40, choices=Event.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    enabled = models.BooleanField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "event", "channel"], name="one_preference")]

    def __str__(self) -> str:
        return f"{self.user} {self.event} {self.channel}: {'on' if self.enabled else 'off'}"


class TargetKind(models.TextChoices):
    SLACK = "slack", "Slack (incoming webhook)"
    TEAMS = "teams", "Microsoft Teams (incoming webhook)"
    GENERIC = "generic", "Generic JSON, signed with HMAC-SHA256"


class WebhookTarget(models.Model):
    """Where the organisation's events are posted (a channel of the security or IT team)."""

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=10, choices=TargetKind.choices)
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=200, blank=True, help_text="Signs generic payloads (HMAC-SHA256).")
    events = models.JSONField(default=list, help_text="The events posted here.")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed after every retry"


class Delivery(models.Model):
    """One outgoing email or webhook call, sent as a job with retries and growing delays."""

    channel = models.CharField(max_length=10)  # email or webhook
    event = models.CharField(max_length=40)
    recipient = models.CharField(max_length=500, help_text="An email address, or the webhook target's name.")
    target = models.ForeignKey(WebhookTarget, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    subject = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.channel} to {self.recipient}: {self.subject} ({self.status})"
