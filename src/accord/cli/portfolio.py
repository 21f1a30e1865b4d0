"""accord portfolio ...: commands of the portfolio domain.

`optimize` only runs the engine on a file: no Django is imported.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from accord.cli.context import new_table
from accord.core import money

if TYPE_CHECKING:  # the engine (numpy, HiGHS) and Django are imported by the commands that use them: `--help` stays fast
    from accord.core.permissions import Actor
    from accord.engine.portfolio.frontier import Frontier
    from accord.engine.portfolio.model import Instance, Selection

app = typer.Typer(
    help="Security portfolio: budget-optimal selection and the spend-versus-risk frontier.",
    no_args_is_help=True,
)

MAX_INSTANCE_BYTES = 20 * 1024 * 1024


@app.callback()
def _portfolio() -> None:
    """Security portfolio: budget-optimal selection and the spend-versus-risk frontier."""


@app.command()
def optimize(
    instance_path: Annotated[Path, typer.Option("--instance", help="instance file (JSON)")],
    budget: Annotated[
        float, typer.Option(help="budget on total cost over the horizon: one-off + annual x years")
    ],
    frontier: Annotated[
        int | None, typer.Option(help="also compute a frontier with this many budgets")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON document")] = False,
    gap: Annotated[float, typer.Option(help="target relative gap on the risk reduction")] = 1e-3,
    time_limit: Annotated[float | None, typer.Option(help="seconds per optimisation")] = None,
) -> None:
    """Choose the initiatives that reduce the most annualised loss within the budget."""
    from accord.engine.native_output import native_output_to_stderr
    from accord.engine.portfolio.errors import InfeasibleBudget, InvalidInstance
    from accord.engine.portfolio.frontier import compute_frontier
    from accord.engine.portfolio.milp import PortfolioSolver, SolverOptions

    err = Console(stderr=True)
    try:
        instance = _load(instance_path)
        if frontier is not None and frontier < 2:
            raise InvalidInstance("--frontier", "needs at least 2 points")
        if not 0 < gap < 1:
            raise InvalidInstance("--gap", "must be between 0 and 1 (exclusive)")
        with native_output_to_stderr():
            solver = PortfolioSolver(instance, SolverOptions(gap=gap, time_limit=time_limit))
            selection = solver.solve(budget)
            curve = compute_frontier(instance, frontier, solver=solver) if frontier else None
    except (InvalidInstance, InfeasibleBudget) as exc:
        err.print(f"[red]error[/red] {exc.path}: {exc.message}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None

    if as_json:
        sys.stdout.write(json.dumps(_document(selection, curve), indent=2) + "\n")
    else:
        _print_tables(Console(), instance, selection, curve)


def _load(path: Path) -> Instance:
    from accord.engine.portfolio.errors import InvalidInstance
    from accord.engine.portfolio.instance import instance_from_json

    if not path.is_file():
        raise InvalidInstance("--instance", f"{path}: no such file")
    if path.stat().st_size > MAX_INSTANCE_BYTES:
        raise InvalidInstance("--instance", f"{path}: larger than {MAX_INSTANCE_BYTES // (1024 * 1024)} MiB")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInstance("--instance", f"{path}: cannot be read ({exc})") from exc
    return instance_from_json(text)


def _number(value: float) -> float | None:
    return value if math.isfinite(value) else None  # JSON has no infinity


def _document(selection: Selection, curve: Frontier | None) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "selected": list(selection.selected),
        "cost": selection.cost,
        "residual_ale": selection.residual_ale,
        "risk_reduction": selection.risk_reduction,
        "gap": _number(selection.gap),
    }
    if curve is not None:
        doc["frontier"] = {
            "points": [
                {
                    "budget": p.budget,
                    "spend": p.spend,
                    "residual_ale": p.residual_ale,
                    "risk_reduction": p.risk_reduction,
                    "gap": _number(p.gap),
                    "marginal_return": p.marginal_return,
                    "selected": list(p.selected),
                }
                for p in curve.points
            ],
            "break_even": curve.break_even,
            "gordon_loeb_ceiling": curve.gordon_loeb_ceiling,
            "horizon_years": curve.horizon_years,
            "total_ale": curve.total_ale,
        }
    return doc


def _print_tables(console: Console, instance: Instance, selection: Selection, curve: Frontier | None) -> None:
    from accord.engine.portfolio.residual import marginal_contributions, standalone_reduction

    years = instance.horizon_years
    chosen = new_table(title=f"Selected initiatives (budget {selection.budget:,.0f} over {years} years)")
    for column in ("initiative", "cost over horizon", "delta ALE alone", "delta ALE in the set"):
        chosen.add_column(column, justify="left" if column == "initiative" else "right")
    for contribution in marginal_contributions(instance, selection.selected):
        cost = instance.horizon_costs[instance.initiative_index[contribution.initiative]]
        chosen.add_row(
            contribution.initiative,
            f"{cost:,.0f}",
            f"{standalone_reduction(instance, contribution.initiative):,.0f}",
            f"{contribution.marginal_reduction:,.0f}",
        )
    console.print(chosen)
    gap = "unknown" if not math.isfinite(selection.gap) else f"{selection.gap:.3%}"
    console.print(
        f"cost {selection.cost:,.0f} | ALE {instance.total_ale:,.0f} -> residual {selection.residual_ale:,.0f}"
        f" | risk reduction {selection.risk_reduction:,.0f} a year | gap {gap}",
        highlight=False,
    )
    if curve is None:
        return
    table = new_table(title="Frontier: residual loss against spend")
    for column in (
        "budget",
        "spend",
        "residual ALE",
        "risk reduction",
        "return per euro",
        "initiatives",
        "mark",
    ):
        table.add_column(column, justify="right")
    for k, point in enumerate(curve.points):
        marks = []
        if k == curve.break_even:
            marks.append("break-even")
        if point.spend > curve.gordon_loeb_ceiling:
            marks.append("above Gordon-Loeb")
        table.add_row(
            f"{point.budget:,.0f}",
            f"{point.spend:,.0f}",
            f"{point.residual_ale:,.0f}",
            f"{point.risk_reduction:,.0f}",
            "" if point.marginal_return is None else f"{point.marginal_return:.2f}",
            str(len(point.selected)),
            ", ".join(marks),
        )
    console.print(table)
    console.print(
        f"Gordon-Loeb ceiling (1/e of expected loss over {years} years): {curve.gordon_loeb_ceiling:,.0f}",
        highlight=False,
    )


# -- commands on the database (Django is imported inside them only) -----------------------------------

TokenOption = Annotated[str | None, typer.Option("--token", help="personal token (else ACCORD_TOKEN or accord login)")]
JsonOption = Annotated[bool, typer.Option("--json", help="print one JSON document")]


def _budget_scenario(actor: Actor, name: str | None) -> Any:
    from accord.cli.context import fail
    from accord.portfolio import selectors

    found = list(selectors.budget_scenarios(actor))
    if not found:
        fail("there is no budget scenario yet; create one on the portfolio page or through the API")
    if name is None:
        return found[0]
    for scenario in found:
        if name in (scenario.name, str(scenario.pk)):
            return scenario
    fail(f"--scenario: no budget scenario {name!r} (known: {', '.join(s.name for s in found)})")


@app.command("initiatives")
def list_initiatives(
    status: Annotated[str, typer.Option(help="proposed, approved, in_progress, done, rejected")] = "",
    as_json: JsonOption = False,
    token: TokenOption = None,
) -> None:
    """List initiatives with their cost, status and latest ΔALE and ROSI."""
    from accord.cli.context import acting_user, django_ready, out, user_errors

    django_ready()
    from accord.portfolio import selectors

    with user_errors():
        actor = acting_user(token)
        rows = list(selectors.initiatives(actor, selectors.InitiativeFilter(status=status)))
        views = selectors.latest_estimate_views(actor, rows)
    if as_json:
        sys.stdout.write(json.dumps([{
            "slug": v.initiative.slug, "title": v.initiative.title, "status": v.initiative.status,
            "sponsor": v.initiative.sponsor, "one_off_cost": v.initiative.one_off_cost,
            "annual_cost": v.initiative.annual_cost, "mandatory": v.initiative.mandatory,
            "delta_ale": v.estimate.delta_ale if v.estimate else None,
            "rosi": v.estimate.rosi if v.estimate else None, "estimate_current": v.current,
        } for v in views], indent=2) + "\n")
        return
    cur = _organisation_currency()
    table = new_table("slug", "title", "status", "one-off", "a year", "ΔALE a year", "ROSI",
                  title=f"Initiatives (amounts in {cur})")
    for v in views:
        it, est = v.initiative, v.estimate
        table.add_row(it.slug, it.title, it.status, f"{it.one_off_cost:,.0f}", f"{it.annual_cost:,.0f}",
                      "" if est is None else f"{est.delta_ale:,.0f}" + ("" if v.current else " (stale)"),
                      "" if est is None or est.rosi is None else f"{est.rosi:+.0%}")
    out.print(table)


@app.command("import")
def import_csv(
    file: Annotated[Path, typer.Argument(help="CSV with a header row (see docs/portfolio.md)")],
    token: TokenOption = None,
) -> None:
    """Import initiatives from CSV: all rows or none; errors name the line and column."""
    from accord.cli.context import acting_user, django_ready, fail, out, user_errors

    if not file.is_file():
        fail(f"{file}: no such file")
    django_ready()
    from accord.portfolio.csv_io import import_initiatives_csv

    with user_errors(), file.open("rb") as handle:
        report = import_initiatives_csv(actor=acting_user(token), file=handle, filename=file.name)
    out.print(f"[green]✔[/] {file.name}: {report.rows} rows, {report.created} created, {report.updated} updated")


@app.command("export")
def export_csv(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="write here instead of stdout")] = None,
    token: TokenOption = None,
) -> None:
    """Export every initiative as CSV (the import's columns; formula-like cells escaped)."""
    from accord.cli.context import acting_user, django_ready, user_errors

    django_ready()
    from accord.portfolio.csv_io import export_initiatives_csv

    with user_errors():
        text = export_initiatives_csv(acting_user(token))
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


@app.command("estimate")
def estimate(
    scenario: Annotated[str | None, typer.Option(help="budget scenario (name or id) for horizon and rate")] = None,
    years: Annotated[int | None, typer.Option(help="simulated years (default: the risk settings')")] = None,
    force: Annotated[bool, typer.Option(help="simulate even when nothing changed")] = False,
    as_json: JsonOption = False,
    token: TokenOption = None,
) -> None:
    """Simulate each candidate initiative's ΔALE with the FAIR engine and store ROSI, NPV, payback."""
    from accord.cli.context import acting_user, django_ready, out, user_errors

    django_ready()
    from accord.portfolio import selectors, services

    with user_errors():
        actor = acting_user(token)
        chosen = _budget_scenario(actor, scenario) if scenario or selectors.budget_scenarios(actor).exists() else None
        done = services.estimate_effects(actor=actor, budget_scenario=chosen, years=years, force=force)
    if as_json:
        sys.stdout.write(json.dumps([{
            "initiative": e.initiative.slug, "delta_ale": e.delta_ale, "delta_ale_90": [e.delta_ale_low, e.delta_ale_high],
            "rosi": e.rosi, "rosi_90": [e.rosi_low, e.rosi_high], "npv": e.npv, "payback_years": e.payback_years,
            "seed": e.seed, "years": e.years, "engine_version": e.engine_version, "input_hash": e.input_hash,
        } for e in done], indent=2) + "\n")
        return
    cur = _organisation_currency()
    table = new_table("initiative", "ΔALE a year", "90% range", "ROSI", "ROSI range", "NPV", "payback",
                  title=f"Estimates (amounts in {cur})")
    for e in done:
        table.add_row(e.initiative.slug, f"{e.delta_ale:,.0f}", f"{e.delta_ale_low:,.0f} to {e.delta_ale_high:,.0f}",
                      _ratio(e.rosi), f"{_ratio(e.rosi_low)} to {_ratio(e.rosi_high)}", f"{e.npv:,.0f}",
                      "none" if e.payback_years is None else f"{e.payback_years:.1f} y")
    out.print(table)


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.0%}"


