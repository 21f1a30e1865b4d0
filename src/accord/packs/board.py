"""The board pack's content: each registered section read as the person who asked, the audit trail's
head, and the PDF printed from them through the reporting module (accord.reports).

`collect` reads, `print_pdf` prints; both run in the render job, outside any transaction, so a long
render never holds the database. The figures `collect` returns are what the PDF prints: they are
stored with the pack and the API and command line report them from there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from accord.core.audit import Anchor
from accord.core.permissions import Actor
from accord.core.selectors import audit_chain_head
from accord.packs.periods import Quarter
from accord.packs.sections import PackInput, Section, SectionResult, sections_in_order
from accord.risks.selectors import organisation_currency

TITLE = "Board pack"


def verify_command(anchor: Anchor) -> str:
    return f"accord audit verify --anchor {anchor}"


@dataclass
class BoardPackContent:
    quarter: Quarter
    as_of: date
    currency: str
    sections: list[tuple[Section, SectionResult]]
    audit_head: Anchor | None

    def figures(self) -> dict[str, Any]:
        """Every figure the PDF prints, as plain JSON (stored with the pack; the API reports it)."""
        head = self.audit_head
        return {
            "period": str(self.quarter), "period_start": self.quarter.start.isoformat(),
            "period_end": self.quarter.end.isoformat(), "as_of": self.as_of.isoformat(), "currency": self.currency,
            "sections": {section.key: result.figures for section, result in self.sections},
            "section_titles": {section.key: section.title for section, _ in self.sections},
            "audit": {"seq": head.seq, "hash": head.hash, "anchor": str(head), "command": verify_command(head)}
            if head is not None else None,
        }


def collect(viewer: Actor, quarter: Quarter, *, as_of: date,
            progress: Callable[[float, str], None] | None = None) -> BoardPackContent:
    """Read every section's figures, then the audit trail's head (last, so it covers every row the
    figures were read after)."""
    pack = PackInput(viewer=viewer, quarter=quarter, as_of=as_of, currency=organisation_currency())
    sections = sections_in_order()
    results = []
    for index, section in enumerate(sections):
        if progress is not None:
            progress(0.05 + 0.55 * index / max(len(sections), 1), f"reading {section.title.lower()}")
        results.append((section, section.build(pack)))
    return BoardPackContent(quarter, as_of, pack.currency, results, audit_chain_head(viewer))


def _template_context(content: BoardPackContent) -> dict[str, Any]:
    from accord.reports.charts import svg_data_uri

    def uris(context: dict[str, Any]) -> dict[str, Any]:
        """Charts (anything with an .svg) as data: URIs, the only thing the PDF printer loads."""
        converted: dict[str, Any] = {}
        for key, value in context.items():
            if hasattr(value, "svg"):
                converted[key] = svg_data_uri(str(value.svg))
            elif isinstance(value, dict):
                converted[key] = uris(value)
            else:
                converted[key] = value
        return converted

    figures = content.figures()
    return {
        "title": f"{TITLE} {content.quarter}", "content": content,
        "figures": figures, "quarter": content.quarter, "as_of": content.as_of,
        "sections": [{"key": s.key, "title": s.title, "template": s.template, "new_page": s.new_page,
                      "f": r.figures, "c": uris(r.context)}
                     for s, r in content.sections],
    }


def print_pdf(content: BoardPackContent) -> tuple[bytes, int]:
    """The PDF and its number of pages."""
    from accord.reports import render_html
    from accord.reports.pdf import html_to_pdf_with_pages

    return html_to_pdf_with_pages(render_html("packs/board_print.html", _template_context(content)))


def print_html(content: BoardPackContent) -> str:
    from accord.reports import render_html

    return render_html("packs/board_print.html", _template_context(content))

