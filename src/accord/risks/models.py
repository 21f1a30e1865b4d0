"""The quantified risk register: scenarios with their Open FAIR inputs, controls, settings and runs.

A scenario's FAIR inputs are stored as the scenario-file mapping itself (`tef`, `vulnerability` or
`lef`, `events`, `primary_loss`, ...), exactly as `accord risks simulate` reads it, so a scenario
exports to the file format unchanged and every stored number can be re-run from the export.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from accord.core.models import TimestampedModel

MAX_YEARS = 1_000_000  # what a stored run may ask for (a web request waits for it); the CLI engine allows more
MAX_MONEY = 1e15


class Treatment(models.TextChoices):
    MITIGATE = "mitigate", "Mitigate"
    ACCEPT = "accept", "Accept"
    TRANSFER = "transfer", "Transfer"
    AVOID = "avoid", "Avoid"


class ScenarioStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ASSESSED = "assessed", "Assessed"
    TREATED = "treated", "Treated"
    CLOSED = "closed", "Closed"


class YearModel(models.TextChoices):
    EVENT = "event", "Event (loss events per year, each with its own loss)"
    RATE = "rate", "Rate (one loss draw per year times the frequency)"


class ControlFactor(models.TextChoices):
    """The factor a control multiplies by (1 - effectiveness); the engine's control factors."""

    TEF = "tef", "Threat event frequency"
    LEF = "lef", "Loss event frequency"
    VULNERABILITY = "vulnerability", "Vulnerability"
    PRIMARY_LOSS = "primary_loss", "Primary loss"
    SECONDARY_LOSS = "secondary_loss", "Secondary loss"
    SECONDARY_LOSS_EVENT_FREQUENCY = "secondary_loss_event_frequency", "Secondary loss event frequency"


class RiskSettings(TimestampedModel):
    """The organisation's risk settings (one row): currency, board appetite and simulation defaults."""

    currency = models.CharField(max_length=8, default="USD")
    appetite = models.JSONField(
        default=list, blank=True,
        help_text="Board tolerance as [[loss, probability of exceeding it], ...].",
    )
    default_years = models.PositiveIntegerField(
        default=50_000, validators=[MinValueValidator(1_000), MaxValueValidator(MAX_YEARS)],
        help_text="Simulated years of every stored run (50,000 take well under a second per scenario).",
    )
    seed = models.PositiveBigIntegerField(
        default=2026, validators=[MaxValueValidator(2**63 - 1)],
        help_text="Seed of every stored run: the same inputs and seed give the same numbers, bit for bit.",
    )
    model = models.CharField(max_length=8, choices=YearModel.choices, default=YearModel.EVENT)
    correlation = models.JSONField(
        null=True, blank=True,
        help_text="Rank correlation between scenarios for the portfolio: {ids: [...], matrix: [[...], ...]}.",
    )

    class Meta:
        verbose_name_plural = "risk settings"

    @classmethod
    def current(cls) -> RiskSettings:
        """The settings row, or the defaults when none was saved yet (not written here)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    def __str__(self) -> str:
        return "risk settings"


class RiskScenario(TimestampedModel):
    slug = models.SlugField(max_length=80, unique=True, help_text="The scenario id of the file format.")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    inputs = models.JSONField(
        default=dict,
        help_text="The FAIR inputs as the scenario file spells them (tef, vulnerability or lef, events, ...).",
    )
    # People from the organisation directory rather than user accounts: an owner (say the ERP team
    # lead) is accountable for a risk whether or not they ever sign in to Accord.
    it_owner = models.ForeignKey(
        "org.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="risks_owned_for_it",
        verbose_name="IT owner",
    )
    security_owner = models.ForeignKey(
        "org.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="risks_owned_for_security",
    )
    business_service = models.ForeignKey(
        "org.BusinessService", null=True, blank=True, on_delete=models.SET_NULL, related_name="risk_scenarios",
    )
    assets = models.ManyToManyField("org.Asset", blank=True, related_name="risk_scenarios")
    treatment = models.CharField(max_length=10, choices=Treatment.choices, default=Treatment.MITIGATE)
    status = models.CharField(max_length=10, choices=ScenarioStatus.choices, default=ScenarioStatus.DRAFT)
    latest_run = models.ForeignKey(
        "SimulationRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False,
    )

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class Control(TimestampedModel):
    """A control on one scenario. Proposed controls (not in place) are simulated as what-ifs; a control
    in place is already part of the scenario's inputs (they describe the risk as it stands)."""

    scenario = models.ForeignKey(RiskScenario, on_delete=models.CASCADE, related_name="controls")
    name = models.CharField(max_length=200)
    factor = models.CharField(max_length=40, choices=ControlFactor.choices)
    effectiveness = models.JSONField(help_text="A distribution within [0, 1], e.g. {pert: [0.2, 0.4, 0.6]}.")
    annual_cost = models.FloatField(default=0.0, validators=[MinValueValidator(0.0), MaxValueValidator(MAX_MONEY)])
    in_place = models.BooleanField(
        default=False, help_text="Already implemented, so already reflected in the scenario's inputs.",
    )

    class Meta:
        ordering = ["scenario", "name"]
        constraints = [models.UniqueConstraint(fields=["scenario", "name"], name="risks_control_unique_name")]

    def __str__(self) -> str:
        return self.name

    def spec(self) -> dict[str, Any]:
        """The control as the scenario file spells it."""
        return {"name": self.name, "factor": self.factor, "effectiveness": self.effectiveness,
                "annual_cost": self.annual_cost}


class RunKind(models.TextChoices):
    SCENARIO = "scenario", "Scenario"
    PORTFOLIO = "portfolio", "Portfolio"


class SimulationRun(models.Model):
    """One stored engine result, with everything needed to re-run it and get the same numbers."""

    kind = models.CharField(max_length=10, choices=RunKind.choices)
    scenario = models.ForeignKey(
        RiskScenario, null=True, blank=True, on_delete=models.CASCADE, related_name="runs",
    )
    seed = models.PositiveBigIntegerField()
    years = models.PositiveIntegerField()
    model = models.CharField(max_length=8, choices=YearModel.choices)
    currency = models.CharField(max_length=8)
    engine_version = models.CharField(max_length=40)
    input_hash = models.CharField(max_length=64, db_index=True)
    # The headline of the run (the scenario, or the portfolio's sum), copied out of `result` for sorting.
    mean = models.FloatField()
    p5 = models.FloatField()
    p95 = models.FloatField()
    result = models.JSONField(help_text="The engine's result document, plus p5 and the tornado.")
    spec = models.JSONField(help_text="The scenario file that produced this run (re-run it to check).")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "-created_at"])]

    def __str__(self) -> str:
        what = self.scenario.slug if self.scenario_id and self.scenario else "portfolio"
        return f"run {self.pk} of {what} (seed {self.seed}, {self.years:,} years)"
