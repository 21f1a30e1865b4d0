"""`{% filter explain %}...{% endfilter %}`: the first use of each term explained on hover."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from accord.core.glossary import explain_first_uses

register = template.Library()


@register.filter(is_safe=True)
def explain(rendered: str) -> SafeString:
    # the input is the template's own rendered (already escaped) output; only <abbr> is added
    return mark_safe(explain_first_uses(str(rendered)))  # noqa: S308
