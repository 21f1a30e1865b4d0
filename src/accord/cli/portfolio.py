"""accord portfolio ...: commands of the portfolio domain.

`optimize` only runs the engine on a file: no Django is imported.
"""

from __future__ import annotations

import ctypes
import json
import math
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from accord.engine.portfolio.errors import InfeasibleBudget, InvalidInstance
from accord.engine.portfolio.frontier import Frontier, compute_frontier
from accord.engine.portfolio.instance import instance_from_json
from accord.engine.portfolio.milp import PortfolioSolver, SolverOptions
from accord.engine.portfolio.model import Instance, Selection
from accord.engine.portfolio.residual import marginal_contributions, standalone_reduction

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
    err = Console(stderr=True)
    try:
        instance = _load(instance_path)
        if frontier is not None and frontier < 2:
            raise InvalidInstance("--frontier", "needs at least 2 points")
        if not 0 < gap < 1:
            raise InvalidInstance("--gap", "must be between 0 and 1 (exclusive)")
        _silence_highs_banner()
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
    years = instance.horizon_years
    chosen = Table(title=f"Selected initiatives (budget {selection.budget:,.0f} over {years} years)")
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
    table = Table(title="Frontier: residual loss against spend")
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


def _silence_highs_banner() -> None:
    """HiGHS prints a banner on stdout (from C) the first time a solver is made; keep it off stdout.

    `--json` promises one JSON document on stdout, so the first Highs object is created while file
    descriptor 1 points at /dev/null, and C's stdio buffer is flushed before it is restored.
    """
    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        highspy.Highs()
        ctypes.CDLL(None).fflush(None)
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)
