"""The incident room: incidents, their append-only timeline, structured executive updates (facts
apart from judgements, each judgement with its ICD 203 likelihood and a confidence level), impact
as 90% intervals, actions tracked to closure, and the post-incident review.

The timeline is append-only typed events, as the audit trail and the decision log are: a row is
never changed or deleted, a correction is a new event. An executive update is a typed record that
is never changed either: the next update supersedes it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NoReturn

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from accord.core.models import TimestampedModel
from accord.org.models import Asset, BusinessService, Person


class AppendOnlyRows(models.QuerySet):
    """A queryset that refuses bulk changes: the rows it reads are never changed or deleted."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionError("incident timeline rows are append-only")

    def delete(self) -> NoReturn:
        raise PermissionError("incident timeline rows are append-only")


class AppendOnlyModel(models.Model):
    """A row that is written once: saving it again or deleting it is refused."""

    objects = AppendOnlyRows.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError(f"{self._meta.verbose_name} rows are append-only: record a new one")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError(f"{self._meta.verbose_name} rows are append-only")


class Severity(models.IntegerChoices):
    SEV1 = 1, "Severity 1: critical"
    SEV2 = 2, "Severity 2: major"
    SEV3 = 3, "Severity 3: moderate"
    SEV4 = 4, "Severity 4: minor"


class Phase(models.TextChoices):
    DETECT = "detect", "Detect"
    ANALYSE = "analyse", "Analyse"
    CONTAIN = "contain", "Contain"
    ERADICATE = "eradicate", "Eradicate"
    RECOVER = "recover", "Recover"
    CLOSED = "closed", "Closed"


PHASE_ORDER: tuple[str, ...] = tuple(Phase.values)
# Phases past containment: moving into one of them marks the incident contained (when not said already).
CONTAINED_PHASES = (Phase.ERADICATE, Phase.RECOVER, Phase.CLOSED)


class Likelihood(models.TextChoices):
    """The estimative terms of ICD 203 (US Intelligence Community Directive 203, Analytic Standards)."""

    ALMOST_NO_CHANCE = "almost_no_chance", "almost no chance"
    VERY_UNLIKELY = "very_unlikely", "very unlikely"
    UNLIKELY = "unlikely", "unlikely"
    ROUGHLY_EVEN = "roughly_even", "roughly even chance"
    LIKELY = "likely", "likely"
    VERY_LIKELY = "very_likely", "very likely"
    ALMOST_CERTAIN = "almost_certain", "almost certain"


# The probability range each term stands for, in percent (ICD 203, section D.6.e.(2)(a)).
LIKELIHOOD_RANGES: dict[str, tuple[int, int]] = {
    Likelihood.ALMOST_NO_CHANCE: (1, 5),
    Likelihood.VERY_UNLIKELY: (5, 20),
    Likelihood.UNLIKELY: (20, 45),
    Likelihood.ROUGHLY_EVEN: (45, 55),
    Likelihood.LIKELY: (55, 80),
    Likelihood.VERY_LIKELY: (80, 95),
    Likelihood.ALMOST_CERTAIN: (95, 99),
}


def likelihood_with_range(term: str) -> str:
    """The term as a briefing shows it, always with its range: "likely (55\u201380%)"."""
    low, high = LIKELIHOOD_RANGES[term]
    return f"{Likelihood(term).label} ({low}\u2013{high}%)"


class Confidence(models.TextChoices):
    """How much the judgement can be trusted: the quality of its sources and reasoning (ICD 203)."""

    LOW = "low", "low confidence"
    MODERATE = "moderate", "moderate confidence"
    HIGH = "high", "high confidence"


# Which flag of an incident starts which regime's clocks (the regimes are the clock engine's data files).
REGIME_FLAGS: dict[str, str] = {
    "gdpr": "personal_data",
    "nis2": "nis2_entity",
    "sec": "material",
    "dora": "dora_major",
}


def default_regimes() -> list[str]:
    return sorted(REGIME_FLAGS)


