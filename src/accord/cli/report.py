"""accord report ...: packs: the board pack."""

from __future__ import annotations

import typer

app = typer.Typer(help="Packs: the board pack.", no_args_is_help=True)


@app.callback()
def _report() -> None:
    """Packs: the board pack."""
