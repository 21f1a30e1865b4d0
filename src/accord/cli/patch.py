"""accord patch ...: commands of the patch domain.

`accord patch plan` runs the engine straight on a JSON instance file; it does not touch Django.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from accord.cli.context import new_table
from accord.core import money

if TYPE_CHECKING:  # the engine (numpy, HiGHS) and Django are imported by the commands that use them: `--help` stays fast
    from accord.core.permissions import Actor
    from accord.engine.patching.model import Instance
    from accord.engine.patching.plan import PlanReport

app = typer.Typer(help="Patch planner: schedule remediation into maintenance windows.", no_args_is_help=True)


@app.callback()
def patch() -> None:
    """Patch planner: schedule remediation into maintenance windows."""


def _print_tables(instance: Instance, report: PlanReport) -> None:
    from accord.engine.patching.plan import RECOMMENDATION
    from accord.engine.patching.report import point_label

    console = Console()
    currency = instance.currency

    def cash(value: float) -> str:
        return money.full(value, currency)

    plan = report.plan
    budget = "" if report.budget is None else f" (disruption budget {cash(report.budget)})"
    summary = new_table(title=f"Patch plan{budget}: expected loss over {instance.horizon_days:g} days against downtime")
    for column in ("", "expected loss", "downtime cost", "SLA breaches"):
        summary.add_column(column, justify="right" if column else "left")
    chosen = report.points[report.chosen]
    for name, outcome in (("greedy", report.greedy.outcome), (f"chosen: {point_label(chosen, currency)}", plan.outcome)):
        summary.add_row(name, cash(outcome.exposure), cash(outcome.disruption_cost), str(outcome.sla_breaches))
    console.print(summary)
    console.print(f"each SLA breach counts {cash(instance.penalty)} in the optimiser's objective (a priority, not a loss)")
    console.print(f"{report.seconds:.1f} s of a {report.time_limit:g} s time limit")
    for note in report.notes:
        console.print(f"note: {note}")

    per_window = Counter(w for w in plan.assignment.values() if w is not None)
    windows = new_table(title="Windows")
    for column in ("window", "start", "jobs", "capacity"):
        windows.add_column(column)
    for window in sorted(instance.windows, key=lambda w: (w.start, w.id)):
        if per_window[window.id]:
            cap = "-" if window.max_changes is None else str(window.max_changes)
            windows.add_row(window.id, window.start.isoformat(), str(per_window[window.id]), cap)
    console.print(windows)
    deferred = sum(1 for w in plan.assignment.values() if w is None)
    console.print(f"{deferred} job(s) deferred past the horizon")

    if report.frontier_asked:
        frontier = new_table(title="Trade-off frontier (R: recommended, *: chosen)")
        for column in ("point", "downtime cost", "expected loss", "downtime + loss", "SLA breaches", "gap"):
            frontier.add_column(column, justify="left" if column == "point" else "right")
        for k, point in enumerate(report.points):
            mark = ("R" if k == report.recommended else "") + ("*" if k == report.chosen else "")
            gap = "-" if point.plan.gap is None else f"{point.plan.gap:.3%}"
            frontier.add_row(f"{point_label(point, currency)} {mark}".strip(), cash(point.disruption_cost),
                             cash(point.exposure), cash(point.total_cost), str(point.sla_breaches), gap)
        console.print(frontier)
        console.print(RECOMMENDATION)
    if report.emergencies:
        emergencies = new_table(title="Proposed emergency changes (need explicit approval)")
        for column in ("job", "asset", "change by", "downtime cost", "expected loss avoided", "why"):
            emergencies.add_column(column)
        for change in report.emergencies:
            emergencies.add_row(change.job, change.asset, change.change_by.isoformat(), cash(change.downtime_cost),
                                cash(change.exposure_avoided), change.reason)
        console.print(emergencies)


@app.command("plan")
def plan_command(
    instance_path: Annotated[Path, typer.Option("--instance", help="JSON instance file")],
    disruption_budget: Annotated[
        float | None,
        typer.Option("--disruption-budget", min=0, help="cap on downtime cost (overrides the file)"),
    ] = None,
    time_limit: Annotated[
        float, typer.Option("--time-limit", min=0.1, help="seconds of wall time for the plan and its frontier")
    ] = 60.0,
    frontier: Annotated[
        int, typer.Option("--frontier", min=0, max=20, help="number of priced trade-off frontier points")
    ] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON document")] = False,
) -> None:
    """Plan remediation jobs into maintenance windows from a file, without a database."""
    from accord.engine.native_output import native_output_to_stderr
    from accord.engine.patching.errors import InvalidInstance
    from accord.engine.patching.instance import load_instance
    from accord.engine.patching.plan import plan_instance
    from accord.engine.patching.planner import SolveOptions
    from accord.engine.patching.report import report_to_json

    try:
        instance = load_instance(instance_path)
    except OSError as exc:
        typer.echo(f"cannot read {instance_path}: {exc.strerror or exc}", err=True)
        raise typer.Exit(2) from None
    except InvalidInstance as exc:
        typer.echo(f"invalid instance: {exc}", err=True)
        raise typer.Exit(2) from None
    options = SolveOptions(time_limit=time_limit)
    with native_output_to_stderr():
        report = plan_instance(instance, budget=disruption_budget, options=options, frontier_points=frontier)
    if as_json:
        typer.echo(json.dumps(report_to_json(instance, report), indent=2))
    else:
        _print_tables(instance, report)


# Database-backed commands: the patching app's plans, windows and freezes -------------------------

TOKEN = typer.Option(None, "--token", help="personal API token (default: ACCORD_TOKEN or `accord login`)")
windows_app = typer.Typer(help="Maintenance windows.", no_args_is_help=True)
freezes_app = typer.Typer(help="Freeze periods.", no_args_is_help=True)
assumptions_app = typer.Typer(help="Exposure assumptions (CISO and CIO agree them).", no_args_is_help=True)
app.add_typer(windows_app, name="windows")
app.add_typer(freezes_app, name="freezes")
app.add_typer(assumptions_app, name="assumptions")


def _plan_json(actor: Actor, plan: Any) -> dict[str, Any]:
    from accord.patching.api import plan_document
    from accord.patching.schemas import PlanOut

    return PlanOut.model_validate(plan_document(actor, plan)).model_dump(mode="json")


def _print_plan(actor: Actor, plan: Any) -> None:
    from accord.patching import selectors

    console = Console()
    currency = plan.currency

    def cash(value: float | None) -> str:
        return money.full(value, currency) if currency else f"{value or 0:,.0f} (index)"

    greedy, points = selectors.tradeoff_points(plan)
    console.print(f"[bold]Patch plan #{plan.pk}[/] {plan.status}"
                  f"{' (' + plan.status_reason + ')' if plan.status_reason else ''}; "
                  f"{plan.starts_at:%Y-%m-%d %H:%M} + {plan.horizon_days} days; inputs {plan.inputs_hash[:16]}; "
                  f"{plan.duration_seconds:.1f} s of a {plan.time_limit:g} s time limit")
    table = new_table(title="Trade-off: expected loss against downtime (R: recommended, *: shown)")
    for column in ("point", "downtime cost", "expected loss", "downtime + loss", "SLA breaches"):
        table.add_column(column, justify="left" if column == "point" else "right")
    table.add_row("greedy", cash(greedy["disruption_cost"]), cash(greedy["exposure"]), "", str(greedy["sla_breaches"]))
    for p in points:
        mark = ("R" if p.recommended else "") + ("*" if p.chosen else "")
        table.add_row(f"{p.index} {p.label} {mark}".strip(), cash(p.disruption_cost), cash(p.exposure),
                      "" if p.total_cost is None else cash(p.total_cost), str(p.sla_breaches))
    console.print(table)
    if plan.result.get("recommended_reason"):
        console.print(plan.result["recommended_reason"])
    if plan.result.get("breach_penalty") is not None:
        console.print(f"each SLA breach counts {cash(plan.result['breach_penalty'])} in the optimiser's objective "
                      "(a priority, not a loss)")
    calendar = new_table(title="Windows used")
    for column in ("window", "start", "changes", "reboots", "downtime cost"):
        calendar.add_column(column)
    for row in selectors.calendar(actor, plan, only_used=True):
        capacity = "" if row.capacity is None else f" / {row.capacity}"
        calendar.add_row(row.name, f"{row.start:%Y-%m-%d %H:%M}", f"{row.changes}{capacity}", str(row.reboots),
                         cash(row.downtime_cost))
    console.print(calendar)
    undecided = plan.emergencies.filter(status="proposed").count()
    if undecided:
        console.print(f"{undecided} emergency change(s) undecided: `accord patch emergencies {plan.pk}`")
    for s in selectors.signatures_of(actor, plan):
        state = f"void: {s.void_reason}" if s.voided_at else "valid"
        console.print(f"signed as {s.role.upper()} by {s.user} at {s.signed_at:%Y-%m-%d %H:%M} ({state})")
    forecast = selectors.sla_forecast(actor, plan)
    console.print(f"{len(forecast)} finding(s) will breach their SLA under this plan (`accord patch forecast {plan.pk}`)")


def _plan_or_current(actor: Actor, plan_id: int | None) -> Any:
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
    time_limit: Annotated[float, typer.Option("--time-limit", help="seconds for the whole plan and frontier")] = 10.0,
    frontier: Annotated[int, typer.Option("--frontier", help="priced trade-off points (1 to 20)")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON document")] = False,
    token: str | None = TOKEN,
) -> None:
    """Generate a proposed plan from the open findings and the maintenance windows."""
    from accord.cli.context import acting_user, django_ready, user_errors

    django_ready()
    from accord.engine.native_output import native_output_to_stderr
    from accord.patching import services

    with user_errors():
        actor = acting_user(token)
        with native_output_to_stderr():
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
    table = new_table("plan", "status", "starts", "horizon", "budget", "created by", "created")
    for p in plans:
        table.add_row(str(p.pk), p.status, f"{p.starts_at:%Y-%m-%d}", f"{p.horizon_days} d",
                      "-" if p.disruption_budget is None else f"{p.disruption_budget:,.0f}", str(p.created_by),
                      f"{p.created_at:%Y-%m-%d %H:%M}")
    out.print(table)


@app.command("choose")
def choose_command(
    plan_id: Annotated[int, typer.Argument(help="plan id")],
    point: Annotated[int, typer.Argument(min=0, help="frontier point index (see `accord patch show`)")],
    token: str | None = TOKEN,
) -> None:
    """Make a trade-off point the plan (voids signatures already given)."""
    from accord.cli.context import acting_user, django_ready, out, user_errors

    django_ready()
    from accord.patching import selectors, services

    with user_errors():
        actor = acting_user(token)
        plan = services.choose_point(actor=actor, plan=selectors.plan_by_id(actor, plan_id), point=point)
    label = plan.result["frontier"][point]["label"]
    out.print(f"plan #{plan.pk} now shows point {point} ({label}); it is {plan.status}")


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
        signoff = services.sign_plan(actor=actor, plan=selectors.plan_by_id(actor, plan_id), role=role)
        plan = selectors.plan_by_id(actor, plan_id)
    roles = [a.role.upper() for a in signoff.approvals.all() if a.user_id == actor.pk]
    out.print(f"[green]✔[/] signed plan #{plan.pk} as {' and '.join(roles)}; the plan is {plan.status}")


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
    table = new_table("finding", "asset", "due", "planned", "why")
    for r in rows:
        table.add_row(f"{r.finding_id} {r.title[:50]}", r.hostname, f"{r.due_date:%Y-%m-%d}", r.planned, r.reason)
    out.print(table)
    out.print(f"{len(rows)} finding(s) will breach")


@app.command("emergency")
def emergency_command(
    emergency_id: Annotated[int, typer.Argument(help="emergency change id (see `accord patch emergencies`)")],
    decision: Annotated[str, typer.Argument(help="approve or reject")],
    why: Annotated[str, typer.Option("--why", help="justification (required to reject)")] = "",
    token: str | None = TOKEN,
) -> None:
    """Approve or reject one out-of-window emergency change."""
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


@app.command("emergencies")
def emergencies_command(
    plan_id: Annotated[int | None, typer.Argument(help="plan id (default: the current plan)")] = None,
    by: Annotated[str, typer.Option("--by", help="group by action, service or asset")] = "action",
    decide: Annotated[str | None, typer.Option("--decide", help="approve or reject the group named by --key")] = None,
    key: Annotated[str | None, typer.Option("--key", help="the action, service or asset the group shares")] = None,
    why: Annotated[str, typer.Option("--why", help="one reason for the whole group (required to reject)")] = "",
    token: str | None = TOKEN,
) -> None:
    """List a plan's emergency changes by group, or decide a whole group with one reason."""
    from accord.cli.context import acting_user, django_ready, fail, out, user_errors

    if decide not in (None, "approve", "reject"):
        fail("--decide: approve or reject")
    if decide is not None and key is None:
        fail("--key: name the group to decide (an action, a service or an asset, as listed)")
    django_ready()
    from accord.patching import selectors, services

    with user_errors():
        actor = acting_user(token)
        plan = _plan_or_current(actor, plan_id)
        if decide is not None and key is not None:
            count = services.decide_emergency_group(actor=actor, plan=plan, by=by, key=key,
                                                    approve=decide == "approve", justification=why)
            out.print(f"{count} emergency change(s) of plan #{plan.pk} ({by} {key!r}) {decide}d")
            return
        groups = selectors.emergency_groups(actor, plan, by)
    table = new_table(by, "undecided / all", "assets", "downtime cost", "expected loss avoided",
                  title=f"Emergency changes of plan #{plan.pk} by {by}")
    for g in groups:
        table.add_row(g.key or "(none)", f"{g.undecided} / {len(g.changes)}", str(g.assets),
                      money.full(g.downtime_cost, plan.currency), money.full(g.exposure_avoided, plan.currency))
    out.print(table)
    out.print(f"decide a group: accord patch emergencies {plan.pk} --by {by} --key NAME --decide approve|reject "
              "[--why TEXT]")


