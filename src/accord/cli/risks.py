"""accord risks ...: commands of the risks domain."""

from __future__ import annotations

import typer

app = typer.Typer(help="risks", no_args_is_help=True)
