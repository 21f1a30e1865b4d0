"""Where each entry sits on the radar picture: four quadrants (one per kind of entry) and four rings
(adopt innermost, then trial, assess, hold). Plain geometry, no Django: the template draws the SVG.

Entries of one cell (quadrant and ring) are spread evenly across the quadrant's angle, alternating a
little inwards and outwards, so no two entries share a spot; the order is the order given, so the same
entries always land in the same places.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

SIZE = 520
CENTRE = SIZE / 2
RING_RADII = (80.0, 145.0, 200.0, 250.0)  # outer edge of adopt, trial, assess, hold
# Quadrant n spans the angles [QUADRANT_START[n], +90°), measured counter-clockwise from 3 o'clock:
# top right, top left, bottom left, bottom right.
QUADRANT_START = (0.0, 90.0, 180.0, 270.0)


@dataclass(frozen=True)
class Placement:
    key: int
    quadrant: int
    ring: int


@dataclass(frozen=True)
class Blip:
    key: int
    number: int  # the label on the picture, matched in the legend
    x: float
    y: float


def ring_band(ring: int) -> tuple[float, float]:
    inner = 0.0 if ring == 0 else RING_RADII[ring - 1]
    return inner, RING_RADII[ring]


def place(entries: list[Placement]) -> list[Blip]:
    """A blip for each entry, numbered 1.. in the order given."""
    cells: dict[tuple[int, int], list[Placement]] = {}
    for entry in entries:
        cells.setdefault((entry.quadrant, entry.ring), []).append(entry)
    positions: dict[int, tuple[float, float]] = {}
    for (quadrant, ring), members in cells.items():
        inner, outer = ring_band(ring)
        middle, wobble = (inner + outer) / 2, (outer - inner) / 5
        for index, entry in enumerate(members):
            angle = math.radians(QUADRANT_START[quadrant] + 90.0 * (index + 1) / (len(members) + 1))
            radius = middle + (wobble if index % 2 else -wobble) * (1 if len(members) > 1 else 0)
            if ring == 0:
                radius = max(radius, 30.0)  # keep blips off the centre where the quadrants meet
            # SVG's y axis points down: a counter-clockwise angle goes up.
            positions[entry.key] = (round(CENTRE + radius * math.cos(angle), 1),
                                    round(CENTRE - radius * math.sin(angle), 1))
    return [Blip(e.key, number, *positions[e.key]) for number, e in enumerate(entries, start=1)]
