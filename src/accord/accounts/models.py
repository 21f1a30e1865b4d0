"""Users with one or more roles, personal API tokens (stored hashed) and login attempts."""

from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models

from accord.core.permissions import Role, capabilities_of


class User(AbstractUser):
    display_name = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.username

    @cached_property
    def role_names(self) -> frozenset[str]:
        return frozenset(self.roles.values_list("role", flat=True))

    @property
    def capabilities(self) -> frozenset[str]:
        return capabilities_of(self.role_names) if self.is_active else frozenset()

    def forget_cached_roles(self) -> None:
        self.__dict__.pop("role_names", None)


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=32, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_user_role")]

    def __str__(self) -> str:
        return f"{self.user.username}: {self.role}"


class ApiToken(models.Model):
    """A personal token. Only its SHA-256 is stored; the token itself is shown once, at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…) of {self.user.username}"


class LoginAttempt(models.Model):
    """Every web login attempt; failures within a window throttle further attempts."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.CharField(max_length=64, db_index=True)
    succeeded = models.BooleanField()
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.username} from {self.address}: {'ok' if self.succeeded else 'failed'}"


class RoleGrantStatus(models.TextChoices):
    PENDING = "pending", "Awaiting a second administrator"
    GRANTED = "granted", "Granted"
    REFUSED = "refused", "Refused"


class RoleGrant(models.Model):
    """Giving someone the CIO or the CISO role: they sign plans and confirm policies, so a second
    administrator approves it (docs/adr/0005-leadership-role-grants.md)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=32, choices=Role.choices)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=RoleGrantStatus.choices, default=RoleGrantStatus.PENDING)
    signoff = models.ForeignKey("governance.SignOff", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    how = models.CharField(max_length=300, blank=True, help_text="How it was granted (second admin, or sole admin).")

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.role} for {self.user.username} ({self.status})"
