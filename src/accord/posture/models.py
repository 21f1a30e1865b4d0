"""The posture area's tables: frameworks imported from OSCAL, assessments with their subcategory scores,
and benchmark profiles. NIST CSF 2.0 itself is not a row: it ships as a file (accord.posture.frameworks)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models

from accord.core.models import TimestampedModel

MAX_SCORE = 4


class Tier(models.IntegerChoices):
    """The CSF 2.0 tiers: how rigorous the organisation's cybersecurity risk governance and management are."""

    PARTIAL = 1, "Tier 1: Partial"
    RISK_INFORMED = 2, "Tier 2: Risk Informed"
    REPEATABLE = 3, "Tier 3: Repeatable"
    ADAPTIVE = 4, "Tier 4: Adaptive"


def _score_field(**kwargs: object) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(MAX_SCORE)],
                                            **kwargs)  # type: ignore[arg-type]


class ImportedFramework(TimestampedModel):
    """A framework loaded from an OSCAL catalogue: the catalogue as imported, read with
    `frameworks.read_catalogue` each time (so a fix to the reader applies to old imports too)."""

    key = models.SlugField(max_length=60, unique=True, help_text="Short stable id, e.g. csf-2.1 or my-controls.")
    title = models.CharField(max_length=300)
    version = models.CharField(max_length=80, blank=True)
    oscal_uuid = models.CharField(max_length=36)
    catalogue = models.JSONField(help_text="The OSCAL catalogue document as imported.")
    filename = models.CharField(max_length=255, blank=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.title} ({self.key})"


class Assessment(TimestampedModel):
    """One look at the organisation against a framework on a day: its tier and a score per subcategory."""

    title = models.CharField(max_length=200)
    framework_key = models.CharField(max_length=60, default="csf-2.0")
    assessed_on = models.DateField(help_text="The day the profile describes.")
    tier = models.PositiveSmallIntegerField(choices=Tier.choices, null=True, blank=True,
                                            help_text="The organisation's CSF tier on that day.")
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.assessed_on})"


class Score(TimestampedModel):
    """A subcategory's current and target score (0 to 4), with the evidence, who owns it and when scored."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    subcategory = models.CharField(max_length=60)
    current = _score_field(help_text="0 (not done) to 4 (done, measured and improved).")
    target = _score_field(help_text="Where the organisation wants to be, 0 to 4.")
    evidence = models.TextField(blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    scored_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["assessment", "subcategory"]
        constraints = [models.UniqueConstraint(fields=["assessment", "subcategory"], name="posture_score_once")]

    def __str__(self) -> str:
        return f"{self.subcategory}: {self.current} / {self.target}"


class Benchmark(TimestampedModel):
    """A benchmark profile for an industry and a size: mean scores per category (and function) of peers."""

    key = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    framework_key = models.CharField(max_length=60, default="csf-2.0")
    industry = models.CharField(max_length=120)
    size = models.CharField(max_length=120)
    source = models.CharField(max_length=300, help_text="Who measured it (an ISAC's survey, or synthetic).")
    synthetic = models.BooleanField(default=False, help_text="Made up to show how the page works, not measured.")
    as_of = models.DateField()
    values = models.JSONField(help_text="Element id -> mean score 0..4, e.g. {\"GV.OC\": 2.4}.")
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["synthetic", "title"]

    def __str__(self) -> str:
        return self.title + (" (synthetic)" if self.synthetic else "")
