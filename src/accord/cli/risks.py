"""accord risks ...: commands of the risks domain.

`accord risks simulate FILE` runs the FAIR engine on a scenario file; it does not touch Django.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from accord.cli.context import new_table
from accord.core import money

if TYPE_CHECKING:  # the engine (numpy, scipy) is imported by the commands that run it: `--help` stays fast
    from accord.engine.fair import SimulationResult
    from accord.engine.fair.stats import SeriesStats

app = typer.Typer(help="Quantified risk: Open FAIR Monte Carlo simulation.", no_args_is_help=True)

MAX_FILE_BYTES = 5_000_000


@app.callback()
def risks() -> None:
    """Quantified risk: Open FAIR Monte Carlo simulation."""


def _load(path: Path) -> Any:
    import yaml

    from accord.engine.fair import InvalidScenario

    if not path.is_file():
        raise InvalidScenario(str(path), "no such file")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InvalidScenario(str(path), f"file larger than {MAX_FILE_BYTES:,} bytes")
    text = path.read_text(encoding="utf-8")
    try:
        return json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        raise InvalidScenario(
            str(path), f"not valid {'JSON' if path.suffix.lower() == '.json' else 'YAML'}: {error}"
        ) from None


def _money(currency: str, value: float | None) -> str:
    """Compact money for tables, as the pages show it: USD 1.25M, USD 594k, USD 950."""
    return money.compact(value, currency)


def _row(label: str, stats: SeriesStats) -> list[str]:
    currency = ""  # named once in the title
    return [
        label,
        _money(currency, stats.mean).strip(),
        _money("±", stats.mean_se),
        _money(currency, stats.analytic_mean).strip(),
        _money(currency, stats.p50).strip(),
        _money(currency, stats.p90).strip(),
        _money(currency, stats.p95).strip(),
        _money(currency, stats.p99).strip(),
        _money(currency, stats.tail_mean_p99).strip(),
        f"{stats.prob_loss:.1%}",
    ]


def _print_tables(result: SimulationResult, console: Console) -> None:
    c = result.currency
    table = new_table(
        title=f"Annual loss in {c} ({result.model} model, {result.years:,} years, seed {result.seed})",
        caption=f"engine {result.engine_version}, inputs {result.input_hash[:12]}",
    )
    for header in (
        "scenario",
        "mean",
        "MC s.e.",
        "analytic",
        "median",
        "p90",
        "p95",
        "p99",
        "mean>p99",
        "P(loss>0)",
    ):
        table.add_column(header, justify="left" if header == "scenario" else "right")
    for scenario in result.scenarios:
        table.add_row(*_row(scenario.id, scenario.stats))
        if scenario.with_controls is not None:
            table.add_row(*_row("  with controls", scenario.with_controls))
    together = "PORTFOLIO (with correlation)" if result.correlation is not None else "PORTFOLIO"
    table.add_row(*_row(together, result.portfolio), style="bold")
    console.print(table)
    if result.correlation is not None:
        _print_correlation(result, console)

    effects = [(s.id, e) for s in result.scenarios for e in s.controls]
    if effects:
        controls = new_table(title="Controls (common random numbers)")
        for header in ("scenario", "control", "factor", "ΔALE", "90% interval", "annual cost", "ROSI"):
            controls.add_column(
                header, justify="left" if header in ("scenario", "control", "factor") else "right"
            )
        for ident, effect in effects:
            low, high = effect.delta_mean_ci90
            controls.add_row(
                ident,
                effect.name,
                effect.factor,
                _money(c, effect.delta_mean),
                f"{_money(c, low)}..{_money('', high).strip()}",
                _money(c, effect.annual_cost),
                "-" if effect.rosi is None else f"{effect.rosi:.0%}",
            )
        console.print(controls)

    if result.appetite:
        appetite = new_table(title="Portfolio against appetite")
        for header in ("loss", "tolerated P(exceed)", "simulated P(exceed)", "within"):
            appetite.add_column(header, justify="right")
        for check in result.appetite:
            appetite.add_row(
                _money(c, check.loss),
                f"{check.tolerance:.1%}",
                f"{check.probability:.2%}",
                "yes" if check.within else "NO",
            )
        console.print(appetite)
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}")


def _print_correlation(result: SimulationResult, console: Console) -> None:
    check = result.correlation
    assert check is not None  # noqa: S101 - the caller checks
    table = new_table(title="Rank correlation of annual losses (Spearman): stated and shown by the simulated years")
    for header in ("scenarios", "stated", "shown"):
        table.add_column(header, justify="left" if header == "scenarios" else "right")
    for i, first in enumerate(check.ids):
        for j in range(i + 1, len(check.ids)):
            shown = check.realised[i][j]
            table.add_row(f"{first} · {check.ids[j]}", f"{check.stated[i][j]:.2f}", "-" if shown is None else f"{shown:.2f}")
    console.print(table)
    plain = sum(s.stats.mean for s in result.scenarios)
    console.print(f"Sum of the scenarios' means: {_money(result.currency, plain)} (correlation never changes a mean)")


@app.command()
def simulate(
    file: Annotated[Path, typer.Argument(help="Scenario file (YAML or JSON).")],
    years: Annotated[int | None, typer.Option(help="Simulated years (overrides the file).")] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed (overrides the file).")] = None,
    model: Annotated[str | None, typer.Option(help="Year model: event or rate (overrides the file).")] = None,
    threads: Annotated[
        int, typer.Option(help="Worker threads (0: one per CPU); results are identical for any count.")
    ] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Simulate the scenarios of FILE: annual loss statistics, loss exceedance curves, controls."""
    from accord.engine.fair import InvalidScenario, simulate_file

    err = Console(stderr=True)
    try:
        if model is not None and model not in ("event", "rate"):
            raise InvalidScenario("--model", "must be event or rate")
        result = simulate_file(
            _load(file), years=years, seed=seed, model=model, threads=threads if threads > 0 else None
        )
    except InvalidScenario as error:
        err.print(f"[red]error:[/red] {error}", highlight=False, soft_wrap=True)
        raise typer.Exit(code=2) from None
    if as_json:
        typer.echo(json.dumps(result.to_dict()))
    else:
        _print_tables(result, Console())


