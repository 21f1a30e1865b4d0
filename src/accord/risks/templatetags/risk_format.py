"""Money and probability as the risk pages show them."""

from __future__ import annotations

from typing import Any

from django import template

from accord.core.money import NO_VALUE

register = template.Library()


@register.filter
def pct(value: Any, digits: int = 1) -> str:
    if value is None or value == "":
        return NO_VALUE
    return f"{float(value) * 100:.{int(digits)}f}%"


@register.filter
def ratio(value: Any) -> str:
    """ROSI as a percentage with its sign."""
    if value is None or value == "":
        return NO_VALUE
    return f"{float(value) * 100:+,.0f}%"


@register.filter
def flow(value: Any) -> str:
    """A distribution in the scenario file's one-line spelling: {pert: [0.5, 2, 10]}."""
    from accord.risks.forms import flow as to_flow

    return to_flow(value)


@register.filter
def humanize_key(value: str) -> str:
    return str(value).replace("_", " ")
