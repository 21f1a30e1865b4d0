"""Reads of accounts, scoped by what the viewer may see."""

from __future__ import annotations

from django.db.models import QuerySet

from accord.accounts.models import ApiToken, RoleGrant, RoleGrantStatus, User
from accord.core.errors import NotFound
from accord.core.permissions import Actor, require


def users_visible_to(viewer: Actor) -> QuerySet[User]:
    require(viewer, "user.read")
    return User.objects.prefetch_related("roles").order_by("username")


def user_by_username(viewer: Actor, username: str) -> User:
    user = users_visible_to(viewer).filter(username=username).first()
    if user is None:
        raise NotFound("user", username)
    return user


def user_by_id(viewer: Actor, user_id: int) -> User:
    user = users_visible_to(viewer).filter(pk=user_id).first()
    if user is None:
        raise NotFound("user", user_id)
    return user


def tokens_of(viewer: Actor) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user_id=viewer.pk).order_by("-created_at")


def token_of(viewer: Actor, token_id: int) -> ApiToken:
    token = ApiToken.objects.filter(pk=token_id).select_related("user").first()
    if token is None or (token.user_id != viewer.pk and "user.manage" not in viewer.capabilities):
        raise NotFound("token", token_id)
    return token


def holders_of(roles: set[str] | frozenset[str] | list[str]) -> QuerySet[User]:
    """Active users holding any of `roles`: who a notification or an approval goes to (no viewer:
    services use it to address people, not to show them)."""
    return User.objects.filter(is_active=True, roles__role__in=list(roles)).distinct().order_by("username")


def role_grants_visible_to(viewer: Actor, *, pending_only: bool = False) -> QuerySet[RoleGrant]:
    require(viewer, "user.read")
    qs = RoleGrant.objects.select_related("user", "requested_by", "signoff").order_by("-requested_at", "-id")
    return qs.filter(status=RoleGrantStatus.PENDING) if pending_only else qs


def role_grant_by_id(viewer: Actor, grant_id: int) -> RoleGrant:
    grant = role_grants_visible_to(viewer).filter(pk=grant_id).first()
    if grant is None:
        raise NotFound("role grant", grant_id)
    return grant
