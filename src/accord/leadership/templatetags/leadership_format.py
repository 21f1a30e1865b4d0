"""`{{ value|hours }}`: hours written as the API and the CLI write them (9, 9.5, 12.25)."""

from __future__ import annotations

from decimal import Decimal

from django import template

from accord.leadership.selectors import hours_text

register = template.Library()


@register.filter
def hours(value: Decimal | float | int | None) -> str:
    return "—" if value is None else hours_text(Decimal(str(value)))