@app.command("job")
def job_command(
    plan_id: Annotated[int, typer.Argument(help="plan id")],
    item_id: Annotated[int, typer.Argument(help="job (item) id, as in `accord patch show --json` items")],
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON document")] = False,
    token: str | None = TOKEN,
) -> None:
    """One job of a plan, with how its expected loss per day was reached."""
    from accord.cli.context import acting_user, django_ready, out, user_errors

    django_ready()
    from accord.patching import selectors

    with user_errors():
        actor = acting_user(token)
        plan = selectors.plan_by_id(actor, plan_id)
        item = selectors.job_item(actor, plan, item_id)
        derivation = selectors.job_derivation(plan, item)
    if as_json:
        typer.echo(json.dumps({"job": item.job_id, "hostname": item.hostname, "action": item.action,
                               "risk_per_day": item.risk_per_day, "currency": plan.currency,
                               "derivation": derivation}, indent=2))
        return
    out.print(f"[bold]{item.hostname}[/]: {item.action}")
    out.print(f"expected loss {money.full(item.risk_per_day, plan.currency)} a day")
    if derivation is None:
        out.print("made before exposure was money: no derivation")
        return
    out.print(f"loss if compromised {money.full(derivation['loss_if_exploited'], plan.currency)} "
              f"({derivation['loss_source']})")
    table = new_table("finding", "30-day probability", "source", "daily hazard", "reach", "daily probability",
                  "loss a day")
    for f in derivation["findings"]:
        table.add_row(f["id"], f"{f['p30']:.4f}", f["p30_source"], f"{f['hazard']:.6f}", f"{f['reach']:g}",
                      f"{f['daily_probability']:.6f}", money.full(f["loss_per_day"], plan.currency, cents=True))
    out.print(table)


