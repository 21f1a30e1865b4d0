"""accord vendors ...: the vendor register: tiers, assessments, review cadence."""

from __future__ import annotations

import typer

app = typer.Typer(help="The vendor register: tiers, assessments, review cadence.", no_args_is_help=True)


@app.callback()
def _vendors() -> None:
    """The vendor register: tiers, assessments, review cadence."""
