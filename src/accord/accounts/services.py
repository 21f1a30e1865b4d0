"""Every write to accounts: users, roles, tokens, sign-in with its throttle, and passwords."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from accord.accounts import throttle
from accord.accounts.models import ApiToken, RoleGrant, RoleGrantStatus, User, UserRole
from accord.accounts.throttle import LoginThrottled as LoginThrottled  # views and the CLI catch it from here
from accord.accounts.tokens import display_prefix, new_token, token_digest
from accord.core import audit
from accord.core.errors import ValidationFailed
from accord.core.models import AuditEvent
from accord.core.permissions import Actor, Role, require

log = logging.getLogger(__name__)


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


def _check_password(password: str, user: User | None = None, *, field: str = "password") -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed.field(field, " ".join(exc.messages)) from None


# Letters and digits of any script, and . _ @ + - : a username is part of page and API addresses,
# so it has no slash, space or other character a URL or a shell would have to escape.
USERNAME = re.compile(r"[\w.@+-]{1,150}")


def clean_username(username: str) -> str:
    """The username without surrounding spaces, or ValidationFailed naming the field."""
    username = username.strip()
    if not username:
        raise ValidationFailed.field("username", "required")
    if len(username) > 150:
        raise ValidationFailed.field("username", f"at most 150 characters (this one has {len(username)})")
    if not USERNAME.fullmatch(username):
        raise ValidationFailed.field("username", "use letters, digits and . _ @ + - only (no spaces or slashes)")
    return username


def _create_user_row(*, username: str, password: str, roles: list[str], email: str,
                     display_name: str) -> User:
    """`roles` already checked (empty while a leadership role waits for approval)."""
    username = clean_username(username)
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


def sign_in(*, username: str, password: str, address: str) -> User | None:
    """Check a password with the throttle in front. Returns the user, or None for bad credentials;
    either way the attempt is audited.

    Raises LoginThrottled, without checking the password, while this username and address pair
    must wait (accord.accounts.throttle): the same user at another address is not held back.
    Django's authenticate() hashes a dummy password for unknown usernames, so timing does not
    reveal which usernames exist.
    """
    throttle.claim_attempt(username=username, address=address)
    user = authenticate(username=username, password=password)
    with transaction.atomic():
        if isinstance(user, User):
            throttle.record_success(username=username, address=address)
            audit.record(user, "auth.login", user, after={"address": address})
            return user
        audit.record(None, "auth.login_failed", ("accounts.user", "", username[:300]),
                     after={"username": username[:150], "address": address}, actor_name="anonymous")
    return None


def change_password(*, actor: Actor, old_password: str, new_password: str, address: str) -> User:
    """The acting user changes their own password; returns their row with the new one. The current
    password is checked behind the sign-in throttle, so a borrowed session cannot guess it."""
    user = User.objects.get(pk=actor.pk)
    _check_password(new_password, user, field="new_password")
    throttle.claim_attempt(username=user.username, address=address)
    if not user.check_password(old_password):
        with transaction.atomic():
            audit.record(user, "user.password_change_refused", user, after={"address": address})
        raise ValidationFailed.field("old_password", "this is not your current password")
    with transaction.atomic():
        throttle.record_success(username=user.username, address=address)
        user.set_password(new_password)
        user.save(update_fields=["password"])
        audit.record(user, "user.password_changed", user, after={"address": address})
    return user


# At most one reset email per account in this time, so the form cannot be used to flood an inbox.
RESET_EMAIL_INTERVAL = dt.timedelta(minutes=5)


def request_password_reset(*, login: str, address: str) -> None:
    """Email a one-time link to set a new password to the account `login` names (its username or
    email address), when it is active, has an email address and signs in with a password.

    Says nothing either way, so the form cannot tell which accounts exist. A mail server that
    refuses is logged, not shown.
    """
    login = login.strip()
    if not login:
        raise ValidationFailed.field("login", "give your username or email address")
    since = timezone.now() - RESET_EMAIL_INTERVAL
    candidates = User.objects.filter(Q(username__iexact=login) | Q(email__iexact=login), is_active=True).exclude(email="")
    for user in candidates:
        recently = AuditEvent.objects.filter(action="auth.password_reset_requested", object_type="accounts.user",
                                             object_id=str(user.pk), at__gte=since).exists()
        if not user.has_usable_password() or recently:
            continue
        sent = _send_reset_link(user, address)
        with transaction.atomic():
            audit.record(None, "auth.password_reset_requested", user, after={"address": address, "sent": sent},
                         actor_name="anonymous")


def _send_reset_link(user: User, address: str) -> bool:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = settings.ACCORD_BASE_URL + reverse("accounts:password_reset_link",
                                              args=[uid, default_token_generator.make_token(user)])
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    body = (f"Someone, hopefully you, asked to reset the password of the Accord account {user.username} "
            f"(from {address}).\n\nTo choose a new password, open this link within {minutes} minutes; it works "
            f"once:\n\n{link}\n\nIf it was not you, ignore this email: your password stays as it is.\n")
    try:
        send_mail("Reset your Accord password", body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except OSError:  # smtplib's errors are OSErrors: an unreachable or refusing mail server
        log.exception("could not send the password-reset email of user %s", user.pk)
        return False
    return True


def user_for_reset_link(uidb64: str, token: str) -> User | None:
    """The active user a reset link was made for, while the link is valid: not expired, and not
    used (setting a password, or signing in, changes what the token was made from)."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode("ascii"))
    except (ValueError, UnicodeDecodeError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


@transaction.atomic
def reset_password(*, uidb64: str, token: str, new_password: str, address: str) -> User:
    """Set a new password through a reset link: the link then stops working, and the account's
    failed sign-ins are forgotten (its owner proved they read its email)."""
    user = user_for_reset_link(uidb64, token)
    if user is None:
        raise ValidationFailed.field("token", "this link is invalid, used or expired: ask for a new one")
    _check_password(new_password, user, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    throttle.forget_failures(username=user.username)
    audit.record(user, "user.password_reset", user, after={"address": address})
    return user


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
