"""accord org ...: the organisation model."""

from __future__ import annotations

from pathlib import Path

import typer

from accord.cli.context import acting_user, django_ready, fail, new_table, out, user_errors

app = typer.Typer(help="Business services, teams, people and assets.", no_args_is_help=True)


@app.command("import-assets")
def import_assets(
    file: Path = typer.Argument(..., help="CSV file with a header row (see docs/organisation.md)."),
    token: str | None = typer.Option(None, "--token"),
) -> None:
    """Import assets from CSV: all rows or none; errors name the line and column."""
    if not file.is_file():
        fail(f"{file}: no such file")
    django_ready()
    from accord.org.asset_import import import_assets_csv

    with user_errors(), file.open("rb") as handle:
        report = import_assets_csv(actor=acting_user(token), file=handle, filename=file.name)
    out.print(f"[green]✔[/] {file.name}: {report.rows} rows, {report.created} created, "
              f"{report.updated} updated, {report.unchanged} unchanged")


@app.command("assets")
def list_assets(
    q: str = typer.Option("", help="Hostname, IP or OS contains."),
    environment: str = typer.Option("", help="production, dr, staging, test, development."),
    limit: int = typer.Option(50),
    token: str | None = typer.Option(None, "--token"),
) -> None:
    """List assets."""
    django_ready()
    from accord.org.selectors import AssetFilter, assets_visible_to

    with user_errors():
        assets = assets_visible_to(acting_user(token), AssetFilter(q=q, environment=environment))
        total, rows = assets.count(), list(assets[:limit])
    table = new_table("hostname", "ip", "environment", "service", "team", "exposed")
    for a in rows:
        table.add_row(a.hostname, a.ip_address or "", a.environment, str(a.business_service or ""),
                      str(a.team or ""), "yes" if a.internet_exposed else "")
    out.print(table)
    out.print(f"{len(rows)} of {total}")


@app.command("services")
def list_services(token: str | None = typer.Option(None, "--token")) -> None:
    """List business services with their tier, mission impact and cost of downtime."""
    django_ready()
    from accord.org.selectors import services_visible_to

    with user_errors():
        services = list(services_visible_to(acting_user(token)))
    table = new_table("service", "tier", "mission impact", "downtime / hour", "assets")
    for s in services:
        table.add_row(s.name, str(s.criticality_tier), s.mission_impact, f"{s.downtime_cost_per_hour:,.0f}",
                      str(s.asset_count))  # type: ignore[attr-defined]
    out.print(table)
