"""accord vulns ...: commands of the vulns domain."""

from __future__ import annotations

import typer

app = typer.Typer(help="vulns", no_args_is_help=True)
