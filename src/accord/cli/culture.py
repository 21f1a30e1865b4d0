"""accord culture ...: security culture: champions, awareness campaigns, stakeholders."""

from __future__ import annotations

import typer

app = typer.Typer(help="Security culture: champions, awareness campaigns, stakeholders.", no_args_is_help=True)


@app.callback()
def _culture() -> None:
    """Security culture: champions, awareness campaigns, stakeholders."""
