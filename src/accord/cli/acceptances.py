"""accord acceptances ...: risk acceptances and exceptions."""

from __future__ import annotations

import typer

app = typer.Typer(help="Risk acceptances and exceptions.", no_args_is_help=True)


@app.callback()
def _acceptances() -> None:
    """Risk acceptances and exceptions."""
