"""Template filters of the reviews pages."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def plain(value: Decimal | float | None) -> str:
    """A number of business days without trailing zeros: 10, 3.5, 0.25."""
    if value is None:
        return "—"
    return f"{Decimal(str(value)).normalize():f}"
