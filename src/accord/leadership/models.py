"""Leadership: the CISO's weekly time log (and who it is shared with), skills plans of the security and
IT leadership (assessments against the skill catalogue, development goals, mentors, learning), and the
technology radar whose stances the CISO and the CIO agree through a governance sign-off.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from accord.core.models import TimestampedModel

HOURS_IN_A_WEEK = Decimal(168)
LEVELS = range(0, 5)  # 0 none, 1 aware, 2 practitioner, 3 proficient, 4 expert


# The CISO's time -----------------------------------------------------------------------------------

class Nature(models.TextChoices):
    STRATEGIC = "strategic", "Strategic"
    TACTICAL = "tactical", "Tactical"


class Handoff(models.TextChoices):
    KEEP = "keep", "Keep"
    DELEGABLE = "delegable", "Could be delegated"
    OUTSOURCEABLE = "outsourceable", "Could be outsourced"


class TimeEntry(TimestampedModel):
    """Hours one person spent on one activity in one ISO week (`week` is that week's Monday)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    week = models.DateField(help_text="The Monday of the ISO week.")
    activity = models.CharField(max_length=120)
    hours = models.DecimalField(max_digits=5, decimal_places=2,
                                validators=[MinValueValidator(Decimal(0)), MaxValueValidator(HOURS_IN_A_WEEK)])
    nature = models.CharField(max_length=10, choices=Nature.choices)
    handoff = models.CharField(max_length=14, choices=Handoff.choices, default=Handoff.KEEP)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-week", "activity"]
        constraints = [models.UniqueConstraint(fields=["owner", "week", "activity"],
                                               name="leadership_one_entry_per_activity_and_week")]

    def __str__(self) -> str:
        return f"{self.week_label} {self.activity}"

    @property
    def week_label(self) -> str:
        year, number, _ = self.week.isocalendar()
        return f"{year}-W{number:02d}"


class TimeLogShare(models.Model):
    """The owner of a time log lets another user read it."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "reader"], name="leadership_one_share_per_reader")]

    def __str__(self) -> str:
        return f"time log of user {self.owner_id} shared with user {self.reader_id}"


# Skills and mentoring ---------------------------------------------------------------------------------

class SkillPlan(TimestampedModel):
    """One person of the security and IT leadership in the skills matrix."""

    person = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=120, help_text="Their job title, e.g. Head of IT operations.")

    class Meta:
        ordering = ["person__username"]

    def __str__(self) -> str:
        return f"skills plan of {self.person}"


def _level() -> list[MinValueValidator | MaxValueValidator]:
    return [MinValueValidator(0), MaxValueValidator(4)]


class SkillAssessment(TimestampedModel):
    """A person's target, own and mentor's level (0-4) in one skill of the catalogue."""

    plan = models.ForeignKey(SkillPlan, on_delete=models.CASCADE, related_name="assessments")
    skill = models.CharField(max_length=60, help_text="A key of the skill catalogue.")
    target = models.PositiveSmallIntegerField(validators=_level())
    self_level = models.PositiveSmallIntegerField(null=True, blank=True, validators=_level())
    mentor_level = models.PositiveSmallIntegerField(null=True, blank=True, validators=_level())

    class Meta:
        ordering = ["skill"]
        constraints = [models.UniqueConstraint(fields=["plan", "skill"], name="leadership_one_assessment_per_skill")]

    def __str__(self) -> str:
        return f"{self.skill} of plan {self.plan_id}"


class GoalStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class DevelopmentGoal(TimestampedModel):
    plan = models.ForeignKey(SkillPlan, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(max_length=200)
    skill = models.CharField(max_length=60, blank=True, help_text="A key of the skill catalogue, if any.")
    due_on = models.DateField()
    status = models.CharField(max_length=8, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class Mentorship(TimestampedModel):
    """A mentor of a person: a colleague (a user) or someone outside the company (a name)."""

    plan = models.ForeignKey(SkillPlan, on_delete=models.CASCADE, related_name="mentorships")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    external_name = models.CharField(max_length=150, blank=True)
    external_organisation = models.CharField(max_length=150, blank=True)
    focus = models.CharField(max_length=200, blank=True, help_text="What the mentoring is about.")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-started_on", "pk"]

    def __str__(self) -> str:
        return f"mentoring of plan {self.plan_id} by {self.mentor_name}"

    @property
    def mentor_name(self) -> str:
        if self.mentor_id is not None:
            return str(self.mentor)  # the user's display name
        return self.external_name

    @property
    def is_external(self) -> bool:
        return self.mentor_id is None


class LearningKind(models.TextChoices):
    COURSE = "course", "Course"
    CONFERENCE = "conference", "Conference"
    CERTIFICATION = "certification", "Certification"
    MENTORING = "mentoring", "Mentoring session"
    READING = "reading", "Reading"


class LearningActivity(TimestampedModel):
    plan = models.ForeignKey(SkillPlan, on_delete=models.CASCADE, related_name="learning")
    kind = models.CharField(max_length=14, choices=LearningKind.choices)
    title = models.CharField(max_length=200)
    skill = models.CharField(max_length=60, blank=True, help_text="A key of the skill catalogue, if any.")
    hours = models.DecimalField(max_digits=6, decimal_places=1, validators=[MinValueValidator(Decimal(0))])
    on = models.DateField(help_text="The day it took place (or ended).")

    class Meta:
        ordering = ["-on", "pk"]

    def __str__(self) -> str:
        return self.title


# The technology radar ---------------------------------------------------------------------------------

class Stance(models.TextChoices):
    """The rings of the radar, innermost first."""

    ADOPT = "adopt", "Adopt"
    TRIAL = "trial", "Trial"
    ASSESS = "assess", "Assess"
    HOLD = "hold", "Hold"


class Quadrant(models.TextChoices):
    PLATFORMS = "platforms", "Platforms and infrastructure"
    TOOLS = "tools", "Tools"
    TECHNIQUES = "techniques", "Techniques and practices"
    ROADMAP = "roadmap", "CIO roadmap items"


class RadarEntry(TimestampedModel):
    """A technology or a CIO roadmap item, with the stance the CISO and the CIO agreed on it."""

    name = models.CharField(max_length=120, unique=True)
    quadrant = models.CharField(max_length=12, choices=Quadrant.choices)
    description = models.TextField(blank=True)
    prerequisites = models.TextField(blank=True, help_text="Security prerequisites, one per line.")
    project = models.ForeignKey("reviews.ItProject", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", help_text="The CIO roadmap item it is.")
    review = models.ForeignKey("reviews.Review", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    initiative = models.ForeignKey("portfolio.Initiative", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    stance = models.CharField(max_length=8, choices=Stance.choices, blank=True,
                              help_text="The agreed stance; empty until both leaders agree one.")
    stance_agreed_on = models.DateField(null=True, blank=True)
    proposed_stance = models.CharField(max_length=8, choices=Stance.choices, blank=True)
    proposal_reason = models.CharField(max_length=500, blank=True)
    signoff = models.ForeignKey("governance.SignOff", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", help_text="The sign-off of the pending or last agreed stance.")

    class Meta:
        ordering = ["quadrant", "name"]
        verbose_name_plural = "radar entries"

    def __str__(self) -> str:
        return self.name

    def prerequisite_list(self) -> list[str]:
        return [line.strip() for line in self.prerequisites.splitlines() if line.strip()]
