"""Every write to accounts: users, roles, tokens, and the login throttle."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone

from accord.accounts.models import ApiToken, LoginAttempt, RoleGrant, RoleGrantStatus, User, UserRole
from accord.accounts.tokens import display_prefix, new_token, token_digest
from accord.core import audit
from accord.core.errors import ValidationFailed
from accord.core.permissions import Actor, Role, require


def _user_snapshot(user: User) -> dict:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "email": user.email,
        "is_active": user.is_active,
        "roles": sorted(user.roles.values_list("role", flat=True)),
    }


def _clean_roles(roles: Iterable[str]) -> list[str]:
    cleaned, valid = [], set(Role.values)
    for role in roles:
        if role not in valid:
            raise ValidationFailed.field("roles", f"unknown role {role!r}; choose from {', '.join(Role.values)}")
        cleaned.append(role)
    if not cleaned:
        raise ValidationFailed.field("roles", "a user needs at least one role")
    return sorted(set(cleaned))


def _check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed.field("password", " ".join(exc.messages)) from None


def _create_user_row(*, username: str, password: str, roles: list[str], email: str,
                     display_name: str) -> User:
    """`roles` already checked (empty while a leadership role waits for approval)."""
    username = username.strip()
    if not username:
        raise ValidationFailed.field("username", "required")
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed.field("username", f"{username!r} is already taken")
    user = User(username=username, email=email.strip(), display_name=display_name.strip())
    _check_password(password, user)
    user.set_password(password)
    user.save()
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in roles])
    return user


# Roles that sign plans and confirm policies: granting one takes a second administrator.
LEADERSHIP = frozenset({Role.CIO, Role.CISO})


@transaction.atomic
def create_user(*, actor: Actor, username: str, password: str, roles: Iterable[str], email: str = "",
                display_name: str = "") -> User:
    """Create a user. A CIO or CISO role among `roles` waits for a second administrator (see
    `request_leadership`); the user gets the other roles now, or the reader role when nothing else."""
    require(actor, "user.manage")
    wanted = _clean_roles(roles)
    leadership = [r for r in wanted if r in LEADERSHIP]
    now = [r for r in wanted if r not in LEADERSHIP]
    pending = bool(leadership) and _other_admins(actor).exists()
    user = _create_user_row(username=username, password=password, roles=now if pending else wanted, email=email,
                            display_name=display_name)
    audit.record(actor, "user.created", user, after=_user_snapshot(user))
    for role in leadership:
        request_leadership(actor=actor, user=user, role=role, already_granted=not pending)
    return user


def _other_admins(actor: Actor) -> Any:
    return User.objects.filter(is_active=True, roles__role=Role.ADMIN).exclude(pk=actor.pk).distinct()


def request_leadership(*, actor: Actor, user: User, role: str, already_granted: bool = False) -> RoleGrant:
    """Ask for a CIO or CISO role: a second administrator approves it. With no other active
    administrator the role is granted at once and its current holders are told, so no one can
    quietly make themselves a signer (docs/adr/0005-leadership-role-grants.md)."""
    from accord.accounts.selectors import holders_of
    from accord.governance import services as governance
    from accord.notifications.models import Event
    from accord.notifications.services import notify

    require(actor, "user.manage")
    if role not in LEADERSHIP:
        raise ValidationFailed.field("role", f"{role!r} is not a leadership role")
    grant = RoleGrant.objects.create(user=user, role=role, requested_by_id=actor.pk, requested_at=timezone.now())
    if already_granted or not _other_admins(actor).exists():
        UserRole.objects.get_or_create(user=user, role=role)
        user.forget_cached_roles()
        grant.status, grant.how = RoleGrantStatus.GRANTED, "granted by the only administrator; holders told"
        grant.save(update_fields=["status", "how"])
        audit.record(actor, "role_grant.granted", grant, after={"user": user.username, "role": role,
                                                                "how": grant.how})
        notify(event=Event.ROLE_GRANTED, recipients=[u for u in holders_of({role}) if u.pk != user.pk],
               title=f"{user} was given the {role.upper()} role by {actor}",
               body="There is only one administrator, so no second one approved it.", url="/accounts/users/")
        return grant
    grant.signoff = governance.request_signoff(
        actor=actor, kind="role_grant", subject=grant, inputs={"user": user.pk, "role": role},
        slots=[[Role.ADMIN], [Role.ADMIN]], proposer_role=Role.ADMIN, url="/accounts/users/",
        summary=f"Give {user} the {role.upper()} role (requested by {actor})")
    grant.save(update_fields=["signoff"])
    audit.record(actor, "role_grant.requested", grant, after={"user": user.username, "role": role})
    return grant


@transaction.atomic
def decide_role_grant(*, actor: Actor, grant: RoleGrant, approve: bool, comment: str = "") -> RoleGrant:
    """A second administrator approves (the role takes effect) or refuses the grant."""
    from accord.governance import services as governance
    from accord.governance.models import SignOffStatus

    require(actor, "user.manage")
    grant = RoleGrant.objects.select_for_update(of=("self",)).select_related("user", "signoff").get(pk=grant.pk)
    if grant.status != RoleGrantStatus.PENDING or grant.signoff is None:
        raise ValidationFailed.field("status", f"this grant is {grant.status}")
    if approve:
        signoff = governance.approve(actor=actor, signoff=grant.signoff, comment=comment)
    else:
        signoff = governance.reject(actor=actor, signoff=grant.signoff, comment=comment)
    if signoff.status == SignOffStatus.GRANTED:
        UserRole.objects.get_or_create(user=grant.user, role=grant.role)
        grant.user.forget_cached_roles()
        grant.status, grant.how = RoleGrantStatus.GRANTED, f"approved by a second administrator, {actor}"
    elif signoff.status == SignOffStatus.REJECTED:
        grant.status, grant.how = RoleGrantStatus.REFUSED, f"refused by {actor}: {comment}"[:300]
    grant.save(update_fields=["status", "how"])
    audit.record(actor, f"role_grant.{grant.status}", grant, after={"user": grant.user.username,
                                                                    "role": grant.role, "how": grant.how})
    return grant


@transaction.atomic
def bootstrap_admin(*, username: str, password: str, email: str = "") -> User:
    """Create the first administrator. Refused once any active administrator exists."""
    if UserRole.objects.filter(role=Role.ADMIN, user__is_active=True).exists():
        raise ValidationFailed.field("username", "an administrator already exists; sign in as one to add users")
    user = _create_user_row(username=username, password=password, roles=[Role.ADMIN], email=email,
                            display_name="Administrator")
    audit.record(user, "user.bootstrapped", user, after=_user_snapshot(user))
    return user


@transaction.atomic
def set_roles(*, actor: Actor, user: User, roles: Iterable[str]) -> User:
    """Set a user's roles. Removing any role and adding ordinary ones take effect now; adding the
    CIO or the CISO role is asked for (`request_leadership`)."""
    require(actor, "user.manage")
    before = _user_snapshot(user)
    clean_roles = _clean_roles(roles)
    existing = set(UserRole.objects.filter(user=user).values_list("role", flat=True))
    added_leadership = [r for r in clean_roles if r in LEADERSHIP and r not in existing]
    now = [r for r in clean_roles if r not in added_leadership]
    if not now:
        raise ValidationFailed.field("roles", "keep at least one role the user already has, or add an ordinary "
                                     "one, while the leadership role waits for a second administrator")
    UserRole.objects.filter(user=user).exclude(role__in=now).delete()
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in now if r not in existing])
    user.forget_cached_roles()
    audit.record(actor, "user.roles_changed", user, before=before, after=_user_snapshot(user))
    for role in added_leadership:
        request_leadership(actor=actor, user=user, role=role)
    return user


@transaction.atomic
def disable_user(*, actor: Actor, user: User) -> User:
    require(actor, "user.manage")
    if user.pk == actor.pk:
        raise ValidationFailed.field("username", "you cannot disable your own account")
    before = _user_snapshot(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit.record(actor, "user.disabled", user, before=before,
                 after={**_user_snapshot(user), "tokens_revoked": revoked})
    return user


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once; only its digest is stored


@transaction.atomic
def create_token(*, actor: Actor, name: str, expires_in_days: int | None = None) -> IssuedToken:
    """A personal token for the acting user (the API and the CLI authenticate with it)."""
    name = name.strip()
    if not name:
        raise ValidationFailed.field("name", "give the token a name, e.g. 'laptop CLI'")
    if not actor.is_active:
        raise ValidationFailed.field("username", "the account is disabled")
    if expires_in_days is not None and expires_in_days <= 0:
        raise ValidationFailed.field("expires_in_days", "must be a positive number of days")
    secret = new_token()
    expires_at = timezone.now() + dt.timedelta(days=expires_in_days) if expires_in_days else None
    token = ApiToken.objects.create(user_id=actor.pk, name=name, prefix=display_prefix(secret),
                                    digest=token_digest(secret), expires_at=expires_at)
    audit.record(actor, "token.created", token,
                 after={"name": name, "prefix": token.prefix, "expires_at": expires_at})
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def revoke_token(*, actor: Actor, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk:
        require(actor, "user.manage")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor, "token.revoked", token, after={"prefix": token.prefix, "owner": token.user.username})
    return token


def user_for_token(secret: str) -> User | None:
    """The active user a presented token belongs to, or None. Touches last_used_at at most once a minute."""
    token = (ApiToken.objects.select_related("user")
             .filter(digest=token_digest(secret), revoked_at__isnull=True).first())
    now = timezone.now()
    if token is None or not token.user.is_active or (token.expires_at and token.expires_at <= now):
        return None
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


class LoginThrottled(Exception):
    def __init__(self, minutes: int) -> None:
        super().__init__(f"Too many failed sign-ins. Try again in {minutes} minutes.")


def _recent_failures(*, username: str, address: str) -> int:
    since = timezone.now() - dt.timedelta(minutes=settings.ACCORD_LOGIN_WINDOW_MINUTES)
    recent = LoginAttempt.objects.filter(at__gte=since, succeeded=False)
    by_user = recent.filter(username__iexact=username).count()
    by_address = recent.filter(address=address).count()
    return max(by_user, by_address)


def sign_in(*, username: str, password: str, address: str) -> User | None:
    """Check a password with the throttle in front. Returns the user, or None for bad credentials.

    Raises LoginThrottled once the username or the address has failed too often in the window; the
    password is then not even checked, so guessing cannot continue. Django's authenticate() hashes
    a dummy password for unknown usernames, so timing does not reveal which usernames exist.
    """
    if _recent_failures(username=username, address=address) >= settings.ACCORD_LOGIN_MAX_FAILURES:
        raise LoginThrottled(settings.ACCORD_LOGIN_WINDOW_MINUTES)
    user = authenticate(username=username, password=password)
    with transaction.atomic():
        LoginAttempt.objects.create(username=username[:150], address=address[:64], succeeded=user is not None)
        if user is None:
            audit.record(None, "auth.login_failed", ("accounts.user", "", username[:300]),
                         after={"username": username[:150], "address": address}, actor_name="anonymous")
        else:
            audit.record(user, "auth.login", user, after={"address": address})
    return user if isinstance(user, User) else None




SYSTEM_USERNAME = "accord-system"


def system_actor() -> User:
    """The actor of scheduled work (the daily tick): a user that holds no role and cannot sign in,
    so the audit trail names it as the one who expired or reminded."""
    user, created = User.objects.get_or_create(username=SYSTEM_USERNAME,
                                               defaults={"display_name": "Accord (scheduled work)"})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
