"""The security portfolio: initiatives, their effects on risk scenarios, budget scenarios, selections.

An initiative's effect on a scenario is written exactly like a control of the risk engine: the FAIR
factor it multiplies by (1 - effectiveness) and the effectiveness as a distribution mapping
(`{pert: [0.2, 0.4, 0.6]}`). Its money view (ΔALE, ROSI, NPV, payback) is simulated and stored as an
`EffectEstimate` with the seed, engine version and input hash, so every figure can be re-run.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from accord.core.models import TimestampedModel

MAX_MONEY = 1e13
MAX_UNITS = 1e6
# NIST CSF 2.0 subcategory ids: function, category, two-digit number (GV.OC-01, PR.AA-05, RC.RP-03).
CSF_SUBCATEGORY = re.compile(r"^(GV|ID|PR|DE|RS|RC)\.[A-Z]{2}-\d{2}$")


class Sponsor(models.TextChoices):
    CIO = "cio", "CIO"
    CISO = "ciso", "CISO"
    JOINT = "joint", "Joint (CIO and CISO)"


class InitiativeStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    REJECTED = "rejected", "Rejected"


# Initiatives the optimiser may choose. Done ones are assumed already reflected in the scenarios'
# inputs (the risk as it stands); rejected ones are out.
CANDIDATE_STATUSES = (InitiativeStatus.PROPOSED, InitiativeStatus.APPROVED, InitiativeStatus.IN_PROGRESS)


class EffectFactor(models.TextChoices):
    """The FAIR factor an initiative multiplies by (1 - effectiveness): the risk engine's control factors."""

    TEF = "tef", "Threat event frequency"
    LEF = "lef", "Loss event frequency"
    VULNERABILITY = "vulnerability", "Vulnerability"
    PRIMARY_LOSS = "primary_loss", "Primary loss"
    SECONDARY_LOSS = "secondary_loss", "Secondary loss"
    SECONDARY_LOSS_EVENT_FREQUENCY = "secondary_loss_event_frequency", "Secondary loss event frequency"


def validate_csf_ids(value: Any) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError("must be a list of NIST CSF 2.0 subcategory ids such as PR.AA-01")
    for item in value:
        if not CSF_SUBCATEGORY.match(item):
            raise ValidationError(f"{item!r} is not a NIST CSF 2.0 subcategory id (like PR.AA-01)")
    if len(set(value)) != len(value):
        raise ValidationError("lists a subcategory twice")


def _money(**kwargs: Any) -> models.FloatField:
    return models.FloatField(validators=[MinValueValidator(0.0), MaxValueValidator(MAX_MONEY)], **kwargs)


class Initiative(TimestampedModel):
    slug = models.SlugField(max_length=80, unique=True, help_text="Short stable id, used in files and the CLI.")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    sponsor = models.CharField(max_length=8, choices=Sponsor.choices, default=Sponsor.JOINT)
    one_off_cost = _money(default=0.0, help_text="Paid once, at the start.")
    annual_cost = _money(default=0.0, help_text="Running cost per year.")
    duration_months = models.PositiveSmallIntegerField(default=6, validators=[MaxValueValidator(120)])
    status = models.CharField(max_length=12, choices=InitiativeStatus.choices, default=InitiativeStatus.PROPOSED)
    mandatory = models.BooleanField(default=False, help_text="Always selected (a regulator or the board demands it).")
    requires = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="required_by")
    excludes = models.ManyToManyField("self", symmetrical=True, blank=True)
    csf_subcategories = models.JSONField(
        default=list, blank=True, validators=[validate_csf_ids],
        help_text="NIST CSF 2.0 subcategories it advances, e.g. PR.AA-01.",
    )

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def horizon_cost(self, years: int) -> float:
        return self.one_off_cost + self.annual_cost * years


