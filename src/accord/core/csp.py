"""A Content-Security-Policy on every response: scripts, styles, images, forms and frames from Accord only.

Pages carry no inline script and no inline event handler (behaviours.js reads data- attributes
instead), so script-src is 'self' alone and an injected <script> or onclick="" does not run.
Stylesheets are 'self' plus one hash: the <style> element matplotlib writes into every inline SVG
chart, always the same text. Style *attributes* stay allowed (style-src-attr 'unsafe-inline'): bars
and gauges set their width from data, and matplotlib draws every shape with style="fill: ...". An
attribute cannot run script or load anything (img-src and default-src still hold), and the CSS
exfiltration tricks need selectors, which only a <style> element or a stylesheet can bring, both
of which stay blocked. htmx's own indicator <style> is switched off (the htmx-config meta tag in
base.html) and its rules live in accord.css.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

# What matplotlib's SVG backend puts in <defs> of every chart (accord.core.charts).
MATPLOTLIB_SVG_STYLE = "*{stroke-linejoin: round; stroke-linecap: butt}"


def style_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    f"style-src 'self' {style_hash(MATPLOTLIB_SVG_STYLE)}",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", POLICY)
        return response