@windows_app.command("list")
def windows_list(token: str | None = TOKEN) -> None:
    """List maintenance windows."""
    from accord.cli.context import acting_user, django_ready, out, user_errors

    django_ready()
    from accord.patching import selectors

    with user_errors():
        windows = list(selectors.windows_visible_to(acting_user(token)))
    table = new_table("id", "window", "serves", "first start", "minutes", "capacity", "recurrence")
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
    table = new_table("id", "reason", "from", "until")
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


def _assumption_rows(row: Any, currency: str) -> list[tuple[str, str]]:
    return [
        ("reach internet / internal / isolated", f"{row.reach_internet:g} / {row.reach_internal:g} / {row.reach_isolated:g}"),
        ("KEV floor (30-day probability)", f"{row.kev_floor:g}"),
        ("no EPSS: none / public PoC / active", f"{row.prior_none:g} / {row.prior_public:g} / {row.prior_active:g}"),
        ("non-production loss factor", f"{row.non_production_factor:g}"),
        ("loss of a host nothing values", money.full(row.unvalued_host_loss, currency)),
        ("objective weight per SLA breach",
         "default" if row.breach_penalty is None else money.full(row.breach_penalty, currency)),
    ]


@assumptions_app.command("show")
def assumptions_show(token: str | None = TOKEN) -> None:
    """The assumptions in force, and a proposal awaiting confirmation."""
    from accord.cli.context import acting_user, django_ready, out, user_errors

    django_ready()
    from accord.patching import selectors
    from accord.risks.selectors import organisation_currency

    with user_errors():
        state = selectors.assumptions_state(acting_user(token))
    currency = organisation_currency()
    for title, row in (("In force", state.in_force), ("Awaiting confirmation", state.pending)):
        if row is None:
            continue
        table = new_table("assumption", "value", title=f"{title} (set #{row.pk or 'defaults'})")
        for name, value in _assumption_rows(row, currency):
            table.add_row(name, value)
        out.print(table)
        if row is state.pending:
            out.print(f"proposed by {row.proposed_by} ({row.proposed_role.upper()}): "
                      f"`accord patch assumptions confirm {row.pk}` by the other leader")


