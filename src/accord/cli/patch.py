"""accord patch ...: commands of the patch domain.

`accord patch plan` runs the engine straight on a JSON instance file; it does not touch Django.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from accord.engine.patching.errors import InvalidInstance
from accord.engine.patching.instance import load_instance
from accord.engine.patching.model import Instance, Outcome
from accord.engine.patching.plan import PlanReport, plan_instance
from accord.engine.patching.planner import SolveOptions

app = typer.Typer(help="Patch planner: schedule remediation into maintenance windows.", no_args_is_help=True)


@app.callback()
def patch() -> None:
    """Patch planner: schedule remediation into maintenance windows."""


@contextlib.contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """Send anything native code prints (HiGHS prints a banner) to stderr, so that stdout carries
    exactly one JSON document."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def _figures(outcome: Outcome) -> dict[str, Any]:
    return {
        "exposure": round(outcome.exposure, 4),
        "disruption_cost": round(outcome.disruption_cost, 4),
        "sla_breaches": outcome.sla_breaches,
    }


def report_to_json(instance: Instance, report: PlanReport) -> dict[str, Any]:
    plan = report.plan
    out: dict[str, Any] = {
        "plan": {job.id: plan.assignment.get(job.id) or "deferred" for job in instance.jobs},
        **_figures(plan.outcome),
        "greedy": _figures(report.greedy.outcome),
    }
    if plan.bound is not None and plan.gap is not None:
        out["bound"] = round(plan.bound, 4)
        out["gap"] = round(plan.gap, 6)
    if report.frontier is not None:
        out["frontier"] = [
            {"budget": round(point.budget, 4), **_figures(point.plan.outcome)} for point in report.frontier
        ]
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
    return out


def _print_tables(instance: Instance, report: PlanReport) -> None:
    console = Console()
    plan = report.plan
    summary = Table(
        title="Patch plan" + ("" if report.budget is None else f" (disruption budget {report.budget:,.0f})")
    )
    for column in ("", "exposure", "downtime cost", "SLA breaches"):
        summary.add_column(column, justify="right" if column else "left")
    for name, outcome in (("greedy", report.greedy.outcome), ("optimised", plan.outcome)):
        summary.add_row(
            name, f"{outcome.exposure:,.0f}", f"{outcome.disruption_cost:,.0f}", str(outcome.sla_breaches)
        )
    console.print(summary)
    if plan.bound is not None and plan.gap is not None:
        console.print(
            f"proven bound {plan.bound:,.0f} (exposure + breach penalties), gap {plan.gap:.3%}, {plan.status}"
        )
    for note in plan.notes:
        console.print(f"note: {note}")

    per_window = Counter(w for w in plan.assignment.values() if w is not None)
    windows = Table(title="Windows")
    for column in ("window", "start", "jobs", "capacity"):
        windows.add_column(column)
    for window in sorted(instance.windows, key=lambda w: (w.start, w.id)):
        if per_window[window.id]:
            cap = "-" if window.max_changes is None else str(window.max_changes)
            windows.add_row(window.id, window.start.isoformat(), str(per_window[window.id]), cap)
    console.print(windows)
    deferred = sum(1 for w in plan.assignment.values() if w is None)
    console.print(f"{deferred} job(s) deferred past the horizon")

    if report.frontier is not None:
        frontier = Table(title="Trade-off frontier")
        for column in ("budget", "downtime cost", "exposure", "SLA breaches"):
            frontier.add_column(column, justify="right")
        for point in report.frontier:
            frontier.add_row(
                f"{point.budget:,.0f}",
                f"{point.disruption_cost:,.0f}",
                f"{point.exposure:,.0f}",
                str(point.sla_breaches),
            )
        console.print(frontier)
    if report.emergencies:
        emergencies = Table(title="Proposed emergency changes (need explicit approval)")
        for column in ("job", "asset", "change by", "downtime cost", "exposure avoided", "why"):
            emergencies.add_column(column)
        for change in report.emergencies:
            emergencies.add_row(
                change.job,
                change.asset,
                change.change_by.isoformat(),
                f"{change.downtime_cost:,.0f}",
                f"{change.exposure_avoided:,.0f}",
                change.reason,
            )
        console.print(emergencies)


@app.command("plan")
def plan_command(
    instance_path: Annotated[Path, typer.Option("--instance", help="JSON instance file")],
    disruption_budget: Annotated[
        float | None,
        typer.Option("--disruption-budget", min=0, help="cap on downtime cost (overrides the file)"),
    ] = None,
    time_limit: Annotated[float, typer.Option("--time-limit", min=0.1, help="seconds per solve")] = 60.0,
    frontier: Annotated[
        int, typer.Option("--frontier", min=0, help="number of trade-off frontier points")
    ] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON document")] = False,
) -> None:
    """Plan remediation jobs into maintenance windows from a file, without a database."""
    try:
        instance = load_instance(instance_path)
    except OSError as exc:
        typer.echo(f"cannot read {instance_path}: {exc.strerror or exc}", err=True)
        raise typer.Exit(2) from None
    except InvalidInstance as exc:
        typer.echo(f"invalid instance: {exc}", err=True)
        raise typer.Exit(2) from None
    options = SolveOptions(time_limit=time_limit)
    with _stdout_to_stderr():
        report = plan_instance(instance, budget=disruption_budget, options=options, frontier_points=frontier)
    if as_json:
        typer.echo(json.dumps(report_to_json(instance, report), indent=2))
    else:
        _print_tables(instance, report)
