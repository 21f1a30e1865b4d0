"""Reports: HTML templates printed to PDF with WeasyPrint, charts as SVG, and plain text to paste.

One module serves the incident briefing, the steering pack and the board pack. A report is a
Django template that extends ``reports/base.html`` (the print skeleton: running title, page
numbers, an optional marking such as EXERCISE repeated on every page) and fills its blocks; the
shared print stylesheet (A4, typography, tables, ranges, callouts) is applied to every report.

API (all pure functions; nothing here touches the database):

``render_html(template_name, context) -> str``
    The report's HTML (templates are looked up in this package and in every installed app, so an
    app keeps its report templates under its own ``templates/``).
``render_pdf(template_name, context) -> bytes``
    The report as a PDF. Nothing outside the document is fetched (no network, no files): charts
    and images must be inline (``<svg>`` or ``data:`` URIs, see ``charts.svg_data_uri``).
``html_to_pdf(html, *, stylesheets=()) -> bytes``
    Any HTML string as a PDF with the shared print stylesheet (plus extra CSS strings).
``charts.interval_chart(rows, *, formatter, title="") -> Chart``
    Horizontal 90%-range bars (low to high with a mid mark), for money or counts.
``text``: ``heading``, ``bullets``, ``paragraph``, ``key_values`` for plain-text versions that read
well in an email or a chat message (no markup, wrapped at 78 columns).

Context every report template may use: ``title`` (the document title, repeated in the running
header), ``marking`` (e.g. "EXERCISE: not a real incident", printed on every page), ``subtitle``,
``generated_at`` (set by ``render_html`` when absent) and ``organisation``.
"""

from __future__ import annotations

from accord.reports.pdf import html_to_pdf, print_stylesheet, render_html, render_pdf

__all__ = ["html_to_pdf", "print_stylesheet", "render_html", "render_pdf"]
