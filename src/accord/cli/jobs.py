"""accord worker, accord tick, accord jobs: background work from the command line."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

app = typer.Typer(help="Jobs: long work in the background.", no_args_is_help=True)
TOKEN = typer.Option(None, "--token", help="personal API token (default: ACCORD_TOKEN or `accord login`)")


@app.callback()
def jobs() -> None:
    """Jobs: long work in the background."""


@app.command("list")
def list_command(
    status: Annotated[str, typer.Option("--status", help="queued, running, succeeded or failed")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON document")] = False,
    token: str | None = TOKEN,
) -> None:
    """Your jobs (everyone's for auditors and administrators), newest first."""
    from accord.cli.context import acting_user, django_ready, new_table, out, user_errors

    django_ready()
    from accord.jobs import selectors

    with user_errors():
        rows = list(selectors.jobs_visible_to(acting_user(token), status=status)[:100])
    if as_json:
        typer.echo(json.dumps([{"id": j.pk, "kind": j.kind, "title": j.title, "status": j.status,
                                "progress": selectors.live_progress(j)[0], "error": j.error, "result": j.result,
                                "seconds": j.seconds, "created_at": j.created_at.isoformat()} for j in rows],
                              indent=2))
        return
    table = new_table("job", "what", "by", "status", "progress", "seconds")
    for job in rows:
        fraction, text = selectors.live_progress(job)
        table.add_row(str(job.pk), job.title[:60], str(job.actor), job.status + (f": {job.error[:60]}" if job.error else ""),
                      f"{fraction:.0%} {text}"[:40], "-" if job.seconds is None else f"{job.seconds:.1f}")
    out.print(table)


@app.command("retry")
def retry_command(job_id: Annotated[int, typer.Argument(help="a failed job's id")], token: str | None = TOKEN) -> None:
    """Run a failed job again with the same arguments."""
    from accord.cli.context import acting_user, django_ready, out, user_errors

    django_ready()
    from accord.jobs import selectors, services

    with user_errors():
        actor = acting_user(token)
        again = services.retry_job(actor=actor, job=selectors.job_by_id(actor, job_id))
    out.print(f"job #{job_id} queued again as #{again.pk}")


def _arguments(pairs: list[str]) -> dict[str, Any]:
    """key=value pairs as the job's arguments (a value that reads as JSON is taken as JSON: 3, true)."""
    from accord.cli.context import fail

    args: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            fail(f"--arg {pair!r}: write key=value")
        try:
            args[key.strip()] = json.loads(value)
        except ValueError:
            args[key.strip()] = value
    return args


@app.command("kinds")
def kinds_command() -> None:
    """The kinds of job there are, and the capability each needs."""
    from accord.cli.context import django_ready, out

    django_ready()
    from accord.jobs.queue import load_tasks
    from accord.jobs.registry import KINDS

    load_tasks()
    for kind in sorted(KINDS.values(), key=lambda k: k.name):
        out.print(f"{kind.name:<24} {kind.label} (needs {kind.capability})")


@app.command("start")
def start_command(
    kind: Annotated[str, typer.Argument(help="what to run: see `accord jobs kinds`")],
    arg: Annotated[list[str] | None, typer.Option("--arg", help="an argument as key=value (repeat)")] = None,
    detach: Annotated[bool, typer.Option("--detach", help="queue it and return at once")] = False,
    here: Annotated[bool | None, typer.Option(
        "--here/--elsewhere", help="run it on worker threads in this process (default: when there is no Redis)")] = None,
    token: str | None = TOKEN,
) -> None:
    """Start a job and follow it with a progress bar until it ends (exit code 1 if it fails)."""
    from accord.cli.context import acting_user, django_ready, out, user_errors

    django_ready()
    from accord.jobs import services
    from accord.jobs.queue import load_tasks
    from accord.jobs.registry import KINDS

    load_tasks()
    with user_errors():
        actor = acting_user(token)
        label = KINDS[kind].label if kind in KINDS else kind
        job = services.start_job(actor=actor, kind=kind, title=label, args=_arguments(arg or []))
    out.print(f"job #{job.pk} queued: {label}")
    if detach:
        return
    run_here(here)
    follow_job(job.pk)


def run_here(here: bool | None) -> None:
    """Start worker threads in this process when asked, or by default when there is no Redis (the
    SQLite queue's workers would be `accord serve`'s, which may not be running)."""
    from django.conf import settings

    from accord.jobs.queue import start_consumer_threads

    if here if here is not None else not settings.JOBS["redis_url"]:
        start_consumer_threads(2, periodic=False)


@app.command("watch")
def watch_command(job_id: Annotated[int, typer.Argument(help="the job's number")], token: str | None = TOKEN) -> None:
    """Follow a job with a progress bar until it ends (exit code 1 if it fails)."""
    from accord.cli.context import acting_user, django_ready, user_errors

    django_ready()
    from accord.jobs import selectors

    with user_errors():
        selectors.job_by_id(acting_user(token), job_id)  # may this user see it?
    follow_job(job_id)


def follow_job(job_id: int) -> None:
    """A progress bar until the job ends; exit code 1 if it failed."""
    import time

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from accord.cli.context import out
    from accord.jobs.models import Job, JobStatus
    from accord.jobs.selectors import live_progress

    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                  TimeElapsedColumn(), console=out, transient=False) as bar:
        task = bar.add_task(f"job #{job_id}", total=1.0)
        while True:
            job = Job.objects.get(pk=job_id)
            fraction, text = live_progress(job)
            bar.update(task, completed=fraction, description=f"job #{job_id} {job.status} {text}"[:70])
            if job.finished:
                break
            time.sleep(0.3)
    if job.status == JobStatus.FAILED:
        out.print(f"[red]job #{job_id} failed:[/] {job.error}")
        raise typer.Exit(1)
    shown = {k: v for k, v in job.result.items() if k != "results"}  # a fanned-out job's parts: on its page
    out.print(f"[green]✔[/] job #{job_id} done in {job.seconds or 0:.1f} s: {json.dumps(shown)[:500]}")


def worker(
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help="consumers in this process")] = 2,
    kind: Annotated[str, typer.Option("--kind", help="thread or process")] = "process",
) -> None:
    """Run job consumers (with Redis: start one per machine; without it, `accord serve` runs them)."""
    from accord.cli.context import django_ready, fail, migrate_database, out

    if kind not in ("thread", "process"):
        fail("--kind: thread or process")
    django_ready()
    migrate_database()
    from huey.consumer import Consumer

    from accord.jobs.queue import huey, load_tasks

    load_tasks()
    from django.db import connections

    connections.close_all()  # process workers are forked: none may inherit this process's database connection
    out.print(f"Accord worker: {workers} {kind} consumer(s) on {type(huey.storage).__name__} (Ctrl+C to stop)")
    Consumer(huey, workers=workers, worker_type=kind, periodic=True).run()


def tick(as_json: Annotated[bool, typer.Option("--json", help="print one JSON document")] = False) -> None:
    """Run the daily tick once now (expiries, reminders, digests); safe to run twice a day."""
    from accord.cli.context import django_ready, out

    django_ready()
    from accord.jobs.tick import run_tick

    done = run_tick()
    if as_json:
        typer.echo(json.dumps(done, indent=2))
        return
    for name, what in done.items():
        out.print(f"{name}: {what}")
