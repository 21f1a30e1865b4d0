"""Personal API tokens as a Django authentication backend, so the API's authentication (in core) asks
Django rather than importing this app: `authenticate(request, api_token=...)`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend
from django.http import HttpRequest

from accord.accounts.services import user_for_token


class ApiTokenBackend(BaseBackend):
    def authenticate(self, request: HttpRequest | None, api_token: str | None = None) -> Any:  # type: ignore[override]
        return user_for_token(api_token) if api_token else None
