"""The organisation: business services, teams, people and the assets they run on."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
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


# Hours of the service's cost of downtime that one compromised host costs when the owner has not
# estimated it: containment, rebuild and recovery, with more at stake the more critical the service.
# An assumption, shown wherever the default is used (docs/patch-planner.md).
COMPROMISE_HOURS_BY_TIER = {1: 48, 2: 24, 3: 12, 4: 8}


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
    loss_if_compromised = models.DecimalField(
        max_digits=16, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)],
        help_text="What one compromised host of this service costs (containment, rebuild, recovery, data), "
                  "in the organisation's currency. Empty: hours of downtime cost by tier (48, 24, 12, 8).",
    )

    class Meta:
        ordering = ["criticality_tier", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def default_loss_if_compromised(self) -> float:
        return float(self.downtime_cost_per_hour) * COMPROMISE_HOURS_BY_TIER.get(self.criticality_tier, 12)

    def compromise_estimate(self) -> tuple[float, str]:
        """The loss if one host is compromised, and where the figure comes from."""
        if self.loss_if_compromised is not None:
            return float(self.loss_if_compromised), f"service {self.name}: owner's estimate"
        hours = COMPROMISE_HOURS_BY_TIER.get(self.criticality_tier, 12)
        return (self.default_loss_if_compromised,
                f"service {self.name}: default, {hours} h of its downtime cost (tier {self.criticality_tier})")


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
    isolated = models.BooleanField(
        default=False, help_text="On a segregated network with no route from user or internet networks "
                                 "(OT, air-gapped or management enclave).",
    )
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

    def clean(self) -> None:
        if self.internet_exposed and self.isolated:
            raise ValidationError({"isolated": "an internet-exposed asset cannot be isolated"})

    @property
    def reach(self) -> str:
        """internet, internal or isolated: how an attacker can get to it."""
        return "internet" if self.internet_exposed else "isolated" if self.isolated else "internal"

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split(",") if t]

    @property
    def exposure_review(self) -> bool:
        """A public IP address on an asset recorded as not internet-exposed: one of the two is probably wrong."""
        return not self.internet_exposed and is_public_address(self.ip_address)


@lru_cache(maxsize=65536)  # lists show the same few addresses on many rows
def is_public_address(value: str | None) -> bool:
    """Routable on the internet: not private, shared, loopback, link-local, multicast, reserved or documentation."""
    try:
        address = ipaddress.ip_address((value or "").strip())
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast and not address.is_reserved


def normalise_tags(tags: list[str] | str) -> str:
    items = tags.replace(";", ",").split(",") if isinstance(tags, str) else tags
    clean = sorted({t.strip().lower() for t in items if t and t.strip()})
    return f",{','.join(clean)}," if clean else ""


class OrgSettings(models.Model):
    """The organisation's one row of sign-in policy."""

    second_factor_roles = models.JSONField(
        default=list, blank=True,
        help_text="Roles whose holders must enrol a second factor (TOTP) before they can use anything else.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "organisation settings"

    def __str__(self) -> str:
        return "organisation settings"

    @classmethod
    def current(cls) -> OrgSettings:
        row, _ = cls.objects.get_or_create(pk=1)
        return row
