"""The executive briefing, built from an incident's latest update: bottom line first, what we know,
what we assess (ICD 203 likelihood with its range, confidence, basis), what we do not know yet,
business impact in money (90% ranges, with the currency), decisions needed, regulatory deadlines
with their legal basis, open actions and the next update time.

One `Briefing` feeds the page, the plain text (`briefing_text`) and the PDF (`briefing_pdf`, through
accord.reports), so the three always say the same thing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from accord.core import clock, money
from accord.incidents.models import (
    Action,
    ExecutiveUpdate,
    Incident,
    Likelihood,
    Phase,
    Severity,
    likelihood_with_range,
)
from accord.incidents.regulatory import RegulatoryClock, duration_text

EXERCISE_MARKING = "EXERCISE: not a real incident"
NO_UPDATE = "No executive update yet: the bottom line follows with the first one."


def when(moment: datetime | None) -> str:
    """A moment in the organisation's time zone, with the zone's name: 2026-12-01 14:00 CET."""
    if moment is None:
        return money.NO_VALUE
    return timezone.localtime(moment, clock.zone()).strftime("%Y-%m-%d %H:%M %Z")


def count_range(low: float, high: float, unit: str = "") -> str:
    text = f"{low:,.0f}" if low == high else f"{low:,.0f} to {high:,.0f}"
    return f"{text} {unit}".strip()


def hours_range(low: float, high: float) -> str:
    def fmt(value: float) -> str:
        return f"{value:,.1f}".rstrip("0").rstrip(".")

    return f"{fmt(low)} hours" if low == high else f"{fmt(low)} to {fmt(high)} hours"


def money_range(low: float, high: float, currency: str) -> str:
    """EUR 1.2M to 3.5M (the currency once, in front)."""
    if low == high:
        return money.compact(low, currency)
    return f"{money.compact(low, currency)} to {money.compact(high, '')}"


@dataclass(frozen=True)
class JudgementLine:
    statement: str
    term: str  # "likely"
    range: str  # "55-80%" (with an en dash)
    confidence: str  # "moderate confidence"
    basis: str

    @property
    def likelihood(self) -> str:
        return f"{self.term} ({self.range})"


@dataclass(frozen=True)
class ImpactLine:
    label: str
    text: str
    low: float
    high: float
    how: str = ""  # how the figure was reached


@dataclass
class Briefing:
    incident: Incident
    update: ExecutiveUpdate | None
    now: datetime
    currency: str
    bottom_line: str
    facts: list[str]
    judgements: list[JudgementLine]
    unknowns: list[str]
    impact: list[ImpactLine]
    cost: ImpactLine | None  # the business impact in money (a 90% range)
    cost_parts: list[ImpactLine]
    decisions: list[str]
    next_update_at: datetime | None
    next_update_overdue: bool
    deadlines: list[RegulatoryClock]
    deadlines_not_started: list[str]
    actions: list[Action]
    services: list[str] = field(default_factory=list)

    @property
    def exercise(self) -> bool:
        return self.incident.exercise

    @property
    def marking(self) -> str:
        return EXERCISE_MARKING if self.exercise else ""

    @property
    def title(self) -> str:
        prefix = "EXERCISE: " if self.exercise else ""
        return f"{prefix}{self.incident.reference} {self.incident.title}: executive briefing"

    @property
    def as_of(self) -> str:
        if self.update is None:
            return f"no update yet, as of {when(self.now)}"
        return f"update #{self.update.number} of {when(self.update.created_at)}"

    @property
    def severity_label(self) -> str:
        return Severity(self.incident.severity).label

    @property
    def phase_label(self) -> str:
        return Phase(self.incident.phase).label

    @property
    def commander(self) -> str:
        return str(self.incident.commander) if self.incident.commander else "not named"

    @property
    def next_update(self) -> str:
        if self.next_update_at is None:
            return "none planned" if self.incident.phase != Phase.CLOSED else "none: the incident is closed"
        late = f" (overdue by {duration_text(self.now - self.next_update_at)})" if self.next_update_overdue else ""
        return f"{when(self.next_update_at)}{late}"

    def deadline_rows(self) -> list[dict[str, Any]]:
        return [{"clock": c, "due": when(c.due), "left": c.left_text(self.now), "state": c.state(self.now)}
                for c in self.deadlines]


def _impact(update: ExecutiveUpdate, currency: str) -> tuple[list[ImpactLine], ImpactLine | None, list[ImpactLine]]:
    lines: list[ImpactLine] = []
    parts: list[ImpactLine] = []
    cur = update.currency or currency
    downtime = update.downtime_cost()
    if downtime is not None:
        low_h, high_h = float(update.downtime_hours_low or 0), float(update.downtime_hours_high or 0)
        named = list(update.cost_per_hour_by_service)
        if len(named) == 1:
            services = named[0]["service"]
        else:
            services = " + ".join(f"{p['service']} {money.full(p['per_hour'], cur)}" for p in named) or \
                "no affected service named"
        how = (f"{money.full(float(update.cost_per_hour), cur)} an hour ({services}) \u00d7 {hours_range(low_h, high_h)} "
               "of downtime")
        parts.append(ImpactLine("Downtime cost", money_range(*downtime, cur), *downtime, how=how))
    other = update.other_cost()
    if other is not None:
        parts.append(ImpactLine("Other costs", money_range(*other, cur), *other, how=update.cost_note))
    total = update.total_cost()
    cost = None
    if total is not None:
        how = " + ".join(p.label.lower() for p in parts)
        how = f"{how}, the ranges' ends added: a cautious range" if len(parts) > 1 else how
        cost = ImpactLine("Business impact", money_range(*total, cur), *total, how=how)
    if update.downtime_hours_low is not None and update.downtime_hours_high is not None:
        low, high = float(update.downtime_hours_low), float(update.downtime_hours_high)
        lines.append(ImpactLine("Downtime", hours_range(low, high), low, high))
    if update.records_low is not None and update.records_high is not None:
        lines.append(ImpactLine("Records affected", count_range(update.records_low, update.records_high, "records"),
                                float(update.records_low), float(update.records_high)))
    return lines, cost, parts


def build_briefing(incident: Incident, update: ExecutiveUpdate | None, *, status: Any,
                   clocks: Sequence[RegulatoryClock], not_started: Sequence[str], actions: Sequence[Action],
                   now: datetime, currency: str) -> Briefing:
    impact: list[ImpactLine] = []
    cost = None
    parts: list[ImpactLine] = []
    judgements: list[JudgementLine] = []
    if update is not None:
        impact, cost, parts = _impact(update, currency)
        for j in update.judgements.all():
            low, high = j.likelihood_range
            judgements.append(JudgementLine(j.statement, Likelihood(j.likelihood).label, f"{low}\u2013{high}%",
                                            j.get_confidence_display(), j.basis))
    return Briefing(
        incident=incident, update=update, now=now, currency=(update.currency if update else currency),
        bottom_line=update.bottom_line if update else NO_UPDATE,
        facts=[f.text for f in update.facts.all()] if update else [],
        judgements=judgements, unknowns=list(update.unknowns) if update else [],
        impact=impact, cost=cost, cost_parts=parts,
        decisions=list(update.decisions_needed) if update else [],
        next_update_at=status.due, next_update_overdue=status.overdue,
        deadlines=list(clocks), deadlines_not_started=list(not_started), actions=list(actions),
        services=[s.name for s in incident.services.all()],
    )


# Plain text ------------------------------------------------------------------------------------------

def briefing_text(b: Briefing) -> str:
    """The briefing as plain text to paste into an email or a chat: bottom line first."""
    from accord.reports import text

    head = []
    if b.exercise:
        head.append(f"*** {EXERCISE_MARKING.upper()} ***")
    head.append(b.title)
    head.append(f"{b.severity_label} | phase: {b.phase_label} | commander: {b.commander} | {b.as_of}")
    if b.services:
        head.append(f"Affected: {', '.join(b.services)}")
    sections = ["\n".join(head), text.section("Bottom line", text.paragraph(b.bottom_line))]
    sections.append(text.section("What we know", text.bullets(b.facts, empty="- Nothing established yet.")))
    if b.judgements:
        sections.append(text.section(
            "What we assess (likelihood as in ICD 203, with our confidence)",
            text.bullets(f"{j.statement} {j.likelihood.capitalize()}, {j.confidence}. Basis: {j.basis}"
                         for j in b.judgements)))
    sections.append(text.section("What we do not know yet", text.bullets(b.unknowns, empty="- Nothing listed.")))
    impact = []
    if b.cost is not None:
        impact.append(f"In money: {b.cost.text} (90% range; {b.cost.how})")
        impact.extend(f"{p.label}: {p.text}" + (f" ({p.how})" if p.how else "") for p in b.cost_parts)
    impact.extend(f"{line.label}: {line.text} (90% range)" for line in b.impact)
    sections.append(text.section("Business impact", text.bullets(impact, empty="- Not estimated yet.")))
    sections.append(text.section("Decisions needed", text.bullets(b.decisions, empty="- None at this time.")))
    deadlines = [f"{c.short} {c.label}: due {when(c.due)} ({c.left_text(b.now)}). Basis: {c.basis}"
                 for c in b.deadlines]
    deadlines.extend(b.deadlines_not_started)
    sections.append(text.section("Regulatory deadlines", text.bullets(deadlines, empty="- None running.")))
    if b.actions:
        sections.append(text.section("Open actions", text.bullets(
            f"{a.text}" + (f" ({a.owner})" if a.owner else "") + (f", due {when(a.due)}" if a.due else "")
            for a in b.actions)))
    sections.append(text.section("Next update", b.next_update))
    return text.document(*sections)


# Chart and PDF -----------------------------------------------------------------------------------------

def cost_chart(b: Briefing) -> Any:
    """The money ranges (downtime cost, other costs, total) as one SVG chart, or None."""
    from accord.reports.charts import interval_chart

    if b.cost is None:
        return None
    rows = [(p.label, p.low, p.high) for p in b.cost_parts]
    if len(rows) > 1:
        rows.append(("Total", b.cost.low, b.cost.high))
    return interval_chart(rows, formatter=lambda v: money.compact(v, b.currency),
                          title=f"Business impact, 90% ranges ({b.currency})", highlight_last=len(rows) > 1)


def briefing_context(b: Briefing) -> dict[str, Any]:
    from accord.reports.charts import svg_data_uri

    chart = cost_chart(b)
    return {"b": b, "title": b.title, "marking": b.marking, "deadline_rows": b.deadline_rows(),
            "chart_uri": svg_data_uri(str(chart.svg)) if chart is not None else ""}


def briefing_pdf(b: Briefing) -> bytes:
    from accord.reports import render_pdf

    return render_pdf("incidents/briefing_print.html", briefing_context(b))


__all__ = ["EXERCISE_MARKING", "Briefing", "briefing_pdf", "briefing_text", "build_briefing", "likelihood_with_range"]
