"""accord reviews ...: commands of the reviews area."""

from __future__ import annotations

import typer

app = typer.Typer(help="Reviews.", no_args_is_help=True)


@app.callback()
def _reviews() -> None:
    """Reviews."""