class IncidentSettings(models.Model):
    """The organisation's one row of incident settings: the executive update cadence per severity and
    the regulatory regimes that apply to it. Minutes; 0 means no executive cadence."""

    sev1_first_minutes = models.PositiveIntegerField(default=60, help_text="First executive note after a severity-1 is declared.")
    sev1_every_minutes = models.PositiveIntegerField(default=240, help_text="Then an update at least this often.")
    sev2_first_minutes = models.PositiveIntegerField(default=240)
    sev2_every_minutes = models.PositiveIntegerField(default=480)
    sev3_first_minutes = models.PositiveIntegerField(default=1440)
    sev3_every_minutes = models.PositiveIntegerField(default=1440)
    sev4_first_minutes = models.PositiveIntegerField(default=0)
    sev4_every_minutes = models.PositiveIntegerField(default=0)
    regimes = models.JSONField(default=default_regimes, blank=True,
                               help_text="The regulatory regimes that bind the organisation: gdpr, nis2, sec, dora.")
    deadline_notice_hours = models.PositiveIntegerField(
        default=12, help_text="Announce a regulatory deadline once when it is this close (or passed unmet).")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "incident settings"

    def __str__(self) -> str:
        return "incident settings"

    @classmethod
    def current(cls) -> IncidentSettings:
        row, _ = cls.objects.get_or_create(pk=1)
        return row

    def cadence(self, severity: int) -> tuple[int, int]:
        """(minutes to the first executive note, minutes between updates) for a severity; 0: none."""
        return (int(getattr(self, f"sev{severity}_first_minutes")), int(getattr(self, f"sev{severity}_every_minutes")))

    def clean(self) -> None:
        regimes = self.regimes if isinstance(self.regimes, list) else None
        if regimes is None or any(r not in REGIME_FLAGS for r in regimes):
            raise ValidationError({"regimes": f"a list among {', '.join(sorted(REGIME_FLAGS))}"})
        self.regimes = sorted(set(regimes))
        for severity in (1, 2, 3, 4):
            first, every = (getattr(self, f"sev{severity}_{k}_minutes") for k in ("first", "every"))
            if first is None or every is None:
                continue  # (refused by the field's own check)
            if (first == 0) != (every == 0):
                raise ValidationError({f"sev{severity}_every_minutes":
                                       "set both the first note and the interval, or neither (no cadence)"})


class Incident(TimestampedModel):
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, help_text="What happened, in a few lines.")
    severity = models.PositiveSmallIntegerField(choices=Severity.choices, default=Severity.SEV3)
    phase = models.CharField(max_length=10, choices=Phase.choices, default=Phase.DETECT)
    services = models.ManyToManyField(BusinessService, blank=True, related_name="incidents",
                                      help_text="The business services affected.")
    assets = models.ManyToManyField(Asset, blank=True, related_name="incidents")
    commander = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                  help_text="Who leads the response.")
    began_at = models.DateTimeField(null=True, blank=True,
                                    help_text="When it began (first malicious or faulty activity), best estimate.")
    detected_at = models.DateTimeField(help_text="When it was detected (an alert, a report, a call).")
    reported_at = models.DateTimeField(help_text="When it was reported to the response team and acknowledged.")
    contained_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    aware_at = models.DateTimeField(
        null=True, blank=True,
        help_text="When the organisation became aware in the regulators' sense; empty: the reported time.")
    severity_set_at = models.DateTimeField(help_text="When the current severity was declared.")
    personal_data = models.BooleanField(default=False, help_text="Personal data involved (GDPR art. 33).")
    nis2_entity = models.BooleanField(
        default=False, help_text="A significant incident of an essential or important entity (NIS2 art. 23).")
    material = models.BooleanField(
        default=False, help_text="Determined material to investors (SEC Form 8-K item 1.05).")
    materiality_determined_at = models.DateTimeField(null=True, blank=True)
    dora_major = models.BooleanField(
        default=False, help_text="Classified a major ICT-related incident of a financial entity (DORA art. 19).")
    dora_classified_at = models.DateTimeField(null=True, blank=True)
    exercise = models.BooleanField(default=False, help_text="A tabletop exercise: kept out of every metric.")
    scenario = models.CharField(max_length=60, blank=True, help_text="The built-in scenario it was started from.")
    overdue_notified_for = models.DateTimeField(
        null=True, blank=True, help_text="The due moment of the update whose lateness was announced.")
    deadlines_announced = models.JSONField(default=list, blank=True,
                                           help_text="Regulatory deadlines announced as near (regime:key).")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-reported_at", "-id"]
        indexes = [models.Index(fields=["phase", "exercise"], name="incident_open")]

    def __str__(self) -> str:
        return f"{'EXERCISE: ' if self.exercise else ''}INC-{self.pk}: {self.title}"

    @property
    def reference(self) -> str:
        return f"INC-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.phase != Phase.CLOSED

    @property
    def aware(self) -> datetime:
        """The moment the regulatory clocks count from."""
        return self.aware_at or self.reported_at

    def clean(self) -> None:
        problems: dict[str, str] = {}
        if self.began_at and self.detected_at and self.began_at > self.detected_at:
            problems["began_at"] = "must not be after the detection"
        if self.detected_at and self.reported_at and self.reported_at < self.detected_at:
            problems["reported_at"] = "must not be before the detection"
        if self.contained_at and self.detected_at and self.contained_at < self.detected_at:
            problems["contained_at"] = "must not be before the detection"
        if self.resolved_at and self.contained_at and self.resolved_at < self.contained_at:
            problems["resolved_at"] = "must not be before the containment"
        if self.resolved_at and self.detected_at and self.resolved_at < self.detected_at:
            problems.setdefault("resolved_at", "must not be before the detection")
        if self.materiality_determined_at and not self.material:
            problems["materiality_determined_at"] = "only for an incident determined material"
        if self.dora_classified_at and not self.dora_major:
            problems["dora_classified_at"] = "only for an incident classified major under DORA"
        if problems:
            raise ValidationError(problems)


