"""Board packs: one row per render of the quarterly PDF, with what it printed.

A pack keeps the PDF itself (a few hundred kilobytes), its SHA-256, and the figures it printed as
JSON, so the page, the API and the command line state exactly what the PDF states, and a test can
compare the two. It also keeps the audit trail's head it printed (row number and hash): the anchor a
later `accord audit verify --anchor ROW:HASH` checks.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PackStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class BoardPack(models.Model):
    period = models.CharField(max_length=6, help_text="The quarter it covers, e.g. 2026Q4.")
    period_start = models.DateField(help_text="The quarter's first day.")
    period_end = models.DateField(help_text="The quarter's last day.")
    status = models.CharField(max_length=8, choices=PackStatus.choices, default=PackStatus.QUEUED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                            help_text="The job that renders it.")
    as_of = models.DateField(null=True, blank=True,
                             help_text="The day (organisation's calendar) its figures were read.")
    rendered_at = models.DateTimeField(null=True, blank=True)
    render_seconds = models.FloatField(null=True, blank=True, help_text="Reading the figures and printing the PDF.")
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    pages = models.PositiveSmallIntegerField(null=True, blank=True)
    size_bytes = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the PDF.")
    figures = models.JSONField(default=dict, blank=True, help_text="Every figure the PDF prints, by section.")
    audit_seq = models.PositiveBigIntegerField(null=True, blank=True, help_text="The audit trail's head it printed.")
    audit_hash = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["period", "-requested_at"], name="boardpack_period_recent")]

    def __str__(self) -> str:
        return f"board pack {self.period} #{self.pk}"

    @property
    def ready(self) -> bool:
        return self.status == PackStatus.READY

    @property
    def state(self) -> str:
        """queued, running, ready or failed: the pack's status, or its job's while it is not printed
        (a job whose worker was lost is failed by the jobs app without the pack hearing of it)."""
        if self.status != PackStatus.QUEUED or self.job is None:
            return self.status
        return {"running": "running", "failed": PackStatus.FAILED}.get(self.job.status, PackStatus.QUEUED)

    @property
    def failure(self) -> str:
        """Why it was not printed: the pack's error, else its job's."""
        return self.error or (self.job.error if self.job is not None else "")

    @property
    def anchor(self) -> str:
        """ROW:HASH, as `accord audit verify --anchor` takes it ("" before the pack is rendered)."""
        return f"{self.audit_seq}:{self.audit_hash}" if self.audit_seq and self.audit_hash else ""

    @property
    def filename(self) -> str:
        return f"board-pack-{self.period}-{self.pk}.pdf"
