"""HTML to PDF for every report, with the shared print stylesheet, fetching nothing from outside.

WeasyPrint is imported when a PDF is made (it takes a moment to load), not when Accord starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from django.template import Engine
from django.utils import timezone

HERE = Path(__file__).resolve().parent
PRINT_CSS = HERE / "data" / "print.css"


@cache
def _engine() -> Engine:
    """Templates of this package, then every installed app's (so reports work whether or not
    `accord.reports` is in INSTALLED_APPS); the apps' template tag libraries (`money`, ...) load."""
    from django.template.backends.django import get_installed_libraries

    return Engine(dirs=[str(HERE / "templates")], app_dirs=True, autoescape=True,
                  libraries=get_installed_libraries())


@cache
def print_stylesheet() -> str:
    """The shared print CSS (A4, running header and page numbers, tables, ranges, marking)."""
    return PRINT_CSS.read_text(encoding="utf-8")


def render_html(template_name: str, context: Mapping[str, Any]) -> str:
    """The report's HTML, with `generated_at` set to now when the context does not give it."""
    data = {"generated_at": timezone.now(), **context}
    return _engine().get_template(template_name).render(_context(data))


def _context(data: dict[str, Any]) -> Any:
    from django.template import Context

    return Context(data, autoescape=True)


def _fetcher() -> Any:
    from weasyprint import URLFetcher

    # Only what is inside the document: data: URIs. No network, no local files.
    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)


def html_to_pdf(html: str, *, stylesheets: Iterable[str] = ()) -> bytes:
    """Print HTML to PDF with the shared print stylesheet and any extra CSS (strings)."""
    return html_to_pdf_with_pages(html, stylesheets=stylesheets)[0]


def html_to_pdf_with_pages(html: str, *, stylesheets: Iterable[str] = ()) -> tuple[bytes, int]:
    """As `html_to_pdf`, with the number of pages printed."""
    from weasyprint import CSS, HTML

    fetcher = _fetcher()
    sheets = [CSS(string=print_stylesheet(), url_fetcher=fetcher),
              *(CSS(string=sheet, url_fetcher=fetcher) for sheet in stylesheets)]
    document = HTML(string=html, url_fetcher=fetcher, media_type="print").render(stylesheets=sheets)
    pdf = document.write_pdf()
    if pdf is None:  # (only when a target is given)
        raise RuntimeError("WeasyPrint returned no document")
    return bytes(pdf), len(document.pages)


def render_pdf(template_name: str, context: Mapping[str, Any], *, stylesheets: Iterable[str] = ()) -> bytes:
    """The report `template_name` (extending `reports/base.html`) rendered with `context`, as a PDF."""
    return html_to_pdf(render_html(template_name, context), stylesheets=stylesheets)
