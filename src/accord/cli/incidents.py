"""accord incidents ...: commands of the incidents area."""

from __future__ import annotations

import typer

app = typer.Typer(help="Incidents.", no_args_is_help=True)


@app.callback()
def _incidents() -> None:
    """Incidents."""
