"""accord patch ...: commands of the patch domain."""

from __future__ import annotations

import typer

app = typer.Typer(help="patch", no_args_is_help=True)
