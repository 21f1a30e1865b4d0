"""accord demo ...: the demo organisation."""

from __future__ import annotations

import typer

from accord.cli.context import django_ready, migrate_database, out

app = typer.Typer(help="The demo organisation.", no_args_is_help=True)


@app.command()
def load(
    if_empty: bool = typer.Option(False, "--if-empty", help="Do nothing (but print the accounts) when the database has users."),
) -> None:
    """Migrate, then build the deterministic demo company and print its accounts and passwords."""
    django_ready()
    migrate_database()
    from accord.accounts.models import User
    from accord.demo import DEMO_ACCOUNTS, load_demo

    if User.objects.exists():
        if not if_empty:
            out.print("[red]The database already has users; the demo loads only into an empty database.[/] "
                      "Use a fresh ACCORD_DATABASE_URL (or remove var/accord.sqlite3).")
            raise typer.Exit(2)
        out.print("The database already has data; the demo was not loaded again.")
    else:
        with out.status("Building the demo organisation…"):
            summary = load_demo()
        out.print(f"[green]✔[/] demo loaded: {summary}")
    out.print("\nDemo accounts (username / password):")
    for account in DEMO_ACCOUNTS:
        out.print(f"  {account.username:<12} {account.password:<24} {', '.join(account.roles)}")
