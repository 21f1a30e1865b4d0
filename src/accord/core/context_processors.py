from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accord.core.navigation import AREAS, area_of_path


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_areas": []}
    caps = user.capabilities
    return {
        "nav_areas": [a for a in AREAS if a.capability in caps],
        "nav_caps": caps,
        "nav_active": area_of_path(request.path),
    }