class EventKind(models.TextChoices):
    OPENED = "opened", "Opened"
    PHASE = "phase", "Phase changed"
    SEVERITY = "severity", "Severity changed"
    UPDATE = "update", "Executive update"
    NOTE = "note", "Note"
    NOTIFICATION = "notification", "Notification sent"
    REGULATOR = "regulator", "Regulator notified"
    DECISION = "decision", "Decision recorded"
    CHANGE = "change", "Details changed"
    ACTION = "action", "Action"
    REVIEW = "review", "Post-incident review"


class TimelineEvent(AppendOnlyModel):
    """One typed event on an incident's timeline. Never changed or deleted."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="timeline")
    kind = models.CharField(max_length=15, choices=EventKind.choices)
    at = models.DateTimeField(help_text="When it happened.")
    recorded_at = models.DateTimeField(help_text="When it was written down.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    text = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    update = models.ForeignKey("ExecutiveUpdate", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["incident", "kind", "at"], name="timeline_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"


class ExecutiveUpdate(AppendOnlyModel):
    """A structured update for executives: bottom line, facts, judgements with stated likelihood and
    confidence, what we do not know yet, impact as 90% intervals, decisions needed, the next update.

    Never changed: the next update supersedes it. The downtime cost per hour of the affected services
    is kept as it was when the update was written, so its figures do not move afterwards."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="updates")
    number = models.PositiveIntegerField()
    bottom_line = models.TextField()
    unknowns = models.JSONField(default=list, blank=True, help_text="What we do not know yet.")
    decisions_needed = models.JSONField(default=list, blank=True,
                                        help_text="Decisions needed from the CIO or the executives.")
    records_low = models.PositiveBigIntegerField(null=True, blank=True)
    records_high = models.PositiveBigIntegerField(null=True, blank=True)
    downtime_hours_low = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True,
                                             validators=[MinValueValidator(0)])
    downtime_hours_high = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True,
                                              validators=[MinValueValidator(0)])
    other_cost_low = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True,
                                         validators=[MinValueValidator(0)])
    other_cost_high = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True,
                                          validators=[MinValueValidator(0)])
    cost_note = models.CharField(max_length=300, blank=True, help_text="What the other costs are.")
    currency = models.CharField(max_length=3)
    cost_per_hour = models.DecimalField(max_digits=16, decimal_places=2, default=0,
                                        help_text="The affected services' downtime cost per hour, summed.")
    cost_per_hour_by_service = models.JSONField(default=list, blank=True)
    severity = models.PositiveSmallIntegerField(choices=Severity.choices)
    phase = models.CharField(max_length=10, choices=Phase.choices)
    next_update_at = models.DateTimeField(null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["incident", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "number"], name="one_update_number"),
            models.CheckConstraint(condition=Q(records_low__isnull=True) | Q(records_high__gte=models.F("records_low")),
                                   name="records_interval"),
            models.CheckConstraint(condition=Q(downtime_hours_low__isnull=True)
                                   | Q(downtime_hours_high__gte=models.F("downtime_hours_low")),
                                   name="downtime_interval"),
            models.CheckConstraint(condition=Q(other_cost_low__isnull=True)
                                   | Q(other_cost_high__gte=models.F("other_cost_low")),
                                   name="other_cost_interval"),
        ]

    def __str__(self) -> str:
        return f"update #{self.number} on INC-{self.incident_id}"

    # Impact, as 90% intervals -------------------------------------------------------------------

    def downtime_cost(self) -> tuple[float, float] | None:
        """The downtime cost interval: the services' cost per hour times the downtime hours interval."""
        if self.downtime_hours_low is None or self.downtime_hours_high is None:
            return None
        rate = float(self.cost_per_hour)
        return rate * float(self.downtime_hours_low), rate * float(self.downtime_hours_high)

    def other_cost(self) -> tuple[float, float] | None:
        if self.other_cost_low is None or self.other_cost_high is None:
            return None
        return float(self.other_cost_low), float(self.other_cost_high)

    def total_cost(self) -> tuple[float, float] | None:
        """Downtime cost plus other costs, adding the ranges' ends: the ends move together, so the range
        is at least as wide as the sum's own 90% interval (cautious, never narrower)."""
        parts = [p for p in (self.downtime_cost(), self.other_cost()) if p is not None]
        if not parts:
            return None
        return sum(p[0] for p in parts), sum(p[1] for p in parts)