# ---- the risk register (database-backed; Django is set up only inside these commands) -----------

TokenOption = Annotated[str | None, typer.Option("--token", help="Personal API token (else ACCORD_TOKEN or `accord login`).")]


@app.command("list")
def list_scenarios(
    q: Annotated[str, typer.Option(help="Name or id contains.")] = "",
    status: Annotated[str, typer.Option(help="draft, assessed, treated or closed.")] = "",
    limit: Annotated[int, typer.Option(help="At most this many rows.")] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    token: TokenOption = None,
) -> None:
    """The risk register, largest mean annual loss first, with the 90% range (p5-p95)."""
    from accord.cli.context import acting_user, django_ready, out, user_errors

    django_ready()
    from accord.risks import selectors

    with user_errors():
        user = acting_user(token)
        rows = list(selectors.register(user, selectors.ScenarioFilter(q=q, status=status))[: max(limit, 0)])
        currency = selectors.risk_settings(user).currency
        figures = selectors.portfolio_figures(user)
    together = figures.run
    if as_json:
        typer.echo(json.dumps({"currency": currency, "scenarios": [
            {"id": s.slug, "name": s.name, "status": s.status, "treatment": s.treatment,
             "mean": s.latest_run.mean if s.latest_run else None,
             "p5": s.latest_run.p5 if s.latest_run else None,
             "p95": s.latest_run.p95 if s.latest_run else None,
             "run": s.latest_run_id} for s in rows],
            "total": {
                "open_scenarios": len(figures.scenarios), "plain_sum": figures.plain_sum,
                "with_correlation": None if together is None else {
                    "run": together.pk, "mean": together.mean, "p5": together.p5, "p95": together.p95,
                    "correlated": figures.correlated, "current": figures.current,
                    "out_of_date": figures.out_of_date},
            }}))
        return
    table = new_table(title=f"Risk register ({currency} a year)")
    for header in ("id", "name", "mean", "p5", "p95", "treatment", "status"):
        table.add_column(header, justify="right" if header in ("mean", "p5", "p95") else "left")
    for s in rows:
        run = s.latest_run
        table.add_row(s.slug, s.name, _money("", run.mean).strip() if run else "-",
                      _money("", run.p5).strip() if run else "-", _money("", run.p95).strip() if run else "-",
                      s.treatment, s.status)
    out.print(table)
    if not rows:
        out.print("The register is empty: import a scenario file with `accord risks import FILE`.")
        return
    line = f"Expected loss a year, sum of the {len(figures.scenarios)} open scenarios' means: " \
           f"{_money(currency, figures.plain_sum)}"
    if together is not None:
        how = "with correlation" if figures.correlated else "as independent"
        line += f"; simulated together {how}: 90% range {_money(currency, together.p5)}..{_money('', together.p95).strip()}"
        if not figures.current:
            line += f" (from before changes to {', '.join(figures.out_of_date)}; `accord risks run --all`)"
    out.print(line)


