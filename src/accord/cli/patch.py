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


# Database-backed commands: the patching app's plans, windows and freezes -------------------------

TOKEN = typer.Option(None, "--token", help="personal API token (default: ACCORD_TOKEN or `accord login`)")
windows_app = typer.Typer(help="Maintenance windows.", no_args_is_help=True)
freezes_app = typer.Typer(help="Freeze periods.", no_args_is_help=True)
app.add_typer(windows_app, name="windows")
app.add_typer(freezes_app, name="freezes")


def _plan_json(actor: Any, plan: Any) -> dict[str, Any]:
    from accord.patching.api import plan_document
    from accord.patching.schemas import PlanOut

    return PlanOut.model_validate(plan_document(actor, plan)).model_dump(mode="json")


def _print_plan(actor: Any, plan: Any) -> None:
    from accord.patching import selectors

    console = Console()
    greedy, points = selectors.tradeoff_points(plan)
    console.print(f"[bold]Patch plan #{plan.pk}[/] {plan.status}"
                  f"{' (' + plan.status_reason + ')' if plan.status_reason else ''}; "
                  f"{plan.starts_at:%Y-%m-%d %H:%M} + {plan.horizon_days} days; inputs {plan.inputs_hash[:16]}")
    table = Table(title="Trade-off (the chosen point is marked *)")
    for column in ("point", "budget", "downtime cost", "exposure", "SLA breaches"):
        table.add_column(column, justify="left" if column == "point" else "right")
    table.add_row("greedy", "-", f"{greedy['disruption_cost']:,.0f}", f"{greedy['exposure']:,.0f}",
                  str(greedy["sla_breaches"]))
    for p in points:
        name = ("plan" if p.index is None else str(p.index)) + (" *" if p.chosen else "")
        table.add_row(name, "-" if p.budget is None else f"{p.budget:,.0f}", f"{p.disruption_cost:,.0f}",
                      f"{p.exposure:,.0f}", str(p.sla_breaches))
    console.print(table)
    calendar = Table(title="Windows used")
    for column in ("window", "start", "changes", "reboots", "downtime cost"):
        calendar.add_column(column)
    for row in selectors.calendar(actor, plan, only_used=True):
        capacity = "" if row.capacity is None else f" / {row.capacity}"
        calendar.add_row(row.name, f"{row.start:%Y-%m-%d %H:%M}", f"{row.changes}{capacity}", str(row.reboots),
                         f"{row.downtime_cost:,.0f}")
    console.print(calendar)
    for s in selectors.signatures_of(actor, plan):
        state = f"void: {s.void_reason}" if s.voided_at else "valid"
        console.print(f"signed as {s.role.upper()} by {s.user} at {s.signed_at:%Y-%m-%d %H:%M} ({state})")
    forecast = selectors.sla_forecast(actor, plan)
    console.print(f"{len(forecast)} finding(s) will breach their SLA under this plan (`accord patch forecast {plan.pk}`)")


def _plan_or_current(actor: Any, plan_id: int | None) -> Any:
    from accord.cli.context import fail
    from accord.patching import selectors

    if plan_id is not None:
        return selectors.plan_by_id(actor, plan_id)
    plan = selectors.current_plan(actor)
    if plan is None:
        fail("there is no plan yet: run `accord patch generate`", code=4)
    return plan


@app.command("generate")
def generate_command(
    horizon_days: Annotated[int, typer.Option("--horizon-days", help="days the plan covers")] = 91,
    budget: Annotated[float | None, typer.Option("--budget", help="cap on downtime cost")] = None,
    time_limit: Annotated[float, typer.Option("--time-limit", help="seconds per solve")] = 10.0,
    frontier: Annotated[int, typer.Option("--frontier", help="trade-off frontier points")] = 6,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON document")] = False,
    token: str | None = TOKEN,
) -> None:
    """Generate a proposed plan from the open findings and the maintenance windows."""
    from accord.cli.context import acting_user, django_ready, user_errors

    django_ready()
    from accord.patching import services

    with user_errors():
        actor = acting_user(token)
        with _stdout_to_stderr():
            plan = services.generate_plan(actor=actor, horizon_days=horizon_days, disruption_budget=budget,
                                          time_limit=time_limit, frontier_points=frontier)
        if as_json:
            typer.echo(json.dumps(_plan_json(actor, plan), indent=2))
        else:
            _print_plan(actor, plan)