@assumptions_app.command("propose")
def assumptions_propose(
    reach_internet: Annotated[float | None, typer.Option(min=0, max=1)] = None,
    reach_internal: Annotated[float | None, typer.Option(min=0, max=1)] = None,
    reach_isolated: Annotated[float | None, typer.Option(min=0, max=1)] = None,
    kev_floor: Annotated[float | None, typer.Option(min=0, max=1)] = None,
    prior_none: Annotated[float | None, typer.Option(min=0, max=1)] = None,
    prior_public: Annotated[float | None, typer.Option(min=0, max=1)] = None,
    prior_active: Annotated[float | None, typer.Option(min=0, max=1)] = None,
    non_production_factor: Annotated[float | None, typer.Option(min=0, max=1)] = None,
    unvalued_host_loss: Annotated[float | None, typer.Option(min=0)] = None,
    breach_penalty: Annotated[float | None, typer.Option(min=0, help="per SLA breach in the objective")] = None,
    reason: Annotated[str, typer.Option("--reason", help="why the change")] = "",
    token: str | None = TOKEN,
) -> None:
    """Propose new assumptions (the ones not given keep their value); the other leader confirms."""
    given = {name: value for name, value in locals().items()
             if name not in ("reason", "token") and value is not None}
    from accord.cli.context import acting_user, django_ready, out, user_errors

    django_ready()
    from accord.patching import services

    with user_errors():
        row = services.propose_assumptions(actor=acting_user(token), reason=reason, **given)
    out.print(f"[green]✔[/] proposed set #{row.pk}; the {'CIO' if row.proposed_role == 'ciso' else 'CISO'} confirms "
              f"with `accord patch assumptions confirm {row.pk}`")


@assumptions_app.command("confirm")
def assumptions_confirm(proposal_id: Annotated[int, typer.Argument(help="set id")], token: str | None = TOKEN) -> None:
    """Confirm a proposal made by the other leader: it is in force for the next plan."""
    _decide_assumptions(proposal_id, token, confirm=True)


@assumptions_app.command("withdraw")
def assumptions_withdraw(proposal_id: Annotated[int, typer.Argument(help="set id")], token: str | None = TOKEN) -> None:
    """Withdraw (or decline) a pending proposal."""
    _decide_assumptions(proposal_id, token, confirm=False)


def _decide_assumptions(proposal_id: int, token: str | None, *, confirm: bool) -> None:
    from accord.cli.context import acting_user, django_ready, out, user_errors

    django_ready()
    from accord.patching import selectors, services

    decide = services.confirm_assumptions if confirm else services.withdraw_assumptions
    with user_errors():
        actor = acting_user(token)
        decide(actor=actor, proposal=selectors.assumptions_by_id(actor, proposal_id))
    out.print(f"[green]✔[/] set #{proposal_id} is in force" if confirm else f"set #{proposal_id} withdrawn")


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
