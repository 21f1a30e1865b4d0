"""The unread count beside the inbox link in every page's header."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accord.notifications.selectors import unread_count


def inbox(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread": unread_count(user)}
