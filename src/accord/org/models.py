"""The organisation: business services, teams, people and the assets they run on."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from accord.core.models import TimestampedModel


class CriticalityTier(models.IntegerChoices):
    TIER_1 = 1, "Tier 1: mission critical"
    TIER_2 = 2, "Tier 2: business critical"
    TIER_3 = 3, "Tier 3: business operational"
    TIER_4 = 4, "Tier 4: administrative"


class MissionImpact(models.TextChoices):
    """SSVC's 'Mission & well-being' level: what losing this service does to the organisation."""

    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class Environment(models.TextChoices):
    PRODUCTION = "production", "Production"
    DR = "dr", "Disaster recovery"
    STAGING = "staging", "Staging"
    TEST = "test", "Test"
    DEVELOPMENT = "development", "Development"


class AssetKind(models.TextChoices):
    SERVER = "server", "Server"
    WORKSTATION = "workstation", "Workstation"
    NETWORK = "network", "Network device"
    DATABASE = "database", "Database"
    CONTAINER = "container", "Container / cluster node"
    CLOUD = "cloud", "Cloud resource"
    APPLICATION = "application", "Application / code repository"


class Team(TimestampedModel):
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Person(TimestampedModel):
    name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=150, blank=True)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    email = models.EmailField(unique=True, null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.name


class BusinessService(TimestampedModel):
    name = models.CharField(max_length=150, unique=True)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="services_owned")
    criticality_tier = models.PositiveSmallIntegerField(choices=CriticalityTier.choices, default=CriticalityTier.TIER_3)
    downtime_cost_per_hour = models.DecimalField(
        max_digits=14, decimal_places=2, default=0, validators=[MinValueValidator(0)],
        help_text="What one hour of outage costs the business, in the organisation's currency.",
    )
    mission_impact = models.CharField(
        max_length=8, choices=MissionImpact.choices, default=MissionImpact.MEDIUM,
        help_text="SSVC mission & well-being level used to prioritise vulnerabilities.",
    )

    class Meta:
        ordering = ["criticality_tier", "name"]

    def __str__(self) -> str:
        return self.name


class Asset(TimestampedModel):
    hostname = models.CharField(max_length=253, unique=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    kind = models.CharField(max_length=16, choices=AssetKind.choices, default=AssetKind.SERVER)
    environment = models.CharField(max_length=16, choices=Environment.choices, default=Environment.PRODUCTION)
    operating_system = models.CharField(max_length=120, blank=True)
    business_service = models.ForeignKey(
        BusinessService, null=True, blank=True, on_delete=models.SET_NULL, related_name="assets"
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="assets")
    internet_exposed = models.BooleanField(default=False)
    # Stored as ",tag1,tag2," so that `tags__contains=",tag,"` filters exactly on SQLite and PostgreSQL alike.
    tags = models.CharField(max_length=500, blank=True, default="")
    discovered_by_scan = models.BooleanField(
        default=False, help_text="Created by a scanner import; needs a business service assigned."
    )

    class Meta:
        ordering = ["hostname"]
        indexes = [
            models.Index(fields=["environment", "hostname"]),
            models.Index(fields=["business_service", "hostname"]),
            models.Index(fields=["team", "hostname"]),
        ]

    def __str__(self) -> str:
        return self.hostname

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split(",") if t]


def normalise_tags(tags: list[str] | str) -> str:
    items = tags.replace(";", ",").split(",") if isinstance(tags, str) else tags
    clean = sorted({t.strip().lower() for t in items if t and t.strip()})
    return f",{','.join(clean)}," if clean else ""