@app.command("show")
def show_command(
    plan_id: Annotated[int | None, typer.Argument(help="plan id (default: the agreed plan, else the proposal)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON document")] = False,
    token: str | None = TOKEN,
) -> None:
    """Show a plan: trade-off points, windows used, signatures."""
    from accord.cli.context import acting_user, django_ready, user_errors

    django_ready()
    with user_errors():
        actor = acting_user(token)
        plan = _plan_or_current(actor, plan_id)
        if as_json:
            typer.echo(json.dumps(_plan_json(actor, plan), indent=2))
        else:
            _print_plan(actor, plan)


@app.command("list")
def list_command(token: str | None = TOKEN) -> None:
    """List the plans, newest first."""
    from accord.cli.context import acting_user, django_ready, out, user_errors

    django_ready()
    from accord.patching import selectors

    with user_errors():
        plans = list(selectors.plans_visible_to(acting_user(token))[:50])
    table = Table("plan", "status", "starts", "horizon", "budget", "created by", "created")
    for p in plans:
        table.add_row(str(p.pk), p.status, f"{p.starts_at:%Y-%m-%d}", f"{p.horizon_days} d",
                      "-" if p.disruption_budget is None else f"{p.disruption_budget:,.0f}", str(p.created_by),
                      f"{p.created_at:%Y-%m-%d %H:%M}")
    out.print(table)


@app.command("choose")
def choose_command(
    plan_id: Annotated[int, typer.Argument(help="plan id")],
    point: Annotated[str, typer.Argument(help="frontier point index, or `plan` for the optimised plan")],
    token: str | None = TOKEN,
) -> None:
    """Make a trade-off point the plan (voids signatures already given)."""
    from accord.cli.context import acting_user, django_ready, fail, out, user_errors

    if point != "plan" and not point.isdigit():
        fail("point: a frontier point index (0, 1, ...) or `plan`")
    django_ready()
    from accord.patching import selectors, services

    with user_errors():
        actor = acting_user(token)
        plan = services.choose_point(actor=actor, plan=selectors.plan_by_id(actor, plan_id),
                                     point=None if point == "plan" else int(point))
    out.print(f"plan #{plan.pk} now shows {'the optimised plan' if plan.chosen_point is None else f'point {point}'}"
              f" ({plan.status})")


@app.command("sign")
def sign_command(
    plan_id: Annotated[int, typer.Argument(help="plan id")],
    role: Annotated[str | None, typer.Option("--role", help="cio or ciso (needed only if you hold both)")] = None,
    token: str | None = TOKEN,
) -> None:
    """Sign a proposed plan as the CIO or the CISO; with both signatures it is agreed."""
    from accord.cli.context import acting_user, django_ready, out, user_errors

    django_ready()
    from accord.patching import selectors, services

    with user_errors():
        actor = acting_user(token)
        signature = services.sign_plan(actor=actor, plan=selectors.plan_by_id(actor, plan_id), role=role)
        plan = selectors.plan_by_id(actor, plan_id)
    out.print(f"[green]✔[/] signed plan #{plan.pk} as {signature.role.upper()}; the plan is {plan.status}")


