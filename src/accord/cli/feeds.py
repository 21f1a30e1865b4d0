"""accord feeds ...: KEV and EPSS, loaded from files (Accord works offline)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(help="Threat feeds (CISA KEV, FIRST EPSS) loaded from files.", no_args_is_help=True)

WHO_HELP = "personal token (default: ACCORD_TOKEN or the one `accord login` saved)"


def _load(file: Path, token: str | None, which: str) -> None:
    from accord.cli.context import acting_user, django_ready, fail, out, user_errors

    if not file.is_file():
        fail(f"{file}: no such file")
    django_ready()
    from accord.vulns import services

    loader: Any = services.load_kev if which == "kev" else services.load_epss
    with user_errors(), out.status(f"loading {file.name}…"), file.open("rb") as handle:
        result = loader(actor=acting_user(token), file=handle, filename=file.name)
    load = result.load
    if result.unchanged:
        out.print(f"{file.name} is the feed already loaded (on {load.loaded_at:%Y-%m-%d %H:%M}); nothing changed.")
        return
    dated = f", dated {load.feed_date:%Y-%m-%d}" if load.feed_date else ""
    out.print(f"[green]✔[/] {file.name}: {load.kind.upper()} {load.feed_version}{dated}: {load.entries:,} entries "
              f"({load.added:,} added, {load.changed:,} changed, {load.removed:,} removed); "
              f"{load.findings_redecided:,} open finding(s) decided again", highlight=False)


@app.command("load-kev")
def load_kev(
    file: Annotated[Path, typer.Argument(help="CISA known_exploited_vulnerabilities.json")],
    token: Annotated[str | None, typer.Option("--token", help=WHO_HELP)] = None,
) -> None:
    """Load the CISA KEV catalogue; open findings are enriched and decided again. Idempotent."""
    _load(file, token, "kev")


@app.command("load-epss")
def load_epss(
    file: Annotated[Path, typer.Argument(help="FIRST EPSS daily CSV (epss_scores-YYYY-MM-DD.csv, or .csv.gz)")],
    token: Annotated[str | None, typer.Option("--token", help=WHO_HELP)] = None,
) -> None:
    """Load FIRST EPSS scores; open findings are enriched and decided again. Idempotent."""
    _load(file, token, "epss")
