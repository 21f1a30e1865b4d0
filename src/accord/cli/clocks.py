"""accord clocks ...: business-time and regulatory deadlines, computed from a calendar or a regime file."""

from __future__ import annotations

import typer

app = typer.Typer(help="Clocks: business-time due moments and regulatory deadlines.", no_args_is_help=True)


@app.callback()
def _clocks() -> None:
    """Clocks: business-time due moments and regulatory deadlines."""
