"""The sign-in pieces other pages show: the single sign-on button and the profile's second-factor panel."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from accord.accounts import two_factor

register = template.Library()


@register.inclusion_tag("accounts/_sso_button.html")
def sso_button(next_url: str = "") -> dict[str, Any]:
    config = settings.ACCORD_OIDC
    return {"provider": config.name if config is not None else "", "next": next_url}


@register.inclusion_tag("accounts/_second_factor_panel.html", takes_context=True)
def second_factor_panel(context: template.Context) -> dict[str, Any]:
    user = context["request"].user
    return {"enrolled": two_factor.has_second_factor(user), "codes_left": two_factor.unused_recovery_codes(user),
            "can_set_policy": "user.manage" in user.capabilities}
