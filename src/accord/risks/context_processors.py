"""`currency` in every page's context: every amount on every page is shown with it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accord.risks.selectors import organisation_currency


def currency(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"currency": organisation_currency()}
