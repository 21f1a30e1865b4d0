"""The incidents page of the board pack: the real incidents reported in the quarter (exercises are
counted apart, never mixed in), each with its business impact in money as its latest executive
update estimated it, and the lessons its post-incident review recorded."""

from __future__ import annotations

from typing import Any

from accord.incidents import selectors as incidents
from accord.packs.sections import PackInput, SectionResult, board_section
from accord.packs.sections.common import day, range_text

SHOWN = 8


def _in_quarter(pack: PackInput, *, exercise: bool) -> Any:
    return incidents.incidents_visible_to(pack.viewer, exercise=exercise).filter(
        reported_at__gte=pack.quarter.starts_at, reported_at__lt=pack.quarter.ends_at)


def _row(pack: PackInput, incident: Any) -> dict[str, Any]:
    update = incidents.latest_update(pack.viewer, incident)
    cost = update.total_cost() if update is not None else None
    currency = (update.currency if update is not None else "") or pack.currency
    review = incidents.review_of(pack.viewer, incident)
    return {"reference": incident.reference, "title": incident.title, "severity": incident.severity,
            "severity_text": incident.get_severity_display(), "phase": incident.get_phase_display(),
            "open": incident.is_open, "reported_on": day(incident.reported_at),
            "impact": None if cost is None else {"low": cost[0], "high": cost[1], "currency": currency,
                                                 "text": range_text(cost[0], cost[1], currency),
                                                 "as_of": day(update.created_at) if update else ""},
            "lessons": [lesson.text for lesson in review.lessons.all()] if review is not None else [],
            "reviewed_on": review.held_on.isoformat() if review is not None else ""}


@board_section("incidents", title="Incidents and lessons", order=60, template="packs/print/incidents.html")
def incidents_section(pack: PackInput) -> SectionResult:
    real = list(_in_quarter(pack, exercise=False).order_by("severity", "-reported_at", "-id"))
    rows = [_row(pack, incident) for incident in real[:SHOWN]]
    severities: dict[str, int] = {}
    for incident in real:
        label = incident.get_severity_display().split(":")[0]
        severities[label] = severities.get(label, 0) + 1
    data = {"as_of": pack.as_of.isoformat(), "currency": pack.currency, "count": len(real),
            "still_open": sum(1 for i in real if i.is_open), "by_severity": severities,
            "exercises": _in_quarter(pack, exercise=True).count(), "shown": len(rows),
            "lessons": sum(len(r["lessons"]) for r in rows), "rows": rows}
    return SectionResult(data)
