"""Security culture: the champions programme, awareness campaigns with phishing-exercise results, and
the stakeholder map the CISO and CIO keep (docs/culture.md)."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from accord.core.models import TimestampedModel
from accord.org.models import Person, Team


class ProgrammeTeam(TimestampedModel):
    """An IT team the champions programme covers: coverage counts these teams and no others. The
    directory also holds Finance or the Board, which are not asked to have a champion."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["team__name"]

    def __str__(self) -> str:
        return str(self.team)


class Champion(TimestampedModel):
    """A person who champions security inside one IT team, from the day appointed until the day they
    stepped down (empty while they still serve)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    appointed_on = models.DateField()
    stepped_down_on = models.DateField(null=True, blank=True)
    focus = models.CharField(max_length=200, blank=True, help_text="What they champion (secure code, cloud, ...).")

    class Meta:
        ordering = ["team__name", "person__name"]
        constraints = [models.UniqueConstraint(fields=["person", "team", "appointed_on"], name="culture_champion_once")]

    def __str__(self) -> str:
        return f"{self.person} ({self.team})"

    def clean(self) -> None:
        if self.stepped_down_on and self.appointed_on and self.stepped_down_on < self.appointed_on:
            raise ValidationError({"stepped_down_on": "must be on or after the day they were appointed"})

    def active_on(self, day: date) -> bool:
        return self.appointed_on <= day and (self.stepped_down_on is None or self.stepped_down_on > day)


class ActivityKind(models.TextChoices):
    TRAINING = "training", "Training received"
    THREAT_MODEL = "threat_model", "Threat model"
    CODE_REVIEW = "code_review", "Security code review"
    SESSION = "session", "Awareness session given"
    EXERCISE = "exercise", "Incident exercise"
    OTHER = "other", "Other"


class ChampionActivity(TimestampedModel):
    champion = models.ForeignKey(Champion, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=16, choices=ActivityKind.choices)
    title = models.CharField(max_length=200)
    on = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=1, default=0,
                                validators=[MinValueValidator(0), MaxValueValidator(200)])

    class Meta:
        ordering = ["-on", "-pk"]
        verbose_name_plural = "champion activities"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title} ({self.on})"


class Campaign(TimestampedModel):
    """An awareness campaign: a training module people complete, a phishing exercise, or both."""

    name = models.CharField(max_length=150, unique=True)
    audience = models.CharField(max_length=200, help_text="Who it is for, in words (all staff, IT teams, ...).")
    audience_size = models.PositiveIntegerField(help_text="How many people it is for.")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    training_completed = models.PositiveIntegerField(
        null=True, blank=True, help_text="People who completed the training module; empty when it has none.")
    phishing_source = models.CharField(max_length=200, blank=True, help_text="The file the results came from.")
    phishing_format = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["-starts_on", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        problems = {}
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            problems["ends_on"] = "must be on or after the start"
        if self.training_completed is not None and self.audience_size is not None \
                and self.training_completed > self.audience_size:
            problems["training_completed"] = f"cannot exceed the audience of {self.audience_size}"
        if problems:
            raise ValidationError(problems)


class PhishingResult(models.Model):
    """One recipient of a campaign's phishing exercise, as the platform's export reported them."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="phishing_results")
    email = models.EmailField()
    delivered = models.BooleanField()
    opened = models.BooleanField(default=False)
    clicked = models.BooleanField(default=False)
    submitted_data = models.BooleanField(default=False)
    reported = models.BooleanField(default=False)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["email"]
        constraints = [models.UniqueConstraint(fields=["campaign", "email"], name="culture_phish_once")]

    def __str__(self) -> str:
        return f"{self.email} ({self.campaign_id})"


class RelationshipOwner(models.TextChoices):
    CISO = "ciso", "CISO"
    CIO = "cio", "CIO"
    BOTH = "both", "CISO and CIO"


class Influence(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class Channel(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    VIDEO = "video", "Video call"
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    CHAT = "chat", "Chat"
    MEETING = "meeting", "Standing meeting"


class Stakeholder(TimestampedModel):
    """Someone the CISO and CIO must keep close, how often, and when they last spoke."""

    name = models.CharField(max_length=150)
    role = models.CharField(max_length=150, help_text="Their job, e.g. Chief Operating Officer.")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               help_text="Their entry in the directory, when they work here.")
    priorities = models.TextField(blank=True, help_text="What they care about this year.")
    influence = models.CharField(max_length=8, choices=Influence.choices, default=Influence.MEDIUM)
    preferred_channel = models.CharField(max_length=12, choices=Channel.choices, default=Channel.IN_PERSON)
    owner = models.CharField(max_length=8, choices=RelationshipOwner.choices,
                             help_text="Whose relationship it is: the CISO's, the CIO's or both.")
    keeper = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+",
                               help_text="The person who keeps the relationship day to day when delegated.")
    cadence_days = models.PositiveIntegerField(validators=[MinValueValidator(1), MaxValueValidator(366)],
                                               help_text="Speak at least every this many days.")
    last_contact_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True, help_text="Sensitive: read only by the CISO, the CIO and the keeper.")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name", "role"], name="culture_stakeholder_once")]

    def __str__(self) -> str:
        return f"{self.name}, {self.role}"

    @property
    def next_contact_due(self) -> date | None:
        """The last day the next contact is on time; None when they have never been contacted."""
        return self.last_contact_on + timedelta(days=self.cadence_days) if self.last_contact_on else None

    def overdue_on(self, day: date) -> bool:
        """Overdue: last contact + cadence < today, or never contacted at all."""
        due = self.next_contact_due
        return due is None or due < day


class Contact(TimestampedModel):
    """One conversation with a stakeholder: when, how, and who from our side (the summary is as
    sensitive as the notes)."""

    stakeholder = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="contacts")
    on = models.DateField()
    channel = models.CharField(max_length=12, choices=Channel.choices)
    summary = models.TextField(blank=True)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.stakeholder.name} on {self.on}"
