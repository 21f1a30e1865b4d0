"""Money, ratios and years as the portfolio pages show them."""

from __future__ import annotations

from typing import Any

from django import template

from accord.core.money import NO_VALUE

register = template.Library()



@register.filter
def ratio(value: Any) -> str:
    """ROSI as a signed percentage."""
    if value is None or value == "":
        return NO_VALUE
    return f"{float(value) * 100:+,.0f}%"


@register.filter
def years(value: Any) -> str:
    if value is None or value == "":
        return "not within the horizon"
    return f"{float(value):.1f} y"


@register.filter
def pct(value: Any) -> str:
    if value is None or value == "":
        return NO_VALUE
    return f"{float(value) * 100:.1f}%"


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """`{{ mapping|get_item:key }}` for dicts keyed by ids or slugs."""
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def as_json(value: Any) -> str:
    """A distribution mapping as JSON, the way the forms and files spell it."""
    import json

    return json.dumps(value)
