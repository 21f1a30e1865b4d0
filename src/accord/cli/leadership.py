"""accord leadership ...: leadership: the CISO's time, skills and mentoring, the technology radar."""

from __future__ import annotations

import typer

app = typer.Typer(help="Leadership: the CISO's time, skills and mentoring, the technology radar.", no_args_is_help=True)


@app.callback()
def _leadership() -> None:
    """Leadership: the CISO's time, skills and mentoring, the technology radar."""
