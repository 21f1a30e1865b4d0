"""accord metrics ...: the joint scorecard: KPIs, KRIs, snapshots, the partnership review."""

from __future__ import annotations

import typer

app = typer.Typer(help="The joint scorecard: KPIs, KRIs, snapshots, the partnership review.", no_args_is_help=True)


@app.callback()
def _metrics() -> None:
    """The joint scorecard: KPIs, KRIs, snapshots, the partnership review."""
