"""accord steering ...: the steering committee: members, meetings, agenda, decisions, follow-ups."""

from __future__ import annotations

import typer

app = typer.Typer(help="The steering committee: members, meetings, agenda, decisions, follow-ups.", no_args_is_help=True)


@app.callback()
def _steering() -> None:
    """The steering committee: members, meetings, agenda, decisions, follow-ups."""