@app.command("void")
def void_command(
    plan_id: Annotated[int, typer.Argument(help="plan id")],
    reason: Annotated[str, typer.Option("--reason", help="why the plan is withdrawn")],
    token: str | None = TOKEN,
) -> None:
    """Withdraw a plan (its signatures are voided)."""
    from accord.cli.context import acting_user, django_ready, out, user_errors

    django_ready()
    from accord.patching import selectors, services

    with user_errors():
        actor = acting_user(token)
        services.void_plan(actor=actor, plan=selectors.plan_by_id(actor, plan_id), reason=reason)
    out.print(f"plan #{plan_id} is void")


@app.command("export")
def export_command(
    plan_id: Annotated[int, typer.Argument(help="plan id (must be agreed)")],
    ics_dir: Annotated[Path | None, typer.Option("--ics", help="directory for one .ics file per window")] = None,
    csv_file: Annotated[Path | None, typer.Option("--csv", help="file for the change tickets")] = None,
    token: str | None = TOKEN,
) -> None:
    """Export an agreed plan: iCalendar files per window and CSV change tickets."""
    from accord.cli.context import acting_user, django_ready, fail, out, user_errors

    if ics_dir is None and csv_file is None:
        fail("say what to export: --ics DIR and/or --csv FILE")
    django_ready()
    from accord.patching import exports, selectors

    with user_errors():
        actor = acting_user(token)
        plan = selectors.plan_by_id(actor, plan_id)
        files = exports.plan_ics_files(actor, plan) if ics_dir is not None else []
        tickets = exports.tickets_csv(actor, plan) if csv_file is not None else ""
    try:
        if ics_dir is not None:
            ics_dir.mkdir(parents=True, exist_ok=True)
            for f in files:
                # newline="" keeps the CRLF line ends RFC 5545 asks for
                (ics_dir / f.name).write_text(f.text, encoding="utf-8", newline="")
            out.print(f"{len(files)} calendar file(s) in {ics_dir}")
        if csv_file is not None:
            csv_file.write_text(tickets, encoding="utf-8")
            out.print(f"{max(tickets.count(chr(10)) - 1, 0)} change ticket(s) in {csv_file}")
    except OSError as exc:
        fail(f"cannot write: {exc}")


@app.command("forecast")
def forecast_command(
    plan_id: Annotated[int | None, typer.Argument(help="plan id (default: the current plan)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON document")] = False,
    token: str | None = TOKEN,
) -> None:
    """Findings that will breach their SLA under the plan, and why."""
    from accord.cli.context import acting_user, django_ready, out, user_errors

    django_ready()
    from accord.patching import selectors
    from accord.patching.schemas import ForecastOut

    with user_errors():
        actor = acting_user(token)
        rows = selectors.sla_forecast(actor, _plan_or_current(actor, plan_id))
    if as_json:
        typer.echo(json.dumps([ForecastOut.model_validate(r).model_dump(mode="json") for r in rows], indent=2))
        return
    table = Table("finding", "asset", "due", "planned", "why")
    for r in rows:
        table.add_row(f"{r.finding_id} {r.title[:50]}", r.hostname, f"{r.due:%Y-%m-%d}", r.planned, r.reason)
    out.print(table)
    out.print(f"{len(rows)} finding(s) will breach")


@app.command("emergency")
def emergency_command(
    emergency_id: Annotated[int, typer.Argument(help="emergency change id (see `accord patch show --json`)")],
    decision: Annotated[str, typer.Argument(help="approve or reject")],
    why: Annotated[str, typer.Option("--why", help="justification (required to reject)")] = "",
    token: str | None = TOKEN,
) -> None:
    """Approve or reject an out-of-window emergency change."""
    from accord.cli.context import acting_user, django_ready, fail, out, user_errors

    if decision not in ("approve", "reject"):
        fail("decision: approve or reject")
    django_ready()
    from accord.patching import selectors, services

    with user_errors():
        actor = acting_user(token)
        change = services.decide_emergency(actor=actor, emergency=selectors.emergency_by_id(actor, emergency_id),
                                           approve=decision == "approve", justification=why)
    out.print(f"emergency change {change.pk} on {change.hostname}: {change.status}")


