"""accord backup FILE / accord restore FILE: the whole database, on SQLite or PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import typer

from accord.cli.context import acting_user, django_ready, new_table, out, user_errors


def backup(
    file: Path = typer.Argument(..., help="Where to write the backup (a tar file with a manifest)."),
    token: str | None = typer.Option(None, "--token", help="Personal token (default: ACCORD_TOKEN)."),
) -> None:
    """Back up the database to FILE, consistently while the server runs."""
    django_ready()
    from accord.core.backup import backup_database

    with user_errors():
        manifest = backup_database(actor=acting_user(token), path=file)
    rows = sum(manifest.row_counts.values())
    out.print(f"[green]✔[/] {manifest.engine} database backed up to {file}: {len(manifest.row_counts)} tables, "
              f"{rows:,} rows, audit head {manifest.audit_head.split(':')[0] or 'none'}", highlight=False)


def restore(
    file: Path = typer.Argument(..., help="A file `accord backup` wrote."),
    yes: bool = typer.Option(False, "--yes", help="Replace a database that holds data (nothing is asked)."),
    token: str | None = typer.Option(None, "--token", help="Personal token (default: ACCORD_TOKEN); needed when "
                                                           "the database holds data."),
) -> None:
    """Restore the database from FILE; with --yes, over a database that holds data."""
    django_ready()
    from accord.core.backup import database_has_data, restore_database

    with user_errors():
        actor = acting_user(token) if database_has_data() else None
        result = restore_database(actor=actor, path=file, overwrite=yes)
    manifest = result.manifest
    differing = {table: (manifest.row_counts[table], count) for table, count in result.row_counts.items()
                 if count != manifest.row_counts[table]}
    if differing:
        table = new_table("table", "in the backup", "restored")
        for name, (expected, found) in sorted(differing.items()):
            table.add_row(name, f"{expected:,}", f"{found:,}")
        out.print(table)
        out.print("[red]✘ the restored row counts differ from the backup's manifest[/]")
        raise typer.Exit(1)
    out.print(f"[green]✔[/] restored {file} (taken {manifest.created_at} by Accord {manifest.accord_version}): "
              f"{sum(result.row_counts.values()):,} rows in {len(result.row_counts)} tables, as the backup counted; "
              "run `accord audit verify` to check the audit trail", highlight=False)
