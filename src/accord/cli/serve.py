"""accord serve: the production WSGI server, with static files (WhiteNoise).

On Linux and macOS it is gunicorn with several worker processes of several threads each (gthread),
so the server uses every core; elsewhere (Windows) or with --server waitress, one waitress process.
The embedded job consumers (ACCORD_EMBEDDED_WORKERS) run in one process of their own beside the web
workers, never in each of them. Both servers hand X-Forwarded-For / -Proto to Accord, which believes
them only from ACCORD_TRUSTED_PROXIES (accord.core.proxies); gunicorn is given the same list.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import typer

from accord.cli.context import django_ready, fail, migrate_database, out

SERVERS = ("auto", "gunicorn", "waitress")


def default_workers() -> int:
    """Two per core, at most four: the requests are mostly database waits, and each process holds a
    copy of the application and its own database connections."""
    return max(1, min(2 * (os.cpu_count() or 1), 4))


def choose_server(requested: str) -> str:
    if requested not in SERVERS:
        fail(f"--server: one of {', '.join(SERVERS)}")
    if requested == "auto":
        return "waitress" if sys.platform == "win32" else "gunicorn"  # gunicorn needs fork()
    return requested


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(0, min=0, help="Worker processes (gunicorn); 0: two per core, at most 4."),
    threads: int = typer.Option(8, min=1, help="Threads per worker process."),
    server: str = typer.Option("auto", help="gunicorn, waitress, or auto: gunicorn where the platform has fork()."),
) -> None:
    """Migrate the database, collect static files and serve Accord."""
    chosen = choose_server(server)
    django_ready()
    migrate_database()
    from django.conf import settings
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    processes = (workers or default_workers()) if chosen == "gunicorn" else 1
    embedded: int = settings.JOBS["embedded_workers"]
    if processes > 1 and not settings.REDIS_URL:
        out.print(f"[yellow]{processes} processes without ACCORD_REDIS_URL[/]: each keeps its own cache, so "
                  "rate limits count per process and job progress shows only at each step "
                  "(docs/deployment.md).")
    out.print(f"Accord is serving on [bold]http://{host}:{port}/[/] with {chosen}: {processes} process(es) "
              f"x {threads} threads (press Ctrl+C to stop)")
    if settings.IS_DEVELOPMENT:
        out.print("[yellow]development mode[/]: the secret key is the development default; do not expose this server.")
    if chosen == "waitress":
        _serve_waitress(host, port, threads, embedded)
        return
    consumers = _start_job_consumers(embedded)
    try:
        _serve_gunicorn(host, port, processes, threads)
    finally:
        if consumers is not None:
            consumers.terminate()
            consumers.wait(timeout=30)


def _serve_waitress(host: str, port: int, threads: int, embedded: int) -> None:
    from waitress import serve as waitress_serve

    from accord.config.wsgi import application  # after collectstatic: WhiteNoise indexes the folder at start
    from accord.jobs.queue import start_consumer_threads

    if embedded:
        start_consumer_threads(embedded, periodic=True)
        out.print(f"{embedded} job worker thread(s) run inside this server (ACCORD_EMBEDDED_WORKERS)")
    # Waitress would drop X-Forwarded-* from peers it does not trust itself; Accord decides instead.
    waitress_serve(application, host=host, port=port, threads=threads, ident="accord",
                   clear_untrusted_proxy_headers=False)


def _start_job_consumers(embedded: int) -> subprocess.Popen[bytes] | None:
    """One process for the job consumers and the daily schedule (`accord worker`), ended with the server."""
    if not embedded:
        return None
    out.print(f"{embedded} job worker thread(s) run in one process beside the web workers (ACCORD_EMBEDDED_WORKERS)")
    return subprocess.Popen([sys.executable, "-m", "accord", "worker", "--workers", str(embedded),  # noqa: S603
                             "--kind", "thread"])


def gunicorn_options(host: str, port: int, processes: int, threads: int) -> dict[str, Any]:
    from django.conf import settings

    from accord.core.proxies import parse_networks

    trusted = ",".join(str(network) for network in parse_networks(settings.ACCORD_TRUSTED_PROXIES))
    return {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": processes,
        "threads": threads,
        "worker_class": "gthread",
        # Gunicorn trusts 127.0.0.1 by default; give it Accord's list, and only the header Accord reads.
        "forwarded_allow_ips": trusted,
        "secure_scheme_headers": {"X-FORWARDED-PROTO": "https"},
        "timeout": 120,  # a frontier or a large page may compute for a while; gunicorn kills a silent worker
        "graceful_timeout": 30,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "accord",
    }


def _serve_gunicorn(host: str, port: int, processes: int, threads: int) -> None:
    from django.db import connections
    from gunicorn.app.base import BaseApplication

    connections.close_all()  # workers are forked: none may inherit the migration's connection

    class AccordServer(BaseApplication):
        def load_config(self) -> None:
            for name, value in gunicorn_options(host, port, processes, threads).items():
                self.cfg.set(name, value)

        def load(self) -> Any:
            from accord.config.wsgi import application

            return application

    AccordServer().run()
