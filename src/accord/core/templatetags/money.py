"""`{% load money %}`: `{{ amount|money:currency }}` (EUR 1.25M) and `{{ amount|money_full:currency }}`."""

from __future__ import annotations

from typing import Any

from django import template

from accord.core import money as money_format

register = template.Library()


@register.filter
def money(value: Any, currency: str = "") -> str:
    return money_format.compact(value, currency)


@register.filter
def money_full(value: Any, currency: str = "") -> str:
    return money_format.full(value, currency)


@register.filter
def percent(value: Any, digits: int = 2) -> str:
    """0.0012 as 0.12%."""
    if value is None or value == "":
        return money_format.NO_VALUE
    return f"{float(value) * 100:.{int(digits)}f}%"
