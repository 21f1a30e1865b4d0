"""API authentication and authorisation in one step, declared per operation.

`auth=Capability("org.read")` accepts a personal token (`Authorization: Bearer acc_...`) or a
signed-in browser session (with Django's CSRF check on unsafe methods), then requires the
capability. No credentials gives 401; credentials without the capability give 403. Because the
capability sits on the operation, tests can list every operation and check it for every role.
"""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.utils import check_csrf

from accord.core.errors import NotAllowed
from accord.core.permissions import CAPABILITY_HELP, Actor, require
from accord.core.rate_limits import count_api_request

ANY_SIGNED_IN = "signed-in"


class CsrfFailed(Exception):
    pass


class Capability(HttpBearer):
    def __init__(self, capability: str = ANY_SIGNED_IN) -> None:
        if capability != ANY_SIGNED_IN and capability not in CAPABILITY_HELP:
            raise ValueError(f"unknown capability {capability!r}")
        self.capability = capability
        super().__init__()

    def __call__(self, request: HttpRequest) -> Any:
        if request.headers.get("Authorization"):
            user = super().__call__(request)
        else:
            user = self._session_user(request)
        if user is None:
            return None
        if self.capability != ANY_SIGNED_IN:
            require(user, self.capability)
        elif not user.is_active:
            raise NotAllowed(self.capability)
        count_api_request(user)  # RateLimited: the API answers 429 with Retry-After
        return user

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from django.contrib.auth import authenticate

        return authenticate(request, api_token=token)  # accord.accounts.backends.ApiTokenBackend

    def _session_user(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in {"GET", "HEAD", "OPTIONS", "TRACE"} and check_csrf(request) is not None:
            raise CsrfFailed
        return user


def acting_user(request: HttpRequest) -> Actor:
    """The user the operation's Capability auth let in."""
    return cast(Actor, request.auth)  # type: ignore[attr-defined]