@windows_app.command("list")
def windows_list(token: str | None = TOKEN) -> None:
    """List maintenance windows."""
    from accord.cli.context import acting_user, django_ready, out, user_errors

    django_ready()
    from accord.patching import selectors

    with user_errors():
        windows = list(selectors.windows_visible_to(acting_user(token)))
    table = Table("id", "window", "serves", "first start", "minutes", "capacity", "recurrence")
    for w in windows:
        table.add_row(str(w.pk), w.name, w.target, w.start.isoformat(), str(w.duration_minutes),
                      "-" if w.max_changes is None else str(w.max_changes), w.rrule or "one-off")
    out.print(table)


@windows_app.command("add")
def windows_add(
    name: Annotated[str, typer.Argument(help="window name")],
    start: Annotated[str, typer.Option("--start", help="first start, ISO 8601 with a time zone")],
    minutes: Annotated[int, typer.Option("--minutes", help="duration (at most 1440)")],
    service: Annotated[str, typer.Option("--service", help="business service name")] = "",
    tag: Annotated[str, typer.Option("--tag", help="asset tag")] = "",
    max_changes: Annotated[int | None, typer.Option("--max-changes", help="change capacity")] = None,
    rrule: Annotated[str, typer.Option("--rrule", help="RFC 5545 rule, e.g. FREQ=WEEKLY;BYDAY=TH")] = "",
    token: str | None = TOKEN,
) -> None:
    """Add a maintenance window for a business service and/or an asset tag."""
    from accord.cli.context import acting_user, django_ready, fail, out, user_errors

    moment = _moment("start", start)
    django_ready()
    from accord.org.selectors import services_visible_to
    from accord.patching import services

    with user_errors():
        actor = acting_user(token)
        business_service = None
        if service:
            business_service = services_visible_to(actor).filter(name=service).first()
            if business_service is None:
                fail(f"--service: no business service named {service!r}")
        window = services.create_window(actor=actor, name=name, business_service=business_service, asset_tag=tag,
                                        start=moment, duration_minutes=minutes, max_changes=max_changes,
                                        rrule=rrule)
    out.print(f"[green]✔[/] window {window.pk} {window.name} serves {window.target}")


@freezes_app.command("list")
def freezes_list(token: str | None = TOKEN) -> None:
    """List freeze periods."""
    from accord.cli.context import acting_user, django_ready, out, user_errors

    django_ready()
    from accord.patching import selectors

    with user_errors():
        freezes = list(selectors.freezes_visible_to(acting_user(token)))
    table = Table("id", "reason", "from", "until")
    for f in freezes:
        table.add_row(str(f.pk), f.reason, f.start.isoformat(), f.end.isoformat())
    out.print(table)


@freezes_app.command("add")
def freezes_add(
    reason: Annotated[str, typer.Argument(help="why nothing may change")],
    start: Annotated[str, typer.Option("--start", help="ISO 8601 with a time zone")],
    end: Annotated[str, typer.Option("--end", help="ISO 8601 with a time zone")],
    token: str | None = TOKEN,
) -> None:
    """Add a freeze period."""
    from accord.cli.context import acting_user, django_ready, out, user_errors

    begin, finish = _moment("start", start), _moment("end", end)
    django_ready()
    from accord.patching import services

    with user_errors():
        freeze = services.create_freeze(actor=acting_user(token), start=begin, end=finish, reason=reason)
    out.print(f"[green]✔[/] freeze {freeze.pk}: {freeze}")


def _moment(option: str, text: str) -> Any:
    from datetime import datetime

    from accord.cli.context import fail

    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        fail(f"--{option}: not an ISO 8601 timestamp: {text!r}")
    if moment.tzinfo is None:
        fail(f"--{option}: give a time zone, e.g. 2026-12-03T22:00:00+01:00 or ...Z")
    return moment