@app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="Scenario file (YAML, or JSON when it ends in .json).")],
    token: TokenOption = None,
) -> None:
    """Import a scenario file into the register: all of it or nothing; errors name scenario and field."""
    from accord.cli.context import acting_user, django_ready, fail, out, user_errors

    if not file.is_file():
        fail(f"{file}: no such file")
    django_ready()
    from accord.risks.scenario_files import import_scenario_file

    with user_errors(), file.open("rb") as handle:
        report = import_scenario_file(actor=acting_user(token), file=handle, filename=file.name)
    out.print(f"[green]✔[/] {file.name}: {report.scenarios} scenarios, {report.created} created, "
              f"{report.updated} updated, {report.unchanged} unchanged; {report.runs} new runs"
              + ("; settings changed" if report.settings_changed else ""))


@app.command("export")
def export_file(
    file: Annotated[Path | None, typer.Argument(help="Where to write (default: standard output).")] = None,
    ids: Annotated[list[str] | None, typer.Option("--id", help="Only this scenario (repeatable).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="yaml or json (default: from the file name, else yaml).")] = "",
    token: TokenOption = None,
) -> None:
    """Export the register as a scenario file (runs with `accord risks simulate` to the same numbers)."""
    from accord.cli.context import acting_user, django_ready, fail, out, user_errors

    chosen = fmt or ("json" if file is not None and file.suffix.lower() == ".json" else "yaml")
    if chosen not in ("yaml", "json"):
        fail("--format must be yaml or json")
    django_ready()
    from accord.risks.scenario_files import dump_document, export_document

    with user_errors():
        text = dump_document(export_document(acting_user(token), list(ids) if ids else None), chosen)
    if file is None:
        typer.echo(text, nl=False)
    else:
        file.write_text(text, encoding="utf-8")
        out.print(f"[green]✔[/] wrote {file}")


@app.command("run")
def run(
    ident: Annotated[str | None, typer.Argument(metavar="[ID]", help="The scenario to simulate.")] = None,
    run_all: Annotated[bool, typer.Option("--all", help="Every scenario, then the portfolio.")] = False,
    force: Annotated[bool, typer.Option(help="Store a new run even when nothing changed.")] = False,
    token: TokenOption = None,
) -> None:
    """Simulate a scenario (or --all and the portfolio) with the register's seed and years; store the run."""
    from accord.cli.context import acting_user, django_ready, fail, out, user_errors

    if (ident is None) == (not run_all):
        fail("name one scenario ID, or use --all")
    django_ready()
    from accord.risks import selectors, services

    with user_errors():
        user = acting_user(token)
        targets = ([selectors.scenario_by_slug(user, ident)] if ident is not None
                   else list(selectors.register(user).order_by("slug")))
        currency = selectors.risk_settings(user).currency
        for scenario in targets:
            previous = scenario.latest_run_id
            stored = services.simulate_scenario(actor=user, scenario=scenario, force=force)
            note = "new run" if stored.pk != previous else "unchanged, latest run stands"
            out.print(f"{scenario.slug}: mean {_money(currency, stored.mean)} a year, 90% range "
                      f"{_money('', stored.p5).strip()}..{_money('', stored.p95).strip()} "
                      f"(run {stored.pk}, {note}; seed {stored.seed}, {stored.years:,} years, "
                      f"hash {stored.input_hash[:12]})", highlight=False, soft_wrap=True)
        if run_all and targets:
            portfolio = services.simulate_portfolio(actor=user)
            out.print(f"portfolio: mean {_money(currency, portfolio.mean)} a year, p95 "
                      f"{_money(currency, portfolio.p95)} (run {portfolio.pk})", highlight=False)
