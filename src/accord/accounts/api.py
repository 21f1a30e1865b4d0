"""Accounts API: who am I, my tokens, and user administration."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from accord.accounts import selectors, services
from accord.accounts.models import User
from accord.accounts.schemas import IssuedTokenOut, MeOut, RolesIn, TokenIn, TokenOut, UserIn, UserOut
from accord.core.api_auth import Capability, acting_user
from accord.core.api_common import REFUSALS, DbId, InputSchema, Text

router = Router(tags=["accounts"])


def _user_out(user: User) -> dict[str, Any]:
    return {"username": user.username, "display_name": user.display_name, "email": user.email,
            "is_active": user.is_active, "roles": sorted(user.role_names)}


@router.get("/me", response={200: MeOut, **REFUSALS}, auth=Capability())
def me(request: HttpRequest) -> dict[str, Any]:
    user = acting_user(request)
    return {**_user_out(cast(User, user)), "capabilities": sorted(user.capabilities)}  # the token's own user


@router.get("/tokens", response={200: list[TokenOut], **REFUSALS}, auth=Capability())
def list_tokens(request: HttpRequest) -> Any:
    return selectors.tokens_of(acting_user(request))


@router.post("/tokens", response={201: IssuedTokenOut, **REFUSALS}, auth=Capability())
def create_token(request: HttpRequest, payload: TokenIn) -> Status[dict[str, Any]]:
    issued = services.create_token(actor=acting_user(request), name=payload.name,
                                   expires_in_days=payload.expires_in_days)
    token = issued.token
    return Status(201, {"id": token.pk, "name": token.name, "prefix": token.prefix, "created_at": token.created_at,
                        "expires_at": token.expires_at, "last_used_at": None, "revoked_at": None,
                        "token": issued.secret})


@router.delete("/tokens/{token_id}", response={200: TokenOut, **REFUSALS}, auth=Capability())
def revoke_token(request: HttpRequest, token_id: DbId) -> Any:
    actor = acting_user(request)
    return services.revoke_token(actor=actor, token=selectors.token_of(actor, token_id))


@router.get("/users", response={200: list[UserOut], **REFUSALS}, auth=Capability("user.read"))
def list_users(request: HttpRequest) -> list[dict[str, Any]]:
    return [_user_out(u) for u in selectors.users_visible_to(acting_user(request))]


@router.post("/users", response={201: UserOut, **REFUSALS}, auth=Capability("user.manage"))
def create_user(request: HttpRequest, payload: UserIn) -> Status[dict[str, Any]]:
    user = services.create_user(actor=acting_user(request), **payload.dict())
    return Status(201, _user_out(user))


@router.put("/users/{path:username}/roles", response={200: UserOut, **REFUSALS}, auth=Capability("user.manage"))
def set_roles(request: HttpRequest, username: Text, payload: RolesIn) -> dict[str, Any]:
    actor = acting_user(request)
    user = services.set_roles(actor=actor, user=selectors.user_by_username(actor, username), roles=payload.roles)
    return _user_out(user)


@router.post("/users/{path:username}/disable", response={200: UserOut, **REFUSALS}, auth=Capability("user.manage"))
def disable_user(request: HttpRequest, username: Text) -> dict[str, Any]:
    actor = acting_user(request)
    return _user_out(services.disable_user(actor=actor, user=selectors.user_by_username(actor, username)))


class RoleGrantOut(Schema):
    id: int
    user: str
    role: str
    requested_by: str
    requested_at: dt.datetime
    status: str = Field(description="pending (a second administrator decides), granted or refused")
    how: str
    signoff_id: int | None

    @staticmethod
    def resolve_user(obj: Any) -> str:
        return obj.user.username

    @staticmethod
    def resolve_requested_by(obj: Any) -> str:
        return obj.requested_by.username


class GrantDecisionIn(InputSchema):
    approve: bool
    comment: Text = Field(default="", max_length=2000, description="required to refuse")


@router.get("/role-grants", response={200: list[RoleGrantOut], **REFUSALS}, auth=Capability("user.read"))
def list_role_grants(request: HttpRequest) -> Any:
    return list(selectors.role_grants_visible_to(acting_user(request))[:200])


@router.post("/role-grants/{grant_id}/decide", response={200: RoleGrantOut, **REFUSALS},
             auth=Capability("user.manage"))
def decide_role_grant(request: HttpRequest, grant_id: DbId, payload: GrantDecisionIn) -> Any:
    """A second administrator approves or refuses giving someone the CIO or CISO role."""
    actor = acting_user(request)
    return services.decide_role_grant(actor=actor, grant=selectors.role_grant_by_id(actor, grant_id),
                                      approve=payload.approve, comment=payload.comment)
