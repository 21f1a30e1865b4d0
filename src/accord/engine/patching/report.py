"""The plan report as one JSON document: what `accord patch plan --json` prints and what the app stores.

Money figures are in the instance's currency: `exposure` is the expected loss over the horizon
(risk_per_day is money per day), `disruption_cost` the downtime cost of the reboots.
"""

from __future__ import annotations

from typing import Any

from accord.engine.patching import ENGINE_VERSION
from accord.engine.patching.frontier import FrontierPoint
from accord.engine.patching.model import Instance, Outcome
from accord.engine.patching.plan import RECOMMENDATION, PlanReport


def figures(outcome: Outcome) -> dict[str, Any]:
    return {
        "exposure": round(outcome.exposure, 4),
        "disruption_cost": round(outcome.disruption_cost, 4),
        "sla_breaches": outcome.sla_breaches,
    }


def point_label(point: FrontierPoint, currency: str = "") -> str:
    if point.kind == "greedy_downtime":
        return "greedy's downtime, less expected loss"
    if point.kind == "budget":
        return "under the disruption budget"
    if point.price is None:
        return "no downtime at all"
    if point.price == 0.0:
        return "most protection (downtime counted free)"
    unit = f"{currency} " if currency else ""
    if point.price == 1.0:
        return f"balanced: each {unit}1 of downtime avoids at least {unit}1 of expected loss"
    leaning = "downtime-averse" if point.price > 1.0 else "protective"
    return f"{leaning}: each {unit}1 of downtime avoids at least {unit}{point.price:g} of expected loss"


def _point(point: FrontierPoint, currency: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": point.kind,
        "label": point_label(point, currency),
        "price": point.price,
        "budget": None if point.budget is None else round(point.budget, 4),
        **figures(point.plan.outcome),
        "total_cost": round(point.total_cost, 4),
    }
    if point.plan.bound is not None and point.plan.gap is not None:
        out["bound"] = round(point.plan.bound, 4)
        out["gap"] = round(point.plan.gap, 6)
    return out


def _assignment(instance: Instance, assignment: dict[str, str | None]) -> dict[str, str]:
    return {job.id: assignment.get(job.id) or "deferred" for job in instance.jobs}


def report_to_json(instance: Instance, report: PlanReport, *, with_assignments: bool = False) -> dict[str, Any]:
    """The report; `with_assignments` adds each point's and greedy's job -> window map (the app
    stores them so that choosing a point shows that plan)."""
    plan = report.plan
    out: dict[str, Any] = {
        "engine_version": ENGINE_VERSION,
        "currency": instance.currency or None,
        "plan": _assignment(instance, dict(plan.assignment)),
        **figures(plan.outcome),
        "greedy": figures(report.greedy.outcome),
        "breach_penalty": round(instance.penalty, 4),
        "budget": report.budget,
        "point": _point(report.points[report.chosen], instance.currency),
        "seconds": round(report.seconds, 3),
        "time_limit": report.time_limit,
        "notes": list(report.notes),
    }
    if plan.bound is not None and plan.gap is not None:
        out["bound"] = round(plan.bound, 4)
        out["gap"] = round(plan.gap, 6)
    if report.frontier_asked or with_assignments:
        out["frontier"] = [_point(point, instance.currency) for point in report.points]
        out["recommended"] = report.recommended
        out["recommended_reason"] = RECOMMENDATION
        out["chosen"] = report.chosen
    out["emergencies"] = [
        {
            "job": change.job,
            "asset": change.asset,
            "due": change.due.isoformat(),
            "change_by": change.change_by.isoformat(),
            "work_minutes": change.work_minutes,
            "downtime_cost": round(change.downtime_cost, 4),
            "exposure_avoided": round(change.exposure_avoided, 4),
            "reason": change.reason,
        }
        for change in report.emergencies
    ]
    if with_assignments:
        out["greedy"]["plan"] = _assignment(instance, dict(report.greedy.assignment))
        for point, stored in zip(report.points, out["frontier"], strict=True):
            stored["plan"] = _assignment(instance, dict(point.plan.assignment))
    return out
