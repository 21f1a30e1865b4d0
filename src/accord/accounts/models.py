"""Users with one or more roles, personal API tokens (stored hashed) and the sign-in throttle."""

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


class LoginThrottle(models.Model):
    """Failed sign-ins of one username from one address (accord.accounts.throttle).

    One row per pair, updated under a row lock, so parallel attempts are counted one after the
    other. `last_success_at` marks a pair that has signed in before: the wide per-address ceiling
    never holds it back.
    """

    username = models.CharField(max_length=150, help_text="Lower-cased, as typed (it may name no user).")
    address = models.CharField(max_length=64)
    failures = models.PositiveIntegerField(default=0, help_text="Failures since the last success.")
    last_failure_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["username", "address"], name="unique_login_throttle_pair")]
        indexes = [models.Index(fields=["address", "last_failure_at"], name="login_throttle_address")]

    def __str__(self) -> str:
        return f"{self.username} from {self.address}: {self.failures} failures"


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


class RecoveryCode(models.Model):
    """A single-use code that stands in for the authenticator app. Codes are random (50 bits), so,
    as with tokens, their SHA-256 is enough; the codes themselves are shown once, at enrolment."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "digest"], name="unique_recovery_code")]

    def __str__(self) -> str:
        return f"recovery code of {self.user.username} ({'used' if self.used_at else 'unused'})"


class SsoIdentity(models.Model):
    """Who a user is at an OpenID provider: the provider's issuer and its subject (`sub`) for them,
    remembered at the first single sign-on so a renamed account at the provider stays the same user."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sso_identities")
    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=255)
    linked_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="unique_sso_identity")]

    def __str__(self) -> str:
        return f"{self.user.username} at {self.issuer}"
