"""Trend lines as small inline SVG, drawn by hand: a handful of monthly points needs no plotting
library, and the page stays light with sixteen of them. The same SVG serves the page and a PDF."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from html import escape

from django.utils.safestring import SafeString, mark_safe

COLOURS = {"red": "#b42318", "amber": "#b54708", "green": "#1e7b4a", "": "#1f5fbf"}


def trend_svg(points: Sequence[tuple[date, float | None]], *, status: str = "", width: int = 132, height: int = 36,
              labelled: bool = False, formatter: Callable[[float], str] = lambda v: f"{v:,.1f}") -> SafeString:
    """A line through the months that have a value (gaps where a month has none); with `labelled`, the
    first and last month under it and the highest and lowest value beside it. Empty without two values."""
    known = [(i, v) for i, (_, v) in enumerate(points) if v is not None]
    if len(known) < 2:
        return mark_safe("")
    pad_left = 56 if labelled else 3
    pad_bottom = 16 if labelled else 3
    inner_w, inner_h = width - pad_left - 4, height - pad_bottom - 4
    low = min(v for _, v in known)
    high = max(v for _, v in known)
    span = (high - low) or 1.0
    step = inner_w / max(len(points) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return pad_left + i * step, 4 + inner_h - (v - low) / span * inner_h

    segments: list[list[tuple[float, float]]] = [[]]
    for i, (_, v) in enumerate(points):
        if v is None:
            segments.append([])
        else:
            segments[-1].append(xy(i, v))
    colour = COLOURS.get(status, COLOURS[""])
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="trend" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img">',
             f"<title>{escape(_summary(points, formatter))}</title>"]
    for segment in segments:
        if len(segment) == 1:
            x, y = segment[0]
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2" fill="{colour}"/>')
        elif segment:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in segment)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="1.8" '
                         'stroke-linejoin="round"/>')
    last_x, last_y = xy(*known[-1])
    parts.append(f'<circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="2.6" fill="{colour}"/>')
    if labelled:
        style = 'font-size="10" fill="#667085" font-family="sans-serif"'
        parts.append(f'<text x="{pad_left - 6}" y="{4 + 8}" text-anchor="end" {style}>{escape(formatter(high))}</text>')
        parts.append(f'<text x="{pad_left - 6}" y="{4 + inner_h}" text-anchor="end" {style}>'
                     f'{escape(formatter(low))}</text>')
        parts.append(f'<text x="{pad_left}" y="{height - 3}" {style}>{points[0][0]:%b %Y}</text>')
        parts.append(f'<text x="{width - 4}" y="{height - 3}" text-anchor="end" {style}>{points[-1][0]:%b %Y}</text>')
    parts.append("</svg>")
    # Built from numbers, dates and escaped labels only.
    return mark_safe("".join(parts))  # noqa: S308


def _summary(points: Sequence[tuple[date, float | None]], formatter: Callable[[float], str]) -> str:
    return "; ".join(f"{month:%b %Y}: {'no data' if v is None else formatter(v)}" for month, v in points)