class Fact(AppendOnlyModel):
    """What we know: an observation, kept apart from judgements."""

    update = models.ForeignKey(ExecutiveUpdate, on_delete=models.PROTECT, related_name="facts")
    position = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["update", "position"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="fact_text")]

    def __str__(self) -> str:
        return self.text[:80]


class Judgement(AppendOnlyModel):
    """What we assess: a statement with its ICD 203 likelihood, a confidence level and its basis."""

    update = models.ForeignKey(ExecutiveUpdate, on_delete=models.PROTECT, related_name="judgements")
    position = models.PositiveSmallIntegerField()
    statement = models.TextField()
    likelihood = models.CharField(max_length=20, choices=Likelihood.choices)
    confidence = models.CharField(max_length=10, choices=Confidence.choices)
    basis = models.TextField(help_text="What the judgement rests on.")

    class Meta:
        ordering = ["update", "position"]
        constraints = [
            models.CheckConstraint(condition=Q(likelihood__in=Likelihood.values), name="judgement_likelihood"),
            models.CheckConstraint(condition=Q(confidence__in=Confidence.values), name="judgement_confidence"),
            models.CheckConstraint(condition=~Q(statement="") & ~Q(basis=""), name="judgement_statement_basis"),
        ]

    def __str__(self) -> str:
        return f"{self.statement[:60]}: {self.likelihood_text}"

    @property
    def likelihood_text(self) -> str:
        return likelihood_with_range(self.likelihood)

    @property
    def likelihood_range(self) -> tuple[int, int]:
        return LIKELIHOOD_RANGES[self.likelihood]


class PostIncidentReview(TimestampedModel):
    """What the incident taught: held after closure (or late in recovery), revised as it is discussed."""

    incident = models.OneToOneField(Incident, on_delete=models.PROTECT, related_name="review")
    held_on = models.DateField()
    summary = models.TextField()
    root_cause = models.TextField(blank=True)
    went_well = models.TextField(blank=True)
    to_improve = models.TextField(blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"post-incident review of INC-{self.incident_id}"


class Lesson(TimestampedModel):
    review = models.ForeignKey(PostIncidentReview, on_delete=models.CASCADE, related_name="lessons")
    text = models.TextField()

    class Meta:
        ordering = ["review", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class Action(TimestampedModel):
    """Something someone must do, raised in an update or by a lesson of the review, tracked to closure."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="actions")
    update = models.ForeignKey(ExecutiveUpdate, null=True, blank=True, on_delete=models.PROTECT, related_name="actions")
    lesson = models.ForeignKey(Lesson, null=True, blank=True, on_delete=models.PROTECT, related_name="actions")
    text = models.CharField(max_length=500)
    owner = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    due = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    closing_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["status", "due", "id"]

    def __str__(self) -> str:
        return self.text

    def is_late(self, now: datetime) -> bool:
        return self.status == ActionStatus.OPEN and self.due is not None and self.due < now

    @property
    def from_review(self) -> bool:
        return self.lesson_id is not None


def minutes(value: int) -> timedelta:
    return timedelta(minutes=int(value))
