"""accord serve: a production-grade WSGI server (waitress) with static files (WhiteNoise)."""

from __future__ import annotations

import typer

from accord.cli.context import django_ready, migrate_database, out


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    threads: int = typer.Option(8, help="Worker threads."),
) -> None:
    """Migrate the database, collect static files and serve Accord."""
    django_ready()
    migrate_database()
    from django.conf import settings
    from django.core.management import call_command
    from waitress import serve as waitress_serve

    call_command("collectstatic", interactive=False, verbosity=0)
    from accord.config.wsgi import application  # after collectstatic: WhiteNoise indexes the folder at start
    from accord.jobs.queue import start_consumer_threads

    embedded: int = settings.JOBS["embedded_workers"]
    if embedded:
        start_consumer_threads(embedded, periodic=True)
        out.print(f"{embedded} job worker thread(s) run inside this server (ACCORD_EMBEDDED_WORKERS)")
    out.print(f"Accord is serving on [bold]http://{host}:{port}/[/] (press Ctrl+C to stop)")
    if settings.IS_DEVELOPMENT:
        out.print("[yellow]development mode[/]: the secret key is the development default; do not expose this server.")
    waitress_serve(application, host=host, port=port, threads=threads, ident="accord")

