"""Long work run in the background: what was asked, by whom, how far it got and how it ended.

A job is a service call with an actor, run by a worker instead of the web request: the same audit
rows, the same all-or-nothing rule (the service's own transaction). A failed or killed job leaves
nothing half-written and can be retried with the same arguments.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class Job(models.Model):
    kind = models.CharField(max_length=60, help_text="What runs: vulns.import, patching.generate, ...")
    title = models.CharField(max_length=300)
    args = models.JSONField(default=dict, blank=True, help_text="The service's arguments (files by path).")
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.FloatField(default=0.0, help_text="0 to 1, as last reported.")
    progress_text = models.CharField(max_length=300, blank=True)
    result = models.JSONField(default=dict, blank=True, help_text="What the service returned (ids, counts, url).")
    error = models.TextField(blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    retry_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="retries")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["actor", "-created_at"], name="job_actor_recent"),
                   models.Index(fields=["status", "-created_at"], name="job_status_recent")]

    def __str__(self) -> str:
        return f"job #{self.pk} {self.kind} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)

    @property
    def seconds(self) -> float | None:
        if self.started_at is None:
            return None
        end = self.finished_at
        if end is None:
            from django.utils import timezone

            end = timezone.now()
        return (end - self.started_at).total_seconds()


class TickStep(models.Model):
    """A daily tick step that ran on a day: a step that must happen once a day (a digest) is skipped
    when the tick runs again the same day."""

    name = models.CharField(max_length=60)
    day = models.DateField(help_text="In the organisation's calendar.")
    result = models.CharField(max_length=300)
    finished_at = models.DateTimeField()

    class Meta:
        ordering = ["-day", "name"]
        constraints = [models.UniqueConstraint(fields=["name", "day"], name="tick_step_once_a_day")]

    def __str__(self) -> str:
        return f"{self.name} on {self.day}: {self.result}"
