"""accord csf ...: the NIST CSF 2.0 profile: catalogue, OSCAL, assessments, benchmark, gaps."""

from __future__ import annotations

import typer

app = typer.Typer(help="The NIST CSF 2.0 profile: catalogue, OSCAL, assessments, benchmark, gaps.", no_args_is_help=True)


@app.callback()
def _csf() -> None:
    """The NIST CSF 2.0 profile: catalogue, OSCAL, assessments, benchmark, gaps."""
