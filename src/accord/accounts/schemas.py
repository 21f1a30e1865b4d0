from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from accord.core.api_common import InputSchema


class MeOut(Schema):
    username: str
    display_name: str
    email: str
    roles: list[str]
    capabilities: list[str]


class UserOut(Schema):
    username: str
    display_name: str
    email: str
    is_active: bool
    roles: list[str]


class UserIn(InputSchema):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=200)
    roles: list[str]
    email: str = ""
    display_name: str = ""


class RolesIn(InputSchema):
    roles: list[str]


class TokenIn(InputSchema):
    name: str = Field(min_length=1, max_length=100)
    expires_in_days: int | None = Field(default=None, ge=1, le=3650)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class IssuedTokenOut(TokenOut):
    token: str