@app.command("select")
def select(
    budget: Annotated[float | None, typer.Option(help="total over the horizon (default: the scenario's budget)")] = None,
    scenario: Annotated[str | None, typer.Option(help="budget scenario (name or id); the first if absent")] = None,
    approve: Annotated[bool, typer.Option("--approve", help="approve the saved selection (portfolio.decide)")] = False,
    note: Annotated[str, typer.Option(help="note added to the decision")] = "",
    as_json: JsonOption = False,
    token: TokenOption = None,
) -> None:
    """Solve and save the best set for a budget; with --approve fund it and record the decision."""
    from accord.cli.context import acting_user, django_ready, out, user_errors

    django_ready()
    from accord.engine.native_output import native_output_to_stderr
    from accord.portfolio import planning, services

    with user_errors():
        actor = acting_user(token)
        chosen = _budget_scenario(actor, scenario)
        with native_output_to_stderr():
            selection = services.save_selection(actor=actor, budget_scenario=chosen, budget=budget)
            result = planning.answer(planning.build_plan(actor, chosen), selection.budget)
        if approve:
            selection = services.approve_selection(actor=actor, selection=selection, note=note)
        decision = selection.decision
    if as_json:
        doc = result.as_dict()
        doc.update(selection_id=selection.pk, decision_id=decision.pk if decision else None,
                   status=selection.status, signoff_id=selection.signoff_id, frontier=selection.frontier)
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
        return
    cur = _organisation_currency()
    table = new_table(title=f"Best set for {money.full(selection.budget, cur)} over {chosen.horizon_years} years "
                        f"({chosen.name})")
    for column in ("initiative", f"cost over horizon ({cur})", "ΔALE alone a year", "ΔALE in the set a year"):
        table.add_column(column, justify="left" if column == "initiative" else "right")
    for row in result.rows():
        table.add_row(row["title"], f"{row['cost']:,.0f}", f"{row['delta_ale_alone']:,.0f}",
                      f"{row['delta_ale_in_set']:,.0f}")
    out.print(table)
    gap = "unknown" if result.gap is None else f"{result.gap:.3%}"
    out.print(f"cost {money.full(selection.cost, cur)} over {chosen.horizon_years} years | expected loss "
              f"{money.full(selection.total_ale, cur)} a year -> residual {money.full(selection.residual_ale, cur)} | "
              f"risk reduction {money.full(selection.risk_reduction, cur)} a year | gap {gap} | "
              f"selection #{selection.pk}",
              highlight=False)
    if decision is not None:
        out.print(f"[green]✔[/] approved: decision #{decision.pk}: {decision.outcome}", highlight=False)
    elif approve:
        out.print(f"your approval is recorded (sign-off #{selection.signoff_id}); it needs the other leader's too")


def _organisation_currency() -> str:
    from accord.risks.selectors import organisation_currency

    return organisation_currency()