class InitiativeCapacity(models.Model):
    """Units of a team's capacity the initiative uses (person-months, sprints: the budget scenario's unit)."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="capacity")
    team = models.ForeignKey("org.Team", on_delete=models.CASCADE, related_name="+")
    units = models.FloatField(validators=[MinValueValidator(0.0), MaxValueValidator(MAX_UNITS)])

    class Meta:
        ordering = ["team__name"]
        constraints = [models.UniqueConstraint(fields=["initiative", "team"], name="portfolio_capacity_once")]

    def __str__(self) -> str:
        return f"{self.team}: {self.units:g}"


class InitiativeEffect(TimestampedModel):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="effects")
    scenario = models.ForeignKey("risks.RiskScenario", on_delete=models.CASCADE, related_name="+")
    factor = models.CharField(max_length=40, choices=EffectFactor.choices)
    effectiveness = models.JSONField(help_text="A distribution within [0, 1], e.g. {pert: [0.2, 0.4, 0.6]}.")

    class Meta:
        ordering = ["initiative", "scenario__slug", "factor"]
        constraints = [models.UniqueConstraint(fields=["initiative", "scenario", "factor"],
                                               name="portfolio_effect_once")]

    def __str__(self) -> str:
        return f"{self.initiative} on {self.scenario} ({self.factor})"


class EffectEstimate(models.Model):
    """One simulation of an initiative's effects (common random numbers) and its money view.

    ΔALE's 90% range: ΔALE with every effectiveness held at its 5th and at its 95th percentile, on the
    same random numbers, widened to at least the Monte Carlo 90% interval of the estimate.
    """

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="estimates")
    delta_ale = models.FloatField()
    delta_ale_low = models.FloatField()
    delta_ale_high = models.FloatField()
    delta_ale_se = models.FloatField(help_text="Monte Carlo standard error of the ΔALE estimate.")
    per_scenario = models.JSONField(
        help_text="slug -> {ale, run, delta, low, high, se, reduction, simulated_ale}: ale is the scenario's "
                  "stored run's mean (run), delta = reduction x ale; the basis of the optimiser's reductions.")
    horizon_years = models.PositiveSmallIntegerField()
    discount_rate = models.FloatField()
    annualised_cost = models.FloatField()
    rosi_low = models.FloatField(null=True)
    rosi = models.FloatField(null=True)
    rosi_high = models.FloatField(null=True)
    npv_low = models.FloatField()
    npv = models.FloatField()
    npv_high = models.FloatField()
    payback_years_low = models.FloatField(null=True, help_text="Payback at the low end of ΔALE (the longest).")
    payback_years = models.FloatField(null=True)
    payback_years_high = models.FloatField(null=True)
    seed = models.PositiveBigIntegerField()
    years = models.PositiveIntegerField(help_text="Simulated years.")
    model = models.CharField(max_length=8)
    engine_version = models.CharField(max_length=40, help_text="The fair and portfolio engine versions.")
    input_hash = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"estimate {self.pk} of {self.initiative_id}"


def next_fiscal_year() -> int:
    """The year a new budget usually funds: next year, in the organisation's calendar."""
    from accord.core import clock

    return clock.today().year + 1


class BudgetScenario(TimestampedModel):
    name = models.CharField(max_length=120, unique=True)
    fiscal_year = models.PositiveSmallIntegerField(
        default=next_fiscal_year, validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text="The year the budget funds: approving a selection replaces the one approved for this year.")
    budget = _money(help_text="Total over the horizon: one-off costs plus annual costs x years.")
    dual_approval_above = _money(
        default=250_000.0, help_text="A selection costing more over the horizon needs the CIO and the CISO both; "
                                     "up to it, one of them.")
    horizon_years = models.PositiveSmallIntegerField(default=3, validators=[MinValueValidator(1), MaxValueValidator(30)])
    discount_rate = models.FloatField(default=0.08, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BudgetCapacity(models.Model):
    """A team's capacity available to the portfolio, in the same units as the initiatives use."""

    budget_scenario = models.ForeignKey(BudgetScenario, on_delete=models.CASCADE, related_name="capacity")
    team = models.ForeignKey("org.Team", on_delete=models.CASCADE, related_name="+")
    units = models.FloatField(validators=[MinValueValidator(0.0), MaxValueValidator(MAX_UNITS)])

    class Meta:
        ordering = ["team__name"]
        constraints = [models.UniqueConstraint(fields=["budget_scenario", "team"], name="portfolio_budget_team_once")]

    def __str__(self) -> str:
        return f"{self.team}: {self.units:g}"


class SelectionStatus(models.TextChoices):
    SOLVED = "solved", "Solved, not submitted"
    AWAITING = "awaiting", "Awaiting approval"
    APPROVED = "approved", "Approved: funded"
    SUPERSEDED = "superseded", "Superseded by a later approval for the year"
    REJECTED = "rejected", "Rejected"


class Selection(models.Model):
    """A solved selection for a budget scenario, kept with the instance it was solved on.

    Like every stored result it records its engine version, seed and input hash: the portfolio
    engine's version, the risk register's seed of the runs and estimates its figures come from, and
    `instance_hash`, the SHA-256 of the instance (its whole input)."""

    budget_scenario = models.ForeignKey(BudgetScenario, on_delete=models.CASCADE, related_name="selections")
    initiatives = models.ManyToManyField(Initiative, blank=True, related_name="selections")
    budget = models.FloatField()
    cost = models.FloatField(help_text="Total over the horizon.")
    total_ale = models.FloatField()
    residual_ale = models.FloatField()
    risk_reduction = models.FloatField()
    gap = models.FloatField(null=True, help_text="Proven relative gap on the risk reduction (None: no bound).")
    frontier = models.JSONField(default=dict, blank=True)
    instance = models.JSONField(help_text="The optimiser instance solved (re-run it with accord portfolio optimize).")
    instance_hash = models.CharField(max_length=64, help_text="The input hash: SHA-256 of the instance.")
    engine_version = models.CharField(max_length=40, blank=True,
                                      help_text="accord.engine.portfolio.ENGINE_VERSION of the solve.")
    seed = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The risk register's seed of the runs and estimates in the instance.")
    notes = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=SelectionStatus.choices, default=SelectionStatus.SOLVED)
    signoff = models.ForeignKey("governance.SignOff", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", help_text="The approval asked for (CIO or CISO, both above the "
                                                            "scenario's amount).")
    decision = models.ForeignKey("governance.Decision", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", help_text="The decision on the log that funded it.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"selection {self.pk} for {self.budget_scenario}"

    @property
    def approved(self) -> bool:
        return self.status == SelectionStatus.APPROVED
