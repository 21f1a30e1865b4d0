"""accord db ...: the database."""

from __future__ import annotations

import typer

from accord.cli.context import django_ready, migrate_database, out

app = typer.Typer(help="The database: bring it up to date.", no_args_is_help=True)


@app.command()
def migrate() -> None:
    """Bring the database (SQLite or PostgreSQL, from ACCORD_DATABASE_URL) up to date."""
    django_ready()
    migrate_database(quiet=False)
    from django.db import connection

    out.print(f"[green]✔[/] database up to date ({connection.vendor}: {connection.settings_dict['NAME']})")
