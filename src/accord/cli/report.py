"""accord report ...: packs: the board pack.

`accord report board --period 2026Q4 [--out FILE.pdf] [--json]` asks for the pack as the web button
and the API do (the same service, rendered as a job), waits for the job, writes the PDF and prints
where it went, its pages and its SHA-256. Exit codes: 0 done, 1 the render failed, 2 bad input
(the period), 3 no token or not allowed, 4 not found.
"""

from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from accord.cli.context import acting_user, django_ready, fail, new_table, out, user_errors

app = typer.Typer(help="Packs: the board pack.", no_args_is_help=True)

TOKEN = typer.Option(None, "--token", help="personal API token (default: ACCORD_TOKEN or `accord login`)")
AS_JSON = typer.Option("--json", help="print one JSON document")


@app.callback()
def _report() -> None:
    """Packs: the board pack."""


def _summary(pack: Any, path: Path | None) -> dict[str, Any]:
    return {"id": pack.pk, "period": pack.period, "status": pack.status, "as_of": pack.as_of,
            "pages": pack.pages, "bytes": pack.size_bytes, "sha256": pack.sha256, "anchor": pack.anchor,
            "job": pack.job_id, "render_seconds": pack.render_seconds, "path": str(path) if path else None,
            "error": pack.error}


def _wait(job_id: int, *, quiet: bool) -> None:
    """Until the render job ends: a progress bar, or silence when the output is JSON."""
    from accord.cli.jobs import follow_job
    from accord.jobs.models import Job

    if not quiet:
        with contextlib.suppress(typer.Exit):  # a failed render is reported after, with the pack
            follow_job(job_id)
        return
    while not Job.objects.get(pk=job_id).finished:
        time.sleep(0.3)


@app.command("board")
def board(
    period: Annotated[str, typer.Option("--period", help="the quarter, e.g. 2026Q4 (default: the last complete one)")] = "",
    out_file: Annotated[Path | None, typer.Option("--out", help="where to write the PDF (default: "
                                                  "board-pack-PERIOD-ID.pdf here)")] = None,
    as_json: Annotated[bool, AS_JSON] = False,
    token: str | None = TOKEN,
) -> None:
    """Print the board pack of a quarter as a PDF (a job; this command waits for it)."""
    django_ready()
    from accord.cli.jobs import run_here
    from accord.packs import selectors, services
    from accord.packs.periods import last_complete_quarter

    with user_errors():
        actor = acting_user(token)
        pack = services.request_board_pack(actor=actor, period=period or str(last_complete_quarter()))
    if not as_json:
        out.print(f"board pack {pack.period} #{pack.pk} queued as job #{pack.job_id}")
    if pack.job_id is not None and not pack.ready:
        run_here(None)
        _wait(pack.job_id, quiet=as_json)
    pack = selectors.pack_by_id(actor, pack.pk)
    if not pack.ready:
        if as_json:
            typer.echo(json.dumps(_summary(pack, None), default=str, indent=2))
        else:
            out.print(f"[red]✘ the board pack was not printed:[/] {pack.error or 'see job #' + str(pack.job_id)}")
        raise typer.Exit(1)
    path = out_file or Path(pack.filename)
    try:
        path.write_bytes(selectors.pack_pdf(actor, pack))
    except OSError as exc:
        fail(f"--out {path}: {exc.strerror or exc}")
    if as_json:
        typer.echo(json.dumps(_summary(pack, path), default=str, indent=2))
        return
    out.print(f"[green]✔[/] {path}: {pack.pages} pages, {pack.size_bytes:,} bytes, figures as of {pack.as_of}")
    out.print(f"sha256 {pack.sha256}")
    if pack.anchor:
        out.print(f"audit anchor printed on its last page: accord audit verify --anchor {pack.anchor}")


@app.command("list")
def list_packs(
    period: Annotated[str, typer.Option("--period", help="only this quarter's packs")] = "",
    as_json: Annotated[bool, AS_JSON] = False,
    token: str | None = TOKEN,
) -> None:
    """Board packs, newest first."""
    django_ready()
    from accord.packs import selectors

    with user_errors():
        packs = list(selectors.packs_visible_to(acting_user(token), period=period)[:100])
    if as_json:
        typer.echo(json.dumps([_summary(p, None) for p in packs], default=str, indent=2))
        return
    table = new_table("id", "quarter", "status", "asked by", "as of", "pages", "sha256")
    for p in packs:
        table.add_row(str(p.pk), p.period, p.status, p.requested_by.username, str(p.as_of or "-"),
                      str(p.pages or "-"), p.sha256[:16])
    out.print(table)
