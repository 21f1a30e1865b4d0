"""Single sign-on, the part that needs no OpenID library: the provider's verified claims in, an Accord
user with the roles its groups map to out (or a refusal that says why).

The provider decides who holds which role: at every single sign-on the user's roles are set to what
their groups map to (ACCORD_OIDC_ROLE_MAP), by the system actor, audited with the groups. A CIO or
CISO role given this way takes no second administrator (the provider's group owners approve it),
so the current holders are told, as when the only administrator grants one.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from accord.accounts.models import SsoIdentity, User, UserRole
from accord.accounts.oidc_config import OidcConfig
from accord.accounts.services import LEADERSHIP, clean_username, system_actor
from accord.core import audit
from accord.core.errors import ValidationFailed
from accord.core.permissions import Role

REFUSAL_KEY = "accord_sso_refused"  # the session key the refusal page reads its reason from


class SsoRefused(Exception):
    """The provider vouched for someone Accord will not let in; the message says why, for them."""


def _groups(claims: dict[str, Any], name: str) -> list[str]:
    value = claims.get(name)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(g) for g in value]
    return []


def _refuse(config: OidcConfig, claims: dict[str, Any], reason: str, address: str) -> SsoRefused:
    """Audit the refusal in its own transaction (it must stay) and return the error to raise."""
    who = str(claims.get(config.username_claim) or claims.get("sub") or "")[:150]
    with transaction.atomic():
        audit.record(None, "auth.sso_refused", ("accounts.user", "", who),
                     after={"issuer": config.issuer, "subject": str(claims.get("sub", "")), "username": who,
                            "groups": _groups(claims, config.groups_claim), "reason": reason, "address": address},
                     actor_name="anonymous")
    return SsoRefused(reason)


def sign_in_with_provider(*, config: OidcConfig, claims: dict[str, Any], address: str = "") -> User:
    """The Accord user for verified claims: found by the provider's subject, else the account with
    the same username (linked now), else created when ACCORD_OIDC_CREATE_USERS allows. Raises
    SsoRefused when the groups map to no role, the account is disabled or unknown."""
    subject = str(claims.get("sub") or "")
    if not subject:
        raise _refuse(config, claims, f"{config.name} sent no subject (sub) for this account", address)
    groups = _groups(claims, config.groups_claim)
    roles = config.roles_for(groups)
    if not roles:
        raise _refuse(config, claims, f"your account at {config.name} is in none of the groups that give a role "
                      f"in Accord ({', '.join(sorted(config.role_map))}); ask your administrator to add you to one",
                      address)
    username = str(claims.get(config.username_claim) or "").strip()
    refusal = ""
    with transaction.atomic():
        identity = (SsoIdentity.objects.select_for_update().select_related("user")
                    .filter(issuer=config.issuer, subject=subject).first())
        user = identity.user if identity is not None else None
        if user is None:
            user, refusal = _link_or_create(config, claims, username=username, subject=subject)
        if user is not None and not user.is_active:
            refusal = f"the Accord account {user.username} is disabled"
        if not refusal and user is not None:
            _sync_roles(config, user, roles, groups)
            SsoIdentity.objects.filter(user=user, issuer=config.issuer, subject=subject).update(
                last_sign_in_at=timezone.now())
            audit.record(user, "auth.login", user, after={"address": address, "method": "sso",
                                                          "issuer": config.issuer})
            return user
    raise _refuse(config, claims, refusal or "no account", address)


def _link_or_create(config: OidcConfig, claims: dict[str, Any], *, username: str,
                    subject: str) -> tuple[User | None, str]:
    try:
        username = clean_username(username)  # the same rule as for local accounts
    except ValidationFailed as exc:
        return None, f"{config.name} sent no usable {config.username_claim} claim for this account ({exc})"
    user = User.objects.select_for_update().filter(username__iexact=username).first()
    actor = system_actor()
    if user is not None:
        if user.pk == actor.pk:
            return None, f"{username} is reserved"
        if user.has_usable_password() and UserRole.objects.filter(user=user, role=Role.ADMIN).exists():
            # A local administrator is the break-glass account: the provider's groups must not change it.
            return None, (f"{user.username} is a local administrator account, kept for signing in when "
                          f"{config.name} is down; it is never linked to single sign-on")
        if SsoIdentity.objects.filter(user=user, issuer=config.issuer).exists():
            return None, f"the Accord account {user.username} is already linked to another {config.name} account"
        action = "user.sso_linked"
    elif not config.create_users:
        return None, f"there is no Accord account {username}; ask an administrator to create it"
    else:
        user = User(username=username, email=str(claims.get("email") or "")[:254],
                    display_name=str(claims.get("name") or "")[:150])
        user.set_unusable_password()  # signs in through the provider only
        user.save()
        action = "user.created"
    SsoIdentity.objects.create(user=user, issuer=config.issuer, subject=subject)
    audit.record(actor, action, user, after={"username": user.username, "issuer": config.issuer,
                                             "subject": subject, "source": "single sign-on"})
    return user, ""


def _sync_roles(config: OidcConfig, user: User, roles: list[str], groups: list[str]) -> None:
    existing = set(UserRole.objects.filter(user=user).values_list("role", flat=True))
    if existing == set(roles):
        return
    UserRole.objects.filter(user=user).exclude(role__in=roles).delete()
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in roles if r not in existing])
    user.forget_cached_roles()
    audit.record(system_actor(), "user.roles_synced", user, before={"roles": sorted(existing)},
                 after={"roles": roles, "groups": groups, "source": config.name})
    added_leadership = [r for r in roles if r in LEADERSHIP and r not in existing]
    if added_leadership:
        _tell_holders(config, user, added_leadership)


def _tell_holders(config: OidcConfig, user: User, roles: list[str]) -> None:
    from accord.accounts.selectors import holders_of
    from accord.notifications.models import Event
    from accord.notifications.services import notify

    for role in roles:
        notify(event=Event.ROLE_GRANTED, recipients=[u for u in holders_of({role}) if u.pk != user.pk],
               title=f"{user} was given the {role.upper()} role by {config.name}",
               body="Their groups at the sign-in provider map to it (ACCORD_OIDC_ROLE_MAP).",
               url="/accounts/users/")
