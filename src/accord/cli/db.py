"""accord db ...: the database."""

from __future__ import annotations

import typer

from accord.cli.context import django_ready, migrate_database, out, user_errors

app = typer.Typer(help="The database: bring it up to date.", no_args_is_help=True)


@app.command()
def migrate() -> None:
    """Bring the database (SQLite or PostgreSQL, from ACCORD_DATABASE_URL) up to date."""
    django_ready()
    migrate_database(quiet=False)
    from django.db import connection

    out.print(f"[green]✔[/] database up to date ({connection.vendor}: {connection.settings_dict['NAME']})")


@app.command()
def roles(
    owner: str = typer.Option(..., "--owner", help="The role that owns the tables and runs the migrations."),
    app_role: str = typer.Option(..., "--app", help="The role Accord serves as (created if missing)."),
) -> None:
    """PostgreSQL: let the application role write every table but the audit trail (insert only)."""
    django_ready()
    import os

    from accord.core.db_roles import split_roles

    with user_errors():
        statements = split_roles(owner=owner, app=app_role, app_password=os.environ.get("ACCORD_APP_DB_PASSWORD"))
    for sql in statements:
        out.print(f"  {sql}", highlight=False)
    out.print(f"[green]✔[/] {app_role} may read and write Accord's tables, and only read and insert audit rows; "
              f"migrate as {owner}", highlight=False)
