"""The radar chart of a profile: one spoke per function (or category), one polygon per series (current,
target, benchmark), scores 0 to 4 from the centre out. Plain SVG written here, so the same picture
serves the page (inline, scales with its box) and the board pack (as an image). No Django here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

SCALE_MAX = 4
SIZE = 420  # the drawing's own units; the SVG scales to its container through its viewBox
CENTRE = SIZE / 2
RADIUS = 140


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # one per spoke; None is drawn at the centre and said in the legend
    colour: str
    dashed: bool = False


def _point(index: int, spokes: int, value: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / spokes
    r = RADIUS * max(0.0, min(value, SCALE_MAX)) / SCALE_MAX
    return CENTRE + r * math.cos(angle), CENTRE + r * math.sin(angle)


def _polygon(points: Sequence[tuple[float, float]], **attributes: str) -> str:
    coordinates = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    extra = " ".join(f'{k.replace("_", "-")}="{v}"' for k, v in attributes.items())
    return f'<polygon points="{coordinates}" {extra}/>'


def radar_svg(labels: Sequence[str], series: Sequence[Series], *, title: str) -> str:
    """An SVG radar of `series` over the spokes `labels` (at least three)."""
    spokes = len(labels)
    if spokes < 3:
        raise ValueError("a radar needs at least three spokes")
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE + 40}" role="img" '
             f'class="radar" aria-label="{escape(title)}"><title>{escape(title)}</title>',
             '<g fill="none" stroke="#d0d5dd" stroke-width="1">']
    for level in range(1, SCALE_MAX + 1):
        parts.append(_polygon([_point(i, spokes, level) for i in range(spokes)]))
    for i in range(spokes):
        x, y = _point(i, spokes, SCALE_MAX)
        parts.append(f'<line x1="{CENTRE}" y1="{CENTRE}" x2="{x:.1f}" y2="{y:.1f}"/>')
    parts.append("</g>")
    for level in range(1, SCALE_MAX + 1):
        x, y = _point(0, spokes, level)
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 4:.1f}" font-size="10" fill="#667085">{level}</text>')
    for i, label in enumerate(labels):
        x, y = _point(i, spokes, SCALE_MAX + 0.55)
        anchor = "middle" if abs(x - CENTRE) < 8 else "start" if x > CENTRE else "end"
        parts.append(f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}" font-size="13" font-weight="600" '
                     f'fill="#1d2939">{escape(label)}</text>')
    for s in series:
        points = [_point(i, spokes, v if v is not None else 0) for i, v in enumerate(s.values)]
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        parts.append(_polygon(points, fill=s.colour, fill_opacity="0.12", stroke=s.colour, stroke_width="2")
                     .replace("/>", f"{dash}/>"))
        parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{s.colour}"/>' for x, y in points]
    x = 10.0
    for s in series:
        missing = sum(1 for v in s.values if v is None)
        name = s.name + (f" ({missing} not scored)" if missing else "")
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        parts.append(f'<line x1="{x:.0f}" y1="{SIZE + 22}" x2="{x + 22:.0f}" y2="{SIZE + 22}" stroke="{s.colour}" '
                     f'stroke-width="3"{dash}/><text x="{x + 28:.0f}" y="{SIZE + 26}" font-size="12" '
                     f'fill="#1d2939">{escape(name)}</text>')
        x += 40 + 7.2 * len(name)
    parts.append("</svg>")
    return "".join(parts)
