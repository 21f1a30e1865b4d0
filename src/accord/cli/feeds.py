"""accord feeds ...: KEV and EPSS, loaded from files (Accord works offline)."""

from __future__ import annotations

import typer

app = typer.Typer(help="Threat feeds (CISA KEV, FIRST EPSS) loaded from files.", no_args_is_help=True)
